"""Repairing an OCR'd title with the document's own spelling.

OCR bends a few characters of a scanned title (សន្ធិសុខ for សន្តិសុខ), and the title is the
one line shown everywhere. Legal texts repeat their subject (Article 1, the closing article,
running headers), and each repetition is OCR'd separately, so the errors rarely coincide.
Each word group of the subject is aligned with its closest repetition in the text; where they
differ, the spelling (with a little context) that occurs more often in the document wins.
Nothing changes when the text never repeats the title or the title's spelling is as common.
"""

from __future__ import annotations

from difflib import SequenceMatcher

__all__ = ["repair_title"]

MIN_CHUNK = 6
#: An OCR slip bends a character or two; a longer difference is a different word.
MAX_SLIP = 2
MIN_RATIO = 0.75
ANCHOR = 4
CONTEXT = 3
MAX_ANCHOR_HITS = 100


def _best_window(chunk: str, text: str, own: int) -> str | None:
    """The passage of ``text`` most like ``chunk``, outside the title's own place ``own``."""
    size = len(chunk)
    best, best_ratio = None, MIN_RATIO
    for offset in range(0, max(size - ANCHOR, 0) + 1, max(size // 3, 1)):
        anchor = chunk[offset : offset + ANCHOR]
        start, hits = 0, 0
        while (pos := text.find(anchor, start)) >= 0 and hits < MAX_ANCHOR_HITS:
            start, hits = pos + 1, hits + 1
            base = pos - offset
            if own >= 0 and abs(base - own) < size:
                continue
            for shift in (-2, 0, 2):
                for stretch in (-2, 0, 2):
                    lo = max(base + shift, 0)
                    window = text[lo : lo + size + stretch]
                    ratio = SequenceMatcher(None, chunk, window, autojunk=False).ratio()
                    if ratio > best_ratio:
                        best, best_ratio = window, ratio
    return best


def _repair_chunk(chunk: str, text: str) -> str:
    window = _best_window(chunk, text, text.find(chunk))
    if not window or window == chunk:
        return chunk
    pieces = []
    matcher = SequenceMatcher(None, chunk, window, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        # Edits at a group's edges are alignment artefacts more often than OCR slips.
        if (
            tag == "equal"
            or i1 < CONTEXT
            or i2 > len(chunk) - CONTEXT
            or max(i2 - i1, j2 - j1) > MAX_SLIP
            or " " in window[j1:j2]
        ):
            pieces.append(chunk[i1:i2])
            continue
        mine = chunk[max(i1 - CONTEXT, 0) : i2 + CONTEXT]
        theirs = window[max(j1 - CONTEXT, 0) : j2 + CONTEXT]
        pieces.append(
            window[j1:j2] if text.count(theirs) > max(text.count(mine), 1) else chunk[i1:i2]
        )
    return "".join(pieces)


def repair_title(title: str, text: str) -> str:
    """``title`` with OCR slips corrected where ``text`` (the whole document) spells the same
    words more often another way."""
    return " ".join(_repair_chunk(c, text) if len(c) >= MIN_CHUNK else c for c in title.split(" "))
