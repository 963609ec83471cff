"""From a ranked pool of chunks to the hits shown: at most ``per_doc`` per document, and the
same passage met again (a translation, a copy in another file) folded in as a twin."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from core.models import ChunkRecord, DocumentRecord
from index.search_types import Hit, Twin

__all__ = ["group_hits", "twin_key"]

_LANG_MARKERS = re.compile(r"(?<=[_\-/.])(en|km|EN|KM)(?=[_\-/.])")


@lru_cache(maxsize=65_536)
def twin_key(doc_id: str) -> str:
    """Documents that differ only by a language marker in their path are translations."""
    return _LANG_MARKERS.sub("*", doc_id)


def group_hits(pool: list[str], chunks: dict[str, ChunkRecord], docs: dict[str, DocumentRecord],
               language: str, k: int, per_doc: int,
               make_hit: Callable[[ChunkRecord, DocumentRecord], Hit],
               make_twin: Callable[[ChunkRecord, DocumentRecord], Twin]) -> list[Hit]:
    """Walk the pool best-first: a twin joins the hit it repeats (the one in the question's
    ``language`` leads), a document over its ``per_doc`` share only counts as "more in this
    document", and the first ``k`` others become hits."""
    hits: list[Hit] = []
    per_doc_count: dict[str, int] = {}
    for chunk_id in pool:
        chunk = chunks[chunk_id]
        doc = docs.get(chunk.doc_id)
        if doc is None:
            continue
        twin_of = _find_twin(hits, chunk, doc)
        if twin_of is not None:
            if chunk.language == language != twin_of.language:
                # the same item in the question's language leads; the other follows it
                lead = make_hit(chunk, doc)
                lead.twins = [_as_twin(twin_of), *twin_of.twins]
                hits[hits.index(twin_of)] = lead
                per_doc_count[twin_of.doc_id] -= 1
                per_doc_count[chunk.doc_id] = per_doc_count.get(chunk.doc_id, 0) + 1
            else:
                twin_of.twins.append(make_twin(chunk, doc))
            continue
        if per_doc_count.get(chunk.doc_id, 0) >= per_doc:
            for hit in hits:
                if hit.doc_id == chunk.doc_id:
                    hit.more_in_document += 1
                    break
            continue
        if len(hits) >= k:
            continue
        per_doc_count[chunk.doc_id] = per_doc_count.get(chunk.doc_id, 0) + 1
        hits.append(make_hit(chunk, doc))
    return hits


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
