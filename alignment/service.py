"""From "align this document / this text" to a report: find the mechanisms, rank strategies."""

from __future__ import annotations

from alignment.aligner import Aligner, AlignmentReport, Progress
from alignment.mechanisms import Mechanism, find_mechanisms
from alignment.registry.cache import RegistryCache
from core.access import Access
from core.errors import DocumentNotFoundError, InvalidFieldError, NoMechanismsError, PolicyKBError
from core.models import pages_text
from index.catalog import Catalog

__all__ = ["NoMechanismsError", "align_document", "align_plan", "plan_mechanisms"]

ALL = Access.everything()


def align_document(catalog: Catalog, aligner: Aligner, registry: RegistryCache,
                   doc_id: str | None = None, text: str | None = None, *,
                   max_mechanisms: int | None = None,
                   progress: Progress | None = None, access: Access = ALL) -> AlignmentReport:
    """Align an ingested document (by id, its pages read from ``catalog``) or pasted text
    against the current policy registry.

    The registry is built last, so a missing document or a plan without mechanisms is reported
    as such even while the reviewed registry file is broken. ``max_mechanisms`` refuses a plan
    with more (each costs a second or more of CPU); ``progress`` is told of each mechanism
    and may raise to stop between two. ``access``: what the caller may read (a plan outside
    it is "not found"; policies outside it are not aligned against)."""
    name, mechanisms = plan_mechanisms(catalog, doc_id, text, max_mechanisms, access)
    return align_plan(catalog, aligner, registry, name, mechanisms, doc_id, progress,
                      access=access)


def align_plan(catalog: Catalog, aligner: Aligner, registry: RegistryCache, name: str,
               mechanisms: list[Mechanism], doc_id: str | None = None,
               progress: Progress | None = None, *, access: Access = ALL) -> AlignmentReport:
    """The report for mechanisms already found (``plan_mechanisms``): the API checks a plan
    before it queues the work, and aligns it in its own pool. Only the policies ``access``
    lets the caller read are scored, quoted or listed (``Aligner.align``)."""
    report = aligner.align(name, mechanisms, registry.current(), progress, access)
    record = catalog.get_document(doc_id) if doc_id else None
    report.title = record.title if record and record.title else None
    return report


def plan_mechanisms(catalog: Catalog, doc_id: str | None = None, text: str | None = None,
                    max_mechanisms: int | None = None,
                    access: Access = ALL) -> tuple[str, list[Mechanism]]:
    """The plan's name and its mechanisms (checked before any work is queued). A plan in a
    collection ``access`` does not allow is not found, exactly as an unknown id is."""
    if doc_id:
        pages = catalog.pages_of(doc_id)
        if not pages or not access.allows(catalog.collection_of(doc_id)):
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
    if max_mechanisms is not None and len(mechanisms) > max_mechanisms:
        field = "doc_id" if doc_id else "text"
        raise InvalidFieldError(
            f"{field}: {name} lists {len(mechanisms)} mechanisms; at most {max_mechanisms} are "
            "aligned in one request (POLICYKB_ALIGNMENT_MAX_MECHANISMS): split the plan")
    return name, mechanisms
