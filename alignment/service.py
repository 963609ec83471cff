"""From "align this document / this text" to a report: find the mechanisms, rank strategies."""

from __future__ import annotations

from typing import Any

from alignment.aligner import AlignmentReport
from alignment.mechanisms import find_mechanisms
from core.errors import DocumentNotFoundError, PolicyKBError


class NoMechanismsError(PolicyKBError):
    """The text has no numbered mechanisms, objectives or measures to align."""


def align_document(services: Any, doc_id: str | None = None, text: str | None = None) -> AlignmentReport:
    """Align an ingested document (by id) or pasted text against the policy registry."""
    if doc_id:
        pages = services.catalog.pages_of(doc_id)
        if not pages:
            raise DocumentNotFoundError(doc_id)
        body = "\n\n".join(p.text for p in pages)
        name = doc_id
    elif text and text.strip():
        body, name = text, "uploaded text"
    else:
        raise PolicyKBError("give a document id or the text of a plan")
    mechanisms = find_mechanisms(body)
    if not mechanisms:
        raise NoMechanismsError(
            f"no numbered mechanisms, objectives or measures found in {name} "
            "(expected a list such as '1- ..., 2- ...' or 'Mechanism 1: ...')")
    return services.aligner.align(name, mechanisms, services.registry.current())
