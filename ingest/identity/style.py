"""Title casing for covers set in capitals ("CAMBODIA DIGITAL GOVERNMENT POLICY").

Capitals are a typesetting choice, not part of the title; shown in chips and citations they
shout, so titles read off a cover are put in title case. Short function words go lower case,
acronyms stay upper case, and a word the document also spells in mixed case elsewhere
("GovTech") keeps that spelling.
"""

from __future__ import annotations

import re

__all__ = ["is_shouting", "smart_case", "tidy"]

_SMALL = frozenset("a an and as at by for from in into of on or the to with via".split())
_ACRONYMS = frozenset(
    "AI ASEAN ICT IT ID ITU MOU MPTC MOI MEF RGC TRC CTC UN UNDP UNESCO SME SMES GIZ CADT "
    "DGB KPI KPIS NGO ODA PDF GDP 4G 5G".split()
)


def is_shouting(text: str) -> bool:
    """Mostly capitals among the Latin letters (and at least two words of them)."""
    cased = [ch for ch in text if ch.isalpha() and ch.lower() != ch.upper()]
    return len(cased) >= 6 and sum(ch.isupper() for ch in cased) >= 0.8 * len(cased)


def smart_case(text: str, known: str = "", lowercase_first: bool = False) -> str:
    """``text`` in title case when it is set in capitals, else unchanged.

    ``known`` is other text of the document, searched for mixed-case spellings to keep.
    ``lowercase_first`` treats the first word like any other (for a subject after "on").
    """
    if not is_shouting(text):
        return text
    spellings = {
        w.lower(): w
        for w in re.findall(r"[A-Za-z][A-Za-z0-9'’-]+", known)
        if not w.isupper() and not w.islower() and not w.istitle()
    }
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        core = re.sub(r"^\W+|\W+$", "", word)
        lower = core.lower()
        if not core or any(ch.isdigit() for ch in core) and core.isupper() and len(core) <= 3:
            new = core
        elif lower in spellings:
            new = spellings[lower]
        elif core.upper() in _ACRONYMS or "." in core:
            new = core
        elif lower in _SMALL and (i > 0 or lowercase_first):
            new = lower
        else:
            new = "-".join(part.capitalize() for part in lower.split("-"))
        out.append(word.replace(core, new, 1) if core else word)
    return " ".join(out)


def tidy(title: str, limit: int = 250) -> str:
    """One line, no spaces around a period's dash ("2021 - 2035" -> "2021-2035"), bounded."""
    title = " ".join(title.split())
    title = re.sub(r"\b((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)\b", r"\1-\2", title)
    title = title.strip(" :;,-")
    return title if len(title) <= limit else title[: limit - 3].rstrip() + "..."
