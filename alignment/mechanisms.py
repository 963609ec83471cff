"""Find a plan's mechanisms / objectives / measures: the numbered items it is built from.

Plans and meeting records list them inline ("six main mechanisms, including: 1 -Management of
human resources ..., 2-Mechanism to build ...") or one per line or heading ("Mechanism 3:",
"យន្តការទី៣", "ក. អាទិភាពទី១៖"). Every numbered run that starts at 1 and counts up is a
candidate; the run introduced by or made of mechanism-like words, and then the longest, wins.

An item on its own line is that line, whatever marks the line ("## ", "- ", "ក. "): a Word
heading reads "## Mechanism 1: ..." from the document and "Mechanism 1: ..." when pasted, and
both must give the same mechanism.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.khmer.script import DIGIT_CLASS, DIGITS_TO_ASCII

# an item number: start of line or after punctuation/space, a 1-2 digit number, a separator
_INLINE_MARKER = re.compile(
    r"(?:(?<=^)|(?<=[\s,;:(\u17d4\u17d6]))"
    r"(?:(?:mechanism|objective|measure|strategy|goal|pillar|priority)\s+"
    r"|យន្តការទី|គោលបំណងទី|វិធានការទី|យុទ្ធសាស្ត្រទី|អាទិភាពទី)?"
    rf"(?P<num>[0-9{DIGIT_CLASS}]{{1,2}})\s*(?:[-–.)]|:|៖)\s*(?=\S)",
    re.IGNORECASE | re.MULTILINE,
)
_MECHANISM_WORDS = re.compile(
    r"mechanism|objective|measure|strateg|pillar|priorit|component"
    r"|យន្តការ|គោលបំណង|វិធានការ|យុទ្ធសាស្ត្រ|អាទិភាព",
    re.IGNORECASE)
# what may stand before an item that still starts its own line: heading marks, a bullet, a
# letter or Khmer letter enumerating the groups ("## ", "- ", "B. ", "ក. ")
_LINE_LEAD = re.compile(r"(?:^|\n)[ \t]*(?:[#*>•\-–]+[ \t]*)?(?:[A-Za-z\u1780-\u17a2][.)][ \t]*)?$")
_TRAILING = re.compile(r"[\s,;.។]*(?:\b(?:and|or)\b|និង)?[\s,;.។]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Mechanism:
    label: str  # "1", "2", ...
    text: str
    start: int  # offsets into the text it was found in
    end: int


def find_mechanisms(text: str, max_item_chars: int = 400) -> list[Mechanism]:
    """The best numbered run of items in ``text`` (empty when there is none of two or more)."""
    folded = text.translate(DIGITS_TO_ASCII)
    markers = [(int(m.group("num")), m.start(), m.end()) for m in _INLINE_MARKER.finditer(folded)]
    runs: list[list[tuple[int, int, int]]] = []
    for i, (num, _, _) in enumerate(markers):
        if num != 1:
            continue
        run = [markers[i]]
        for nxt in markers[i + 1:]:
            if nxt[0] == run[-1][0] + 1 and nxt[1] - run[-1][2] <= max_item_chars:
                run.append(nxt)
            elif nxt[0] == 1:
                break
        if len(run) >= 2:
            runs.append(run)
    if not runs:
        return []
    best = max(runs, key=lambda run: (_run_score(text, run), len(run)))
    return _items(text, best, max_item_chars)


def _run_score(text: str, run: list[tuple[int, int, int]]) -> int:
    """How mechanism-like a run is: its introduction and its items' wording (up to the end of
    its last item, not beyond: the words of the next list say nothing about this one)."""
    intro = text[max(0, run[0][1] - 200):run[0][1]]
    items = text[run[0][1]:_item_end(text, run[-1][2], 400)]
    return (3 if _MECHANISM_WORDS.search(intro) else 0) + len(_MECHANISM_WORDS.findall(items))


def _items(text: str, run: list[tuple[int, int, int]], max_item_chars: int) -> list[Mechanism]:
    items = []
    for i, (num, marker_start, body_start) in enumerate(run):
        end = run[i + 1][1] if i + 1 < len(run) else _item_end(text, body_start, max_item_chars)
        if _starts_line(text, marker_start):
            # a list item or heading on its own line: the item is that line (a title)
            line_end = text.find("\n", body_start)
            end = min(end, line_end) if line_end >= 0 else end
        raw = text[body_start:end]
        cleaned = _TRAILING.sub("", raw).strip()
        items.append(Mechanism(str(num), " ".join(cleaned.split()), body_start,
                               body_start + len(raw.rstrip())))
    return items


def _starts_line(text: str, position: int) -> bool:
    return _LINE_LEAD.search(text, max(0, position - 12), position) is not None


def _item_end(text: str, start: int, max_chars: int) -> int:
    """The last item runs to the end of its sentence or line."""
    window = text[start:start + max_chars]
    match = re.search(r"\)\.(?:\s|$)|[.។](?:\s|$)|\n", window)
    return start + (match.end() - 1 if match else len(window))
