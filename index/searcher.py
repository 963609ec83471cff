"""Hybrid retrieval: BM25 in the query's language, BM25 on its glossary translation, dense
vectors, fused by weighted RRF; then optional reranking, per-document grouping, twins, snippets.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from core.models import ChunkRecord, DocumentRecord
from index.fusion import FusionWeights, RankedList, reciprocal_rank_fusion, weights_for
from index.query import AnalyzedQuery, Translator, analyze_query
from index.search_types import Hit, ScoreBreakdown, SearchFilters, SearchResponse, Twin
from index.snippets import find_highlights, make_snippet
from index.sparse import SparseIndex
from ingest.analysis import analyze_word

logger = logging.getLogger(__name__)

CANDIDATES = 100  # sparse candidates per query
DENSE_CANDIDATES = 50  # nearest neighbours asked of chromadb
COVERAGE_EXPONENT = 0.5  # translated evidence counts with the square root of coverage


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
                 reranker: Reranker | None = None, rerank_top: int = 30,
                 result_cache_size: int = 512) -> None:
        self.embedder = embedder
        self.store = store
        self.catalog = catalog
        self.sparse = sparse
        self.translate = translate
        self.reranker = reranker
        self.rerank_top = rerank_top
        self._vector_cache: dict[str, np.ndarray] = {}
        self._result_cache: OrderedDict[tuple, SearchResponse] = OrderedDict()
        self._result_cache_size = result_cache_size
        self._cache_lock = threading.Lock()

    @property
    def _readable(self) -> frozenset[str]:
        """Chunk languages whose vectors mean something ("mixed" chunks carry English)."""
        languages = self.embedder.languages
        return languages | {"mixed"} if "en" in languages else languages

    # -- public ---------------------------------------------------------------------------

    def analyze(self, query: str) -> AnalyzedQuery:
        """The question as every retriever sees it (terms, translations, dense text)."""
        return analyze_query(query, self.translate, self.embedder.languages)

    def query_vector(self, query: AnalyzedQuery) -> np.ndarray | None:
        return self._query_vector(query.dense_text) if query.dense_text else None

    def search(self, query: str, *, k: int = 10, filters: SearchFilters | None = None,
               per_doc: int = 2, rerank: bool | None = None) -> SearchResponse:
        """Hybrid search. Results are cached per index generation: the same question asked
        again (the chat page searches before it answers; drafters re-run queries) costs a
        dictionary lookup, and any ingest or delete invalidates the cache."""
        started = time.perf_counter()
        filters = filters or SearchFilters()
        index = self.sparse()
        key = (index.generation, query, k, per_doc, rerank, repr(filters))
        if self._result_cache_size:
            with self._cache_lock:
                cached = self._result_cache.get(key)
                if cached is not None:
                    self._result_cache.move_to_end(key)
            if cached is not None:
                return replace(cached, took_ms=(time.perf_counter() - started) * 1000)
        response = self._search(query, index, k, filters, per_doc, rerank, started)
        if self._result_cache_size:
            with self._cache_lock:
                self._result_cache[key] = response
                while len(self._result_cache) > self._result_cache_size:
                    self._result_cache.popitem(last=False)
        return response

    def _search(self, query: str, index: SparseIndex, k: int, filters: SearchFilters,
                per_doc: int, rerank: bool | None, started: float) -> SearchResponse:
        q = analyze_query(query, self.translate, self.embedder.languages)
        mask = _mask(index, filters)
        weights = weights_for(q.language, self.embedder.languages, bool(q.translated_terms))
        sparse_hits = index.top(self._bilingual_scores(
            index, q.terms, q.translated_terms, weights.sparse_translated * q.coverage ** COVERAGE_EXPONENT), CANDIDATES, mask)
        dense_hits = self._dense([q.dense_text] if q.dense_text and weights.dense > 0 else [], filters)
        lists = self._lists(index, sparse_hits, [dense_hits], weights)
        explain = _Explain(index, sparse_hits, dense_hits, self._readable)
        hits = self._assemble(q, lists, explain, k, per_doc, rerank)
        return SearchResponse(query=query, language=q.language, expansions=q.translations,
                              hits=hits, took_ms=(time.perf_counter() - started) * 1000,
                              dense_used=bool(dense_hits), glossary_coverage=round(q.coverage, 3))

    def related(self, text: str, *, k: int = 10, filters: SearchFilters | None = None,
                per_doc: int = 2, exclude_doc_id: str | None = None) -> SearchResponse:
        """Passages of other documents that say related things to a (long) text.

        Dense: the text is cut into windows the model reads whole, each window searched, and
        each passage ranked by the window it matches best, so nothing past the first 256
        tokens is ignored (averaging the windows' lists would let the windows about other
        things outvote the one about this passage). Sparse: the text's most distinctive terms
        (and their glossary translations) form the BM25 query.
        """
        started = time.perf_counter()
        filters = replace(filters) if filters else SearchFilters()  # the caller's stays as it was
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
        vectors = self.embedder.embed_batch(windows[:32], kind="query") if windows else []
        best: dict[str, Any] = {}
        for vector in vectors:
            for hit in self.store.query(vector, DENSE_CANDIDATES, _where(filters)):
                if _visible(hit.metadata.get("doc_id", ""), filters) and (
                        hit.chunk_id not in best or hit.similarity > best[hit.chunk_id].similarity):
                    best[hit.chunk_id] = hit
        dense = sorted(best.values(), key=lambda h: -h.similarity)
        dense_lists = [dense] if dense else []
        weights = weights_for(q.language, self.embedder.languages, bool(translated))
        sparse_hits = index.top(self._bilingual_scores(
            index, terms, translated, weights.sparse_translated * q.coverage ** COVERAGE_EXPONENT), CANDIDATES, mask)
        lists = self._lists(index, sparse_hits, dense_lists, weights)
        explain = _Explain(index, sparse_hits, dense, self._readable)
        hits = self._assemble(q, lists, explain, k, per_doc, rerank=False)
        return SearchResponse(query=text[:200], language=q.language, expansions=q.translations,
                              hits=hits, took_ms=(time.perf_counter() - started) * 1000,
                              dense_used=bool(dense))

    # -- steps ----------------------------------------------------------------------------

    @staticmethod
    def _bilingual_scores(index: SparseIndex, terms: list[str], translated: list[str],
                          translated_weight: float) -> np.ndarray:
        """One BM25 ranking over both languages: the user's terms and their glossary
        translations, each normalised by its own weight, so a Khmer passage matching the
        Khmer question and an English passage matching its translation compete fairly. The
        caller scales the translation by how much of the question the glossary recognised:
        a passage matching "province" is no answer to a question about a collapsed riverbank.
        Separate per-language lists fused by rank cannot do that: there the best English
        chunk always ties the best Khmer one, however poor its match."""
        scores = index.normalized_scores(terms)
        if translated and translated_weight > 0:
            scores = scores + translated_weight * index.normalized_scores(translated)
        return scores

    def _lists(self, index: SparseIndex, sparse_hits: list[tuple[int, float]],
               dense_lists: list[list], weights: FusionWeights) -> list[RankedList]:
        """Ranked lists for fusion. Chunks in a language the embedder cannot read have no
        meaningful vector (MiniLM sees Khmer as [UNK]): they are dropped from the dense lists
        and their sparse rank stands in for the dense evidence they cannot have, so they are
        not outranked merely for being Khmer."""
        readable = self._readable
        sparse_ids = [index.chunk_ids[i] for i, _ in sparse_hits]
        lists = [RankedList("sparse", sparse_ids, weights.sparse)]
        dense_weight = weights.dense / max(1, len(dense_lists)) if len(dense_lists) > 1 else weights.dense
        for hits in dense_lists:
            kept = [h.chunk_id for h in hits if h.metadata.get("language") in readable]
            lists.append(RankedList("dense", kept, dense_weight))
        if weights.dense > 0 and any(dense_lists):
            languages = index.columns["language"]
            lists.append(RankedList("dense_stand_in", [
                index.chunk_ids[i] if languages[i] not in readable else None for i, _ in sparse_hits
            ], weights.dense))
        return lists

    def _query_vector(self, text: str) -> np.ndarray:
        """Query embeddings are cached: the chat page searches the same question for /ask
        and /search, and drafters re-run queries while refining filters."""
        vector = self._vector_cache.get(text)
        if vector is None:
            vector = self.embedder.embed_batch([text], kind="query")[0]
            if not self._result_cache_size:  # caching off means every request is computed
                return vector
            if len(self._vector_cache) >= 2048:
                self._vector_cache.pop(next(iter(self._vector_cache)))
            self._vector_cache[text] = vector
        return vector

    def _dense(self, texts: list[str], filters: SearchFilters) -> list:
        if not texts:
            return []
        vector = self._query_vector(texts[0])
        hits = self.store.query(vector, DENSE_CANDIDATES, _where(filters))
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
                if chunk.language == q.language != twin_of.language:
                    # the same item in the question's language leads; the other follows it
                    lead = self._hit(chunk, doc, terms, explain.breakdown(
                        chunk.chunk_id, fused[chunk_id], rerank_scores.get(chunk.chunk_id)))
                    lead.twins = [_as_twin(twin_of), *twin_of.twins]
                    hits[hits.index(twin_of)] = lead
                    per_doc_count[twin_of.doc_id] -= 1
                    per_doc_count[chunk.doc_id] = per_doc_count.get(chunk.doc_id, 0) + 1
                else:
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
        highlights = find_highlights(chunk.text, terms, analyze_word)
        snippet, snippet_spans, _ = make_snippet(chunk.text, highlights)
        return Hit(chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=doc.title,
                   twin_key=twin_key(chunk.doc_id),
                   doc_type=doc.doc_type, language=chunk.language, doc_language=doc.language,
                   date=doc.date, issuing_body=doc.issuing_body, page=chunk.page,
                   start=chunk.start, end=chunk.end, heading=chunk.heading, text=chunk.text,
                   snippet=snippet, highlights=snippet_spans, scores=scores)

    def _twin(self, chunk: ChunkRecord, doc: DocumentRecord, terms: list[str]) -> Twin:
        snippet, _, _ = make_snippet(chunk.text, find_highlights(chunk.text, terms, analyze_word), 200)
        return Twin(doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=doc.title,
                    language=chunk.language, page=chunk.page, snippet=snippet)


def _as_twin(hit: Hit) -> Twin:
    return Twin(doc_id=hit.doc_id, chunk_id=hit.chunk_id, title=hit.title, language=hit.language,
                page=hit.page, snippet=hit.snippet)


class _Explain:
    """Per-retriever ranks and scores of each candidate, for the score breakdown. Dense
    figures are shown only for chunks the embedder can read: fusion ignores the others'."""

    def __init__(self, index: SparseIndex, sparse: list, dense: list,
                 readable: frozenset[str] = frozenset({"en", "mixed"})) -> None:
        self.sparse = {index.chunk_ids[i]: (r, s) for r, (i, s) in enumerate(sparse, 1)}
        self.dense: dict[str, tuple[int, float]] = {}
        rank = 0
        for hit in dense:
            if hit.metadata.get("language", "en") in readable and hit.chunk_id not in self.dense:
                rank += 1
                self.dense[hit.chunk_id] = (rank, hit.similarity)

    def breakdown(self, chunk_id: str, fused: float, rerank: float | None) -> ScoreBreakdown:
        sp, de = self.sparse.get(chunk_id), self.dense.get(chunk_id)
        return ScoreBreakdown(
            fused=round(fused, 6),
            sparse=round(sp[1], 4) if sp else None, sparse_rank=sp[0] if sp else None,
            dense=round(de[1], 4) if de else None, dense_rank=de[0] if de else None,
            rerank=round(rerank, 4) if rerank is not None else None,
        )


_LANG_MARKERS = re.compile(r"(?<=[_\-/.])(en|km|EN|KM)(?=[_\-/.])")


@lru_cache(maxsize=65_536)
def twin_key(doc_id: str) -> str:
    """Documents that differ only by a language marker in their path are translations."""
    return _LANG_MARKERS.sub("*", doc_id)


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
