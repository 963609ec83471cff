"""Questions about the national policies themselves: "which policy covers X" (the answer must
lead with the policy and its strategy) and whether a filter lets a registered policy answer a
list question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from answers.gates import Strength, strong_subset
from answers.lists import named_policy
from answers.sections import PolicyRef
from index.evidence import EvidenceSentence
from index.search_types import Hit, SearchFilters

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


def policy_meant(question: str, translations: Sequence[str], policies: Sequence[PolicyRef],
                 filters: SearchFilters | None) -> PolicyRef | None:
    """The registered policy the question names, else the first one a follow-up's filters
    are on."""
    policy = named_policy(question, translations, policies)
    if policy is None and filters is not None and filters.doc_ids:
        by_doc = {p.doc_id: p for p in policies}
        policy = next((by_doc[d] for d in filters.doc_ids if d in by_doc), None)
    return policy


#: what a list question frames itself with, beside the policy's names and the list's levels
_LIST_WORDS = ("main key major list name enumerate show all goals objectives policy directions "
               "measures priority actions strategies strategic priorities measure groups pillars "
               "national plan framework")


def about_another_subject(terms: Sequence[str], policy: PolicyRef,
                          analyze: Callable[[str], list[str]]) -> bool:
    """Whether a list question that names no policy asks about something other than the
    ``policy`` its search found first: one of its (analysed) ``terms`` is neither in the
    policy's names nor a list question's own words. "What are the goals of the digital skills
    programme for civil servants?" asks for that programme's goals, not for the Digital
    Government Policy's strategic goals; "What are the strategic goals?" names nothing else."""
    own_words = [w for _, words in policy.level_words for w in words]
    allowed = set(analyze(" ".join((*policy.names, *own_words, _LIST_WORDS))))
    return any(t not in allowed and not t.isdigit() for t in terms)


def prefer_registered(pool: list[EvidenceSentence],
                      section_of: Callable[[EvidenceSentence], object | None],
                      strength: Strength) -> list[EvidenceSentence]:
    """Only the sentences of registered national policies, when one of them is strong
    enough to answer: "which policy covers X?" is answered by naming the policy, in either
    language. Asked in Khmer, the question's own language otherwise leads with a Khmer news
    item that mentions a policy in passing, since the national policies are indexed in
    English (the answer then carries the note that its evidence is in English)."""
    return strong_subset(pool, lambda s: section_of(s) is not None, strength)


def with_policy_passages(search: Callable[..., Any], question: str, hits: list[Hit],
                         filters: SearchFilters | None, named: set[str]) -> list[Hit]:
    """The hits plus the best passages of policy documents: "which policy covers X" is
    answered by a policy even where news items rank above it (``search`` is the searcher's;
    the question's vector is cached, so this costs no model call). A question naming a
    registered policy ("what does the Digital Government Policy say about ...", "which
    strategy of ...") gets that policy's best passages."""
    if named and not (filters is not None and filters.doc_ids):
        # the named documents themselves, whatever their type (a registered plan or law)
        narrowed, per_doc = replace(filters or SearchFilters(), doc_ids=sorted(named)), 6
    elif filters is not None and filters.doc_types and "policy" not in filters.doc_types:
        return hits
    else:  # several policies, each with its best passages
        narrowed, per_doc = replace(filters or SearchFilters(), doc_types=["policy"]), 2
    extra = search(question, k=6, filters=narrowed, per_doc=per_doc, rerank=None).hits
    seen = {h.chunk_id for h in hits}
    return hits + [h for h in extra if h.chunk_id not in seen]


#: another policy's best sentence joins a which-policy answer when it scores this share of
#: the best sentence of all
OTHER_POLICY_NEAR = 0.85


def every_policy(chosen: list[EvidenceSentence], pool: list[EvidenceSentence],
                 section_of: Callable[[EvidenceSentence], object | None],
                 most: int) -> list[EvidenceSentence]:
    """``chosen`` with the best sentence of each other registered policy that answers about
    as well: "Which national policies address digital payment systems?" was answered from
    the framework's four payment measures alone, though the Digital Government Policy's
    payment strategy scored 0.79 against 0.87. Such a sentence takes the place of the last
    sentence of a policy already named twice when the answer is full."""
    if not chosen:
        return chosen
    top = max(s.score for s in pool)
    out = list(chosen)
    for doc_id in dict.fromkeys(s.hit.doc_id for s in pool if section_of(s) is not None):
        if any(s.hit.doc_id == doc_id for s in out):
            continue
        best = max((s for s in pool if s.hit.doc_id == doc_id and section_of(s) is not None),
                   key=lambda s: s.score)
        if best.score < OTHER_POLICY_NEAR * top:
            continue
        if len(out) >= most:
            repeated = [i for i, s in enumerate(out)
                        if sum(t.hit.doc_id == s.hit.doc_id for t in out) > 1]
            if not repeated:
                continue
            out.pop(repeated[-1])
        out.append(best)
    return out
