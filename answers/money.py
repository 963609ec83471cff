"""Questions that ask how much money, and sentences that name an amount of money.

"How much will the Digital Government Policy cost?" was answered by a footnote that holds a
page number, and "How much will the government spend on digital infrastructure by 2025?" by
a priority action's row: both numbers, neither an amount of money. The policies state no
cost, so the answer must say so. A question asks for money when it asks "how much" (or
ប៉ុន្មាន) with a word of spending or price; it is answered only by a sentence naming a
currency with a figure ("US$ 1", "USD 23 trillion", "5 million riels", "$40", "៛1,000").
"""

from __future__ import annotations

import re

from ingest.khmer.script import DIGITS_TO_ASCII

_HOW_MUCH = re.compile(r"\bhow\s+much\b|\bwhat\s+(?:is|was|are|were)\s+the\s+(?:total\s+)?"
                       r"(?:cost|price|amount)\b", re.IGNORECASE)
_MONEY_WORD = re.compile(r"\b(?:cost|costs|costing|spend|spends|spent|spending|budget|budgets|"
                         r"fund|funds|funding|invest|invests|invested|investment|pay|pays|paid|"
                         r"price|prices|fee|fees|money|dollars?|riels?|usd|khr|salary|salaries|"
                         r"wage|wages|loan|loans|grant|grants)\b", re.IGNORECASE)
_KM_HOW_MUCH = "ប៉ុន្មាន"
_KM_MONEY_WORD = ("ថវិកា", "តម្លៃ", "ចំណាយ", "ទឹកប្រាក់", "ប្រាក់", "ដុល្លារ", "រៀល", "វិនិយោគ", "ថ្លៃ")
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
