"""Page preparation: the lines extraction reads, without running headers and contents pages."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from alignment.registry.extraction.patterns import MD_HEADING, fold
from alignment.registry.extraction.raw import Line, PageLike
from alignment.registry.extraction.toc import is_toc_page
from ingest.khmer.script import KHMER_CLASS


def _header_key(line: str) -> str:
    return re.sub(f"[^a-z{KHMER_CLASS}]", "", line.lower())


def prepare_lines(pages: Sequence[PageLike]) -> tuple[list[Line], list[list[str]], dict[int, int]]:
    """Kept lines in reading order, the TOC pages' lines, and each page's first content offset."""
    split: list[tuple[int, list[tuple[int, str]]]] = []
    for page in pages:
        out, pos = [], 0
        for raw in page.text.split("\n"):
            stripped = raw.strip()
            start = pos + (len(raw) - len(raw.lstrip()))
            hashes = MD_HEADING.match(stripped)  # Markdown "## Goal 1": read the heading
            if hashes and stripped[hashes.end():]:
                start += hashes.end()
                stripped = stripped[hashes.end():]
            if stripped:
                out.append((start, stripped))
            pos += len(raw) + 1
        split.append((page.page, out))
    # running headers: a line among the first four of at least three pages
    tops: Counter[str] = Counter()
    for _, lines in split:
        seen = {_header_key(text) for _, text in lines[:4]}
        tops.update(k for k in seen if len(k) >= 4)
    headers = {k for k, n in tops.items() if n >= 3}
    kept: list[Line] = []
    toc: list[list[str]] = []
    first: dict[int, int] = {}
    for number, lines in split:
        texts = [t for _, t in lines]
        if is_toc_page(texts):
            toc.append(texts)
            first[number] = 10**9
            continue
        stripped_keys: set[str] = set()
        start = 0
        for _, text in lines[:4]:
            key = _header_key(text)
            if key in headers and key not in stripped_keys:
                stripped_keys.add(key)
                start += 1
            else:
                break
        body = lines[start:]
        first[number] = body[0][0] if body else 10**9
        kept.extend(Line(number, off, text, fold(text)) for off, text in body)
    return kept, toc, first
