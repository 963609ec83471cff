"""The second look inside one document, for an answer whose best passages do not state what
is asked (``ExtractiveAnswerer._answer`` runs it; see docs/answers.md, tenth round).

A long page cut into many passages holds "The State Government announced its first IT Policy
in 1998." in its 34th best passage for "When did Kerala announce its first IT policy?", while
an answer reads three passages per document. The second look reads that document alone, over
its ``DEEP_PASSAGES`` best passages; its answer stands only if the sentence stating the fact
holds ``DEEP_WORDS`` of the question's own words (apart from its key entities and the
document's title), in the question's language.
"""

from __future__ import annotations

from dataclasses import replace

from index.search_types import SearchFilters

#: passages read in the second look inside one document
DEEP_PASSAGES = 60
#: the share of the question's own words the sentence stating the fact must hold: below it
#: the first look tries the second one, and the second look's answer stands only at or above
DEEP_WORDS = 0.8


def inside(filters: SearchFilters | None, doc_id: str) -> SearchFilters:
    """The caller's filters (its collections, languages ...) narrowed to one document."""
    return replace(filters or SearchFilters(), doc_ids=[doc_id])
