"""Who prepared a policy: the "Prepared by ..." statement of its front matter, cited.

"Which body prepared the Cambodia Digital Economy and Society Policy Framework?" is answered
by one line on the policy's second page ("Prepared by the Supreme National Economic
Council"). Retrieval cannot find it: every passage of the policy holds its title, and the
line's only other word is "prepared". The issuing body of the catalog is not the answer
either: the Royal Government adopts what a council or ministry prepares. So for a question
that asks who prepared (drafted, wrote, compiled, developed) a policy it names, the first
pages of that policy are read for the statement, which is quoted with its exact span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from index.evidence import EvidenceSentence
from index.hits import build_hit
from index.search_types import ScoreBreakdown

__all__ = ["FRONT_PAGES", "Statement", "asks_who_prepared", "preparer_evidence",
           "preparer_statements"]

#: the pages a cover, inside cover or title page can be on
FRONT_PAGES = 4

_VERB = r"(?:prepared|drafted|wrote|written|compiled|authored|developed|produced)"
_BODY = (r"(?:body|bodies|ministry|ministries|institution|organi[sz]ation|agency|council|"
         r"committee|department|team|group|office|authority|government)")
_ENGLISH = re.compile(
    rf"\b(?:who|whom)\b(?:\W+\w+){{0,4}}?\W+{_VERB}\b"
    rf"|\b(?:which|what)\s+(?:\w+\s+)?{_BODY}\b(?:\W+\w+){{0,4}}?\W+{_VERB}\b"
    rf"|\b{_VERB}\s+by\s+(?:whom|which|what)\b",
    re.IGNORECASE,
)
# Khmer: "who / which body ... prepared" (រៀបចំ, តាក់តែង) in either order
_KHMER_WHO = "(?:នរណា|អ្នកណា|ស្ថាប័នណា|ក្រសួងណា|អង្គភាពណា|ក្រុមប្រឹក្សាណា)"
_KHMER = re.compile(f"{_KHMER_WHO}.*(?:រៀបចំ|តាក់តែង)|(?:រៀបចំ|តាក់តែង).*{_KHMER_WHO}")
# the statement: the verb and "by" open a line; the body follows on it or on the next line
_STATEMENT = re.compile(
    r"(?im)^[ \t]*(?:prepared|drafted|compiled|developed|written|produced)[ \t]+by\b"
    r"(?:[ \t]*\S[^\n]{2,150}|[ \t]*\n[ \t]*\S[^\n]{2,150})"
    r"|^[ \t]*(?:រៀបចំ|តាក់តែង)ដោយ[^\n]{0,150}(?:\n[ \t]*\S[^\n]{2,150})?"
)


@dataclass(frozen=True)
class Statement:
    """A "Prepared by ..." statement: its page and exact span in the page text."""

    page: int
    start: int
    end: int


def asks_who_prepared(question: str) -> bool:
    """Whether the question asks who prepared (drafted, wrote, ...) something."""
    return bool(_ENGLISH.search(question) or _KHMER.search(question))


def preparer_statements(pages: Iterable[tuple[int, str]]) -> list[Statement]:
    """The "Prepared by ..." statements on the given ``(page, text)`` pairs, in page order."""
    found: list[Statement] = []
    for page, text in pages:
        for match in _STATEMENT.finditer(text):
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            found.append(Statement(page, start, match.end()))
    return found


def preparer_evidence(doc_id: str, catalog: Any, analyze_word: Callable[[str], Any],
                      ) -> EvidenceSentence | None:
    """The first "Prepared by ..." statement of the document's front pages as evidence:
    its exact span, on the passage that holds it (or the page's first passage)."""
    doc = catalog.get_document(doc_id)
    if doc is None:
        return None
    pages = {n: record for n in range(1, min(doc.n_pages, FRONT_PAGES) + 1)
             if (record := catalog.page(doc_id, n)) is not None}
    statements = preparer_statements((n, record.text) for n, record in pages.items())
    if not statements:
        return None
    said = statements[0]
    on_page = [c for c in catalog.chunks_of(doc_id) if c.page == said.page]
    chunk = next((c for c in on_page if c.start <= said.start < c.end),
                 on_page[0] if on_page else None)
    if chunk is None:
        return None
    record = pages[said.page]
    hit = replace(build_hit(chunk, doc, [], ScoreBreakdown(fused=1.0), analyze_word),
                  page_label=record.label)
    return EvidenceSentence(hit, said.start, said.end, record.text[said.start:said.end],
                            doc.language, frozenset(), score=1.0)
