"""Sentence splitting for Khmer, English and mixed text, as spans into the original text.

Spans (not strings) are returned so that chunks, citations and highlights stay exact slices of
the page text. Khmer ends sentences with ``។``/``៕``/``៚`` and never with ``ៗ`` (repeat the
previous word) or ``៖`` (colon); ``។ល។`` means "etc." and continues the sentence. English
needs the usual guards against abbreviations, initials, list numbers and decimals. Khmer news
often runs for paragraphs without any ender, so over-long spans are cut at a phrase space.
"""

from __future__ import annotations

import re

from ingest.heading_lines import BULLETS as _BULLETS
from ingest.heading_lines import CLOSERS as _CLOSERS
from ingest.heading_lines import OPENERS as _OPENERS
from ingest.heading_lines import continues, heading_ends, line_ends_sentence
from ingest.khmer.normalize import ZERO_WIDTH
from ingest.khmer.script import COENG, CONSONANT_CLASS, DIGIT_CLASS, is_base, is_khmer, is_mark
from ingest.label_blocks import label_blocks

__all__ = ["EVIDENCE_SENTENCE_CHARS", "MAX_SENTENCE_CHARS", "split_evidence", "split_sentences"]

#: Longest span returned; longer runs are cut at the last space before this many chars.
MAX_SENTENCE_CHARS = 400
#: Longest evidence unit an answer scores and quotes. Policy prose runs to 400-700
#: characters a sentence; cut at 400, its short tail ("coordination of the National Council
#: for Digital Economy and Society.") outscored the whole sentence, which is about another
#: body, and was then quoted joined to it.
EVIDENCE_SENTENCE_CHARS = 700

_KHMER_ENDERS = "\u17d4\u17d5\u17da"  # ។ ៕ ៚
_KHMER_ETC = "\u17d4\u179b\u17d4"  # ។ល។ "and so on": not a sentence end
_ENDER_RUN_RE = re.compile(f"[{_KHMER_ENDERS}?!;.\u2026]+")

# Abbreviations before a period. Titles and references count only when capitalised, so a
# sentence can still end with the words "no." or "art."; the rest count in any case.
_CAPITALISED_ABBREVIATIONS = frozenset(
    """
    Mr Mrs Ms Dr Prof Sr Jr St Lt Gen Col Capt Maj Sgt Gov Sen Rep Rev Hon
    No Nos Art Arts Sec Para Ch Vol Fig Ref Dept Govt Min Inc Ltd Co Corp Est
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    """.split()
)
_ANY_CASE_ABBREVIATIONS = frozenset("e.g i.e vs etc al cf ibid viz approx p pp ed eds".split())
_WORD_BEFORE_RE = re.compile(r"[A-Za-z][A-Za-z.]*$")
_DOTTED_RE = re.compile(r"[A-Za-z](?:\.[A-Za-z])+")  # e.g, i.e, H.E, U.S

# List numbers are short: "2022." or "2022.10" at a line start is a year, not an item.
_NUM = rf"(?:[0-9]{{1,3}}|[{DIGIT_CLASS}]{{1,3}})(?![0-9{DIGIT_CLASS}])"
_KHMER_LETTER = f"[{CONSONANT_CLASS}]"
# A list marker just before a period: "1." "1.2." "១." "a." "IV." "ក."
_MARKER_BEFORE_RE = re.compile(rf"(?:{_NUM}(?:\.{_NUM})*|[A-Za-z]|[IVXivx]+|{_KHMER_LETTER})$")
# What may precede a list marker: start of line or the end of a previous sentence.
_BEFORE_MARKER = "\n.?!;:\u17d4\u17d5\u17d6\u17da"
_PARAGRAPH_RE = re.compile(r"\n[^\S\n]*\n")
_LIST_LINE_RE = re.compile(
    r"\n[^\S\n]*"
    r"(?:"
    rf"{_NUM}(?:\.{_NUM})*[.)\-](?![0-9{DIGIT_CLASS}])"  # 1.  1)  1-  1.2.  ១.
    rf"|{_NUM}(?:\.{_NUM})+(?=\s)"  # 1.2 heading numbers
    r"|[-\u2013\u2014](?=\s)"  # - item (not -5)
    rf"|[{_BULLETS}]|\*(?=\s)"  # bullets
    rf"|\((?:{_NUM}|[A-Za-z]|[ivxIVX]+|{_KHMER_LETTER})\)"  # (a) (1) (iv) (ក)
    rf"|(?:[a-z]|{_KHMER_LETTER})[.)](?=\s)"  # a. b) ក.
    r"|(?:[IVX]+|[ivx]+)\.(?=\s)"  # II. iv.
    r")"
)



def _is_space(ch: str) -> bool:
    return ch.isspace() or ch in ZERO_WIDTH


def _is_list_marker(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes a list number that starts a line or sentence."""
    match = _MARKER_BEFORE_RE.search(text, max(0, dot - 16), dot)
    if not match:
        return False
    i = match.start() - 1
    if i >= 0 and not _is_space(text[i]):
        return False  # part of a longer word or number
    while i >= 0 and _is_space(text[i]) and text[i] != "\n":
        i -= 1
    if i < 0:
        return True
    if text[i] == ".":
        return not _is_word_abbreviation(text, i)  # "No. 12." is not an item number
    return text[i] in _BEFORE_MARKER


def _is_khmer_initial(text: str, dot: int) -> bool:
    """Whether the period follows a lone Khmer letter, as in ក.ប.ទ. or ឯ.ឧ. (H.E.)."""
    i = dot - 1
    while i >= 0 and text[i] in ZERO_WIDTH:
        i -= 1
    if i < 0 or not is_base(text[i]):
        return False
    return i == 0 or not is_khmer(text[i - 1])


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the single period at ``dot`` closes an abbreviation, initial or list number."""
    return _is_list_marker(text, dot) or _is_word_abbreviation(text, dot)


def _is_word_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` follows an abbreviation (Mr, e.g, H.E, ក.ប.ទ) or initial."""
    if _is_khmer_initial(text, dot):
        return True
    match = _WORD_BEFORE_RE.search(text, max(0, dot - 30), dot)
    if not match:
        return False
    word = match.group()
    if match.start() > 0 and text[match.start() - 1].isalnum():
        return False  # glued to digits or other letters: not a word of its own
    if len(word) == 1 and word.isupper():
        return True  # initial: "J. Smith"
    if word[0].isupper() and word.capitalize() in _CAPITALISED_ABBREVIATIONS:
        return True
    if word.lower() in _ANY_CASE_ABBREVIATIONS:
        return True
    return bool(_DOTTED_RE.fullmatch(word))


def _ender_breaks(text: str, start: int, end: int, after: int) -> bool:
    """Decide whether the run of ender characters ``text[start:end]`` ends a sentence.

    ``after`` is the position after any closing quotes or brackets that follow the run.
    """
    run = text[start:end]
    if any(ch in _KHMER_ENDERS for ch in run):
        if text.startswith(_KHMER_ETC, start):
            return False  # first ។ of ។ល។
        if start >= 2 and text.startswith(_KHMER_ETC, start - 2) and len(run) == 1:
            return False  # last ។ of ។ល។, the sentence goes on
        return True
    if after >= len(text):
        return True
    previous = text[start - 1] if start > 0 else ""
    if previous and is_khmer(previous) and any(ch in "?!;" for ch in run):
        return True  # Khmer sentence ended with Latin ? ! ;
    if run == ";":
        return False  # joins clauses in English
    # English: whitespace, then something that can start a sentence.
    j = after
    while j < len(text) and _is_space(text[j]):
        j += 1
    if j == after or j >= len(text):
        return j >= len(text)
    nxt = text[j]
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS or is_khmer(nxt)):
        return False
    return not (run == "." and _is_abbreviation(text, start))


def _line_before(text: str, newline: int) -> str:
    """The line that ends at the newline at ``newline`` (without it)."""
    return text[text.rfind("\n", 0, newline) + 1:newline].strip()


def _is_list_item(text: str, match: re.Match[str], items: set[int]) -> bool:
    """Whether a marker at a line start opens a list item, not a number that a PDF line
    break put at the start of a line ("boost GDP by about\n3.5 percent", "by\n(1) preparing").

    A bullet always does. A number or letter does after a line that ends a sentence or a
    clause (". : ; ។ ៖"), after another item's line (``items``: where they start), or when a capitalised word follows it
    and the line before does not visibly run on."""
    marker = match.group().lstrip()
    if marker[0] in _BULLETS or marker[0] in "*-\u2013\u2014":
        return True
    previous = _line_before(text, match.start())
    if line_ends_sentence(previous) or text.rfind("\n", 0, match.start()) in items:
        return True
    j = match.end()
    while j < len(text) and text[j] in " \t":
        j += 1
    nxt = text[j] if j < len(text) else ""
    return (nxt.isupper() or nxt in _OPENERS) and not continues(previous)


def _cut_points(text: str) -> set[int]:
    cuts = {m.start() for m in _PARAGRAPH_RE.finditer(text)}
    items: set[int] = set()
    for match in _LIST_LINE_RE.finditer(text):
        if _is_list_item(text, match, items):
            items.add(match.start())
    cuts.update(items)
    cuts.update(heading_ends(text))
    for match in _ENDER_RUN_RE.finditer(text):
        after = match.end()
        while after < len(text) and text[after] in _CLOSERS:
            after += 1
        if _ender_breaks(text, match.start(), match.end(), after):
            cuts.add(after)
    for start, end in label_blocks(text):  # "Keynote Speech by" / blank / "H.E. ..." / role
        cuts = {c for c in cuts if not start < c < end}
    return cuts


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_space(text[start]):
        start += 1
    while end > start and _is_space(text[end - 1]):
        end -= 1
    return start, end


def _safe_cut(text: str, start: int, limit: int) -> int:
    """Best cut in ``text[start+1 : limit+1]``: a space, else a zero-width space, else a
    position that does not split a Khmer cluster, else ``limit``."""
    for j in range(limit, start, -1):
        if text[j].isspace():
            return j
    for j in range(limit, start, -1):
        if text[j] in ZERO_WIDTH:
            return j
    for j in range(limit, start, -1):
        ch, prev = text[j], text[j - 1]
        if prev != COENG and not is_mark(ch):
            return j
    return limit


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    while end - start > max_chars:
        cut = _safe_cut(text, start, start + max_chars)
        piece = _strip(text, start, cut)
        if piece[1] > piece[0]:
            spans.append(piece)
        start, end = _strip(text, cut, end)
    if end > start:
        spans.append((start, end))
    return spans


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences of ``text``, in order.

    ``text[start:end]`` is the sentence without surrounding whitespace or zero-width
    characters. Breaks: Khmer enders, English ``. ? !`` before a likely sentence start,
    blank lines (not between a label line such as "Keynote Speech by" and the name block
    below it: ``ingest/label_blocks.py``), and line breaks before list markers; no span is
    longer than ``max_chars``.
    """
    spans: list[tuple[int, int]] = []
    previous = 0
    for cut in [*sorted(_cut_points(text)), len(text)]:
        start, end = _strip(text, previous, cut)
        if end > start:
            spans.extend(_split_long(text, start, end, max_chars))
        previous = cut
    return spans


def split_evidence(text: str) -> list[tuple[int, int]]:
    """``split_sentences`` for answer evidence: whole sentences up to
    ``EVIDENCE_SENTENCE_CHARS``. One module-level function, so the answerer and the warm-up
    that stores evidence-sentence vectors cut passages alike."""
    return split_sentences(text, EVIDENCE_SENTENCE_CHARS)
