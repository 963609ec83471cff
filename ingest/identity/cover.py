"""Titles set on a cover or at the top of a first page.

A cover is a few short lines: letterhead and motto, the title block, perhaps a subtitle, a
date, "Prepared by ...". The title is the title-like block (short lines, no sentence) that
names a kind of document ("Policy", "Framework", "Plan", "Agenda", គោលនយោបាយ, ...), else the
first heading. A page full of running text is not a cover: there the first title-like block is
the heading of what follows (a news headline above its article).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.identity.bodies import bodies_in
from ingest.identity.boilerplate import is_boilerplate, is_noise
from ingest.identity.opening import Line
from ingest.identity.style import is_shouting, smart_case, tidy

__all__ = ["CoverTitle", "cover_title", "title_like"]

_KINDS = re.compile(
    r"\b(?:polic(?:y|ies)|framework|strateg(?:y|ic)|plan|blueprint|road\s?map|master\s?plan|"
    r"report|agenda|conference|forum|guidelines?|program(?:me)?|white\s+paper|charter|vision|"
    r"resolution|act|code|regulations?|manual|handbook|declaration|roadmap)\b"
    r"|គោលនយោបាយ|ផែនការ|យុទ្ធសាស្ត្រ|ក្របខណ្ឌ|របាយការណ៍|កម្មវិធី|សេចក្[តដ]ីណែនាំ|ចក្ខុវិស័យ",
    re.I,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_LINE = re.compile(
    rf"\b{_MONTH}\s*,?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?\d{{4}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"{_MONTH}|ngày\s+\d+\s+tháng|ថ្ងៃ(?:ទី)?\s*[០-៩\d]+.*ខែ|\b\d{{1,2}}:\d\d\b",
    re.I,
)
_CREDIT = re.compile(
    r"^(?:prepared|issued|published|compiled|developed|drafted)\s+by\b|^by\s", re.I
)
_PERIOD_ONLY = re.compile(
    r"^\(?(?:ឆ្នាំ\s*)?(?:19|20|១៩|២០)[\d០-៩]{2}(?:\s*[-–—]\s*(?:19|20|១៩|២០)[\d០-៩]{2})?\)?$"
)
#: A table-of-contents entry: "2. Vision ........ 5".
_LEADER = re.compile(r"(?:\.\s?){4,}\s*[\divxlc]+\s*$|…{2,}", re.I)
#: Front matter of a report: never its title.
_SECTION = re.compile(
    r"^(?:table\s+of\s+)?contents$|^(?:foreword|preface|acknowledge?ments?|abbreviations|acronyms|"
    r"executive\s+summary|summary|introduction|disclaimer)$|^មាតិកា$|^អារម្ភកថា$|^សេចក្[តដ]ីផ្តើម$",
    re.I,
)
#: a sentence ends inside the line ("... this week. We explain ..."): running text, however
#: short the line; "H.E." and "Dr." are no sentence ends (one lower-case letter at most)
_SENTENCE_INSIDE = re.compile(r"[a-z]{2}[.!?]\s+[A-Z]")
COVER_MAX_LINES = 25
COVER_MAX_CHARS = 1200
MAX_BLOCK_LINES = 4
#: a heading line this long that stops mid-phrase may wrap onto the next line
WRAPPED_MIN_CHARS = 40


@dataclass(frozen=True)
class CoverTitle:
    text: str
    #: index of the block's first line among the opening lines
    start: int


def _is_date_line(text: str) -> bool:
    return len(text) <= 80 and bool(_DATE_LINE.search(text))


def _is_body_line(text: str) -> bool:
    """A line that is only an organisation's name (letterhead), not a title naming one."""
    found = bodies_in(text)
    return bool(found) and len(text) <= len(found[0].name) + 12 and not _KINDS.search(text)


def title_like(text: str) -> bool:
    """Short, not a sentence, not letterhead, motto, page number, date or credit line."""
    if not text or is_noise(text) or is_boilerplate(text) or _is_date_line(text):
        return False
    if _SECTION.match(text.strip(" .:")) or _LEADER.search(text):
        return False
    if _CREDIT.match(text) or text[0] in "\"“'‘(-•*" or text[0].islower() or _is_body_line(text):
        return False
    words = text.split()
    return (
        len(text) <= 120
        and len(words) <= 20
        and not _SENTENCE_INSIDE.search(text)
        and not text.endswith("។")
        and not (text.endswith(".") and len(words) > 8)
    )


def _blocks(lines: Sequence[Line]) -> list[list[Line]]:
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if current and _PERIOD_ONLY.match(line.text):
            current.append(line)  # "2022-2035" under its title
        elif title_like(line.text):
            current.append(line)
            continue
        if current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _compose(block: Sequence[Line], known: str) -> str:
    texts = [line.text for line in block[:MAX_BLOCK_LINES]]
    caps = [is_shouting(t) or _PERIOD_ONLY.match(t) is not None for t in texts]
    if caps[0] and not all(caps):  # "GOVTECH CONFERENCE 2024" / "Towards a Smart Government"
        split = caps.index(False)
        head = smart_case(" ".join(texts[:split]), known)
        return tidy(f"{head}: {' '.join(texts[split:])}")
    return tidy(smart_case(" ".join(texts), known))


def _is_cover(lines: Sequence[Line]) -> bool:
    filled = [line.text for line in lines if line.text]
    return len(filled) <= COVER_MAX_LINES and sum(map(len, filled)) <= COVER_MAX_CHARS


def _skippable(text: str) -> bool:
    return (
        not text
        or bool(_SECTION.match(text.strip(" .:")) or _LEADER.search(text))
        or is_noise(text)
        or is_boilerplate(text)
        or _is_date_line(text)
        or bool(_CREDIT.match(text))
        or _is_body_line(text)
    )


def _heading(on_page: Sequence[Line], known: str) -> CoverTitle | None:
    """Running text: its first real line, with the caps lines that continue it (a heading set
    in capitals wraps) and one subtitle under them."""
    filled = [ln for ln in on_page if not _skippable(ln.text)]
    if not filled:
        return None
    first = filled[0]
    if not title_like(first.text):
        return CoverTitle(tidy(first.text, limit=200), first.index)
    block = [first]
    following = on_page[first.index - on_page[0].index + 1 :]
    for line in following:
        if len(block) >= MAX_BLOCK_LINES or not is_shouting(block[-1].text):
            break
        if not (title_like(line.text) or _PERIOD_ONLY.match(line.text)):
            break
        block.append(line)
    if len(block) == 1 and following and _wraps_into(first.text, following[0].text):
        block.append(following[0])
    return CoverTitle(_compose(block, known), first.index)


def _wraps_into(first: str, following: str) -> bool:
    """Whether a mixed-case heading continues on the next line: "6 things you need to know
    about the Digital Government" / "Blueprint". The first line is long and stops mid-phrase
    (no closing punctuation); the next is a shorter title-like line, not a date or a lead-in
    ("Takeo Province:")."""
    return (len(first) >= WRAPPED_MIN_CHARS and first[-1].isalnum()
            and title_like(following) and not following.endswith(":")
            and len(following) < len(first) and len(first) + len(following) <= 160)


def cover_title(lines: Sequence[Line]) -> CoverTitle | None:
    """The title block of a cover (the first page that has one: a blank page may come first),
    else the heading of the first page's running text; None for an opening without words."""
    known = " ".join(line.text for line in lines)
    for page in dict.fromkeys(line.page for line in lines):
        on_page = [line for line in lines if line.page == page]
        if not _is_cover(on_page):
            if found := _heading(on_page, known):
                return found
            continue
        blocks = [
            b for b in _blocks(on_page) if sum(ch.isalpha() for ln in b for ch in ln.text) >= 4
        ]
        named = [b for b in blocks if any(_KINDS.search(ln.text) for ln in b)]
        if named:
            return CoverTitle(_compose(named[0], known), named[0][0].index)
        if found := _heading(on_page, known):  # no block says what it is: the first heading
            return found
    return None
