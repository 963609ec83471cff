"""Label lines and the name blocks they introduce, kept as one unit.

An agenda, a programme or a signature block puts a label on its own line ("Keynote Speech
by", "Moderator:", "Prepared by:", Khmer "អធិបតីភាពដោយ") and the person it names a blank
line below ("H.E. Chea Sereyvath" / "Secretary General, ..."). Cut at the blank line, the
label answers "who gave the keynote?" with no name and the name answers it with no label
(issue #12). The sentence splitter and the chunker ask this module where such a block is,
so the label, the name and the role lines under it are one evidence unit and one chunk's;
the unit is still a plain span of the page text.
"""

from __future__ import annotations

import re

__all__ = ["held_lines", "label_blocks"]

# the label ends with "by" or a colon, or with a word naming a role or a speaking turn
_ROLE_WORDS = (
    "chair|chaired|chairperson|co-chair|moderator|moderated|facilitator|facilitated|speaker|"
    "speakers|panelist|panelists|panellist|panellists|presenter|presenters|presented|"
    "rapporteur|host|hosted|mc|emcee|remarks|speech|address|keynote|"
    "signed|signature|approved|prepared|endorsed|witnessed"
)  # not a session's name ("Panel Discussion"): its first panelist is not the whole panel
_LABEL_RE = re.compile(
    rf"(?:\bby\s*:?|:|\b(?:{_ROLE_WORDS})\s*:?|ដោយ\s*[៖:]?|៖)$", re.IGNORECASE)
_BY_RE = re.compile(r"(?:\bby|ដោយ)\s*[:៖]?$", re.IGNORECASE)
# a name line starts with an honorific or title (English, Khmer)
_HONORIFIC_RE = re.compile(
    r"^(?:H\.\s?E\.|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Miss|Prof\.?|Professor|Excellency|His |Her |"
    r"Lok Chumteav|Oknha|Samdech|Sir|Madam|Lieutenant|General|Gen\.|Col\.|Ambassador|"
    r"ឯកឧត្តម|លោកជំទាវ|លោកស្រី|លោក|សម្តេច|សម្ដេច|បណ្ឌិត|ឧកញ៉ា|អ្នកស្រី)")
# without an honorific, after "by": two to five capitalised words ("Sok Dara")
_BARE_NAME_RE = re.compile(r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,4}$")
_MAX_LABEL_WORDS, _MAX_LABEL_CHARS = 8, 60
_MAX_BLANKS = 2  # blank lines allowed between the label and the name
_MAX_BLOCK_LINES = 4  # the name and its role lines
_MAX_LINE_CHARS = 120


def _is_label(line: str) -> bool:
    return (0 < len(line) <= _MAX_LABEL_CHARS and len(line.split()) <= _MAX_LABEL_WORDS
            and bool(_LABEL_RE.search(line)))


def _is_name(line: str, after_by: bool) -> bool:
    if not line or len(line) > _MAX_LINE_CHARS:
        return False
    return bool(_HONORIFIC_RE.match(line)) or after_by and bool(_BARE_NAME_RE.match(line))


def label_blocks(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of ``text`` that run from a label line through the name block
    below it (up to the next blank line, at most four lines), where blank lines separate the
    two. Nothing is returned for a label whose name stands on its own line directly below
    (the splitter keeps that already) or for one followed by running text."""
    lines = text.split("\n")
    starts, offset = [], 0
    for raw in lines:
        starts.append(offset)
        offset += len(raw) + 1
    spans: list[tuple[int, int]] = []
    for i, raw in enumerate(lines):
        label = raw.strip()
        if not _is_label(label):
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip() and j - i - 1 < _MAX_BLANKS:
            j += 1
        if j == i + 1 or j >= len(lines) or not _is_name(lines[j].strip(), bool(_BY_RE.search(label))):
            continue
        k = j
        while k + 1 < len(lines) and lines[k + 1].strip() and k + 1 - j < _MAX_BLOCK_LINES \
                and len(lines[k + 1].strip()) <= _MAX_LINE_CHARS:
            k += 1
        start = starts[i] + len(raw) - len(raw.lstrip())
        end = starts[k] + len(lines[k].rstrip())
        spans.append((start, end))
    return spans


def held_lines(text: str) -> set[int]:
    """Start offsets of the lines inside a label block after its label (the blank lines and
    the name, which may look like a list item: "H.E."): a chunker that ends a paragraph at a
    blank line or an item keeps going at these."""
    held: set[int] = set()
    for start, end in label_blocks(text):
        i = text.find("\n", start)
        while 0 <= i < end:
            held.add(i + 1)
            i = text.find("\n", i + 1)
    return held
