"""Repairing an OCR'd title with the document's own spelling.

OCR bends a few characters of a scanned title (សន្ធិសុខ for សន្តិសុខ), and the title is the
one line shown everywhere. Legal texts repeat their subject (Article 1, the closing article,
running headers), and each repetition is OCR'd separately, so the errors rarely coincide.
Each word group of the subject is aligned with its closest repetition in the text; where they
differ, the spelling (with a little context) that occurs more often in the document wins.
Nothing changes when the text never repeats the title or the title's spelling is as common.
A long unspaced Khmer group is then aligned in pieces of a few words (twice, the piece
boundaries shifted, since edits at a piece's edges are not trusted): its whole rarely
recurs, its words do. Pieces change letters only, never add or drop them (a few words align
with too many places for that).

A second pass fixes the structural slips of Khmer OCR that alignment misses inside long
unspaced groups: a pre-base vowel written in visual order (េគហ for គេហ) and the pre-base
vowel's glyph read as an extra letter (រដែល for ដែល). Dropping a letter, moving a pre-base
vowel back after its consonant, or both (រេស for សេ) is done only where the document spells the same letters with the same three letters on
either side at least ``MIN_SEEN`` times and the title's own spelling at most once (itself);
when no edit has that support, a swap (never a bare drop) may instead be supported by six
letters on its right alone: a word-start slip (ជាតិរេសដ្ឋកិច្ច) whose word follows other
words in the text (សេដ្ឋកិច្ច after វិស័យ, កំណើន ...).
Substitutions are not made this way: a scan's OCR repeats its misreadings (ប្រែ for ប្រៃ)
as often as the right letters, so counts cannot tell them apart.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ingest.khmer.segment import segment_khmer

__all__ = ["repair_title"]

MIN_CHUNK = 6
#: An OCR slip bends a character or two; a longer difference is a different word.
MAX_SLIP = 2
MIN_RATIO = 0.75
ANCHOR = 4
CONTEXT = 3
MAX_ANCHOR_HITS = 100
#: Groups longer than this are aligned in pieces of whole words up to this length.
MAX_PIECE = 20
#: Letters of unchanged context on each side of a structural fix, and how often the document
#: must spell the fixed form.
SIDE = 3
#: Vowels written before their consonant (OCR emits them in visual order).
PRE_BASE = frozenset("\u17c1\u17c2\u17c3")
MIN_SEEN = 3
MAX_FIXES = 8


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


def _repair_chunk(chunk: str, text: str, equal_only: bool = False) -> str:
    """``chunk`` with the slips its closest repetition in ``text`` spells more often another
    way; ``equal_only`` keeps substitutions only (a few words align with too many places to
    trust an inserted or dropped letter)."""
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
            or any(ch.isspace() for ch in window[j1:j2])
            or (equal_only and i2 - i1 != j2 - j1)
        ):
            pieces.append(chunk[i1:i2])
            continue
        mine = chunk[max(i1 - CONTEXT, 0) : i2 + CONTEXT]
        theirs = window[max(j1 - CONTEXT, 0) : j2 + CONTEXT]
        pieces.append(
            window[j1:j2] if text.count(theirs) > max(text.count(mine), 1) else chunk[i1:i2]
        )
    return "".join(pieces)


def _side(text: str, start: int, step: int, letters: int = SIDE) -> str:
    """``letters`` letters from ``start`` going ``step`` (+1/-1), spaces skipped (OCR
    spacing differs between the title and the text)."""
    out: list[str] = []
    while 0 <= start < len(text) and len(out) < letters:
        if not text[start].isspace():
            out.append(text[start])
        start += step
    return "".join(out[::step])


def _structural_edits(title: str, i: int) -> list[tuple[int, str]]:
    """(letters replaced from ``i``, replacement): drop a letter (រដែល -> ដែល), put a pre-base
    vowel back after its consonant (េគហ -> គេហ), or both (the vowel's glyph read as a letter
    and the vowel written first: រេស -> សេ)."""
    padded = title[i : i + 3] + "   "
    a, b, c = padded[0], padded[1], padded[2]
    edits = [(1, "")]
    if a in PRE_BASE:
        edits.append((2, b + a))
    if b in PRE_BASE:
        edits.append((3, c + b))
    return [
        (n, new)
        for n, new in edits
        if i + n <= len(title) and not any(ch.isspace() for ch in title[i : i + n] + new)
    ]


def _support(title: str, i: int, size: int, new: str, compact: str,
             one_sided: bool = False) -> int:
    """How often the document spells the edited letters with the title's three letters on
    either side; 0 when the title's own spelling occurs there more than once (it is real)."""
    left, right = _side(title, i - 1, -1), _side(title, i + size, 1)
    if len(left) < SIDE or len(right) < SIDE:
        return 0
    if compact.count(left + title[i : i + size] + right) > 1:
        return 0
    seen = compact.count(left + new + right)
    if not one_sided or seen >= MIN_SEEN or not new:
        return seen
    # a moved vowel at a word's start: the word before it differs between the title and the
    # text (ជាតិរេសដ្ឋកិច្ច: សេដ្ឋកិច្ច follows other words), so the longer right side speaks;
    # asked only when no edit has support on both sides
    longer = _side(title, i + size, 1, 2 * SIDE)
    if len(longer) < 2 * SIDE or compact.count(title[i : i + size] + longer) > 1:
        return seen
    return compact.count(new + longer)


def _best_edit(title: str, compact: str, one_sided: bool) -> tuple[int, int, int, str] | None:
    best: tuple[int, int, int, str] | None = None
    for i in range(len(title) - 1):
        if title[i].isspace():
            continue
        for size, new in _structural_edits(title, i):
            seen = _support(title, i, size, new, compact, one_sided)
            if seen >= MIN_SEEN and (best is None or seen > best[0]):
                best = (seen, i, size, new)
    return best


def _fix_structure(title: str, compact: str) -> str:
    """Drops and swaps the document's own spelling supports (see the module docstring)."""
    for _ in range(MAX_FIXES):
        best = _best_edit(title, compact, False) or _best_edit(title, compact, True)
        if best is None:
            return title
        _, i, size, new = best
        title = title[:i] + new + title[i + size :]
    return title


def _pieces(chunk: str, first_cut: int) -> list[str]:
    """``chunk`` cut between segmenter words into pieces of at most ``MAX_PIECE`` letters,
    the first cut made after ``first_cut`` words at the latest."""
    words = segment_khmer(chunk)
    if "".join(words) != chunk:
        return [chunk]
    pieces, current = [], ""
    for n, word in enumerate(words):
        if current and (len(current) + len(word) > MAX_PIECE or n == first_cut):
            pieces.append(current)
            current = ""
        current += word
    return [*pieces, current] if current else pieces


def _repair_group(chunk: str, text: str) -> str:
    if len(chunk) < MIN_CHUNK:
        return chunk
    chunk = _repair_chunk(chunk, text)
    if len(chunk) <= MAX_PIECE:
        return chunk
    for first_cut in (-1, 1):
        chunk = "".join(
            _repair_chunk(p, text, equal_only=True) if len(p) >= MIN_CHUNK else p
            for p in _pieces(chunk, first_cut)
        )
    return chunk


def repair_title(title: str, text: str) -> str:
    """``title`` with OCR slips corrected where ``text`` (the whole document) spells the same
    words more often another way."""
    aligned = [_repair_group(c, text) for c in title.split(" ")]
    return _fix_structure(" ".join(aligned), re.sub(r"\s+", "", text))
