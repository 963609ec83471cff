"""Dates as sortable integers (yyyymmdd), the form both indexes filter on.

Documents carry ISO dates of varying precision ("2022", "2022-03", "2022-03-15"); the sparse
index's date column and the vector store's metadata hold them as integers so a date range is
two comparisons. Stored dates and filter bounds go through here so the two indexes agree.
"""

from __future__ import annotations

import re

__all__ = ["bound_key", "date_key"]

_NOT_DIGIT = re.compile(r"\D")


def date_key(date: str | None) -> int:
    """A document date as yyyymmdd, missing month and day as 00 ("2022-03" -> 20220300);
    0 when there is no usable date."""
    digits = (date or "").replace("-", "")[:8].ljust(8, "0")
    return int(digits) if digits.isdigit() else 0


def bound_key(value: str | None, *, end: bool) -> int | None:
    """A filter bound as yyyymmdd, or None for no bound. A partial date covers its whole
    span: "2022" starts at 20220101 and ends at 20221231, "2022-03" ends at 20220399."""
    if not value:
        return None
    digits = _NOT_DIGIT.sub("", value)[:8]
    if not digits:
        return None
    if len(digits) == 4:
        return int(digits + ("1231" if end else "0101"))
    return int(digits.ljust(8, "9" if end else "0"))
