"""How a report cites its evidence: document title and the page number printed on the page
(what a reader finds in the paper copy), with the PDF page the index counts beside it."""

from __future__ import annotations

import re

from alignment.types import EvidenceQuote

# "Cambodia Digital Government Policy 2022-2035  Page 36"
_PAGE_WORD = re.compile(r"\bpage\s+(?P<n>[0-9]{1,4}|[ivxlc]{1,6})\s*$", re.IGNORECASE)
# a spaced-out running header ending in its number: "3 .  P O L I C Y  F R A M E W O R K    42"
_HEADER_NUMBER = re.compile(r"\S\s{3,}(?P<n>[0-9]{1,4})\s*$")
_EDGE_LINES = 3


def printed_page(text: str) -> str | None:
    """The page number printed in the page's running header or footer, if it has one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in [*lines[:_EDGE_LINES], *lines[-_EDGE_LINES:]]:
        if len(line) > 150:
            continue
        found = _PAGE_WORD.search(line) or _HEADER_NUMBER.search(line)
        if found:
            return found.group("n")
    return None


def cite(quote: EvidenceQuote, title: str | None) -> str:
    """``Cambodia Digital Government Policy 2022-2035, p. 36 (PDF p. 48)``; a document
    re-ingested with new content is cited by version: ``..., version 2, p. 36 (PDF p. 48)``."""
    where = (f"p. {quote.printed_page} (PDF p. {quote.page})"
             if quote.printed_page and quote.printed_page != str(quote.page) else f"p. {quote.page}")
    if quote.version and quote.version > 1:
        where = f"version {quote.version}, {where}"
    return f"{title or quote.doc_id}, {where}"


def quoted(quote: EvidenceQuote) -> str:
    """The evidence as a reader should see it: a table row as its columns, else the quote."""
    if quote.row is not None:
        return f"Priority action {quote.row.number}: {quote.row.cells()}"
    return " ".join(quote.quote.split())
