"""Recognise the structure policy documents are written in: headings and numbered items.

Ministries number everything ("Strategy 3", "Goal 2", "1-", "មាត្រា ៥"); those lines are where a
reader's context changes, so chunks start there and carry the heading path with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# keyword -> heading level (1 = outermost)
_KEYWORD_LEVELS: dict[str, int] = {
    "chapter": 1, "part": 1, "book": 1, "annex": 1, "appendix": 1,
    "ជំពូក": 1, "ឧបសម្ព័ន្ធ": 1, "ភាគ": 1,
    "section": 2, "goal": 2, "strategic goal": 2, "pillar": 2, "vision": 2, "mission": 2,
    "introduction": 2, "background": 2, "conclusion": 2, "preamble": 2,
    "preface": 2, "foreword": 2, "executive summary": 2, "abbreviations": 2, "acronyms": 2,
    "acknowledgements": 2, "acknowledgments": 2, "glossary": 2, "references": 2,
    "ផ្នែក": 2, "គោលដៅ": 2, "គោលដៅយុទ្ធសាស្ត្រ": 2, "សេចក្តីផ្តើម": 2, "សេចក្ដីផ្ដើម": 2,
    "ចក្ខុវិស័យ": 2, "បេសកកម្ម": 2, "សេចក្តីសន្និដ្ឋាន": 2, "សេចក្ដីសន្និដ្ឋាន": 2,
    "strategy": 3, "objective": 3, "mechanism": 3, "policy measure": 3, "sub-section": 3,
    "យុទ្ធសាស្ត្រ": 3, "យន្តការ": 3, "គោលបំណង": 3,
    "measure": 4, "priority action": 4, "action": 4, "article": 4,
    "វិធានការ": 4, "សកម្មភាពអាទិភាព": 4, "មាត្រា": 4,
}
_KEYWORDS = sorted(_KEYWORD_LEVELS, key=len, reverse=True)
_NUMBER = (r"(?:[0-9]{1,3}(?:\.[0-9]{1,3})*|[០-៩]{1,3}|[IVXLC]{1,6}|one|two|three|four|five|six|seven"
           r"|eight|nine|ten|(?-i:[A-H])(?=\s*(?:[:.)\-–—]|$)))")  # "Appendix A: ..."
_KEYWORD_HEADING = re.compile(
    r"^(?P<kw>" + "|".join(re.escape(k) for k in _KEYWORDS) + r")(?:\s*ទី)?\s*"
    r"(?P<num>" + _NUMBER + r")?\s*(?P<sep>[:.\-–—)៖]|\s|$)",
    re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>\S.*)$")
_NUMBERED_ITEM = re.compile(
    r"^\s*(?:\(?(?:[0-9]{1,3}|[០-៩]{1,3}|[a-z]|[ivx]{1,4})\s*[-.)–]|[0-9]{1,2}\.[0-9]{1,2}\.?)\s*\S",
    re.IGNORECASE,
)
_DOT_LEADER = re.compile(r"(?:\.{3,}|…{2,}|_{3,})\s*[0-9០-៩ivx]*\s*$", re.IGNORECASE)
# "3-STATUS OF DIGITAL GOVERNMENT", "2.1-Definition", "7.2 Strategic Goal 2: Building ..."
_NUMBERED_SECTION = re.compile(
    r"^(?P<num>[0-9]{1,2}(?:\.[0-9]{1,2}){0,3})(?P<sep>\.?\s*[-–.)]?)\s*(?P<title>[A-Z][^\n]*)$")
# a contents line without dot leaders: a title, a gap (or tab), its page number
_TOC_NUMBER = re.compile(r"\S(?:\s{2,}|\t)(?:[0-9]{1,4}|[ivxlc]{1,6})\s*$", re.IGNORECASE)
_CONTENTS_TITLE = re.compile(r"^(?:table\s+of\s+)?contents\b|^មាតិកា", re.IGNORECASE)


@dataclass(frozen=True)
class LineRole:
    kind: str  # "heading" | "item" | "text" | "blank"
    level: int = 0
    title: str = ""


def _is_heading_match(line: str, kw: re.Match[str]) -> bool:
    """A keyword opens a heading only when numbered, alone, or followed by a colon.

    "Strategy 3: ..." and "Introduction" are headings; "Part of the budget ..." is not.
    """
    if kw.group("num"):
        return True
    rest = line[kw.end("kw") :].strip()
    return not rest or rest[0] in ":៖" or line.isupper()


def classify_line(line: str) -> LineRole:
    """Say whether a line is a heading (with its level), a numbered item, text or blank."""
    stripped = line.strip()
    if not stripped:
        return LineRole("blank")
    md = _MARKDOWN_HEADING.match(stripped)
    if md:
        return LineRole("heading", len(md.group("hashes")), md.group("title").strip(" #"))
    if _DOT_LEADER.search(stripped):
        return LineRole("text")  # a table-of-contents line, not a heading
    short = len(stripped) <= 120 and len(stripped.split()) <= 18
    kw = _KEYWORD_HEADING.match(stripped)
    if kw and short and _is_heading_match(stripped, kw):
        return LineRole("heading", _KEYWORD_LEVELS[kw.group("kw").lower()], stripped)
    level = _numbered_section_level(stripped)
    if level:
        return LineRole("heading", level, stripped)
    if _NUMBERED_ITEM.match(stripped):
        return LineRole("item")
    return LineRole("text")


def _numbered_section_level(line: str) -> int:
    """The level of a numbered section title ("3-STATUS OF ..." is 1, "2.1-Definition" is 2),
    or 0. An undotted number needs an all-capitals title: "1. Develop a policy" is a list item.
    """
    m = _NUMBERED_SECTION.match(line)
    if not m:
        return 0
    title, depth = m.group("title").strip(), m.group("num").count(".") + 1
    words = title.split()
    if len(title) > 110 or len(words) > 14 or title[-1] in ".;" or not any(c.isalpha() for c in title):
        return 0
    if title[-1] == "," and not title.isupper():  # a wrapped capitals title ends in a comma
        return 0
    if depth == 1 and not (title.isupper() and len(title) >= 4 and m.group("sep").strip()):
        return 0
    return depth


def runs_into(previous: str, line: str) -> bool:
    """Whether ``line``, numbered like a section ("11.82. In this regard, ..."), is the rest
    of the sentence ``previous`` left open ("... the average of other countries which is"):
    a figure that wrapped to a line's start, not a heading. A heading follows a line that
    ends a sentence, a title or a blank."""
    before = previous.rstrip()
    return bool(before) and line.lstrip()[:1].isdigit() and (
        before[-1].islower() or before[-1] == ",")


def is_toc_line(line: str) -> bool:
    """A table-of-contents entry: a title with dot leaders or a spaced page number."""
    stripped = line.strip()
    return bool(_DOT_LEADER.search(stripped) or _TOC_NUMBER.search(stripped))


def is_contents_page(lines: list[str]) -> bool:
    """A table of contents (titled so, or mostly entries with page numbers): its lines name
    headings of other pages, so none of them is a heading here."""
    content = [line.strip() for line in lines if line.strip()]
    if not content:
        return False
    if any(_CONTENTS_TITLE.match(line) for line in content[:4]):
        return True
    entries = sum(1 for line in content if is_toc_line(line))
    return entries >= 3 and entries >= 0.3 * len(content)


class HeadingPath:
    """The stack of headings in force, e.g. ``Goal 2 > Strategy 3: Cybersecurity``."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, str]] = []

    def push(self, level: int, title: str) -> None:
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, title[:160]))

    def __str__(self) -> str:
        return " > ".join(title for _, title in self._stack)
