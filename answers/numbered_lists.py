"""A list question about a document the registry does not hold, answered from the document's
own numbered headings.

"What are the six strategies of Singapore's Digital Government Blueprint?", asked of an article
that says "We feature six strategies ..." and then heads each section "1. Integrating services
around your needs", "2. ...": the registry knows only Cambodia's reviewed policies, so the
question was answered with the article's opening sentences. A document's numbered headings are
its own list when they run 1, 2, 3 ... in order, each over its section (a line of text follows,
not the next number), and the text just before the first names the kind of item asked
("strategies") or the count asked ("six"). Each item cites the exact span of its heading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from answers.types import Answer, AnswerSentence, Citation

__all__ = ["NumberedHeading", "heading_list_answer", "numbered_runs"]

#: the nouns a list question asks for, as the text before a list would name them
_NOUNS = ("strategies|pillars|goals|objectives|priorities|principles|measures|actions|"
          "mechanisms|areas|components|phases|steps|points|things|initiatives|programmes|"
          "programs|themes|elements|thrusts|outcomes")
_ASKED_NOUN = re.compile(rf"\b({_NOUNS})\b", re.IGNORECASE)
_COUNTS = {w: n for n, w in enumerate("one two three four five six seven eight nine ten eleven "
                                       "twelve".split(), start=1)}
_ASKED_COUNT = re.compile(rf"\b(\d{{1,2}}|{'|'.join(_COUNTS)})\s+(?:\w+\s+)?(?:{_NOUNS})\b",
                          re.IGNORECASE)
# "What are the six strategies ...", "List the priorities ...", "Which are its pillars?"
_ASKS_LIST = re.compile(r"\b(?:what|which)\s+(?:are|were)\b|\b(?:list|name|enumerate)\s+(?:the|its|all)\b",
                        re.IGNORECASE)
_TITLE_LINE = re.compile(r"^(\d{1,2})[.)]\s+([A-Z][^.!?;:]{3,100})$")
_ITEM_MARK = re.compile(r"^(?:\d{1,2}[.)]|[-*•▪●◦\uf000-\uf8ff])\s")
MIN_ITEMS = 3
#: how much text before the first heading may say what the list is (characters)
LEAD_CHARS = 600
MAX_PAGES = 60


@dataclass(frozen=True)
class NumberedHeading:
    number: int
    title: str
    page: int
    start: int  # offsets of the heading line in its page's text
    end: int
    quote: str  # the page's own text of the line: ``page_text[start:end]``
    lead: str  # the text before it on its page (what introduces the list, for the first)


def numbered_runs(pages: Iterable[tuple[int, str]]) -> list[list[NumberedHeading]]:
    """Runs of numbered title lines, 1, 2, 3 ... in order across ``pages`` (number, text),
    each followed by the text of its section (``_opens_section``): headings over sections,
    not the items of one list."""
    lines: list[tuple[int, int, int, str, str]] = []  # page, start, end, line, page text
    for number, text in pages:
        offset = 0
        for raw in text.split("\n"):
            if raw.strip():
                lead = len(raw) - len(raw.lstrip())
                lines.append((number, offset + lead, offset + len(raw.rstrip()), raw.strip(), text))
            offset += len(raw) + 1
    runs: list[list[NumberedHeading]] = []
    current: list[NumberedHeading] = []
    for i, (page, start, end, line, text) in enumerate(lines):
        m = _TITLE_LINE.match(line)
        following = lines[i + 1][3] if i + 1 < len(lines) else ""
        if not m or not _opens_section(following):
            continue
        heading = NumberedHeading(int(m.group(1)), m.group(2).strip(), page, start, end,
                                  text[start:end], text[:start])
        if heading.number == 1:
            if len(current) >= MIN_ITEMS:
                runs.append(current)
            current = [heading]
        elif current and heading.number == current[-1].number + 1:
            current.append(heading)
    if len(current) >= MIN_ITEMS:
        runs.append(current)
    return runs


def _opens_section(following: str) -> bool:
    """Whether the line after a numbered line is the text of a section under it: a new
    sentence, not another item of a list ("2. Human capacity building ...") nor the rest of
    a wrapped sentence ("infrastructure, ...")."""
    return bool(following) and not _ITEM_MARK.match(following) and (
        following[0].isupper() or following[0] in "\"'“‘(")


def _asked(question: str) -> tuple[str | None, int | None]:
    noun = _ASKED_NOUN.search(question)
    count = _ASKED_COUNT.search(question)
    number = None
    if count:
        word = count.group(1).lower()
        number = int(word) if word.isdigit() else _COUNTS[word]
    return (noun.group(1).lower() if noun else None), number


def _introduced(run: list[NumberedHeading], noun: str | None, count: int | None) -> bool:
    """Whether the text before the first heading says what the list is: the noun asked
    ("strategies", singular or plural) or, when the question counts, the count."""
    lead = run[0].lead[-LEAD_CHARS:].lower()
    stem = noun[:-3] if noun and noun.endswith("ies") else (noun or "")[:-1]
    named = bool(stem) and stem in lead
    counted = count is not None and count == len(run) and (
        str(count) in lead or any(w in lead for w, n in _COUNTS.items() if n == count))
    return named or counted


def heading_list_answer(question: str, doc_id: str, title: str,
                        page_texts: Callable[[str], Iterable[tuple[int, str]]]) -> Answer | None:
    """The document's numbered headings as the answer to an English list question ("What are
    the six strategies ...?"), or None when the question asks for no list of such items or
    the document has no run its text introduces as what is asked (``page_texts(doc_id)``: its
    pages' numbers and texts)."""
    noun, count = _asked(question)
    if noun is None or not _ASKS_LIST.search(question):
        return None
    runs = [r for r in numbered_runs(page_texts(doc_id))
            if (count is None or len(r) == count) and _introduced(r, noun, count)]
    if not runs:
        return None
    run = max(runs, key=len)
    source = f"{title}: {len(run)} {noun or 'items'}"
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for item in run:
        citation_id = len(citations) + 1
        citations.append(Citation(id=citation_id, doc_id=doc_id, title=title, page=item.page,
                                  start=item.start, end=item.end, quote=item.quote,
                                  language="en"))
        text = f"{item.number}. {item.title} (p. {item.page})"
        sentences.append(AnswerSentence(f"{source} — {text}" if not sentences else text,
                                        [citation_id], "en",
                                        source=source if not sentences else None))
    return Answer(question=question, language="en", mode="extractive", found=True,
                  answer=" ".join(f"{s.text} [{s.citations[0]}]" for s in sentences),
                  sentences=sentences, citations=citations)
