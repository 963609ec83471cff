"""Cleaning of text taken from a PDF: control characters out, nothing else touched.

Khmer is never reordered or de-spaced here; normalisation happens later and only for search keys.
"""

from __future__ import annotations

import re

#: C0/C1 control characters: pypdf emits them for Khmer shaping fonts and damaged info fields.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TRAILING_WS_RE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)


def clean_page_text(text: str) -> str:
    """Remove control characters and trailing spaces; never reorders or de-spaces Khmer."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL_RE.sub("", text)
    return _TRAILING_WS_RE.sub("", text).strip("\n")
