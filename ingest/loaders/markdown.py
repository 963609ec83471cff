"""Markdown loader: YAML front matter becomes metadata, the body stays Markdown for the chunker.

Headings are kept because the chunker splits on ``#`` lines; image lines and raw HTML tags are
dropped because they are markup, not policy text, and would only add noise to embeddings.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

import yaml

from core.errors import DocumentParseError
from core.models import Page, ParsedDocument
from ingest.loaders.text import decode_text, read_bytes
from ingest.loaders.yaml_bounds import check_yaml_size
from ingest.metadata import normalize_date, normalize_language

logger = logging.getLogger(__name__)

_FENCE_RE = re.compile(r"^[ \t]*(?:---|\.\.\.)[ \t]*$")
_IMAGE_RE = re.compile(r"!\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_HTML_BLOCK_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^>\s]+)>", re.I)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_SETEXT_RE = re.compile(r"^([^\s#|].*)\n(=+|-+)[ \t]*$", re.M)
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_CODE_FENCE_RE = re.compile(r"^[ \t]*(```|~~~)")
# A line that is only links to the page's own headings ("- [4.1 Digital Literacy](#41-digital-
# literacy)"): a table of contents. It repeats every heading's words and states nothing.
_ANCHOR_LINKS_RE = re.compile(r"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?"
                              r"(?:\[[^\]\n]+\]\(#[^)\s]*\)[ \t,;|]*)+$")
_LANG_KEYS = ("lang", "language")


def split_front_matter(text: str, path: Path | str) -> tuple[dict[str, Any], str]:
    """Split ``---`` YAML front matter from the body; errors name the file line of the YAML fault."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if _FENCE_RE.match(lines[end]):
            break
    else:
        raise DocumentParseError(path, "front matter opened with '---' on line 1 is never closed")
    raw = "\n".join(lines[1:end])
    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.MarkedYAMLError as exc:
        # +2: marks are 0-based and the YAML starts on the file's second line.
        line = exc.problem_mark.line + 2 if exc.problem_mark else "?"
        reason = f"malformed YAML front matter at line {line}: {exc.problem or exc}"
        if exc.context and exc.context_mark and exc.context_mark.line + 2 != line:
            reason += f" ({exc.context} started at line {exc.context_mark.line + 2})"
        raise DocumentParseError(path, reason) from exc
    except yaml.YAMLError as exc:
        raise DocumentParseError(path, f"malformed YAML front matter: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DocumentParseError(path, "front matter is not a list of 'key: value' lines")
    check_yaml_size(data, path, "the YAML front matter")
    return data, "\n".join(lines[end + 1 :])


def front_matter_metadata(data: dict[str, Any], path: Path | str) -> tuple[dict[str, Any], list[str]]:
    """Front-matter keys as metadata: dates to ISO strings, ``lang`` to ``language``."""
    meta: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in data.items():
        key = str(key)
        if key in _LANG_KEYS:
            if value:
                meta["language"] = normalize_language(value)
        elif key == "date":
            iso = normalize_date(value)
            if iso is None and value not in (None, ""):
                warnings.append(f"front matter date {value!r} is not a recognisable date; ignored")
            meta["date"] = iso
        elif isinstance(value, dt.date):
            meta[key] = normalize_date(value)
        elif key == "title" and value is not None:
            meta["title"] = " ".join(str(value).split())
        else:
            meta[key] = value
    for warning in warnings:
        logger.warning("%s: %s", path, warning)
    return meta, warnings


def clean_markdown_body(body: str) -> str:
    """Drop images, raw HTML tags and table-of-contents lines (not code blocks), unescape
    ``\\*``, keep headings."""
    body = _HTML_BLOCK_RE.sub("", body)
    out: list[str] = []
    in_code = False
    for line in body.split("\n"):
        if _CODE_FENCE_RE.match(line):
            in_code = not in_code
            out.append(line)
            continue
        if in_code:
            out.append(line)
            continue
        if _ANCHOR_LINKS_RE.match(line):
            continue
        had_markup = bool(_IMAGE_RE.search(line) or _TAG_RE.search(line))
        line = _IMAGE_RE.sub("", line)
        line = _AUTOLINK_RE.sub(r"\1", line)
        line = _TAG_RE.sub("", line)
        line = _ESCAPE_RE.sub(r"\1", line)
        if had_markup and not line.strip():
            continue  # a line that was only an image or tags: drop it, not leave a blank
        out.append(line.rstrip())
    text = _SETEXT_RE.sub(lambda m: ("# " if m.group(2)[0] == "=" else "## ") + m.group(1).strip(),
                          "\n".join(out))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _first_heading(body: str) -> str | None:
    match = re.search(r"^#{1,6}\s+(.+?)\s*#*\s*$", body, re.M)
    return match.group(1).strip() if match else None


def parse_markdown(text: str, path: Path | str) -> ParsedDocument:
    """One document from Markdown source text."""
    data, body = split_front_matter(text, path)
    meta, warnings = front_matter_metadata(data, path)
    cleaned = clean_markdown_body(body)
    if not cleaned.strip():
        raise DocumentParseError(path, "no text after the front matter")
    if not meta.get("title"):
        heading = _first_heading(cleaned)
        if heading:
            meta["title"] = heading
    return ParsedDocument(
        pages=[Page(number=1, text=cleaned, method="text")], metadata=meta, warnings=warnings
    )


def load_markdown(path: Path) -> list[ParsedDocument]:
    """Loader for ``.md`` / ``.markdown`` files."""
    return [parse_markdown(decode_text(read_bytes(path), path), path)]
