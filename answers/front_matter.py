"""Who prepared a policy and when it was signed: statements of its front matter, cited.

"Which body prepared the Cambodia Digital Economy and Society Policy Framework?" is answered
by one line on the policy's second page ("Prepared by the Supreme National Economic
Council"), and "When was the Digital Government Policy signed?" by the dateline of its
preface ("Phnom Penh, January 28, 2022" over "Prime Minister"). Retrieval cannot find these
lines: every passage of the policy holds its title, and the lines' only other words are
"prepared" or a date. The catalog's values are not the answer either: its issuing body is the
adopter (the Royal Government), not the preparer, and its date may come from the file. So for
a question that asks this of a policy it names, the first pages of that policy are read for
the statement, which is quoted with its exact span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from index.evidence import EvidenceSentence
from index.hits import build_hit
from index.search_types import ScoreBreakdown

__all__ = ["PREPARED", "SIGNED", "Statement", "StatementKind", "asked_statement",
           "asks_when_signed", "asks_who_prepared", "front_matter_evidence",
           "preparer_statements", "signed_statements"]

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
_PREPARED = re.compile(
    r"(?im)^[ \t]*(?:prepared|drafted|compiled|developed|written|produced)[ \t]+by\b"
    r"(?:[ \t]*\S[^\n]{2,150}|[ \t]*\n[ \t]*\S[^\n]{2,150})"
    r"|^[ \t]*(?:រៀបចំ|តាក់តែង)ដោយ[^\n]{0,150}(?:\n[ \t]*\S[^\n]{2,150})?"
)

# "when was it signed", and "on what date did the Prime Minister sign it"
_SIGNED_VERB = (r"(?:adopted|approved|signed|issued|promulgated|enacted|endorsed|launched|dated"
                r"|adopt|approve|sign|issue|promulgate|enact|endorse)")
_ASKS_WHEN = re.compile(
    rf"\bwhen\b(?:\W+\w+){{0,8}}?\W+{_SIGNED_VERB}\b"
    rf"|\b(?:what|which)\s+(?:date|day|year|month)\b(?:\W+\w+){{0,8}}?\W+{_SIGNED_VERB}\b"
    rf"|\b(?:in|on)\s+(?:what|which)\s+(?:date|day|year|month)\b(?:\W+\w+){{0,8}}?\W+"
    rf"{_SIGNED_VERB}\b",
    re.IGNORECASE,
)
_KHMER_WHEN = re.compile("(?:ពេលណា|ថ្ងៃណា|ឆ្នាំណា|កាលណា).*(?:អនុម័ត|ចុះហត្ថលេខា|ចេញ|ប្រកាស|ដាក់ឱ្យប្រើ)"
                         "|(?:អនុម័ត|ចុះហត្ថលេខា|ចេញ|ប្រកាស|ដាក់ឱ្យប្រើ).*(?:ពេលណា|ថ្ងៃណា|ឆ្នាំណា|កាលណា)")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# a dateline: "Phnom Penh, January 28, 2022" alone on its line, then who signed ("Prime
# Minister"); a news item's "Phnom Penh, On the morning of ..." runs on and is not one
_SIGNED = re.compile(
    rf"(?m)^[ \t]*[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){{0,3}},[ \t]+"
    rf"(?:{_MONTH}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+{_MONTH}[ \t]+\d{{4}})[ \t]*\n"
    r"(?:[ \t]*\n)?[ \t]*\S[^\n]{2,80}"
)


@dataclass(frozen=True)
class Statement:
    """A front-matter statement: its page and exact span in the page text."""

    page: int
    start: int
    end: int


@dataclass(frozen=True)
class StatementKind:
    """What a question asks of a policy's front matter, and where to read it."""

    find: Callable[[Iterable[tuple[int, str]]], list[Statement]]
    pages: int  # the first pages it can be on


def asks_who_prepared(question: str) -> bool:
    """Whether the question asks who prepared (drafted, wrote, ...) something."""
    return bool(_ENGLISH.search(question) or _KHMER.search(question))


def asks_when_signed(question: str) -> bool:
    """Whether the question asks when something was adopted, signed or issued."""
    return bool(_ASKS_WHEN.search(question) or _KHMER_WHEN.search(question))


def _statements(pattern: re.Pattern[str], pages: Iterable[tuple[int, str]]) -> list[Statement]:
    found: list[Statement] = []
    for page, text in pages:
        for match in pattern.finditer(text):
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            found.append(Statement(page, start, match.end()))
    return found


def preparer_statements(pages: Iterable[tuple[int, str]]) -> list[Statement]:
    """The "Prepared by ..." statements on the given ``(page, text)`` pairs, in page order."""
    return _statements(_PREPARED, pages)


def signed_statements(pages: Iterable[tuple[int, str]]) -> list[Statement]:
    """The datelines with who signed under them ("Phnom Penh, January 28, 2022 / Prime
    Minister"), in page order: the first is the foreword of the highest signatory."""
    return _statements(_SIGNED, pages)


#: a cover, inside cover or title page is within the first four; forewords within ten
PREPARED = StatementKind(preparer_statements, 4)
SIGNED = StatementKind(signed_statements, 10)


def asked_statement(question: str) -> StatementKind | None:
    """The front-matter statement the question asks for, if any."""
    if asks_who_prepared(question):
        return PREPARED
    if asks_when_signed(question):
        return SIGNED
    return None


def front_matter_evidence(doc_id: str, kind: StatementKind, catalog: Any,
                          analyze_word: Callable[[str], Any]) -> EvidenceSentence | None:
    """The first statement of that kind in the document's first pages as evidence: its
    exact span, on the passage that holds it (or the page's first passage)."""
    doc = catalog.get_document(doc_id)
    if doc is None:
        return None
    pages = {n: record for n in range(1, min(doc.n_pages, kind.pages) + 1)
             if (record := catalog.page(doc_id, n)) is not None}
    statements = kind.find((n, record.text) for n, record in pages.items())
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
