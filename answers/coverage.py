"""Each part of a two-part question gets a sentence that answers it.

Scored as one, "Who chaired the meeting, and when?" tends to get sentences for its heavier
half only. Lexical only: no extra model call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from answers.counting import counted_noun, counts
from answers.parts import asks_kinds, known_facts, states
from answers.quantities import states_count
from index.evidence import EvidenceSentence


def cover_parts(parts: list[str], pool: list[EvidenceSentence], chosen: list[EvidenceSentence],
                analyze: Callable[[str], list[str]], idf: Callable[[str], float],
                unknown_idf: float, most: int = 5) -> list[EvidenceSentence]:
    """Each part of the question gets the sentence that answers it best (its own words,
    the kind of fact it asks for, the whole question's score), unless one chosen already
    does."""
    top = max((s.score for s in pool), default=1.0) or 1.0
    out = list(chosen)
    every = {t: idf(t) or unknown_idf for t in analyze(" ".join(parts))}
    for part in parts:
        own = set(analyze(part))
        # the other parts' words count a little: "when does it end" is about "it"
        terms = {t: w if t in own else 0.3 * w for t, w in every.items()}
        total = sum(terms.values()) or 1.0
        # each part's own kinds: "Who chaired it, and on what date was it signed?" wants a
        # person for its first part, a date for its second
        kinds, known = asks_kinds(part), known_facts(part)
        # "how many ministries took part": a count of ministries, not any number
        noun = counted_noun(part) if "number" in kinds else None

        def fit(s: EvidenceSentence, terms: dict[str, float] = terms, total: float = total,
                kinds: Sequence[str] = kinds, known: frozenset[str] = known,
                noun: str | None = noun) -> float:
            share = sum(w for t, w in terms.items() if t in s.terms or t in s.context_terms)
            stated = counts(noun, s.text) if noun else any(says(k, s.text, known) for k in kinds)
            return 0.5 * share / total + 0.3 * stated + 0.2 * s.score / top

        best = max(pool, key=fit)
        if any(fit(s) >= fit(best) * 0.9 for s in out):
            continue
        if len(out) >= most:
            out.pop()
        out.append(best)
    return out


def cover_kinds(kinds: Sequence[str], pool: list[EvidenceSentence], chosen: list[EvidenceSentence],
                known: frozenset[str], most: int = 6, near: float = 0.5,
                page_pool: Sequence[EvidenceSentence] = (), counted: str | None = None,
                ) -> list[EvidenceSentence]:
    """Each kind of fact the question asks for ("how many ..., in which province?") is
    stated by a chosen sentence: else the best sentence that states it is added, from the
    page of a chosen sentence whatever its score ("The event was held ... at the Koh Pich
    Convention and Exhibition Center" repeats no word of "venue and dates?" but is where the
    forum's page says where; ``page_pool`` holds the page's sentences a preference left
    out of ``pool``), else from a document already chosen if one there is strong enough
    (``near`` × the best score), else from any document."""
    out = list(chosen)
    top = max((s.score for s in pool), default=0.0)
    docs = {s.hit.doc_id for s in chosen}
    pages = {(s.hit.doc_id, s.hit.page) for s in chosen}
    for kind in kinds:
        if any(says(kind, s.text, known) for s in out):
            continue
        stating = [s for s in pool if s not in out and says(kind, s.text, known)]
        same_page = [s for s in (*pool, *page_pool) if s not in out
                     and (s.hit.doc_id, s.hit.page) in pages and says(kind, s.text, known)]
        stating = [s for s in stating if s.score >= near * top]
        same_doc = [s for s in stating if s.hit.doc_id in docs]
        candidates = same_page or same_doc or stating
        if not candidates or len(out) >= most:
            continue
        # a count of what "how many" counts first ("1,800 people", not "18 high schools")
        out.append(max(candidates, key=lambda s: (
            kind == "number" and counted is not None and counts(counted, s.text), s.score)))
    return out


def says(kind: str, text: str, known: frozenset[str]) -> bool:
    """``states``, with a count held to what answers "how many": "June 24, 2024" states
    numbers but counts nobody (``states_count``)."""
    return states_count(text, known) if kind == "number" else states(kind, text, known)
