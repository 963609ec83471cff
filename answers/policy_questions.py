"""Questions about the national policies themselves: "which policy covers X" (the answer must
lead with the policy and its strategy) and whether a filter lets a registered policy answer a
list question.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from answers.gates import Strength
from answers.sections import PolicyRef
from index.evidence import EvidenceSentence
from index.search_types import SearchFilters

_WHICH_POLICY = re.compile(r"\b(?:which|what)\b(?:\s+\w+){0,3}\s+(?:polic(?:y|ies)|strateg(?:y|ies)"
                           r"|plans?|frameworks?)\b", re.IGNORECASE)
_KM_WHICH_POLICY = ("គោលនយោបាយណា", "គោលនយោបាយអ្វី", "យុទ្ធសាស្ត្រណា", "ផែនការណា")
#: a sentence of a registered policy's strategy weighs this much more for "which policy"
POLICY_BOOST = 1.3


def asks_which_policy(question: str) -> bool:
    """"Which national policies cover X?": the answer must lead with the policy's name."""
    return bool(_WHICH_POLICY.search(question)) or any(w in question for w in _KM_WHICH_POLICY)


def allowed(policy: PolicyRef, filters: SearchFilters | None) -> bool:
    """Whether the filters let the policy's document answer."""
    if filters is None or policy.doc_id is None:
        return True
    if filters.doc_ids and policy.doc_id not in filters.doc_ids:
        return False
    if filters.exclude_doc_ids and policy.doc_id in filters.exclude_doc_ids:
        return False
    if filters.doc_types and "policy" not in filters.doc_types:
        return False
    return not (filters.languages and "en" not in filters.languages)


def prefer_registered(pool: list[EvidenceSentence],
                      section_of: Callable[[EvidenceSentence], object | None],
                      strength: Strength) -> list[EvidenceSentence]:
    """Only the sentences of registered national policies, when one of them is strong
    enough to answer: "which policy covers X?" is answered by naming the policy, in either
    language. Asked in Khmer, the question's own language otherwise leads with a Khmer news
    item that mentions a policy in passing, since the national policies are indexed in
    English (the answer then carries the note that its evidence is in English)."""
    registered = [s for s in pool if section_of(s) is not None]
    if not registered or not strength.enough(max(registered, key=lambda s: s.score)):
        return pool
    return registered
