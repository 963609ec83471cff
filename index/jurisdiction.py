"""Questions that name a country: which jurisdictions they ask about, and a ranked list that
lifts those jurisdictions' candidates in fusion.

A question about "Singapore's digital identity" is answered by Singapore's documents, yet
BM25 and the embedder see "Singapore" as one word among many, so a Cambodian passage on
digital identity can outrank them. The names come from the identity package (the same table
that assigned each document its country at ingest).

Cambodia is the default jurisdiction: most documents are Cambodian, and some carry no
country at all (nothing in them pointed anywhere). A question naming Cambodia therefore
counts unknown-country documents as Cambodian and only ever lifts them together, so it
never demotes them below a Cambodian one for want of a label; a question naming another
country lifts only documents known to be that country's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from index.fusion import RankedList
from ingest.identity.country import COUNTRIES, KHMER_NAMES

__all__ = ["DEFAULT_COUNTRY", "JURISDICTION_WEIGHT", "countries_named", "jurisdiction_list",
           "matches", "mentions", "names_in", "with_subdivisions"]

DEFAULT_COUNTRY = "KH"
#: As much as one retriever's vote: enough to put a named country's relevant passages above
#: another country's, not enough to lift its off-topic ones over on-topic passages.
JURISDICTION_WEIGHT = 1.0

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (c.code, re.compile("|".join([*c.cues, *map(re.escape, KHMER_NAMES.get(c.code, ()))]),
                        re.I))
    for c in COUNTRIES)


def with_subdivisions(codes: Sequence[str]) -> list[str]:
    """Filter codes with their known subdivisions: a filter on India keeps Kerala's documents."""
    known = [c.code for c in COUNTRIES]
    out = dict.fromkeys(codes)
    for code in codes:
        out.update(dict.fromkeys(c for c in known if c.startswith(code + "-")))
    return list(out)


def countries_named(question: str) -> frozenset[str]:
    """Jurisdiction codes a question names, with their parents and subdivisions: "Kerala"
    asks about Kerala and so about India; "India" also covers Kerala's documents."""
    text = unicodedata.normalize("NFC", question.replace("\u200b", ""))
    named = {code for code, pattern in _PATTERNS if pattern.search(text)}
    codes = {c.code for c in COUNTRIES}
    for code in list(named):
        if "-" in code:
            named.add(code.split("-", 1)[0])
        named |= {c for c in codes if c.startswith(code + "-")}
    return frozenset(named)


def matches(country: str | None, named: frozenset[str]) -> bool:
    """Whether a document of ``country`` (None or "" when unknown) is in a named jurisdiction."""
    return (country or DEFAULT_COUNTRY) in named


def names_in(text: str, named: frozenset[str]) -> list[str]:
    """How ``text`` writes the ``named`` jurisdictions ("Thailand", "ថៃ"), for a notice."""
    folded = unicodedata.normalize("NFC", text.replace("\u200b", ""))
    return [m.group() for code, pattern in _PATTERNS
            if code in named and (m := pattern.search(folded))]


def mentions(text: str, named: frozenset[str]) -> bool:
    """Whether a passage names one of the ``named`` jurisdictions (either language)."""
    folded = unicodedata.normalize("NFC", text.replace("\u200b", ""))
    return any(code in named and pattern.search(folded) for code, pattern in _PATTERNS)


def jurisdiction_list(ranked: Sequence[str], country_of: Callable[[str], str | None],
                      document_of: Callable[[str], str], named: frozenset[str],
                      names_it: Callable[[str], bool] = lambda _key: False
                      ) -> RankedList | None:
    """The best candidate (``ranked``, best first) of each document about the named
    jurisdictions, in their order, as one more list for fusion. A document is about them when
    it belongs to one, or when its passage names one (``names_it``): a Cambodian report on
    traders from Viet Nam answers a question about Vietnamese traders as well as a Vietnamese
    decree does, but it votes after the jurisdiction's own documents, which the question
    names first. Jurisdiction is a property of documents, so each document gets one vote: a
    long foreign document cannot flood the top with its weakest passages; but when most
    candidate documents match (the home country named), every matching passage is listed in
    fused order, so their own order stands and only the others fall. None when the
    question names none or every candidate matches (a list of everything lifts nothing)."""
    if not named:
        return None
    own = [key for key in ranked if matches(country_of(key), named)]
    own_set = set(own)
    matching = [key for key in ranked if key in own_set or names_it(key)]
    if not matching or len(matching) == len(ranked):
        return None
    # the jurisdiction's own documents vote first, then those that only name it: a
    # Cambodian headline on Vietnam's New Year must not outrank Vietnam's own resolution
    matching = [*own, *(key for key in matching if key not in own_set)]
    best: dict[str, str] = {}
    for key in matching:
        best.setdefault(document_of(key), key)
    if 2 * len(best) > len({document_of(key) for key in ranked}):
        # most candidate documents are the named jurisdiction's (the home country of the
        # corpus): one vote per document would re-rank them by document, a second page below
        # a stray news item; every passage of theirs in fused order keeps their own order,
        # and only the other jurisdictions' documents fall
        return RankedList("jurisdiction", matching, JURISDICTION_WEIGHT)
    return RankedList("jurisdiction", list(best.values()), JURISDICTION_WEIGHT)
