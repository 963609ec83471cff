"""Metadata values in one form: dates as ISO yyyy-mm-dd (English, Khmer or ISO, from text or
front matter), periods as ``2022-2035`` and languages as one code each.

Kept apart from ``metadata.py``: loaders, sidecars and inference all normalise the same way, so
filters match whichever of them a value came from.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ingest.khmer.script import DIGITS_TO_ASCII

_EN_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_KM_MONTHS = {"មករា": 1, "កុម្ភៈ": 2, "កុម្ភះ": 2, "កម្ភៈ": 2, "មីនា": 3, "មេសា": 4, "ឧសភា": 5,
              "មិថុនា": 6, "កក្កដា": 7, "សីហា": 8, "កញ្ញា": 9, "តុលា": 10, "វិច្ឆិកា": 11, "ធ្នូ": 12}
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, str, str]], ...] = (
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), ("m", "d", "y")),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.I), ("d", "m", "y")),
    (re.compile(r"ថ្ងៃទី\s*([0-9០-៩]{1,2})\s*ខែ\s*(" + "|".join(_KM_MONTHS) + r")\s*ឆ្នាំ\s*([0-9០-៩]{4})"),
     ("d", "m", "y")),
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"), ("y", "m", "d")),
)
_PERIOD_RE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*(?:[-–—‐]|\bto\b|\buntil\b|ដល់(?:ឆ្នាំ)?)\s*((?:19|20)\d\d)(?!\d)", re.I)

_LANG_ALIASES = {"kh": "km", "khm": "km", "khmer": "km", "eng": "en", "english": "en"}


def _build_date(y: str, m: str, d: str) -> str | None:
    month = int(m) if m.isdigit() else _KM_MONTHS.get(m) or _EN_MONTHS.get(m[:3].lower(), 0)
    try:
        return dt.date(int(y.translate(DIGITS_TO_ASCII)), month, int(d.translate(DIGITS_TO_ASCII))).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """First valid date in ``text`` (English, Khmer or ISO form), as ISO yyyy-mm-dd."""
    text = text.replace("\u200b", "")
    found: list[tuple[int, str]] = []
    for pattern, order in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            if iso := _build_date(parts["y"], parts["m"], parts["d"]):
                found.append((match.start(), iso))
                break
    return min(found)[1] if found else None


def normalize_date(value: Any) -> str | None:
    """A date from front matter, a sidecar or document properties as ISO yyyy-mm-dd (None if unknown).

    ``a/b/yyyy`` is read month-first (the TRC site's front matter uses 11/26/2020) unless a > 12.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().translate(DIGITS_TO_ASCII)
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?", text):
        return _build_date(m.group(1), m.group(2), m.group(3))
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
        a, b = int(m.group(1)), int(m.group(2))
        month, day = (b, a) if a > 12 else (a, b)
        return _build_date(m.group(3), str(month), str(day))
    return find_date(text)


def find_period(*texts: str) -> str | None:
    """A plan/policy period like ``2022-2035`` from the first text that has a plausible one."""
    for text in texts:
        for match in _PERIOD_RE.finditer(text.translate(DIGITS_TO_ASCII)):
            start, end = int(match.group(1)), int(match.group(2))
            if start < end <= start + 30:
                return f"{start}-{end}"
    return None


def normalize_language(value: Any) -> str | None:
    """``km-KH``/``kh``/``Khmer`` -> ``km``: one code per language so filters match."""
    if not value:
        return None
    code = str(value).strip().lower().replace("_", "-").split("-")[0]
    return _LANG_ALIASES.get(code, code)
