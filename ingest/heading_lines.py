"""Where heading lines end inside running text, so a sentence never starts with one.

A heading says what follows and is no part of its first sentence: quoted as one, "Strategy 2:
Building payment systems The priority action ..." reads as a fragment (issue #12). The
structure rules (``ingest.structure.classify_line``: "Strategy 3: ...", "យុទ្ធសាស្ត្រទី២៖ ...",
"3-STATUS OF ...") decide first; this module adds what a sentence splitter needs beyond them:
numbered and lettered titles that chunking treats as list items ("C. Policy Measures on
Logistics"), capitals, short Title Case lines after a sentence's end, and a heading wrapped
over two PDF lines ("... payment system for" / "public services").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.khmer.script import is_khmer
from ingest.structure import classify_line

__all__ = ["BULLETS", "CLOSERS", "OPENERS", "continues", "heading_ends", "is_heading_unit",
           "line_ends_sentence"]

CLOSERS = "\"'\u201d\u2019\u00bb\u203a)]}"
OPENERS = "\"'\u201c\u2018\u00ab\u2039([{"
# bullet glyphs, including the private-use ones PDF symbol fonts map their bullets to
BULLETS = "\u2022\u2023\u2043\u25aa\u25a0\u25a1\u25cf\u25e6\u00b7\u27a2\u2713\u2714\uf0a7\uf0b7\uf0d8\uf076\uf0fc"

_SENTENCE_ENDERS = ".?!;:\u17d4\u17d5\u17d6\u17da"
# A line ending with one of these is no heading.
_LINE_ENDERS = ".?!;:\u17d4\u17d5\u17d6\u17da)\"'\u201d\u2019"
# A line ending with one of these words runs on into the next line.
_FUNCTION_WORDS = frozenset(
    """a an the of and or but nor to in on at by for from with without into onto about over
    under than as per via between among including include includes such is are was were be
    been will shall may can must has have had this that these those its their our which who
    whose where when while if nearly approximately around almost some up""".split()
)
_SMALL_WORDS = frozenset("a an the of and or to in on at by for from with".split())
# "1-INTRODUCTION", "2.4-Experiences and Best Practices", "3.1. Goals", "IV. Vision"; the
# structure rules leave the undotted ones out ("1. Develop a policy" is a chunk's list item)
_SECTION_HEADING_RE = re.compile(
    r"^(?:[0-9]{1,2}[.\-\u2013]\s*|[0-9]{1,2}(?:\.[0-9]{1,2})+[.\-\u2013]?\s*|[IVX]{1,4}\.\s+)"
    r"(?=[A-Z\u1780-\u17ff])[^.!?;]{2,120}$")
# "C. Policy Measures on Logistics and Last-mile Delivery": a letter, then a Title Case title
_LETTERED_HEADING_RE = re.compile(r"^[A-H][.)]\s+[A-Z]")
_WRAP_WORDS, _WRAP_CHARS = 8, 60  # the second line of a wrapped heading is short
_BODY_WORDS = 6  # words on a line that is running text, not a wrapped table cell


def line_ends_sentence(line: str) -> bool:
    """Whether the line ends a sentence or clause (an empty line does too)."""
    line = line.rstrip(CLOSERS.replace(")", "").replace("]", "").replace("}", ""))
    return not line or line[-1] in _SENTENCE_ENDERS


def continues(line: str) -> bool:
    """Whether the line visibly runs on into the next: "by about", "of the", "costs,"."""
    if not line or line[-1] in ",(-\u2013/&+":
        return bool(line)
    word = line.rsplit(None, 1)[-1].lower()
    return word in _FUNCTION_WORDS


def _is_capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha() and c.isascii()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _is_title_case(line: str) -> bool:
    """Most words capitalised ("The Promotion of Digital Transformation among Enterprises")."""
    words = [w for w in line.split() if w[0].isalpha() and w.lower() not in _SMALL_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _is_bare_heading(line: str) -> bool:
    """A keyword and its number alone before a dash or full stop: "មាត្រា១៤.-", "Article 5 -"
    (a legal article, whose text starts on the next line)."""
    return (line[-1] in ".-\u2013\u2014" and len(line.rstrip(" .-\u2013\u2014").split()) <= 2
            and classify_line(line).kind == "heading")


def _is_titled(line: str, following: str) -> bool:
    """A heading by its own shape, wherever it stands. A lettered title needs a body line
    after it: in a policy matrix's cells "C. Data-driven" / "Governance focuses on" wraps."""
    if classify_line(line).kind == "heading" or _SECTION_HEADING_RE.match(line):
        return True
    return (bool(_LETTERED_HEADING_RE.match(line)) and len(line.split()) <= 14
            and _is_title_case(line) and len(following.split()) >= _BODY_WORDS)


def _is_bullet(line: str) -> bool:
    return bool(line) and (line[0] in BULLETS or line[0] in "*-\u2013\u2014" and line[1:2] == " ")


def _starts_sentence(line: str) -> bool:
    first = line[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in OPENERS
                            or is_khmer(first) or first in BULLETS)


def _wraps_into(following: str) -> bool:
    """Whether ``following`` can be the short rest of a heading that ran on into it."""
    return (bool(following) and len(following) <= _WRAP_CHARS and len(following.split()) <= _WRAP_WORDS
            and following[-1] not in _LINE_ENDERS and not continues(following))


def heading_ends(text: str) -> Iterator[int]:
    """Ends of heading lines in ``text``: structure headings, numbered or lettered titles,
    all-capital lines, and short capitalised lines after a sentence's end that do not run on
    (running titles), each before a line that can start a sentence; a heading wrapped over
    two lines ends after its second. A short line after a line that does not end a sentence
    (an agenda's "Keynote Speech by" / name / role) is not cut."""
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    longest = max((len(line) for line in stripped), default=0)
    short = max(40, int(0.6 * longest)) if longest >= 60 else 0
    ends = []
    offset = 0
    for raw in lines:
        ends.append(offset + len(raw))
        offset += len(raw) + 1
    closed = True  # the last non-blank line ended a sentence, a heading or a paragraph
    wrapped = -1  # the second line of a wrapped heading, already cut after
    for i, line in enumerate(stripped[:-1]):
        after_end = closed
        if i == wrapped:
            closed = True
            continue
        if line:
            closed = line_ends_sentence(line)
        elif i and _is_bullet(stripped[i - 1]) and not continues(stripped[i - 1]):
            closed = True  # a bulleted list ended: "- Artificial Intelligence (AI)", blank
        following = stripped[i + 1]
        if line and following and _is_bare_heading(line) and _starts_sentence(following):
            closed = True
            yield ends[i]
            continue
        if not line or not following or line[-1] in _LINE_ENDERS:
            continue
        heading = _is_titled(line, following) or after_end and _is_capitals(line)
        if continues(line):
            # "Strategy 2: Building ... for" / "public services" / "The priority action ..."
            if (heading and i + 2 < len(stripped) and _wraps_into(following)
                    and _starts_sentence(stripped[i + 2])):
                wrapped = i + 1
                yield ends[i + 1]
            continue
        if not _starts_sentence(following):
            continue
        if heading or (after_end and short and len(line) <= short and line[0].isupper()
                       and len(line.split()) <= 12 and not is_khmer(following[0])):
            closed = True
            yield ends[i]


def is_heading_unit(piece: str) -> bool:
    """Whether a unit the splitter cut is only a structure heading ("Strategy 3: ...", also
    wrapped over two lines): it says what follows and answers nothing, so evidence skips it.
    A lettered title ("B. Policy Measures on Cybersecurity") stays: it names the section a
    "which policy" answer asks for, as before this rule."""
    lines = [line.strip() for line in piece.strip().split("\n")]
    if len(lines) == 1:
        return classify_line(lines[0]).kind == "heading"
    return (len(lines) == 2 and classify_line(lines[0]).kind == "heading" and continues(lines[0])
            and _wraps_into(lines[1]))
