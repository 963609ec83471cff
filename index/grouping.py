"""From a ranked pool of passages to the hits shown.

Citations name pages, and a reader (or a scorer) reads the hits in order, so the rule is
about pages and about order:

* the hits start with every passage, best first, until ``k`` distinct pages are shown,
  whatever their documents (at most ``per_doc`` passages from one document when the caller
  asks for a cap), so a document with many relevant pages shows them all;
* then the best passage of each further document, until ``k`` documents are shown, so
  those pages hide no document that ranks among the ``k`` best;
* a translation of a hit (a twin: the same item in another document, usually the other
  language) is shown right after it and listed in its ``twins``; the one in the question's
  ``language`` leads.

Rank order is never changed except to bring a twin beside its lead. Whatever is not shown
counts in its document's first hit as "more in this document".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.models import ChunkRecord, DocumentRecord
from index.search_types import Hit, Twin
from index.twins import twin_key

__all__ = ["candidate_pool", "group_hits", "twin_key"]


def candidate_pool(ranked: list[str], document_of: Callable[[str], str] | None, k: int,
                   depth: int) -> list[str]:
    """The passages grouping may show: the ``depth`` best, then the best passage of each
    further document until ``k`` documents are in the pool. When two long policies fill the
    first ``depth`` places, the documents ranked after them still get their one hit (and a
    twin its place beside its lead) instead of being cut off by the pool's depth."""
    pool = ranked[:depth]
    if document_of is None:
        return pool
    documents = {document_of(c) for c in pool}
    for key in ranked[depth:]:
        if len(documents) >= k:
            break
        document = document_of(key)
        if document not in documents:
            documents.add(document)
            pool.append(key)
    return pool


@dataclass
class _Shown:
    """The hits so far, with what the rule asks of them."""

    k: int
    per_doc: int | None
    hits: list[Hit] = field(default_factory=list)
    pages: set[tuple[str, int]] = field(default_factory=set)
    per_document: dict[str, int] = field(default_factory=dict)

    def admits(self, doc_id: str) -> bool:
        """Whether a passage of ``doc_id`` may be shown now."""
        count = self.per_document.get(doc_id, 0)
        if self.per_doc is not None and count >= self.per_doc:
            return False
        if len(self.pages) < self.k:
            return True
        return count == 0 and len(self.per_document) < self.k  # a further document

    def add(self, hit: Hit, at: int | None = None) -> None:
        self.hits.insert(len(self.hits) if at is None else at, hit)
        self.pages.add((hit.doc_id, hit.page))
        self.per_document[hit.doc_id] = self.per_document.get(hit.doc_id, 0) + 1

    def first_of(self, doc_id: str) -> Hit | None:
        if doc_id not in self.per_document:
            return None
        return next(h for h in self.hits if h.doc_id == doc_id)


def group_hits(pool: list[str], chunks: dict[str, ChunkRecord], docs: dict[str, DocumentRecord],
               language: str, k: int, per_doc: int | None,
               make_hit: Callable[[ChunkRecord, DocumentRecord], Hit],
               make_twin: Callable[[ChunkRecord, DocumentRecord], Twin]) -> list[Hit]:
    """Walk the ``pool`` (chunk ids, best first) and return the hits, as the module says."""
    shown = _Shown(k, per_doc)
    for chunk_id in pool:
        chunk = chunks[chunk_id]
        doc = docs.get(chunk.doc_id)
        if doc is None:
            continue
        first = shown.first_of(chunk.doc_id)
        if first is None and (twin_of := _find_twin(shown.hits, chunk, doc)) is not None:
            _show_twin(shown, twin_of, chunk, doc, language, make_hit, make_twin)
        elif shown.admits(chunk.doc_id):
            shown.add(make_hit(chunk, doc))
        elif first is not None:
            first.more_in_document += 1
    return shown.hits


def _show_twin(shown: _Shown, lead: Hit, chunk: ChunkRecord, doc: DocumentRecord, language: str,
               make_hit: Callable[[ChunkRecord, DocumentRecord], Hit],
               make_twin: Callable[[ChunkRecord, DocumentRecord], Twin]) -> None:
    """``chunk`` repeats ``lead`` in another document: list it in the lead's twins and, if the
    rule admits its document, show it right after the lead. The same item in the question's
    ``language`` takes the lead."""
    at = shown.hits.index(lead)
    if chunk.language == language != lead.language:
        new_lead = make_hit(chunk, doc)
        new_lead.twins = [_as_twin(lead), *lead.twins]
        lead.twins = []
        shown.add(new_lead, at)
        return
    lead.twins.append(make_twin(chunk, doc))
    if shown.admits(chunk.doc_id):
        shown.add(make_hit(chunk, doc), at + 1 + _twins_after(shown.hits, at))


def _twins_after(hits: list[Hit], at: int) -> int:
    """How many hits right after ``hits[at]`` are its twins already shown."""
    lead = hits[at]
    listed = {t.doc_id for t in lead.twins}
    count = 0
    for hit in hits[at + 1:]:
        if hit.doc_id not in listed:
            break
        count += 1
    return count


def _as_twin(hit: Hit) -> Twin:
    return Twin(doc_id=hit.doc_id, chunk_id=hit.chunk_id, title=hit.title, language=hit.language,
                page=hit.page, snippet=hit.snippet)


def _find_twin(hits: list[Hit], chunk: ChunkRecord, doc: DocumentRecord) -> Hit | None:
    key = twin_key(doc.doc_id)
    text = chunk.text.strip()
    for hit in hits:
        if hit.doc_id == chunk.doc_id:
            continue
        same_item = key != doc.doc_id and hit.twin_key == key
        if same_item or hit.text.strip() == text:
            return hit
    return None
