"""Is this line a heading, and what is its title: heading shape, wrapped titles, labels."""

from __future__ import annotations

import re

from alignment.registry.extraction.patterns import (
    ANNEX,
    BULLET,
    CONNECTORS,
    KEYWORD_HEADING,
    LETTERED,
    NUMBERED,
    num_key,
)
from alignment.registry.extraction.raw import Line
from ingest.khmer.script import is_khmer

_CLAUSE_CUTS = (", such as", " such as ", " in order to ", " so as to ", ", aimed at", " aimed at ",
                ", which", " which ", " through ", " by ", " that ", " to ", ", with ", " with ",
                ", including", " including ", " in line with ", " in accordance with ")


def short_title(text: str, limit: int = 90) -> str:
    """A heading-length title from a measure's text: its first clause, at most ``limit`` chars."""
    t = " ".join(text.split()).strip(" -–—:;,")
    m = re.search(r"[:;]|\.\s|\.$|៖|។", t)
    if m and m.start() >= 12:
        t = t[: m.start()]
    cuts = []
    for cut in _CLAUSE_CUTS:
        for m in re.finditer(re.escape(cut), t):
            after = t[m.end(): m.end() + 1]
            # "to" before a verb ends the clause; "the Right to Information" does not
            if m.start() >= 30 and not (cut == " to " and not after.islower()):
                cuts.append(m.start())
                break
    if cuts:
        t = t[: min(cuts)]
    if len(t) > limit:
        comma = t.find(", ", 40)
        if 0 < comma <= limit:
            t = t[:comma]
    if len(t) > limit:
        t = t[:limit].rsplit(" ", 1)[0] + "…"
    words = t.rstrip(" ,").split(" ")
    while len(words) > 3 and words[-1].lower() in CONNECTORS:
        words.pop()
    return " ".join(words).rstrip(" ,")


def heading_like(title: str, line: str) -> bool:
    words = title.split()
    if not words or len(line) > 160:
        return False
    letters = [c for c in title if c.isalpha()]
    upper = bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters) \
        and any(c.isascii() for c in letters)
    if upper:
        return len(words) <= 20
    first = title[0]
    return (len(words) <= 15 and not title.endswith((".", ",", ";"))
            and (first.isupper() or is_khmer(first)))


def annex_heading(m: re.Match[str], text: str) -> bool:
    """"Appendix 1: Priority Actions List", "ANNEX 2. GLOSSARY" - not "Annex 1 shows that"."""
    title = m.group("title").strip()
    if len(text.split()) > 25 or text.endswith((",", ";")):
        return False
    return not title or is_upper(text) or not title[0].isalpha() or title[0].isupper() \
        or not title[0].isascii()


def is_upper(title: str) -> bool:
    letters = [c for c in title if c.isalpha() and c.isascii()]
    return bool(letters) and all(c.isupper() for c in letters)


def continue_title(title: str, lines: list[Line], i: int) -> tuple[str, int]:
    """Join a wrapped heading with the next line(s); returns the title and lines consumed."""
    consumed = 0
    if not title and i + 1 < len(lines):  # "Goal 1" alone, its title on the next line
        nxt = lines[i + 1]
        if nxt.page == lines[i].page and heading_like(nxt.text, nxt.text) \
                and not BULLET.match(nxt.text) and not KEYWORD_HEADING.match(nxt.fold):
            title, consumed = nxt.text, 1
    while i + 1 + consumed < len(lines) and consumed < 2:
        nxt = lines[i + 1 + consumed]
        cur = lines[i + consumed]
        if nxt.page != cur.page or title.endswith((".", ":", ";", "!", "?", "៖", "។")):
            break
        text = nxt.text
        if (BULLET.match(text) or KEYWORD_HEADING.match(nxt.fold) or NUMBERED.match(text)
                or LETTERED.match(text) or ANNEX.match(text)):
            break
        words = text.split()
        last = title.split()[-1].lower() if title.split() else ""
        title_case = all(w[0].isupper() or w.lower() in CONNECTORS or not w[0].isalpha()
                         for w in words)
        fits = (len(words) <= 8 and not text.endswith((".", ":", ";", "។", "៖"))
                and (last in CONNECTORS or text[0].islower()
                     or (len(words) <= 4 and title_case)))
        if not fits:
            break
        title = f"{title} {text}".strip()
        consumed += 1
    return title, consumed


def display_keyword(kw: str) -> str:
    if not kw.isascii():
        return kw
    return " ".join(w.capitalize() if i == 0 or w.lower() in {"goal", "action", "measure",
                                                              "direction", "objective", "pillar"}
                    else w.lower() for i, w in enumerate(kw.split()))


def keyword_label(m: re.Match[str]) -> tuple[str, str]:
    """(label, key) for a keyword heading: ('Strategic Goal 1', '1'), ('យុទ្ធសាស្ត្រទី២', '2')."""
    kw, num = m.group("kw"), m.group("num")
    if not kw.isascii():
        return f"{kw}ទី{num}", num_key(num)
    return f"{display_keyword(kw)} {num}", num_key(num)
