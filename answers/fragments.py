"""Keeping the sentence a fact depends on whole.

The splitter cuts a PDF's text where a line break looks like a sentence end; sometimes the
cut falls mid-sentence ("...2-Mechanism to build technology infrastructure of the" | "Ministry
of Interior (ICT Network Infrastructure), 3-Mechanism of ..."), and the half that was chosen
lacks the facts the other half holds. A chosen unit that visibly runs on is joined with the
unit that follows it in the same passage, and the citation quotes the joined span (still an
exact slice of the page).
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.evidence import EvidenceSentence

# a sentence ends with a stop, a Khmer stop, a closing quote/bracket after one, or a colon
_ENDED = re.compile(r"[.!?។៕;…]['\"”’)\]]*$")
# an article or preposition wants a noun phrase, which may be a name ("of the" | "Ministry
# of ..."); a conjunction or comma wants a lower-case continuation (a table's next column
# after "hard and" starts with a capital)
_WANTS_NOUN = re.compile(r"\b(?:the|a|an|of|to|in|for|with|by|on|at|from|about|including|"
                         r"such as|than|per)$", re.IGNORECASE)
_WANTS_MORE = re.compile(r"(?:\b(?:and|or|as)|[,\-–(])$", re.IGNORECASE)
MAX_JOINED = 900


def runs_on(text: str, following: str) -> bool:
    """The unit stops mid-sentence and ``following`` continues it: it ends with an article or
    a preposition, or with a conjunction or comma before a lower-case word (English; a Khmer
    unit is cut at ។ and is not judged)."""
    stripped = text.rstrip()
    if _ENDED.search(stripped):
        return False
    if _WANTS_NOUN.search(stripped):
        return True
    return bool(_WANTS_MORE.search(stripped)) and following[:1].islower()


def join_fragments(chosen: list[EvidenceSentence], evidence: list[EvidenceSentence]
                   ) -> list[EvidenceSentence]:
    """The chosen units, each that runs on joined with the unit that follows it in its
    passage (when only whitespace lies between them); a unit joined into another is not
    repeated."""
    following: dict[tuple[str, int], EvidenceSentence] = {}
    by_chunk: dict[str, list[EvidenceSentence]] = {}
    for unit in evidence:
        by_chunk.setdefault(unit.hit.chunk_id, []).append(unit)
    for units in by_chunk.values():
        units.sort(key=lambda u: u.start)
        for a, b in zip(units, units[1:], strict=False):
            following[(a.hit.chunk_id, a.start)] = b
    out: list[EvidenceSentence] = []
    for unit in chosen:
        key = (unit.hit.chunk_id, unit.start)
        nxt = following.get(key)
        if unit.row is None and nxt is not None and nxt.row is None \
                and runs_on(unit.text, nxt.text):
            hit = unit.hit
            gap = hit.text[unit.end - hit.start:nxt.start - hit.start]
            if not gap.strip() and nxt.end - unit.start <= MAX_JOINED:
                text = hit.text[unit.start - hit.start:nxt.end - hit.start]
                unit = replace(unit, end=nxt.end, text=text, terms=unit.terms | nxt.terms,
                               display="")
        out.append(unit)
    return [u for u in out if not _is_absorbed_copy(u, out)]


def _is_absorbed_copy(unit: EvidenceSentence, out: list[EvidenceSentence]) -> bool:
    """A chosen unit that another chosen unit now contains."""
    return any(o is not unit and o.hit.chunk_id == unit.hit.chunk_id
               and o.start <= unit.start and unit.end <= o.end for o in out)
