"""Which of the registry's policies a caller may see.

The registry is built from every indexed policy document, and cached once for all callers
(building it reads every policy's pages). What a caller is shown of it is narrowed per request:
a policy extracted from a document in a collection the caller may not read is hidden from the
alignment (never scored, quoted or listed, not even as an unaddressed strategy) and from any
listing of the registry. Hand-entered policies have no document: every reader sees them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from alignment.registry.models import Policy, PolicyRegistry
from core.access import Access
from core.models import DocumentRecord

__all__ = ["hidden_policies", "visible_policies"]


class DocumentReader(Protocol):
    def documents_by_ids(self, doc_ids: Iterable[str]) -> dict[str, DocumentRecord]: ...


def hidden_policies(policies: Iterable[Policy], catalog: DocumentReader,
                    access: Access) -> set[str]:
    """Ids of the ``policies`` whose document ``access`` does not allow."""
    if access.unrestricted:
        return set()
    texted = [p for p in policies if p.doc_id]
    docs = catalog.documents_by_ids(p.doc_id for p in texted if p.doc_id)
    return {p.id for p in texted
            if p.doc_id in docs and not access.allows(docs[p.doc_id].collection)}


def visible_policies(registry: PolicyRegistry, catalog: DocumentReader,
                     access: Access) -> list[Policy]:
    """The registry's policies ``access`` lets a caller see, in registry order."""
    hidden = hidden_policies(registry.policies, catalog, access)
    return [p for p in registry.policies if p.id not in hidden]
