"""Questions with several parts ("What is X and when does it end?"), and what kind of fact
each part asks for.

A two-part question scored as one tends to get sentences for its heavier half only; split
into parts, each part gets its own best sentence. A part is kept only if it is itself a
question (it has a question word), so "goals and strategies" or "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍"
(a ministry whose name holds "and") stays whole.
"""

from __future__ import annotations

import re

from ingest.khmer.script import DIGITS_TO_ASCII

_EN_QUESTION = r"(?:what|when|who|whom|whose|which|where|why|how|is|are|was|were|does|do|did|will|can|should)"
# "..., and when does it end" / "... and who chairs it"
_EN_SPLIT = re.compile(rf"\s*(?:,\s*)?\band\s+(?={_EN_QUESTION}\b)|\?\s*(?=\S)", re.IGNORECASE)
_EN_WORD = re.compile(rf"\b{_EN_QUESTION}\b", re.IGNORECASE)
# Khmer question words: what, when, which year, who, how many, how, why, where, which
_KM_QUESTION = ("តើ", "អ្វី", "ពេលណា", "ឆ្នាំណា", "នរណា", "អ្នកណា", "ប៉ុន្មាន", "យ៉ាងដូចម្តេច",
                "យ៉ាងដូចម្ដេច", "យ៉ាងណា", "ហេតុអ្វី", "ទីណា", "កន្លែងណា", "ណាខ្លះ", "អ្វីខ្លះ")
_KM_SPLIT = re.compile(r"\s*(?:ហើយ|និង)\s*(?=តើ)|\s+ហើយ\s*|[?？]\s*(?=\S)")

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_NUMBERS = re.compile(r"\d+")
_DATE_WORDS = re.compile(r"\b(?:january|february|march|april|may|june|july|august|september|"
                         r"october|november|december)\b", re.IGNORECASE)


def question_parts(question: str) -> list[str]:
    """The question's parts, each a question of its own; one part when it has only one."""
    text = question.strip()
    pieces = _KM_SPLIT.split(text) if re.search("[\u1780-\u17ff]", text) else _EN_SPLIT.split(text)
    parts = [p.strip(" ?,;") for p in pieces if p and p.strip(" ?,;")]
    if len(parts) < 2 or not all(is_question(p) for p in parts):
        return [text]
    return parts


def is_question(text: str) -> bool:
    return bool(_EN_WORD.search(text)) or any(w in text for w in _KM_QUESTION)


def asks_for(part: str) -> str | None:
    """The kind of fact a part asks for: ``date`` (when, which year), ``number`` (how many,
    how much), or None."""
    lowered = part.lower()
    if re.search(r"\bwhen\b|\bwhat (?:year|date)\b|\bwhich year\b|\bhow long\b|\buntil\b", lowered) \
            or any(w in part for w in ("ពេលណា", "ឆ្នាំណា", "ថ្ងៃណា", "រយៈពេល")):
        return "date"
    if re.search(r"\bhow (?:many|much)\b|\bwhat (?:percentage|share|number|amount)\b", lowered) \
            or "ប៉ុន្មាន" in part:
        return "number"
    return None


def states(kind: str | None, text: str, known: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` states a fact of that kind (a year or date; a number) other than
    the ``known`` numbers (the question's own: "by 2027" does not answer "how many")."""
    if kind is None:
        return False
    text = text.translate(DIGITS_TO_ASCII)
    if kind == "date":
        return any(m.group() not in known for m in _YEAR.finditer(text)) \
            or bool(_DATE_WORDS.search(text))
    return any(m.group() not in known for m in _NUMBERS.finditer(text))


def numbers_in(text: str) -> frozenset[str]:
    return frozenset(m.group() for m in _NUMBERS.finditer(text.translate(DIGITS_TO_ASCII)))
