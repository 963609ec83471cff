"""Hybrid retrieval: BM25 in the query's language, BM25 on its glossary translation, dense
vectors, fused by weighted RRF; then optional reranking, per-document grouping, twins, snippets.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from index.fusion import RankedList, reciprocal_rank_fusion, weights_for
from index.query import AnalyzedQuery, Translator, analyze_query
from index.search_types import Hit, ScoreBreakdown, SearchFilters, SearchResponse, Twin
from index.snippets import find_highlights, make_snippet
from index.sparse import SparseIndex
from ingest.analysis import analyze
from policykb.models import ChunkRecord, DocumentRecord

logger = logging.getLogger(__name__)

CANDIDATES = 100
MERGE = False


class QueryEmbedder(Protocol):
    languages: frozenset[str]

    def embed_batch(self, texts: list[str], kind: str = "passage") -> np.ndarray: ...


class DenseStore(Protocol):
    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list: ...


class ChunkCatalog(Protocol):
    def chunks_by_ids(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRecord]: ...
    def documents_by_ids(self, doc_ids: Sequence[str]) -> dict[str, DocumentRecord]: ...


class Reranker(Protocol):
    def score(self, query: str, passages: list[str]) -> list[float]: ...


class Searcher:
    """Answers search and related-passage requests; all components are passed in."""

    def __init__(self, *, embedder: QueryEmbedder, store: DenseStore, catalog: ChunkCatalog,
                 sparse: Callable[[], SparseIndex], translate: Translator | None = None,
                 reranker: Reranker | None = None, rerank_top: int = 30) -> None:
        self.embedder = embedder
        self.store = store
        self.catalog = catalog
        self.sparse = sparse
        self.translate = translate
        self.reranker = reranker
        self.rerank_top = rerank_top

    # -- public ---------------------------------------------------------------------------

    def search(self, query: str, *, k: int = 10, filters: SearchFilters | None = None,
               per_doc: int = 2, rerank: bool | None = None) -> SearchResponse:
        started = time.perf_counter()
        filters = filters or SearchFilters()
        q = analyze_query(query, self.translate, self.embedder.languages)
        index = self.sparse()
        mask = _mask(index, filters)
        weights = weights_for(q.language, self.embedder.languages, bool(q.translated_terms))

        if MERGE:
            sparse_hits = index.search(q.terms + q.translated_terms, CANDIDATES, mask)
            translated_hits = []
        else:
            sparse_hits = index.search(q.terms, CANDIDATES, mask)
            translated_hits = index.search(q.translated_terms, CANDIDATES, mask) if q.translated_terms else []
        dense_hits = self._dense([q.dense_text] if q.dense_text and weights.dense > 0 else [], filters)
        lists = [
            RankedList("sparse", [index.chunk_ids[i] for i, _ in sparse_hits], weights.sparse),
            RankedList("sparse_translated", [index.chunk_ids[i] for i, _ in translated_hits],
                       weights.sparse_translated),
            RankedList("dense", [h.chunk_id for h in dense_hits], weights.dense),
        ]
        explain = _Explain(index, sparse_hits, translated_hits, dense_hits)
        hits = self._assemble(q, lists, explain, k, per_doc, rerank)
        return SearchResponse(query=query, language=q.language, expansions=q.translations,
                              hits=hits, took_ms=(time.perf_counter() - started) * 1000,
                              dense_used=bool(dense_hits))

    def related(self, text: str, *, k: int = 10, filters: SearchFilters | None = None,
                per_doc: int = 2, exclude_doc_id: str | None = None) -> SearchResponse:
        """Passages of other documents that say related things to a (long) text.

        Dense: the text is cut into windows the model reads whole, each window searched and
        the lists fused, so nothing past the first 256 tokens is ignored. Sparse: the text's
        most distinctive terms (and their glossary translations) form the BM25 query.
        """
        started = time.perf_counter()
        filters = filters or SearchFilters()
        if exclude_doc_id:
            filters.exclude_doc_ids = [*(filters.exclude_doc_ids or []), exclude_doc_id]
        index = self.sparse()
        mask = _mask(index, filters)
        q = analyze_query(text, self.translate, self.embedder.languages)
        terms = _distinctive(index, q.terms, 40)
        translated = _distinctive(index, q.translated_terms, 40)
        windows: list[str] = []
        if q.dense_text:
            windowing = getattr(self.embedder, "token_windows", None)
            windows = windowing(q.dense_text) if windowing else [q.dense_text]
        dense_lists = []
        vectors = self.embedder.embed_batch(windows[:32], kind="query") if windows else []
        for vector in vectors:
            hits = self.store.query(vector, CANDIDATES, _where(filters))
            dense_lists.append([h for h in hits if _visible(h.metadata.get("doc_id", ""), filters)])
        weights = weights_for(q.language, self.embedder.languages, bool(translated))
        sparse_hits = index.search(terms, CANDIDATES, mask)
        translated_hits = index.search(translated, CANDIDATES, mask) if translated else []
        lists = [RankedList("sparse", [index.chunk_ids[i] for i, _ in sparse_hits], weights.sparse),
                 RankedList("sparse_translated", [index.chunk_ids[i] for i, _ in translated_hits],
                            weights.sparse_translated)]
        lists += [RankedList("dense", [h.chunk_id for h in hl], weights.dense / max(1, len(dense_lists)) * 1.5)
                  for hl in dense_lists]
        flat_dense = [h for hl in dense_lists for h in hl]
        explain = _Explain(index, sparse_hits, translated_hits, flat_dense)
        hits = self._assemble(q, lists, explain, k, per_doc, rerank=False)
        return SearchResponse(query=text[:200], language=q.language, expansions=q.translations,
                              hits=hits, took_ms=(time.perf_counter() - started) * 1000,
                              dense_used=bool(flat_dense))

    # -- steps ----------------------------------------------------------------------------

    def _dense(self, texts: list[str], filters: SearchFilters) -> list:
        if not texts:
            return []
        vector = self.embedder.embed_batch(texts, kind="query")[0]
        hits = self.store.query(vector, CANDIDATES, _where(filters))
        return [h for h in hits if _visible(h.metadata.get("doc_id", ""), filters)]

    def _assemble(self, q: AnalyzedQuery, lists: list[RankedList], explain: _Explain, k: int,
                  per_doc: int, rerank: bool | None) -> list[Hit]:
        fused = reciprocal_rank_fusion(lists)
        ranked = sorted(fused, key=lambda key: (-fused[key], str(key)))
        pool = ranked[: max(k * 6, 60)]
        chunks = self.catalog.chunks_by_ids([str(c) for c in pool])  # drops uncommitted orphans
        pool = [c for c in pool if c in chunks]
        rerank_scores: dict[str, float] = {}
        if self.reranker is not None and rerank is not False and pool:
            head = [str(c) for c in pool[: self.rerank_top]]
            scores = self.reranker.score(q.text, [chunks[c].text for c in head])
            rerank_scores = dict(zip(head, scores, strict=True))
            pool = sorted(head, key=lambda c: -rerank_scores[c]) + [str(c) for c in pool[self.rerank_top:]]
        docs = self.catalog.documents_by_ids({chunks[str(c)].doc_id for c in pool})
        terms = [*q.terms, *q.translated_terms]
        hits: list[Hit] = []
        per_doc_count: dict[str, int] = {}
        for chunk_id in pool:
            chunk = chunks[str(chunk_id)]
            doc = docs.get(chunk.doc_id)
            if doc is None:
                continue
            twin_of = _find_twin(hits, chunk, doc)
            if twin_of is not None:
                twin_of.twins.append(self._twin(chunk, doc, terms))
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
            hits.append(self._hit(chunk, doc, terms, explain.breakdown(chunk.chunk_id, fused[chunk_id],
                                                                        rerank_scores.get(chunk.chunk_id))))
        return hits

    def _hit(self, chunk: ChunkRecord, doc: DocumentRecord, terms: list[str],
             scores: ScoreBreakdown) -> Hit:
        highlights = find_highlights(chunk.text, terms, analyze)
        snippet, snippet_spans, _ = make_snippet(chunk.text, highlights)
        return Hit(chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=doc.title,
                   doc_type=doc.doc_type, language=chunk.language, doc_language=doc.language,
                   date=doc.date, issuing_body=doc.issuing_body, page=chunk.page,
                   start=chunk.start, end=chunk.end, heading=chunk.heading, text=chunk.text,
                   snippet=snippet, highlights=snippet_spans, scores=scores)

    def _twin(self, chunk: ChunkRecord, doc: DocumentRecord, terms: list[str]) -> Twin:
        snippet, _, _ = make_snippet(chunk.text, find_highlights(chunk.text, terms, analyze), 200)
        return Twin(doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=doc.title,
                    language=chunk.language, page=chunk.page, snippet=snippet)


class _Explain:
    """Per-retriever ranks and scores of each candidate, for the score breakdown."""

    def __init__(self, index: SparseIndex, sparse: list, translated: list, dense: list) -> None:
        self.sparse = {index.chunk_ids[i]: (r, s) for r, (i, s) in enumerate(sparse, 1)}
        self.translated = {index.chunk_ids[i]: (r, s) for r, (i, s) in enumerate(translated, 1)}
        self.dense: dict[str, tuple[int, float]] = {}
        for rank, hit in enumerate(dense, 1):
            self.dense.setdefault(hit.chunk_id, (rank, hit.similarity))

    def breakdown(self, chunk_id: str, fused: float, rerank: float | None) -> ScoreBreakdown:
        sp, tr, de = self.sparse.get(chunk_id), self.translated.get(chunk_id), self.dense.get(chunk_id)
        return ScoreBreakdown(
            fused=round(fused, 6),
            sparse=round(sp[1], 4) if sp else None, sparse_rank=sp[0] if sp else None,
            sparse_translated=round(tr[1], 4) if tr else None,
            sparse_translated_rank=tr[0] if tr else None,
            dense=round(de[1], 4) if de else None, dense_rank=de[0] if de else None,
            rerank=round(rerank, 4) if rerank is not None else None,
        )


_LANG_MARKERS = re.compile(r"(?<=[_\-/.])(en|km|EN|KM)(?=[_\-/.])")


def twin_key(doc_id: str) -> str:
    """Documents that differ only by a language marker in their path are translations."""
    return _LANG_MARKERS.sub("*", doc_id)


def _find_twin(hits: list[Hit], chunk: ChunkRecord, doc: DocumentRecord) -> Hit | None:
    key = twin_key(doc.doc_id)
    for hit in hits:
        if hit.doc_id == chunk.doc_id:
            continue
        same_item = key != doc.doc_id and twin_key(hit.doc_id) == key
        if same_item or (hit.text.strip() == chunk.text.strip()):
            return hit
    return None


def _date_int(value: str | None, end: bool) -> int | None:
    if not value:
        return None
    digits = re.sub(r"\D", "", value)[:8]
    if not digits:
        return None
    pad = "9" if end else "0"
    if len(digits) == 4:
        return int(digits + ("1231" if end else "0101"))
    return int(digits.ljust(8, pad))


def _mask(index: SparseIndex, filters: SearchFilters) -> np.ndarray | None:
    if filters.is_empty() or not len(index):
        return None
    cols = index.columns
    mask = np.ones(len(index), dtype=bool)
    if filters.languages:
        mask &= np.isin(cols["language"], filters.languages) | np.isin(cols["doc_language"], filters.languages)
    if filters.doc_types:
        mask &= np.isin(cols["doc_type"], filters.doc_types)
    if filters.issuing_bodies:
        mask &= np.isin(cols["issuing_body"], filters.issuing_bodies)
    if filters.doc_ids:
        mask &= np.isin(cols["doc_id"], filters.doc_ids)
    if filters.exclude_doc_ids:
        mask &= ~np.isin(cols["doc_id"], filters.exclude_doc_ids)
    lo, hi = _date_int(filters.date_from, False), _date_int(filters.date_to, True)
    if lo is not None:
        mask &= cols["date"] >= lo
    if hi is not None:
        mask &= (cols["date"] <= hi) & (cols["date"] > 0)
    return mask


def _where(filters: SearchFilters) -> dict[str, Any] | None:
    """The same filters as a chromadb ``where`` clause (exclusions are applied afterwards)."""
    clauses: list[dict[str, Any]] = []
    if filters.languages:
        clauses.append({"$or": [{"language": {"$in": filters.languages}},
                                {"doc_language": {"$in": filters.languages}}]})
    if filters.doc_types:
        clauses.append({"doc_type": {"$in": filters.doc_types}})
    if filters.issuing_bodies:
        clauses.append({"issuing_body": {"$in": filters.issuing_bodies}})
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": filters.doc_ids}})
    lo, hi = _date_int(filters.date_from, False), _date_int(filters.date_to, True)
    if lo is not None:
        clauses.append({"date": {"$gte": lo}})
    if hi is not None:
        clauses.append({"date": {"$lte": hi}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _visible(doc_id: str, filters: SearchFilters) -> bool:
    return not (filters.exclude_doc_ids and doc_id in filters.exclude_doc_ids)


def _distinctive(index: SparseIndex, terms: list[str], n: int) -> list[str]:
    """The ``n`` terms of a long text that best identify it (tf × idf)."""
    if len(set(terms)) <= n:
        return list(dict.fromkeys(terms))
    total = max(1, len(index))
    counts: dict[str, int] = {}
    for term in terms:
        counts[term] = counts.get(term, 0) + 1
    def weight(term: str) -> float:
        df = index.document_frequency(term)
        return 0.0 if df == 0 else counts[term] * float(np.log(1 + total / df))
    return sorted(counts, key=lambda t: -weight(t))[:n]
