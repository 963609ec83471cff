"""Which sentences an answer opens with, before the checks of what it must state.

A list question's items under their lead-in, else the items of the asked set, else the best
sentences; when none of these is strong enough, the sentences that cite what the question
identifies (a law's number, a decision's reference). Split from ``answers/extractive.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from answers.enumeration import ItemsAsked, block_after_lead_in, choose_items
from answers.gates import Strength, identified
from index.evidence import EvidenceSentence, select


def opening_sentences(question: str, pool: list[EvidenceSentence],
                      units: list[EvidenceSentence], items: ItemsAsked | None, most: int,
                      strength: Strength, page_text: Callable[[str, int], str | None],
                      stating: Callable[[str], bool],
                      plural: tuple[ItemsAsked, Callable[[], list[EvidenceSentence]]] | None
                      = None) -> list[EvidenceSentence]:
    """The answer's first choice of sentences from ``pool`` (``units``: every evidence unit
    of the passages, for a list's items a preference left out). A block of items under its
    lead-in, on a page strong enough to answer, stands however little its items repeat the
    question's words; other choices must open with a sentence strong enough. ``plural``: the
    set a "which <plural> are ..." question asks and the passages' units with their items
    apart (read only if needed), for such a block only."""
    strong_pages = {(s.hit.doc_id, s.hit.page) for s in pool if strength.enough(s)}
    if items is not None and (block := block_after_lead_in(
            units, items, page_text, lambda doc, page: (doc, page) in strong_pages)):
        return block
    if items is None and plural is not None and (block := block_after_lead_in(
            plural[1](), plural[0], page_text, lambda doc, page: (doc, page) in strong_pages)):
        return block
    chosen = choose_items(pool, items, most) if items is not None else []
    if not chosen or not strength.enough(chosen[0]):
        # no list items, or none strong enough to open the answer ("What are the KPIs of
        # ...?" is asked like a list; the page states them one at a time): the best sentences
        chosen = select(pool, max_sentences=most, max_chars=max(900, 250 * most))
    if not chosen or not strength.enough(chosen[0]):
        chosen = select(identified(pool, question, stating))
    return chosen
