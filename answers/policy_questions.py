"""Questions about the national policies themselves: "which policy covers X" (the answer must
lead with the policy and its strategy) and whether a filter lets a registered policy answer a
list question.
"""

from __future__ import annotations

import re

from answers.sections import PolicyRef
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
