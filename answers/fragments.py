"""Keeping the sentence a fact depends on whole.

The splitter cuts a PDF's text where a line break looks like a sentence end; sometimes the
cut falls mid-sentence ("...2-Mechanism to build technology infrastructure of the" | "Ministry
of Interior (ICT Network Infrastructure), 3-Mechanism of ..."), and the half that was chosen
lacks the facts the other half holds. The splitter also cuts a sentence longer than
``MAX_SENTENCE_CHARS`` at a space ("... as well as the management of the entire national" |
"social security."), which policy prose often is. A chosen unit that visibly runs on is
joined with the unit that follows it in the same passage, and the citation quotes the joined
span (still an exact slice of the page).
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.evidence import EvidenceSentence
from ingest.sentences import MAX_SENTENCE_CHARS

# a sentence ends with a stop, a Khmer stop, or a closing quote/bracket after one
_ENDED = re.compile(r"[.!?។៕;…]['\"”’)\]]*$")
# an article or preposition wants a noun phrase, which may be a name ("of the" | "Ministry
# of ...")
_WANTS_NOUN = re.compile(r"\b(?:the|a|an|of|to|in|for|with|by|on|at|from|about|including|"
                         r"such as|than|per)$", re.IGNORECASE)
MAX_JOINED = 900
# the words after a unit up to the next sentence end (or the passage's end), when short
_LEFTOVER = re.compile(r"(\s*[^\n]{1,150}?(?:[.!?។៕;](?=\s|$)|$))")
#: A unit at least this long that ends no sentence was cut for length, not at a sentence end.
CUT_FOR_LENGTH = int(0.85 * MAX_SENTENCE_CHARS)


def runs_on(text: str, following: str) -> bool:
    """The unit stops mid-sentence and ``following`` continues it: it ends with an article or
    a preposition; or ``following`` starts with a lower-case word (a sentence never does; a
    table's next column after "hard and" starts with a capital); or the unit was cut for
    length (in either language)."""
    stripped = text.rstrip()
    if _ENDED.search(stripped):
        return False
    if _WANTS_NOUN.search(stripped) or len(stripped) >= CUT_FOR_LENGTH:
        return True
    return following[:1].islower()


def join_fragments(chosen: list[EvidenceSentence], evidence: list[EvidenceSentence]
                   ) -> list[EvidenceSentence]:
    """The chosen units, each that runs on joined with the unit that follows it in its
    passage (when only whitespace lies between them), or with the few words left after it
    that make no unit of their own ("... empowerment of" | "citizens"); a chosen unit that
    continues the one before it ("... the vision of The Royal" | "Government of Cambodia
    is ...") gets its head; a unit joined into another is not repeated."""
    following: dict[tuple[str, int], EvidenceSentence] = {}
    preceding: dict[tuple[str, int], EvidenceSentence] = {}
    by_chunk: dict[str, list[EvidenceSentence]] = {}
    for unit in evidence:
        by_chunk.setdefault(unit.hit.chunk_id, []).append(unit)
    for units in by_chunk.values():
        units.sort(key=lambda u: u.start)
        for a, b in zip(units, units[1:], strict=False):
            following[(a.hit.chunk_id, a.start)] = b
            preceding[(b.hit.chunk_id, b.start)] = a
    out: list[EvidenceSentence] = []
    for unit in chosen:
        if unit.row is None:
            key = (unit.hit.chunk_id, unit.start)
            unit = _joined(unit, following.get(key))
            head = preceding.get(key)
            if head is not None and head.row is None and head.end <= unit.start:
                whole = _joined(head, unit)  # the chosen unit is the tail of a cut sentence
                if whole.end == unit.end:
                    unit = replace(whole, score=unit.score, lexical=unit.lexical,
                                   dense=unit.dense)
        out.append(unit)
    kept: list[EvidenceSentence] = []
    for i, unit in enumerate(out):
        if not any(_contains(o, unit) and (not _contains(unit, o) or j < i)
                   for j, o in enumerate(out) if j != i):
            kept.append(unit)  # of two units that joined into the same span, the first stays
    return kept


def _joined(unit: EvidenceSentence, nxt: EvidenceSentence | None) -> EvidenceSentence:
    hit = unit.hit
    after = hit.text[unit.end - hit.start:]
    end = None
    if nxt is not None and nxt.row is None and runs_on(unit.text, nxt.text):
        if not hit.text[unit.end - hit.start:nxt.start - hit.start].strip():
            end, terms = nxt.end, unit.terms | nxt.terms
    if end is None:
        tail = _LEFTOVER.match(after)
        limit = len(hit.text) + hit.start if nxt is None else nxt.start
        if tail and tail.group(1).strip() and runs_on(unit.text, tail.group(1).lstrip()) \
                and unit.end + tail.end() <= limit:
            end, terms = unit.end + tail.end(), unit.terms
    if end is None or end - unit.start > MAX_JOINED:
        return unit
    text = hit.text[unit.start - hit.start:end - hit.start]
    return replace(unit, end=end, text=text, terms=terms, display="")


def _contains(outer: EvidenceSentence, inner: EvidenceSentence) -> bool:
    return outer.hit.chunk_id == inner.hit.chunk_id and outer.start <= inner.start \
        and inner.end <= outer.end
