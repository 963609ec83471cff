"""A document's title: what the file says it is called, else what its first page says.

Order, most trusted first: the title the loader read from the file itself (front matter, HTML
``<title>`` minus the site name, first Markdown heading, PDF/DOCX properties) unless it is
letterhead or junk; a legal instrument's "<instrument> on <subject>"; the title block of a
cover or first page; the first real line; and for unreadable text a title made from the file
name. Sidecars and manifests override all of it (see ``ingest.metadata``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.models import Page, pages_text
from ingest.identity.bodies import bodies_in
from ingest.identity.boilerplate import is_boilerplate, is_noise, line_key
from ingest.identity.cover import cover_title
from ingest.identity.filename import filename_title
from ingest.identity.legal import Instrument, legal_title, match_instrument
from ingest.identity.ocr_repair import repair_title
from ingest.identity.opening import Line, opening_lines

__all__ = ["FoundTitle", "clean_loader_title", "filename_title", "find_title"]

_JUNK = re.compile(
    r"^(?:untitled|document\s*\d*|title|slide\s*\d+|page\s*\d+|new\s+document)$"
    r"|\.(?:docx?|pdf|pptx?|xlsx?|txt|html?|md)$",
    re.I,
)
_SITE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|·|»)\s+")
_SITE_WORDS = re.compile(
    r"\b(?:portal|website|official\s+site|home\s*page|blog)\b|\.(?:com|org|gov|net)\b|"
    r"\.[a-z]{2}$",
    re.I,
)


@dataclass(frozen=True)
class FoundTitle:
    text: str
    #: "loader", "legal", "cover" or "filename"
    source: str
    #: index of the title's first line among the opening lines; None when not read from them
    start: int | None = None
    instrument: Instrument | None = None


def _drop_site_name(title: str, context: str) -> str:
    """ "Blueprint | Smart Nation Singapore" -> "Blueprint": keep the part the page repeats as
    its heading, else drop parts that read as a site or organisation name."""
    parts = [p.strip() for p in _SITE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    opening = line_key(context)
    shown = [p for p in parts if len(line_key(p)) >= 4 and line_key(p) in opening]
    if len(shown) == 1:
        return shown[0]
    kept = [p for p in parts if not _SITE_WORDS.search(p) and not _is_only_a_body(p)]
    return max(kept, key=len) if kept and len(kept) < len(parts) else title


def _is_only_a_body(text: str) -> bool:
    found = bodies_in(text)
    return bool(found) and len(line_key(text)) <= len(line_key(found[0].name)) + 4


def clean_loader_title(title: str, context: str = "") -> str | None:
    """The loader's title when it is usable: not letterhead, not junk, not a bare instrument
    word ("NGHỊ QUYẾT"); an HTML title loses its site name. ``context`` is the opening text."""
    title = " ".join(str(title or "").split())
    if not title or _JUNK.search(title) or is_noise(title) or is_boilerplate(title):
        return None
    found = match_instrument(title)
    if found and not found[1].strip() and not found[0].label:  # "NGHỊ QUYẾT" alone
        return None
    return _drop_site_name(title, context)


def find_title(
    doc_id: str, loaded: str | None, pages: Sequence[Page], garbled: bool
) -> tuple[FoundTitle, list[Line]]:
    """The title and where it came from, plus the opening lines it was read from (the issuer
    rules look above the title for letterhead)."""
    lines = [] if garbled else opening_lines(pages)
    context = "\n".join(line.text for line in lines[:40])
    if title := clean_loader_title(loaded or "", context):
        return FoundTitle(title, "loader"), lines
    scanned = {page.number for page in pages if page.method == "ocr"}
    if legal := legal_title(lines):
        if lines[legal.start].page in scanned:
            legal = replace(legal, subject=repair_title(legal.subject, pages_text(pages)))
        return FoundTitle(legal.text, "legal", legal.start, legal.instrument), lines
    if cover := cover_title(lines):
        text = cover.text
        if lines[cover.start].page in scanned:
            text = repair_title(text, pages_text(pages))
        return FoundTitle(text, "cover", cover.start), lines
    return FoundTitle(filename_title(doc_id), "filename"), lines
