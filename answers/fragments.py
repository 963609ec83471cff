"""Keeping the sentence a fact depends on whole.

The splitter cuts a PDF's text where a line break looks like a sentence end; sometimes the
cut falls mid-sentence ("...2-Mechanism to build technology infrastructure of the" | "Ministry
of Interior (ICT Network Infrastructure), 3-Mechanism of ..."), and the half that was chosen
lacks the facts the other half holds. The splitter also cuts a sentence longer than
``EVIDENCE_SENTENCE_CHARS`` at a space ("... as well as the management of the entire national" |
"social security."), which policy prose often is. A chosen unit that visibly runs on is
joined with the unit that follows it in the same passage, and the citation quotes the joined
span (still an exact slice of the page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from answers.display import is_running_line
from index.evidence import EvidenceSentence
from ingest.sentences import EVIDENCE_SENTENCE_CHARS

# a sentence ends with a stop, a Khmer stop, or a closing quote/bracket after one; a colon
# ends a count's lead-in ("... 139 policy measures ..., including:"): a list follows, whose
# first marker ("1).") is no rest of the sentence
_ENDED = re.compile(r"[.!?។៕;…:៖]['\"”’)\]]*$")
# an article or preposition wants a noun phrase, which may be a name ("of the" | "Ministry
# of ...")
_WANTS_NOUN = re.compile(r"\b(?:the|a|an|of|to|in|for|with|by|on|at|from|about|including|"
                         r"such as|than|per)$", re.IGNORECASE)
MAX_JOINED = 900
# a clause left open: a conjunction or a comma last (with _WANTS_NOUN: visibly unfinished)
_OPEN_CLAUSE = re.compile(r"(?:\b(?:and|or|that|which)|,)$", re.IGNORECASE)
# the words after a unit up to the next sentence end (or the passage's end), when short
_LEFTOVER = re.compile(r"(\s*[^\n]{1,150}?(?:[.!?។៕;](?=\s|$)|$))")
# "Telecommunication Regulator of Cambodia" | "(TRC), in collaboration with ...": the
# abbreviation in brackets belongs to the name before it
_ABBREVIATION_GLOSS = re.compile(r"\([A-Z][A-Za-z&.-]{1,11}\)")
#: A unit at least this long that ends no sentence was cut for length, not at a sentence end.
CUT_FOR_LENGTH = int(0.85 * EVIDENCE_SENTENCE_CHARS)


def runs_on(text: str, following: str) -> bool:
    """The unit stops mid-sentence and ``following`` continues it: it ends with an article or
    a preposition; or ``following`` starts with a lower-case word (a sentence never does; a
    table's next column after "hard and" starts with a capital) or with the abbreviation of
    the name the unit ends with ("(TRC), in ..."); or the unit was cut for length (in either
    language)."""
    stripped = text.rstrip()
    if _ENDED.search(stripped):
        return False
    if _WANTS_NOUN.search(stripped) or len(stripped) >= CUT_FOR_LENGTH:
        return True
    return following[:1].islower() or bool(_ABBREVIATION_GLOSS.match(following))


#: Two passages of one page this close (in characters) are one text cut by the chunker.
CHUNK_GAP = 2

PageText = Callable[[str, int], "str | None"]


def join_fragments(chosen: list[EvidenceSentence], evidence: list[EvidenceSentence],
                   page_text: PageText | None = None) -> list[EvidenceSentence]:
    """The chosen units, each that runs on joined with the unit that follows it in its
    passage (when only whitespace lies between them), or with the few words left after it
    that make no unit of their own ("... empowerment of" | "citizens"); a chosen unit that
    continues the one before it ("... the vision of The Royal" | "Government of Cambodia
    is ...") gets its head; a unit joined into another is not repeated. Where the chunker cut
    a sentence between two passages of a page ("... infrastructure of the" | "Ministry of
    Interior (ICT Network Infrastructure), 3-Mechanism ..."), the join reads the page's own
    text (``page_text(doc_id, page)``) so the quote stays an exact span."""
    following: dict[tuple[str, int], EvidenceSentence] = {}
    preceding: dict[tuple[str, int], EvidenceSentence] = {}
    for a, b in zip(*_in_page_order(evidence, page_text is not None), strict=False):
        following[(a.hit.chunk_id, a.start)] = b
        preceding[(b.hit.chunk_id, b.start)] = a
    pages: dict[tuple[str, int], str | None] = {}

    def read(unit: EvidenceSentence) -> str | None:
        key = (unit.hit.doc_id, unit.hit.page)
        if key not in pages:
            pages[key] = page_text(*key) if page_text is not None else None
        return pages[key]

    out: list[EvidenceSentence] = []
    for unit in chosen:
        if unit.row is None:
            key = (unit.hit.chunk_id, unit.start)
            unit = _joined(unit, following.get(key), read)
            head = preceding.get(key)
            if head is not None and head.row is None and head.end <= unit.start:
                whole = _joined(head, unit, read)  # the chosen unit is the tail of a cut sentence
                if whole.end == unit.end:
                    unit = replace(whole, score=unit.score, lexical=unit.lexical,
                                   dense=unit.dense)
                elif refers_back(unit.text) and head.hit.chunk_id == unit.hit.chunk_id:
                    unit = _with_antecedent(head, unit)
            if (nxt := following.get(key)) is not None and nxt.row is None \
                    and nxt.hit.chunk_id == unit.hit.chunk_id and lists_members(nxt.text) \
                    and unit.end <= nxt.start:
                # "... shall set up common digital information systems for all ministries."
                # | "These systems include a common email system, web portal, ...": the
                # members are the fact
                unit = replace(_with_antecedent(unit, nxt), score=unit.score,
                               lexical=unit.lexical, dense=unit.dense)
            unit = _completed_from_page(unit, read(unit))
        out.append(unit)
    kept: list[tuple[int, EvidenceSentence]] = []
    for i, unit in enumerate(out):
        if any(_contains(o, unit) and (not _contains(unit, o) or j < i)
               for j, o in enumerate(out) if j != i):
            continue  # of two units that joined into the same span, the first stays
        # a unit that took in another chosen unit ("This collaboration ..." joined with the
        # sentence it refers back to) stands where the best of them stood, with its score:
        # the fact the answer was chosen for must still lead
        absorbed = [j for j, o in enumerate(out) if _contains(unit, o)]
        best = min(absorbed, default=i)
        kept.append((best, replace(unit, score=max(out[j].score for j in absorbed))
                     if best != i else unit))
    return [unit for _, unit in sorted(kept, key=lambda pair: pair[0])]


def _in_page_order(evidence: list[EvidenceSentence], across_chunks: bool
                   ) -> tuple[list[EvidenceSentence], list[EvidenceSentence]]:
    """Pairs of consecutive units: within a passage, and (``across_chunks``) from a
    passage's last unit to the first of the passage that continues it on the same page."""
    by_chunk: dict[str, list[EvidenceSentence]] = {}
    for unit in evidence:
        by_chunk.setdefault(unit.hit.chunk_id, []).append(unit)
    firsts, seconds = [], []
    for units in by_chunk.values():
        units.sort(key=lambda u: u.start)
        firsts += units[:-1]
        seconds += units[1:]
    if across_chunks:
        chunks = sorted((units for units in by_chunk.values()),
                        key=lambda us: (us[0].hit.doc_id, us[0].hit.page, us[0].hit.start))
        for a, b in zip(chunks, chunks[1:], strict=False):
            ha, hb = a[0].hit, b[0].hit
            if (ha.doc_id, ha.page) == (hb.doc_id, hb.page) \
                    and 0 <= hb.start - ha.end <= CHUNK_GAP:
                firsts.append(a[-1])
                seconds.append(b[0])
    return firsts, seconds


# the end of the sentence before: a stop (and a closing quote or bracket) then a space
_SENTENCE_END_BEFORE = re.compile(r"[.!?។៕;]['\"”’)\]]*\s+")
_SENTENCE_END_AFTER = re.compile(r"[.!?។៕;](?=['\"”’)\]]*(?:\s|$))['\"”’)\]]*")


def is_cut_by_page(unit: EvidenceSentence, page: PageText) -> bool:
    """A unit that is half a sentence the page break cut: it opens its passage with a
    lower-case word and its page holds no head for it ("of data resulting from the
    interaction of ..." under a running header), or it ends its passage visibly unfinished
    and its page holds no rest ("... the implementation and performance of"). A citation names one
    page, so it could only be quoted as the fragment it is."""
    hit = unit.hit
    if unit.row is not None:
        return False
    tail = unit.text[:1].islower() and unit.start - hit.start <= CHUNK_GAP
    # visibly unfinished (an article, preposition or conjunction last): a headline or a
    # table line ends with no stop and is whole
    ending = unit.text.rstrip()
    head = bool(_WANTS_NOUN.search(ending) or _OPEN_CLAUSE.search(ending)) \
        and hit.end - unit.end <= CHUNK_GAP
    if not (tail or head):
        return False
    text = page(hit.doc_id, hit.page)
    if text is None or text[unit.start:unit.end] != unit.text:
        return False
    completed = _completed_from_page(unit, text)
    return (tail and completed.start == unit.start) \
        or (head and completed.end == unit.end and not text[unit.end:].strip())


def is_sentence_tail(unit: EvidenceSentence, page: PageText) -> bool:
    """An English unit that opens mid-line after words no sentence end closed: the tail of
    a sentence cut for length ("... the vision of The Royal" | "Government of Cambodia is
    promoting economic growth ..."). The splitter cuts mid-line only after a stop, so what
    precedes a unit on its line ends a sentence unless the cut was forced; quoted alone, the
    tail misreads (a capital letter hides the cut that a lower-case start would show). At a
    line's start, a unit after a line ending with a comma is the rest of a run-in list the
    splitter cut at an item's number ("... 2- Building trust ...," | "3- Building digital
    citizens, 4- ..."): the splitter cuts there only before a list marker."""
    if unit.row is not None or unit.language != "en":
        return False
    text = page(unit.hit.doc_id, unit.hit.page)
    if text is None or text[unit.start:unit.end] != unit.text:
        return False
    before = text[max(0, unit.start - 200):unit.start]
    line = before.rsplit("\n", 1)[-1].rstrip()
    if line:
        return line[-1].isalnum() or line[-1] == ","
    return "\n\n" not in before[-3:] and before.rstrip().endswith(",")


def _completed_from_page(unit: EvidenceSentence, page: str | None) -> EvidenceSentence:
    """A unit still cut by its passage's edge, completed from the page: chunks overlap by a
    few words, so a passage may open with a sentence's last words ("applying for an
    E-commerce license.") or close mid-sentence ("... especially on digital"), and neither
    has a unit to join with. A unit that starts with a lower-case letter gets the head of
    its sentence; one that ends no sentence at its passage's end gets the rest; neither
    across a blank line. The quote stays an exact span of the page."""
    hit = unit.hit
    if page is None or unit.row is not None or page[unit.start:unit.end] != unit.text:
        return unit
    start, end = unit.start, unit.end
    if unit.text[:1].islower() and unit.start - hit.start <= CHUNK_GAP:
        window = page[max(0, unit.end - MAX_JOINED):unit.start]
        ends = list(_SENTENCE_END_BEFORE.finditer(window))
        head = unit.start - len(window) + ends[-1].end() if ends else unit.start
        # never across a blank line or a running header: above them is another paragraph,
        # or nothing (the sentence began on the page before)
        if ends and "\n\n" not in page[head:unit.start] \
                and not any(map(is_running_line, page[head:unit.start].split("\n")[:-1])):
            start = head
    if not _ENDED.search(unit.text.rstrip()) and hit.end - unit.end <= CHUNK_GAP:
        found = _SENTENCE_END_AFTER.search(page, unit.end, start + MAX_JOINED)
        if found and "\n\n" not in page[unit.end:found.end()]:
            end = found.end()
    if (start, end) == (unit.start, unit.end):
        return unit
    return replace(unit, start=start, end=end, text=page[start:end], display="")


def _joined(unit: EvidenceSentence, nxt: EvidenceSentence | None,
            read: Callable[[EvidenceSentence], str | None] = lambda _: None,
            ) -> EvidenceSentence:
    hit = unit.hit
    if nxt is not None and nxt.hit.chunk_id != hit.chunk_id:
        across = _joined_across(unit, nxt, read(unit))
        if across is not unit:
            return across
        nxt = None  # the words left in its own passage may still finish it
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


def _joined_across(unit: EvidenceSentence, nxt: EvidenceSentence, page: str | None
                   ) -> EvidenceSentence:
    """``unit`` (its passage's last) joined with ``nxt`` (the next passage's first), quoted
    from the page itself; unchanged when the page cannot be read or does not match."""
    if page is None or nxt.row is not None or not runs_on(unit.text, nxt.text) \
            or nxt.end - unit.start > MAX_JOINED \
            or page[unit.start:unit.end] != unit.text or page[nxt.start:nxt.end] != nxt.text \
            or page[unit.end:nxt.start].strip():
        return unit
    return replace(unit, end=nxt.end, text=page[unit.start:nxt.end],
                   terms=unit.terms | nxt.terms, display="")


# "It builds on ...", "This Committee is ...", "These measures ...": the subject is the sentence
# before ("It is important to ..." is no reference: its "it" stands for what follows)
_REFERS_BACK = re.compile(r"^(?:it(?!\s+(?:is|was|will|would|has|had|can|could|may|might|"
                          r"should|must|seems|appears)\b)|this|these|they|such|its|their)\b",
                          re.IGNORECASE)


# "These systems include ...", "They are ...": the members of what the sentence before named
_LISTS_MEMBERS = re.compile(r"^(?:these|those|they|such)\b(?:\s+[\w-]+){0,3}?\s+(?:include|"
                            r"includes|including|are|consist|comprise|cover)\b", re.IGNORECASE)


def lists_members(text: str) -> bool:
    """A sentence that lists the members of what the sentence before it named."""
    return bool(_LISTS_MEMBERS.match(text.lstrip("-•*\uf0b7● \t")))


def refers_back(text: str) -> bool:
    """An English sentence whose subject is a pronoun for the sentence before it."""
    return bool(_REFERS_BACK.match(text.lstrip("-•*\uf0b7● \t")))


def _with_antecedent(head: EvidenceSentence, unit: EvidenceSentence) -> EvidenceSentence:
    """``unit`` quoted with the sentence before it (only whitespace between, one passage), so
    "It builds on the national policies" says what "it" is."""
    hit = unit.hit
    gap = hit.text[head.end - hit.start:unit.start - hit.start]
    if gap.strip() or unit.end - head.start > MAX_JOINED:
        return unit
    text = hit.text[head.start - hit.start:unit.end - hit.start]
    return replace(unit, start=head.start, text=text, terms=head.terms | unit.terms, display="")


def _contains(outer: EvidenceSentence, inner: EvidenceSentence) -> bool:
    """Offsets are the page's, so a unit joined across two passages contains the units of both."""
    return (outer.hit.doc_id, outer.hit.page) == (inner.hit.doc_id, inner.hit.page) \
        and outer.start <= inner.start and inner.end <= outer.end
