"""Questions that ask how much money or how many, and sentences that give an amount or a count.

"How much will the Digital Government Policy cost?" was answered by a footnote that holds a
page number, and "How much will the government spend on digital infrastructure by 2025?" by
a priority action's row: both numbers, neither an amount of money. The policies state no
cost, so the answer must say so. A question asks for money when it asks "how much" (or
ប៉ុន្មាន) with a word of spending or price; it is answered only by a sentence naming a
currency with a figure ("US$ 1", "USD 23 trillion", "5 million riels", "$40", "៛1,000").
"""

from __future__ import annotations

import re

from answers.counting import NUMBER_WORDS
from answers.parts import DAY_OF_MONTH, YEAR
from ingest.khmer.script import DIGITS_TO_ASCII

_HOW_MUCH = re.compile(r"\bhow\s+much\b|\bwhat\s+(?:is|was|are|were)\s+the\s+(?:total\s+)?"
                       r"(?:cost|price|amount)\b"
                       # "What monthly salary does the policy set ...?" ("what budget" asks
                       # what is planned, which a sentence without a figure may answer)
                       r"|\bwhat\s+(?:\w+\s+)?(?:salary|salaries|wage|wages|fee|fees|price|"
                       r"prices|cost)\b", re.IGNORECASE)
_MONEY_WORD = re.compile(r"\b(?:cost|costs|costing|spend|spends|spent|spending|budget|budgets|"
                         r"fund|funds|funding|invest|invests|invested|investment|pay|pays|paid|"
                         r"price|prices|fee|fees|money|dollars?|riels?|usd|khr|salary|salaries|"
                         r"wage|wages|loan|loans|grant|grants|fine|fines|fined|penalty|penalties)\b", re.IGNORECASE)
_KM_HOW_MUCH = "ប៉ុន្មាន"
_KM_MONEY_WORD = ("ថវិកា", "តម្លៃ", "ចំណាយ", "ទឹកប្រាក់", "ប្រាក់", "ដុល្លារ", "រៀល", "វិនិយោគ", "ថ្លៃ",
                  "ពិន័យ")
_FIGURE = r"\d[\d,.\s]*(?:\s*(?:thousand|million|billion|trillion|bn|m)\b)?"
_CURRENCY = re.compile(
    rf"(?:US\s?\$|USD|KHR|\$|៛|S\$|SGD|INR|₹|Rs\.?|VND|€|£)\s?{_FIGURE}"
    rf"|{_FIGURE}\s*(?:US\s?dollars?|dollars?|USD|KHR|riels?|SGD|INR|rupees?|crores?|lakhs?|"
    rf"VND|dong|euros?)\b"
    rf"|{_FIGURE}\s*(?:ដុល្លារ|រៀល|លានដុល្លារ|លានរៀល|ប៊ីលានដុល្លារ)",
    re.IGNORECASE)


def asks_money(question: str) -> bool:
    """Whether the question asks for an amount of money ("How much will ... cost?")."""
    if _HOW_MUCH.search(question):
        return bool(_MONEY_WORD.search(question))
    return _KM_HOW_MUCH in question and any(w in question for w in _KM_MONEY_WORD)


def names_money(text: str) -> bool:
    """Whether ``text`` names an amount of money: a currency beside a figure."""
    return bool(_CURRENCY.search(text.translate(DIGITS_TO_ASCII)))


#: what a count is not: a day of a month ("ថ្ងៃទី៧", "7 August"), a time of day, a year
_NOT_A_COUNT = re.compile(r"ថ្ងៃទី\s*\d+|\b\d{1,2}[:.]\d{2}\b|\b(?:p|pp|page)\.?\s*\d+",
                          re.IGNORECASE)
_KHMER = re.compile("[\u1780-\u17ff]")
#: Khmer number words: written without spaces they also hide inside other words (រយ in
#: រយៈពេល, សែន in a name), so they count only where the counting is not checked by a classifier
#: or where the classifier follows them
_KM_NUMBER_WORD = re.compile(r"(?:មួយ|ពីរ|បី|បួន|ប្រាំ|ដប់|ម្ភៃ|សាមសិប|សែសិប|ហាសិប|ហុកសិប|ចិតសិប|"
                             r"ប៉ែតសិប|កៅសិប|រយ|ពាន់|ម៉ឺន|សែន|លាន)+")
_COUNT = re.compile(r"\d[\d,.]*|\b(?:" + "|".join((*NUMBER_WORDS, "hundreds", "thousand",
                                                  "thousands", "million", "dozens?"))
                    + r")\b", re.IGNORECASE)
#: the classifier a Khmer "how many" counts by: ប៉ុន្មាននាក់ (people), ប៉ុន្មានដង (times) ...
_KM_CLASSIFIER = re.compile(r"ប៉ុន្មាន\s*(នាក់|ដង|គ្រឿង|ខេត្ត|កន្លែង|ក្រុម|ភាគរយ|គ្រួសារ|ខ្នង|ស្ថាប័ន|"
                            r"ក្រសួង|សាលា|មជ្ឈមណ្ឌល)")


def counted_by_classifier(question: str) -> str | None:
    """The Khmer classifier after ប៉ុន្មាន ("how many"), which the count must carry."""
    found = _KM_CLASSIFIER.search(question)
    return found.group(1) if found else None


def states_count(text: str, known: frozenset[str] = frozenset(), unit: str | None = None) -> bool:
    """Whether ``text`` gives a count: a number other than dates, times, page numbers and
    the ``known`` numbers of the question; with a Khmer classifier ``unit``, a number that
    carries it in a Khmer text ("៤ ០០០នាក់" answers ប៉ុន្មាននាក់, "១១ថ្ងៃ" does not; an English
    text counts in its own words)."""
    text = text.translate(DIGITS_TO_ASCII)
    for pattern in (DAY_OF_MONTH, _NOT_A_COUNT, YEAR):
        text = pattern.sub(" ", text)
    khmer = bool(_KHMER.search(text))
    found = list(_COUNT.finditer(text)) + (list(_KM_NUMBER_WORD.finditer(text)) if khmer else [])
    for m in found:
        if m.group().rstrip(",.") in known:
            continue
        after = text[m.end():m.end() + 12].lstrip(" \u200b")
        if unit is None or not khmer or after.startswith(unit) \
                or (unit == "ភាគរយ" and after.startswith("%")):
            return True
    return False
