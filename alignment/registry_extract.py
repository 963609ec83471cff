"""The heading parser behind the policy registry: goals, strategies and measures from page texts.

Policy documents announce their own structure: "Strategic Goal 1: ...", "Strategy 7: ...",
"3.4.1. Infrastructure Development ...", "A. Policy Measures on Digital Connectivity", bullets
under a strategy ("● Develop a data governance policy ..."), "Measure 2.1", "1." items, Khmer
"គោលដៅទី១", "យុទ្ធសាស្ត្រទី២", "វិធានការទី៣". This module reads those lines, in order, from the
page texts PolicyKB extracted (the same texts search results cite), and returns raw nodes with
exact spans: (page, character offset) where each starts and where the next node of the same or a
higher level (or the end of the policy part of the document) begins.

What it skips and why:

* table-of-contents pages (dot leaders, "TABLE OF CONTENTS"): they list every heading once more
  with a page number; their entries are kept only to cross-check the extraction;
* running headers (a line repeated at the top of three or more pages, digits ignored): the DGP
  repeats "7-PRIORITY ACTIONS" on every page of section 7, which would otherwise look like a
  new section each page;
* bullets that carry a heading ("- Strategy 1: ...": a summary list, not the section);
* duplicate headings: when "Strategy 3" opens twice (a summary, then the section), the
  occurrence with the longer span wins.

Where the policy part ends: at an "Annex"/"Appendix" heading, at a numbered heading outside the
numbered section that holds the structure ("8-MECHANISMS ..." after "7- PRIORITY ACTIONS",
"4. IMPLEMENTATION ..." after "3.4. Policy Directions ..."), or at an unnumbered upper-case
heading such as "IMPLEMENTATION" or "CONCLUSION".

Annex matrices ("Appendix 1: Priority Actions List", "ANNEX 1. MATRIX OF POLICY MEASURES") are
parsed separately into numbered rows grouped under their strategy markers ("7 Strategy 2:",
"A. Digital Connectivity", Roman "I." directions): the registry compares those groups with what
the text gave and records the annex pages of each strategy and measure.

Everything here is generic: no page numbers, no document names. The reviewed file
(``corpus/registry/policies.yaml``) corrects what a generic parser cannot know.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Extraction", "MatrixGroup", "RawNode", "parse_structure", "short_title"]


class _PageLike(Protocol):
    page: int
    text: str


# -- patterns ---------------------------------------------------------------------------

_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

# keyword -> level. Longest first in the alternation, so "strategic goal" beats "goal" and
# "policy measure" beats "measure". Khmer keywords are matched after a length-preserving fold.
_KEYWORDS: dict[str, str] = {
    "strategic goal": "goal", "goal": "goal", "strategic pillar": "goal", "pillar": "goal",
    "policy direction": "goal", "pentagon": "goal", "rectangle": "goal",
    "គោលដៅយុទ្ធសាស្ត្រ": "goal", "គោលដៅ": "goal", "សសរស្តម្ភ": "goal", "ទិសដៅគោលនយោបាយ": "goal",
    "strategy": "strategy", "strategic objective": "strategy", "programme": "strategy",
    "program": "strategy", "យុទ្ធសាស្ត្រ": "strategy", "កម្មវិធី": "strategy",
    "key policy measure": "measure", "policy measure": "measure", "measure": "measure",
    "priority action": "measure", "action": "measure",
    "វិធានការ": "measure", "សកម្មភាពអាទិភាព": "measure", "សកម្មភាព": "measure",
}
_KW_ALT = "|".join(re.escape(k) for k in sorted(_KEYWORDS, key=len, reverse=True))
_NUM = r"(?:[0-9]{1,3}(?:\.[0-9]{1,3})*|[០-៩]{1,3}(?:\.[០-៩]{1,3})*|(?-i:[IVXLC]{1,6})|" + \
    "|".join(_WORD_NUMBERS) + r")"
_KEYWORD_HEADING = re.compile(
    r"^(?:(?P<sec>[0-9]{1,3}(?:\.[0-9]{1,3})*)\s*[-.)–]\s*)?"
    r"(?P<kw>" + _KW_ALT + r")\s*(?P<ti>ទី)?\s*(?P<num>" + _NUM + r")"
    r"(?=[\s:.\-–—)៖,]|$)\s*(?P<sep>[:.\-–—)៖])?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?P<char>[●•▪◦○■□➢►▶✓✔❖◆\uf0b7\uf0a7\uf076\uf0d8\uf0fc*\-–—])\s*(?P<rest>.*)$")
_NUMBERED = re.compile(
    r"^(?P<num>[0-9]{1,3}(?:\.[0-9]{1,3})*|[០-៩]{1,3}(?:\.[០-៩]{1,3})*)"
    r"(?:\s*[-.)–]\s*|\s+)(?P<title>\S.*)$")
_ITEM = re.compile(r"^\(?(?P<num>[0-9]{1,2}|[០-៩]{1,2})\s*[.)]\s*(?P<title>\S.*)$")
_LETTERED = re.compile(r"^(?P<letter>[A-H]|[ក-ង])\s*[.)]\s+(?P<title>\S.{1,150})$")
_ROMAN_LINE = re.compile(r"^(?P<roman>[IVX]{1,4})\s*\.\s+(?P<title>\S.*)$")
_ROW = re.compile(r"^(?P<n>[0-9]{1,3})(?:\s+(?P<rest>\S.*))?$")
_ANNEX = re.compile(
    r"^(?P<kw>annex|appendix|appendices|ឧបសម្ព័ន្ធ)\b\s*(?P<num>[0-9IVX០-៩]{0,4})\s*[:.\-–—]?\s*"
    r"(?P<title>.*)$", re.IGNORECASE)
_MATRIX_TITLE = re.compile(r"matrix|priority action|measure|action plan|actions? list|list of",
                           re.IGNORECASE)
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\(?[0-9ivxlc០-៩]*\)?\s*$|…{2,}\s*[0-9ivxlc]*\s*$",
                         re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_TOC_PAGE_END = re.compile(r"\s\.{1,3}\s*[0-9]{1,3}\s*$")  # "Services . 18": a short leader
_TOC_HEADING = re.compile(r"^(?:table\s+of\s+contents?|contents|មាតិកា)\b", re.IGNORECASE)
_CONTAINER = re.compile(
    r"(?P<kind>policy\s+directions?|strategic\s+goals?|strategic\s+pillars?|pillars?|goals?|"
    r"strategic\s+priorit(?:y|ies)|priority\s+areas?|strategic\s+areas?|ទិសដៅ|គោលដៅ)",
    re.IGNORECASE)
_END_SECTION = re.compile(
    r"^(?:implementation|monitoring|conclusions?|glossary|references|bibliography|risks?\b|"
    r"financing|budget|annex|appendix|សេចក្ត?ី?សន្និដ្ឋាន|ការអនុវត្ត|ការតាមដាន)",
    re.IGNORECASE)
_PROSE_ACTION = re.compile(
    r"\bthe\s+(?:key\s+|main\s+)?(?:priority\s+action|measure|action)\s+(?:of|for|under)\s+"
    r"this\s+(?:strategy|goal|programme|program)\s+is\s+(?P<rest>.+)", re.IGNORECASE)
_MEASURE_WORDS = (("priority action", "Priority action"), ("policy measure", "Policy measure"),
                  ("measure", "Measure"), ("action", "Action"), ("វិធានការ", "វិធានការ"))
_CONNECTORS = {"and", "or", "of", "for", "the", "to", "in", "on", "with", "a", "an", "by",
               "between", "through", "at", "from"}
_CLAUSE_CUTS = (", such as", " such as ", " in order to ", " so as to ", ", aimed at", " aimed at ",
                ", which", " which ", " through ", " by ", " that ", " to ", ", with ", " with ",
                ", including", " including ", " in line with ", " in accordance with ")
_GROUP_PREFIX = re.compile(r"^(?:key\s+)?policy\s+measures?\s+(?:on|for|of)\s+", re.IGNORECASE)


def _fold(line: str) -> str:
    """Length-preserving fold for matching: Khmer spelling variants, invisible spaces."""
    return (line.replace("\u17d2\u178a", "\u17d2\u178f")            # COENG DA -> COENG TA
            .replace("\u17d2\u179a\u17d2\u178f", "\u17d2\u178f\u17d2\u179a")  # ស្រ្ត -> ស្ត្រ
            .replace("\u200b", " ").replace("\u00a0", " "))


def _to_int(token: str) -> int | None:
    token = token.strip().translate(_KHMER_DIGITS)
    if token.isdigit():
        return int(token)
    if token.lower() in _WORD_NUMBERS:
        return _WORD_NUMBERS[token.lower()]
    if token and all(c in _ROMAN for c in token.upper()) and token.isupper():
        total, prev = 0, 0
        for char in reversed(token.upper()):
            value = _ROMAN[char]
            total = total - value if value < prev else total + value
            prev = max(prev, value)
        return total
    return None


def _num_key(token: str) -> str:
    """'7', '3.4.1', '២' -> '2', 'IV' -> '4', 'seven' -> '7'."""
    token = token.translate(_KHMER_DIGITS)
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)*", token):
        return ".".join(str(int(p)) for p in token.split("."))
    value = _to_int(token)
    return str(value) if value is not None else token


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
    while len(words) > 3 and words[-1].lower() in _CONNECTORS:
        words.pop()
    return " ".join(words).rstrip(" ,")


# -- data -------------------------------------------------------------------------------


@dataclass
class Line:
    page: int
    start: int  # character offset of the line in the page text
    text: str  # stripped
    fold: str  # _fold(text)


@dataclass
class RawNode:
    level: str  # "goal" | "strategy" | "measure"
    key: str  # numbering: "1", "3.4.1", "3.4.1.A", "7.3"
    label: str
    title: str
    page: int
    offset: int
    end: tuple[int, int] | None = None  # (page, offset), exclusive
    positional: bool = False  # numbered by position (bullets), not by the document
    explicit: bool = True  # opened by a keyword ("Strategy 3"), not inferred (lettered group)
    children: list[RawNode] = field(default_factory=list)
    # strategy-only bookkeeping while parsing
    candidates: dict[str, list[RawNode]] = field(default_factory=dict)
    text_buffer: list[str] = field(default_factory=list)


@dataclass
class MatrixGroup:
    """One strategy's block of rows in an annex matrix."""

    marker: str  # "Strategy 2", "A. Digital Connectivity"
    number: str | None  # explicit strategy number, when the marker has one
    goal_index: int  # 1-based count of Roman direction markers seen so far (0: none)
    rows: list[tuple[int, tuple[int, int, int, int]]] = field(default_factory=list)
    # (row number, (page, offset, end page, end offset))


@dataclass
class Extraction:
    nodes: list[RawNode]  # top level: goals (or strategies when the document has no goals)
    measure_word: str
    matrix: list[MatrixGroup]
    warnings: list[str]
    page_chars: dict[int, int]
    first_content: dict[int, int]  # offset of the first kept line of each page
    toc_entries: list[tuple[str, str, int | None, str]]  # (level, key, printed page, title)


# -- page preparation --------------------------------------------------------------------


def _header_key(line: str) -> str:
    return re.sub(r"[^a-z\u1780-\u17ff]", "", line.lower())


def _is_toc_page(lines: list[str]) -> bool:
    leaders = sum(1 for ln in lines if _DOT_LEADER.search(ln))
    heading = any(_TOC_HEADING.match(ln) for ln in lines[:6])
    return leaders >= 3 or (heading and leaders >= 1)


def _prepare(pages: Sequence[_PageLike]) -> tuple[list[Line], list[list[str]], dict[int, int]]:
    """Kept lines in reading order, the TOC pages' lines, and each page's first content offset."""
    split: list[tuple[int, list[tuple[int, str]]]] = []
    for page in pages:
        out, pos = [], 0
        for raw in page.text.split("\n"):
            stripped = raw.strip()
            start = pos + (len(raw) - len(raw.lstrip()))
            hashes = _MD_HEADING.match(stripped)  # Markdown "## Goal 1": read the heading
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
        if _is_toc_page(texts):
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
        kept.extend(Line(number, off, text, _fold(text)) for off, text in body)
    return kept, toc, first


def _parse_toc(toc_pages: list[list[str]]) -> list[tuple[str, str, int | None, str]]:
    entries: list[tuple[str, str, int | None, str]] = []
    pending = ""
    for lines in toc_pages:
        for text in lines:
            leader = _DOT_LEADER.search(text) or _TOC_PAGE_END.search(text)
            if not leader:
                pending = (pending + " " + text).strip() if len(text.split()) <= 16 else ""
                continue
            entry = (pending + " " + text[: leader.start()]).strip()
            printed = re.search(r"([0-9]+)\s*\)?\s*$", text)
            pending = ""
            m = _KEYWORD_HEADING.match(_fold(entry))
            if m:
                level = _KEYWORDS[m.group("kw").lower()]
                entries.append((level, _num_key(m.group("num")), int(printed.group(1))
                                if printed else None, entry[m.start("title"):].strip()))
    return entries


# -- classification helpers --------------------------------------------------------------


def _heading_like(title: str, line: str) -> bool:
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
            and (first.isupper() or "\u1780" <= first <= "\u17ff"))


def _annex_heading(m: re.Match[str], text: str) -> bool:
    """"Appendix 1: Priority Actions List", "ANNEX 2. GLOSSARY" - not "Annex 1 shows that"."""
    title = m.group("title").strip()
    if len(text.split()) > 25 or text.endswith((",", ";")):
        return False
    return not title or _is_upper(text) or not title[0].isalpha() or title[0].isupper() \
        or not title[0].isascii()


def _is_upper(title: str) -> bool:
    letters = [c for c in title if c.isalpha() and c.isascii()]
    return bool(letters) and all(c.isupper() for c in letters)


def _continue_title(title: str, lines: list[Line], i: int) -> tuple[str, int]:
    """Join a wrapped heading with the next line(s); returns the title and lines consumed."""
    consumed = 0
    if not title and i + 1 < len(lines):  # "Goal 1" alone, its title on the next line
        nxt = lines[i + 1]
        if nxt.page == lines[i].page and _heading_like(nxt.text, nxt.text) \
                and not _BULLET.match(nxt.text) and not _KEYWORD_HEADING.match(nxt.fold):
            title, consumed = nxt.text, 1
    while i + 1 + consumed < len(lines) and consumed < 2:
        nxt = lines[i + 1 + consumed]
        cur = lines[i + consumed]
        if nxt.page != cur.page or title.endswith((".", ":", ";", "!", "?", "៖", "។")):
            break
        text = nxt.text
        if (_BULLET.match(text) or _KEYWORD_HEADING.match(nxt.fold) or _NUMBERED.match(text)
                or _LETTERED.match(text) or _ANNEX.match(text)):
            break
        words = text.split()
        last = title.split()[-1].lower() if title.split() else ""
        title_case = all(w[0].isupper() or w.lower() in _CONNECTORS or not w[0].isalpha()
                         for w in words)
        fits = (len(words) <= 8 and not text.endswith((".", ":", ";", "។", "៖"))
                and (last in _CONNECTORS or text[0].islower()
                     or (len(words) <= 4 and title_case)))
        if not fits:
            break
        title = f"{title} {text}".strip()
        consumed += 1
    return title, consumed


def _display_keyword(kw: str) -> str:
    if not kw.isascii():
        return kw
    return " ".join(w.capitalize() if i == 0 or w.lower() in {"goal", "action", "measure",
                                                              "direction", "objective", "pillar"}
                    else w.lower() for i, w in enumerate(kw.split()))


def _keyword_label(m: re.Match[str]) -> tuple[str, str]:
    """(label, key) for a keyword heading: ('Strategic Goal 1', '1'), ('យុទ្ធសាស្ត្រទី២', '2')."""
    kw, num = m.group("kw"), m.group("num")
    if not kw.isascii():
        return f"{kw}ទី{num}", _num_key(num)
    return f"{_display_keyword(kw)} {num}", _num_key(num)


def _measure_word(lines: list[Line], nodes: list[RawNode]) -> str:
    """What the document calls its measures, from the words used inside its structure."""
    if nodes:
        start = (nodes[0].page, nodes[0].offset)
        end = nodes[-1].end or (10**9, 0)
        lines = [ln for ln in lines if start <= (ln.page, ln.start) < end]
    text = " ".join(ln.fold.lower() for ln in lines)
    priority = text.count("priority action")
    policy = text.count("policy measure")
    counts = {
        "Priority action": priority,
        "Policy measure": policy,
        "Measure": text.count("measure") - policy,
        "Action": text.count("action") - priority,
        "វិធានការ": text.count("វិធានការ"),
    }
    best = max(counts.values())
    if best == 0:
        return "Measure"
    # specific phrases win over the generic words they contain when they are used at all
    if priority and priority * 2 >= counts["Measure"]:
        return "Priority action"
    if policy and policy * 2 >= counts["Action"]:
        return "Policy measure"
    return next(word for word, n in counts.items() if n == best)


# -- the parser --------------------------------------------------------------------------


class _Parser:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.top: list[RawNode] = []
        self.goal: RawNode | None = None
        self.strategy: RawNode | None = None
        self.container: tuple[int, ...] | None = None
        self.container_kind: str | None = None
        self.annexed = False
        self.warnings: list[str] = []

    # opening and closing ------------------------------------------------------------

    def close_strategy(self, at: tuple[int, int]) -> None:
        if self.strategy is not None:
            self.strategy.end = at
            self._settle_measures(self.strategy)
            self.strategy = None

    def close_all(self, at: tuple[int, int]) -> None:
        self.close_strategy(at)
        if self.goal is not None:
            self.goal.end = at
            self.goal = None

    def open_goal(self, node: RawNode) -> None:
        self.close_all((node.page, node.offset))
        self.goal = node
        self.top.append(node)

    def open_strategy(self, node: RawNode) -> None:
        self.close_strategy((node.page, node.offset))
        self.strategy = node
        (self.goal.children if self.goal is not None else self.top).append(node)

    def _settle_measures(self, strategy: RawNode) -> None:
        """Pick the strategy's measures: explicit headings, else numbered items, else bullets,
        else a single action named in prose ("The priority action of this strategy is ...")."""
        bullets = [v for k, v in strategy.candidates.items() if k.startswith("bullet")]
        # the most frequent bullet character marks the measures; others are sub-points
        main_bullets = max(bullets, key=len) if bullets else []
        found: list[RawNode] = []
        for kind in ("explicit", "numbered", "bullet", "prose"):
            found = main_bullets if kind == "bullet" else strategy.candidates.get(kind, [])
            if found:
                break
        for i, measure in enumerate(found):
            measure.end = ((found[i + 1].page, found[i + 1].offset) if i + 1 < len(found)
                           else strategy.end)
            if measure.text_buffer:
                title = short_title(" ".join(measure.text_buffer))
                title = re.sub(r"^(?:the|a|an)\s+", "", title, flags=re.IGNORECASE)
                measure.title = title[:1].upper() + title[1:]
                measure.text_buffer = []
        strategy.children = list(found)
        strategy.candidates = {}
        strategy.text_buffer = []

    @property
    def structured(self) -> bool:
        return bool(self.top)

    # main loop ----------------------------------------------------------------------

    def run(self) -> list[RawNode]:
        lines = self.lines
        i = 0
        current_measure: RawNode | None = None
        while i < len(lines):
            line = lines[i]
            at = (line.page, line.start)
            text, fold = line.text, line.fold

            bullet = _BULLET.match(text)
            if bullet and not re.match(r"^[-–—]\s*[0-9]", text):
                current_measure = None
                if self.strategy is not None and bullet.group("rest"):
                    current_measure = RawNode("measure", "", "", "", *at, positional=True)
                    current_measure.text_buffer.append(bullet.group("rest"))
                    kind = "bullet" + bullet.group("char")
                    self.strategy.candidates.setdefault(kind, []).append(current_measure)
                i += 1
                continue

            kw = _KEYWORD_HEADING.match(fold)
            if kw and len(text) <= 200 and self._keyword_ok(kw, text):
                current_measure = None
                level = _KEYWORDS[kw.group("kw").lower()]
                label, key = _keyword_label(kw)
                title, used = _continue_title(text[kw.start("title"):].strip(), lines, i)
                if self.annexed and self.structured and level != "measure":
                    i += 1 + used
                    continue
                if level == "goal":
                    node = RawNode("goal", key, label, title, *at)
                    if self.container is None:
                        sec = kw.group("sec")
                        parts = tuple(int(p) for p in sec.split(".")) if sec else None
                        self.container = parts[:-1] if parts and len(parts) > 1 else parts
                    self.open_goal(node)
                elif level == "strategy":
                    self.open_strategy(RawNode("strategy", key, label, title, *at))
                elif self.strategy is not None:
                    node = RawNode("measure", key, label, title, *at)
                    self.strategy.candidates.setdefault("explicit", []).append(node)
                i += 1 + used
                continue

            annex = _ANNEX.match(text)
            if annex and _annex_heading(annex, text):
                current_measure = None
                if self.structured:
                    self.annexed = True
                self.close_all(at)
                self.container = None
                i += 1
                continue

            numbered = _NUMBERED.match(text)
            if numbered:
                handled, used = self._numbered(numbered, line, i)
                if handled:
                    current_measure = None
                    i += 1 + used
                    continue

            lettered = _LETTERED.match(text)
            if (lettered and self.goal is not None and not self.annexed
                    and (self.strategy is None or not self.strategy.explicit)
                    and _heading_like(lettered.group("title"), text)):
                current_measure = None
                letter = lettered.group("letter")
                title, used = _continue_title(lettered.group("title").strip(), lines, i)
                title = _GROUP_PREFIX.sub("", title).strip() or title
                key = f"{self.goal.key}.{letter}"
                node = RawNode("strategy", key, "", title, *at, explicit=False)
                self.open_strategy(node)
                i += 1 + used
                continue

            if (self.structured and (self.goal or self.strategy) and self.container is None
                    and _is_upper(text) and _END_SECTION.match(text) and len(text.split()) <= 12):
                current_measure = None
                self.close_all(at)
                i += 1
                continue

            if self.strategy is not None:
                prose = _PROSE_ACTION.search(text)
                if prose and not self.strategy.candidates.get("prose"):
                    node = RawNode("measure", "", "", "", *at, positional=True)
                    rest = [prose.group("rest")] + [ln.text for ln in lines[i + 1:i + 3]]
                    node.text_buffer.extend(rest)
                    self.strategy.candidates["prose"] = [node]
                elif current_measure is not None and sum(map(len, current_measure.text_buffer)) < 300:
                    current_measure.text_buffer.append(text)
            i += 1

        if lines:
            last = lines[-1]
            self.close_all((last.page, 10**9))
        return self.top

    def _keyword_ok(self, m: re.Match[str], text: str) -> bool:
        """A keyword line is a heading when numbered and followed by punctuation or a short,
        sentence-less title ("Strategy 3: Cybersecurity", "Goal 2", "Strategy 4 Postal ...")."""
        title = m.group("title").strip()
        if m.group("sep") or not title:
            return True
        return len(text.split()) <= 14 and not title.endswith((".", ";", ",")) \
            and (title[0].isupper() or not title[0].isascii())

    def _numbered(self, m: re.Match[str], line: Line, i: int) -> tuple[bool, int]:
        """Numbered lines: measure items inside a strategy, goals under a container
        ("3.4.1." under "3.4. Policy Directions"), section headings, or the end of the part."""
        raw_num = m.group("num").translate(_KHMER_DIGITS)
        parts = tuple(int(p) for p in raw_num.split("."))
        title = m.group("title").strip()
        text = line.text
        at = (line.page, line.start)
        strategy = self.strategy
        # 1. an item of the open strategy: "1." "2." ..., or "2.1" under Strategy 2
        if strategy is not None:
            items = strategy.candidates.get("numbered", [])
            expected = int(items[-1].key.rsplit(".", 1)[-1]) + 1 if items else 1
            skey = strategy.key
            is_item = False
            if len(parts) == 1 and parts[0] == expected and _ITEM.match(text):
                container_major = self.container[0] if self.container else None
                is_item = not (_is_upper(title) and (container_major is None
                                                     or parts[0] > container_major))
            elif (len(parts) == 2 and skey.isdigit() and parts[0] == int(skey)
                  and parts[1] == expected):
                is_item = True
            if is_item:
                key = f"{skey}.{parts[-1]}"
                node = RawNode("measure", key, "", title, *at)
                node.text_buffer.append(title)
                strategy.candidates.setdefault("numbered", []).append(node)
                return True, 0
        if not _heading_like(title, text):
            return False, 0
        container = self.container or ()
        inside = bool(container) and parts[: len(container)] == container \
            and len(parts) > len(container)
        open_part = self.goal is not None or self.strategy is not None
        if inside and (len(parts) == len(container) + 1 and self.container_kind
                       and not self.annexed and not _KEYWORD_HEADING.match(_fold(title))):
            full, used = _continue_title(title, self.lines, i)
            key = ".".join(map(str, parts))
            self.open_goal(RawNode("goal", key, f"{self.container_kind} {key}", full, *at,
                                   explicit=False))
            return True, used
        if inside and open_part:
            return False, 0  # a subsection inside a goal or strategy
        # outside the container: the end of the policy part, or a new section
        if open_part and not inside:
            later = not container or parts[0] > container[0] or (
                len(parts) <= len(container) and parts > container[: len(parts)])
            if not later or (len(parts) == 1 and not _is_upper(title) and len(title.split()) > 12):
                return False, 0
            self.close_all(at)
        kind = _CONTAINER.search(title)
        if kind and not (self.annexed and self.structured):
            self.container = parts
            self.container_kind = _container_label(kind.group("kind"))
        else:
            self.container = parts if not self.structured else None
            self.container_kind = None
        return False, 0


def _container_label(kind: str) -> str:
    kind = " ".join(kind.lower().split())
    singular = {"policy directions": "policy direction", "strategic goals": "strategic goal",
                "strategic pillars": "strategic pillar", "pillars": "pillar", "goals": "goal",
                "strategic priorities": "strategic priority", "priority areas": "priority area",
                "strategic areas": "strategic area"}.get(kind, kind)
    return singular[0].upper() + singular[1:] if singular.isascii() else singular


# -- annex matrices ----------------------------------------------------------------------


def _parse_matrices(lines: list[Line]) -> list[MatrixGroup]:
    """Numbered rows of annex matrices, grouped under their strategy markers."""
    groups: list[MatrixGroup] = []
    region: str | None = None
    last_row = 0
    goal_index = 0
    last_roman = 0
    row_lines = 0
    row_start: tuple[int, int] | None = None
    row_number = 0
    last_content: tuple[int, int] = (0, 0)
    row_lines = 0

    def close_row(end: tuple[int, int]) -> None:
        if row_start is not None and groups:
            groups[-1].rows.append((row_number, (*row_start, *end)))

    for line in lines:
        annex = _ANNEX.match(line.text)
        if annex and len(line.text.split()) <= 25:
            ident = annex.group("kw").lower().rstrip("s") + (annex.group("num") or "").upper()
            if region is not None and ident == region:
                continue  # the same annex named again (a repeated heading)
            close_row(last_content)
            row_start = None
            region = ident if _MATRIX_TITLE.search(annex.group("title") or "") else None
            last_row, goal_index, last_roman = 0, 0, 0
            continue
        if region is None:
            continue
        text = line.text
        roman = _ROMAN_LINE.match(text)
        if roman and _to_int(roman.group("roman")) == last_roman + 1:
            last_roman += 1
            goal_index = last_roman
            continue
        row = _ROW.match(text)
        if row and int(row.group("n")) == last_row + 1:
            close_row(last_content)  # a row ends with its last line, not at the next row
            last_row = row_number = int(row.group("n"))
            row_start = (line.page, line.start)
            row_lines = 0
            rest = row.group("rest") or ""
            if rest:
                _open_group(rest, groups, goal_index)
            last_content = (line.page, line.start + len(text))
            continue
        if row_start is not None:
            row_lines += 1
            # a marker in the row's first line opens a group that owns this row: rows are
            # only appended to a group when the next row starts
            if row_lines == 1 and _open_group(text, groups, goal_index):
                last_content = (line.page, line.start + len(text))
                continue
        last_content = (line.page, line.start + len(text))
    if row_start is not None:
        close_row(last_content)
    return [g for g in groups if g.rows]


def _open_group(text: str, groups: list[MatrixGroup], goal_index: int) -> bool:
    kw = _KEYWORD_HEADING.match(_fold(text))
    number: str | None = None
    marker: str | None = None
    if kw and _KEYWORDS[kw.group("kw").lower()] == "strategy":
        number = _num_key(kw.group("num"))
        marker = f"{_display_keyword(kw.group('kw'))} {kw.group('num')}"
    else:
        lettered = _LETTERED.match(text)
        if lettered:
            marker = text
    if marker is None:
        return False
    groups.append(MatrixGroup(marker, number, goal_index))
    return True


def parse_structure(pages: Sequence[_PageLike]) -> Extraction:
    """Goals, strategies and measures of one document, with exact spans (see the module doc)."""
    lines, toc_pages, first = _prepare(pages)
    parser = _Parser(lines)
    nodes = parser.run()
    page_chars = {p.page: len(p.text) for p in pages}
    warnings = list(parser.warnings)
    nodes = _drop_duplicates(nodes, page_chars, warnings)
    measure_word = _measure_word(lines, nodes)
    _label_nodes(nodes, measure_word)
    toc = _parse_toc(toc_pages)
    _check_toc(nodes, toc, warnings)
    return Extraction(nodes=nodes, measure_word=measure_word, matrix=_parse_matrices(lines),
                      warnings=warnings, page_chars=page_chars, first_content=first,
                      toc_entries=toc)


def _label_nodes(nodes: list[RawNode], measure_word: str) -> None:
    for node in _walk(nodes):
        if node.level == "strategy" and not node.label:
            node.label = f"Measure group {node.key}"
        for k, child in enumerate(node.children, 1):
            if child.level != "measure":
                continue
            if child.positional:
                child.key = f"{node.key}.{k}"
                child.label = f"{measure_word} {child.key}"
            elif not child.label:
                child.label = f"{measure_word} {child.key}"


def _walk(nodes: list[RawNode]) -> list[RawNode]:
    out: list[RawNode] = []
    for node in nodes:
        out.append(node)
        out.extend(_walk(node.children))
    return out


def _drop_duplicates(nodes: list[RawNode], page_chars: dict[int, int],
                     warnings: list[str]) -> list[RawNode]:
    """When a goal or strategy opens twice (a summary list, then the section), keep the
    occurrence with the longer span."""
    base: dict[int, int] = {}
    total = 0
    for page in sorted(page_chars):
        base[page] = total
        total += page_chars[page] + 1

    def length(node: RawNode) -> int:
        start = base.get(node.page, 0) + node.offset
        end_page, end_off = node.end or (node.page, node.offset)
        end = base.get(end_page, total) + min(end_off, page_chars.get(end_page, 0))
        return end - start

    seen: dict[tuple[str, str], list[RawNode]] = {}
    for node in _walk(nodes):
        if node.level in ("goal", "strategy"):
            seen.setdefault((node.level, node.key), []).append(node)
    drop: set[int] = set()
    for (level, key), found in seen.items():
        if len(found) > 1:
            keep = max(found, key=length)
            drop.update(id(n) for n in found if n is not keep)
            warnings.append(f"{level} {key} appears {len(found)} times; kept the one on page "
                            f"{keep.page}")

    def prune(items: list[RawNode]) -> list[RawNode]:
        kept = [n for n in items if id(n) not in drop]
        for n in kept:
            n.children = prune(n.children)
        return kept

    return prune(nodes)


def _check_toc(nodes: list[RawNode], toc: list[tuple[str, str, int | None, str]],
               warnings: list[str]) -> None:
    """Cross-check against the table of contents: headings it lists that the text did not
    yield, truncated titles it can complete, and the printed-page offset."""
    found = {(n.level, n.key): n for n in _walk(nodes) if n.level in ("goal", "strategy")}
    offsets: list[tuple[int, RawNode]] = []
    for level, key, printed, title in toc:
        if level == "measure":
            continue
        node = found.get((level, key))
        if node is None:
            warnings.append(f"the table of contents lists {level} {key} ({title[:60]}), "
                            "but the text did not yield it")
            continue
        extra = title[len(node.title):].split()
        if (title and extra and title.lower().startswith(node.title.lower())
                and len(extra) <= 4 and not _KEYWORD_HEADING.search(title[len(node.title):])):
            node.title = title  # the text's heading was cut short (a wrapped line)
        if printed is not None:
            offsets.append((node.page - printed, node))
    if offsets:
        usual = Counter(o for o, _ in offsets).most_common(1)[0][0]
        for offset, node in offsets:
            if abs(offset - usual) > 1:
                warnings.append(f"{node.label} starts on page {node.page}, but the table of "
                                f"contents puts it on printed page {node.page - offset} "
                                f"(usual offset {usual})")
