"""What of the policy registry a caller may see.

Evidence reaches answers only through the searcher, whose filters carry the caller's allowed
collections. The registry is the one source answers read beside it (list questions name a
policy and list its strategies straight from it), so its policies are narrowed here to the
documents those same filters allow: a restricted policy is never named, listed or cited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from answers.sections import PolicyRef
from core.models import DocumentRecord
from index.search_types import SearchFilters

__all__ = ["readable_policies"]


class DocumentReader(Protocol):
    def documents_by_ids(self, doc_ids: Iterable[str]) -> dict[str, DocumentRecord]: ...


def readable_policies(policies: Iterable[PolicyRef], catalog: DocumentReader,
                      filters: SearchFilters | None) -> list[PolicyRef]:
    """The ``policies`` whose document is in a collection ``filters`` allow (all of them when
    the filters allow every collection; none without an indexed document)."""
    policies = [p for p in policies if p.doc_id]
    if filters is None or filters.collections is None:
        return policies
    allowed = set(filters.collections)
    docs = catalog.documents_by_ids(p.doc_id for p in policies if p.doc_id)
    return [p for p in policies
            if p.doc_id in docs and docs[p.doc_id].collection in allowed]
