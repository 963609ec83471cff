"""What a "how many" question counts, and whether a text gives that count.

"How many ministries and institutions took part?" is answered by "28 ministries and
institutions", not by "ranked 124th out of 193": the counted noun is read from the question
and looked for right after a number in the text. Split from ``answers/parts.py``.
"""

from __future__ import annotations

import re

from ingest.khmer.script import DIGITS_TO_ASCII

#: "How many policy measures does ...": the words counted, up to the verb
#: "how many ministries and institutions took part", "how many people joined": the counted
#: noun ends in -s (or is an irregular plural) and is followed by a verb, a preposition or "and"
_COUNTED = re.compile(r"\bhow\s+many\s+((?:[a-z][\w-]*\s+){0,2}?(?:[a-z][\w-]*?s|people|"
                      r"children|women|men|staff|personnel))\b"
                      r"(?=\s+(?:are|were|is|was|do|does|did|has|have|had|will|can|in|of|for|"
                      r"at|across|on|there|and|or|took|take|joined|attended|participated|came|"
                      r"received|benefited|signed|registered|used|got|from|under|[a-z]+ed)\b"
                      r"|\s*[)\].]?\s*\??$)",
                      re.IGNORECASE)
NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve "
                "thirteen fourteen fifteen twenty thirty forty fifty hundred").split()
#: "five" -> 5, for the counts a question states ("the five principles")
NUMBER_VALUES = {w: n for n, w in enumerate(NUMBER_WORDS[:15], start=1)}
_NUMBER = rf"(?:\d[\d,.]*|{'|'.join(NUMBER_WORDS)})"
_FOLLOWING_COUNT = re.compile(rf"\bfollowing\s+{_NUMBER}\b", re.IGNORECASE)


def counted_noun(question: str) -> str | None:
    """What a "how many" question counts ("strategies", "policy measures"), or None."""
    m = _COUNTED.search(question)
    return m.group(1).lower() if m else None


def counts(noun: str, text: str) -> bool:
    """Whether ``text`` gives a count of ``noun``: a number before it ("10 strategies",
    "a total of 139 key policy measures"), not a label after it ("Strategy 5:")."""
    last = noun.split()[-1]
    stem = last[:-3] + "y" if last.endswith("ies") else last.removesuffix("s")
    stem = stem[:-1] if stem.endswith("y") else stem  # strategy / strategies
    return bool(re.search(rf"\b{_NUMBER}\s+(?:[\w-]+\s+){{0,2}}?{re.escape(stem)}\w*\b",
                          text.translate(DIGITS_TO_ASCII), re.IGNORECASE))


def counts_the_whole(noun: str, text: str) -> bool:
    """``counts``, when the count is not only the size of a list the text opens ("... with the
    following two strategies:" counts one goal's strategies, not the policy's)."""
    return counts(noun, text) and not _FOLLOWING_COUNT.search(text.translate(DIGITS_TO_ASCII))
