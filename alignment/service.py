"""From "align this document / this text" to a report: find the mechanisms, rank strategies."""

from __future__ import annotations

from alignment.aligner import Aligner, AlignmentReport
from alignment.mechanisms import find_mechanisms
from alignment.registry.cache import RegistryCache
from core.errors import DocumentNotFoundError, NoMechanismsError, PolicyKBError
from core.models import pages_text
from index.catalog import Catalog

__all__ = ["NoMechanismsError", "align_document"]


def align_document(catalog: Catalog, aligner: Aligner, registry: RegistryCache,
                   doc_id: str | None = None, text: str | None = None) -> AlignmentReport:
    """Align an ingested document (by id, its pages read from ``catalog``) or pasted text
    against the current policy registry.

    The registry is built last, so a missing document or a plan without mechanisms is reported
    as such even while the reviewed registry file is broken."""
    if doc_id:
        pages = catalog.pages_of(doc_id)
        if not pages:
            raise DocumentNotFoundError(doc_id)
        body = pages_text(pages)
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
    report = aligner.align(name, mechanisms, registry.current())
    record = catalog.get_document(doc_id) if doc_id else None
    report.title = record.title if record and record.title else None
    return report
