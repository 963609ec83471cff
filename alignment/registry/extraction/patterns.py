"""The line patterns that announce structure: keyword headings, numbering, bullets, annexes,
tables of contents; and the number forms they use (Khmer digits, Roman numerals, words)."""

from __future__ import annotations

import re

from ingest.khmer.script import DIGITS_TO_ASCII

KHMER_DIGITS = DIGITS_TO_ASCII
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10}
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

# keyword -> level. Longest first in the alternation, so "strategic goal" beats "goal" and
# "policy measure" beats "measure". Khmer keywords are matched after a length-preserving fold.
KEYWORDS: dict[str, str] = {
    "strategic goal": "goal", "goal": "goal", "strategic pillar": "goal", "pillar": "goal",
    "policy direction": "goal", "pentagon": "goal", "rectangle": "goal",
    "គោលដៅយុទ្ធសាស្ត្រ": "goal", "គោលដៅ": "goal", "សសរស្តម្ភ": "goal", "ទិសដៅគោលនយោបាយ": "goal",
    "strategy": "strategy", "strategic objective": "strategy", "programme": "strategy",
    "program": "strategy", "យុទ្ធសាស្ត្រ": "strategy", "កម្មវិធី": "strategy",
    "key policy measure": "measure", "policy measure": "measure", "measure": "measure",
    "priority action": "measure", "action": "measure",
    "វិធានការ": "measure", "សកម្មភាពអាទិភាព": "measure", "សកម្មភាព": "measure",
}
_KW_ALT = "|".join(re.escape(k) for k in sorted(KEYWORDS, key=len, reverse=True))
_NUM = r"(?:[0-9]{1,3}(?:\.[0-9]{1,3})*|[០-៩]{1,3}(?:\.[០-៩]{1,3})*|(?-i:[IVXLC]{1,6})|" + \
    "|".join(WORD_NUMBERS) + r")"
KEYWORD_HEADING = re.compile(
    r"^(?:(?P<sec>[0-9]{1,3}(?:\.[0-9]{1,3})*)\s*[-.)–]\s*)?"
    r"(?P<kw>" + _KW_ALT + r")\s*(?P<ti>ទី)?\s*(?P<num>" + _NUM + r")"
    r"(?=[\s:.\-–—)៖,]|$)\s*(?P<sep>[:.\-–—)៖])?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
BULLET = re.compile(r"^(?P<char>[●•▪◦○■□➢►▶✓✔❖◆\uf0b7\uf0a7\uf076\uf0d8\uf0fc*\-–—])\s*(?P<rest>.*)$")
NUMBERED = re.compile(
    r"^(?P<num>[0-9]{1,3}(?:\.[0-9]{1,3})*|[០-៩]{1,3}(?:\.[០-៩]{1,3})*)"
    r"(?:\s*[-.)–]\s*|\s+)(?P<title>\S.*)$")
ITEM = re.compile(r"^\(?(?P<num>[0-9]{1,2}|[០-៩]{1,2})\s*[.)]\s*(?P<title>\S.*)$")
LETTERED = re.compile(r"^(?P<letter>[A-H]|[ក-ង])\s*[.)]\s+(?P<title>\S.{1,150})$")
ROMAN_LINE = re.compile(r"^(?P<roman>[IVX]{1,4})\s*\.\s+(?P<title>\S.*)$")
ROW = re.compile(r"^(?P<n>[0-9]{1,3})(?:\s+(?P<rest>\S.*))?$")
ANNEX = re.compile(
    r"^(?P<kw>annex|appendix|appendices|ឧបសម្ព័ន្ធ)\b\s*(?P<num>[0-9IVX០-៩]{0,4})\s*[:.\-–—]?\s*"
    r"(?P<title>.*)$", re.IGNORECASE)
MATRIX_TITLE = re.compile(r"matrix|priority action|measure|action plan|actions? list|list of",
                          re.IGNORECASE)
DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\(?[0-9ivxlc០-៩]*\)?\s*$|…{2,}\s*[0-9ivxlc]*\s*$",
                        re.IGNORECASE)
MD_HEADING = re.compile(r"^#{1,6}\s+")
TOC_PAGE_END = re.compile(r"\s\.{1,3}\s*[0-9]{1,3}\s*$")  # "Services . 18": a short leader
TOC_HEADING = re.compile(r"^(?:table\s+of\s+contents?|contents|មាតិកា)\b", re.IGNORECASE)
CONTAINER = re.compile(
    r"(?P<kind>policy\s+directions?|strategic\s+goals?|strategic\s+pillars?|pillars?|goals?|"
    r"strategic\s+priorit(?:y|ies)|priority\s+areas?|strategic\s+areas?|ទិសដៅ|គោលដៅ)",
    re.IGNORECASE)
END_SECTION = re.compile(
    r"^(?:implementation|monitoring|conclusions?|glossary|references|bibliography|risks?\b|"
    r"financing|budget|annex|appendix|សេចក្ត?ី?សន្និដ្ឋាន|ការអនុវត្ត|ការតាមដាន)",
    re.IGNORECASE)
PROSE_ACTION = re.compile(
    r"\bthe\s+(?:key\s+|main\s+)?(?:priority\s+action|measure|action)\s+(?:of|for|under)\s+"
    r"this\s+(?:strategy|goal|programme|program)\s+is\s+(?P<rest>.+)", re.IGNORECASE)
CONNECTORS = {"and", "or", "of", "for", "the", "to", "in", "on", "with", "a", "an", "by",
              "between", "through", "at", "from"}
GROUP_PREFIX = re.compile(r"^(?:key\s+)?policy\s+measures?\s+(?:on|for|of)\s+", re.IGNORECASE)


def fold(line: str) -> str:
    """Length-preserving fold for matching: Khmer spelling variants, invisible spaces."""
    return (line.replace("\u17d2\u178a", "\u17d2\u178f")            # COENG DA -> COENG TA
            .replace("\u17d2\u179a\u17d2\u178f", "\u17d2\u178f\u17d2\u179a")  # ស្រ្ត -> ស្ត្រ
            .replace("\u200b", " ").replace("\u00a0", " "))


def to_int(token: str) -> int | None:
    """'12', '១២', 'twelve'-style words up to ten, and Roman numerals ('IV'); else None."""
    token = token.strip().translate(KHMER_DIGITS)
    if token.isdigit():
        return int(token)
    if token.lower() in WORD_NUMBERS:
        return WORD_NUMBERS[token.lower()]
    if token and all(c in ROMAN for c in token.upper()) and token.isupper():
        total, prev = 0, 0
        for char in reversed(token.upper()):
            value = ROMAN[char]
            total = total - value if value < prev else total + value
            prev = max(prev, value)
        return total
    return None


def num_key(token: str) -> str:
    """'7', '3.4.1', '២' -> '2', 'IV' -> '4', 'seven' -> '7'."""
    token = token.translate(KHMER_DIGITS)
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)*", token):
        return ".".join(str(int(p)) for p in token.split("."))
    value = to_int(token)
    return str(value) if value is not None else token
