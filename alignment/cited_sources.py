"""The documents a report cites: their titles, versions and the page numbers printed on them.

Kept apart from ``aligner.py``: it runs once per report, after scoring, and reads only the
catalog.
"""

from __future__ import annotations

from typing import Any

from alignment.citations import printed_page
from alignment.registry.models import PolicyRegistry
from alignment.types import MechanismAlignment


def cited_sources(results: list[MechanismAlignment], registry: PolicyRegistry,
                  catalog: Any) -> dict[str, str]:
    """Titles of the cited documents (a policy's reviewed title before the title guessed
    at ingestion); each quote gets the page number printed on its page."""
    reviewed = {p.doc_id: p.title for p in registry.policies if p.doc_id}
    sources: dict[str, str] = {}
    printed: dict[tuple[str, int], str | None] = {}
    versions: dict[str, int | None] = {}
    for quote in (e for m in results for a in m.alignments for e in a.evidence):
        if quote.doc_id not in sources:
            record = catalog.get_document(quote.doc_id)
            sources[quote.doc_id] = reviewed.get(quote.doc_id) or (
                record.title if record and record.title else quote.doc_id)
            versions[quote.doc_id] = record.version if record else None
        quote.version = versions[quote.doc_id]  # citations name the version they quote
        key = (quote.doc_id, quote.page)
        if key not in printed:
            page = catalog.page(*key)
            # the label stored at ingestion; the header regex only for older indexes
            printed[key] = (page.label or printed_page(page.text)) if page else None
        quote.printed_page = printed[key]
    return sources
