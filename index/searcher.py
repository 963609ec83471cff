"""Hybrid retrieval: BM25 in the query's language, BM25 on its glossary translation, dense
vectors, fused by weighted RRF; then optional reranking, grouping into pages, twins, snippets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from core.models import ChunkRecord, DocumentRecord
from index.embedder import Kind
from index.explain import Explain
from index.filters import sparse_mask, vector_where, visible
from index.fusion import FusionWeights, RankedList, reciprocal_rank_fusion, weights_for
from index.grouping import group_hits
from index.jurisdiction import countries_named, jurisdiction_list, mentions
from index.query import AnalyzedQuery, Translator, analyze_query
from index.result_cache import ResultCache, VectorCache
from index.search_types import Hit, ScoreBreakdown, SearchFilters, SearchResponse, Twin
from index.snippets import find_highlights, make_snippet
from index.sparse import SparseIndex
from index.stand_in import stand_in_list
from index.twins import twin_key
from index.vector_store import VectorHit

if TYPE_CHECKING:
    from ingest.analysis import Analyzer

__all__ = ["Searcher"]

logger = logging.getLogger(__name__)

CANDIDATES = 100  # sparse candidates per query
DENSE_CANDIDATES = 50  # nearest neighbours asked of chromadb
COVERAGE_EXPONENT = 0.5  # translated evidence counts with the square root of coverage


class QueryEmbedder(Protocol):
    languages: frozenset[str]

    def embed_batch(self, texts: list[str], kind: Kind = "passage") -> np.ndarray: ...


class DenseStore(Protocol):
    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None,
              *, metadata: bool = True, generation: str | None = None) -> list: ...


class ChunkCatalog(Protocol):
    def chunks_by_ids(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRecord]: ...
    def documents_by_ids(self, doc_ids: Iterable[str]) -> dict[str, DocumentRecord]: ...
    def page_labels(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]: ...


class Reranker(Protocol):
    def score(self, query: str, passages: list[str]) -> list[float]: ...


class Searcher:
    """Answers search and related-passage requests; all components are passed in.

    ``sparse()`` returns the sparse index of the catalog's current generation: a request
    reads it once, and that index's generation keys the request's cached response.
    ``analyzer`` is the one that analysed the indexed passages: query terms and highlighted
    words must be analysed alike, and answers and alignment take it from here.
    """

    def __init__(self, *, embedder: QueryEmbedder, store: DenseStore, catalog: ChunkCatalog,
                 sparse: Callable[[], SparseIndex], analyzer: Analyzer,
                 translate: Translator | None = None, reranker: Reranker | None = None,
                 rerank_top: int = 30, result_cache_size: int = 512) -> None:
        self.embedder = embedder
        self.store = store
        self.catalog = catalog
        self.sparse = sparse
        self.analyzer = analyzer
        self.translate = translate
        self.reranker = reranker
        self.rerank_top = rerank_top
        self._results = ResultCache(result_cache_size)
        # caching off means every request is computed, its embedding included
        self._query_vector = VectorCache(
            lambda text: self.embedder.embed_batch([text], kind="query")[0],
            2048 if result_cache_size else 0)

    @property
    def _readable(self) -> frozenset[str]:
        """Chunk languages whose vectors mean something ("mixed" chunks carry English)."""
        languages = self.embedder.languages
        return languages | {"mixed"} if "en" in languages else languages

    # -- public ---------------------------------------------------------------------------

    def analyze(self, query: str) -> AnalyzedQuery:
        """The question as every retriever sees it (terms, translations, dense text)."""
        return analyze_query(query, self.translate, self.embedder.languages, self.analyzer)

    def query_vector(self, query: AnalyzedQuery) -> np.ndarray | None:
        return self._query_vector(query.dense_text) if query.dense_text else None

    def search(self, query: str, *, k: int = 10, filters: SearchFilters | None = None,
               per_doc: int | None = None, rerank: bool | None = None) -> SearchResponse:
        """Hybrid search: every passage until ``k`` pages are shown, then the best passage of
        each further document until ``k`` documents are (``index/grouping.py``); ``per_doc``
        caps the passages of one document. Results are cached per index generation: the same
        question asked again (the chat page searches before it answers; drafters re-run
        queries) costs a dictionary lookup, and any ingest or delete invalidates the cache."""
        started = time.perf_counter()
        filters = filters or SearchFilters()
        index = self.sparse()
        responses = self._results.at(index.generation)
        key = (query, k, per_doc, rerank, repr(filters))
        cached = responses.get(key)
        if cached is not None:
            return replace(cached, took_ms=(time.perf_counter() - started) * 1000)
        q = self.analyze(query)

        def dense(weights: FusionWeights) -> list:
            if not q.dense_text or weights.dense <= 0:
                return []
            hits = _with_columns(index, self.store.query(
                self._query_vector(q.dense_text), DENSE_CANDIDATES, vector_where(filters),
                metadata=False, generation=index.generation))
            return [h for h in hits if visible(h.metadata.get("doc_id", ""), filters)]

        hits, dense_used = self._retrieve(index, q, q.terms, q.translated_terms, dense, filters,
                                          k, per_doc, rerank, countries_named(query))
        response = SearchResponse(query=query, language=q.language, expansions=q.translations,
                                  hits=hits, took_ms=(time.perf_counter() - started) * 1000,
                                  dense_used=dense_used, glossary_coverage=round(q.coverage, 3))
        responses.put(key, response)
        return response

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
        q = self.analyze(text)

        def dense(_weights: FusionWeights) -> list:
            windows: list[str] = []
            if q.dense_text:
                windowing = getattr(self.embedder, "token_windows", None)
                windows = windowing(q.dense_text) if windowing else [q.dense_text]
            vectors = (self.embedder.embed_batch(windows[:32], kind="query") if windows
                       else np.zeros((0, 0), dtype=np.float32))
            best: dict[str, Any] = {}
            for vector in vectors:
                for hit in _with_columns(index, self.store.query(
                        vector, DENSE_CANDIDATES, vector_where(filters), metadata=False,
                        generation=index.generation)):
                    if visible(hit.metadata.get("doc_id", ""), filters) and (
                            hit.chunk_id not in best or hit.similarity > best[hit.chunk_id].similarity):
                        best[hit.chunk_id] = hit
            return sorted(best.values(), key=lambda h: -h.similarity)

        hits, dense_used = self._retrieve(
            index, q, _distinctive(index, q.terms, 40), _distinctive(index, q.translated_terms, 40),
            dense, filters, k, per_doc, rerank=False)
        return SearchResponse(query=text[:200], language=q.language, expansions=q.translations,
                              hits=hits, took_ms=(time.perf_counter() - started) * 1000,
                              dense_used=dense_used)

    # -- the pipeline both share ----------------------------------------------------------

    def _retrieve(self, index: SparseIndex, q: AnalyzedQuery, terms: list[str],
                  translated: list[str], dense: Callable[[FusionWeights], list],
                  filters: SearchFilters, k: int, per_doc: int | None,
                  rerank: bool | None, named: frozenset[str] = frozenset()
                  ) -> tuple[list[Hit], bool]:
        """BM25 over ``terms`` and their ``translated`` counterparts, the ``dense`` hits, fused
        and grouped into hits; candidates of the jurisdictions the question ``named`` get one
        more vote (``index/jurisdiction.py``). Returns the hits and whether dense evidence was
        found."""
        weights = weights_for(q.language, self.embedder.languages, bool(translated))
        translated_weight = weights.sparse_translated * q.coverage ** COVERAGE_EXPONENT
        sparse_hits = index.top(self._bilingual_scores(index, terms, translated, translated_weight),
                                CANDIDATES, sparse_mask(index, filters))
        dense_hits = dense(weights)
        lists = self._lists(index, sparse_hits, dense_hits, weights)
        if named:
            first = reciprocal_rank_fusion(lists)
            ranked = [str(c) for c in sorted(first, key=lambda key: (-first[key], str(key)))]
            texts = self.catalog.chunks_by_ids(ranked)
            if extra := jurisdiction_list(
                    ranked, lambda c: _country(index, c), lambda c: _document(index, c), named,
                    lambda c: c in texts and mentions(
                        f"{texts[c].heading}\n{texts[c].text}", named)):
                lists.append(extra)
        explain = Explain(index, sparse_hits, dense_hits, self._readable)
        return self._assemble(q, lists, explain, k, per_doc, rerank), bool(dense_hits)

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
               dense_hits: list, weights: FusionWeights) -> list[RankedList]:
        """Ranked lists for fusion. Chunks in a language the embedder cannot read have no
        meaningful vector (MiniLM sees Khmer as [UNK]): they are dropped from the dense list
        and a stand-in list gives them the dense evidence they cannot have, their
        translation's or else their own sparse rank (``index/stand_in.py``), so they are not
        outranked merely for being Khmer."""
        readable = self._readable
        sparse_ids = [index.chunk_ids[i] for i, _ in sparse_hits]
        lists = [RankedList("sparse", sparse_ids, weights.sparse)]
        if dense_hits:
            kept = [h.chunk_id for h in dense_hits if h.metadata.get("language") in readable]
            lists.append(RankedList("dense", kept, weights.dense))
            if weights.dense > 0:
                lists.append(stand_in_list(index, sparse_hits, dense_hits, readable,
                                           weights.dense))
        return lists

    def _assemble(self, q: AnalyzedQuery, lists: list[RankedList], explain: Explain, k: int,
                  per_doc: int | None, rerank: bool | None) -> list[Hit]:
        fused = reciprocal_rank_fusion(lists)
        ranked = sorted(fused, key=lambda key: (-fused[key], str(key)))
        pool = [str(c) for c in ranked[: max(k * 6, 60)]]
        chunks = self.catalog.chunks_by_ids(pool)  # drops uncommitted orphans
        pool = [c for c in pool if c in chunks]
        rerank_scores: dict[str, float] = {}
        if self.reranker is not None and rerank is not False and pool:
            head = pool[: self.rerank_top]
            scores = self.reranker.score(q.text, [chunks[c].text for c in head])
            rerank_scores = dict(zip(head, scores, strict=True))
            pool = sorted(head, key=lambda c: -rerank_scores[c]) + pool[self.rerank_top:]
        docs = self.catalog.documents_by_ids({chunks[c].doc_id for c in pool})
        labels = self.catalog.page_labels((chunks[c].doc_id, chunks[c].page) for c in pool)
        terms = [*q.terms, *q.translated_terms]

        def make_hit(chunk: ChunkRecord, doc: DocumentRecord) -> Hit:
            hit = self._hit(chunk, doc, terms, explain.breakdown(
                chunk.chunk_id, fused[chunk.chunk_id], rerank_scores.get(chunk.chunk_id)))
            hit.page_label = labels.get((chunk.doc_id, chunk.page))
            return hit

        return group_hits(pool, chunks, docs, q.language, k, per_doc, make_hit,
                          lambda chunk, doc: self._twin(chunk, doc, terms))

    def _hit(self, chunk: ChunkRecord, doc: DocumentRecord, terms: list[str],
             scores: ScoreBreakdown) -> Hit:
        highlights = find_highlights(chunk.text, terms, self.analyzer.analyze_word)
        snippet, snippet_spans, _ = make_snippet(chunk.text, highlights)
        return Hit(chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=doc.title,
                   twin_key=twin_key(chunk.doc_id),
                   doc_type=doc.doc_type, language=chunk.language, doc_language=doc.language,
                   date=doc.date, issuing_body=doc.issuing_body, page=chunk.page,
                   start=chunk.start, end=chunk.end, heading=chunk.heading, text=chunk.text,
                   snippet=snippet, highlights=snippet_spans, scores=scores,
                   country=doc.metadata.get("country") or None,
                   country_name=doc.metadata.get("country_name") or None)

    def _twin(self, chunk: ChunkRecord, doc: DocumentRecord, terms: list[str]) -> Twin:
        highlights = find_highlights(chunk.text, terms, self.analyzer.analyze_word)
        snippet, _, _ = make_snippet(chunk.text, highlights, 200)
        return Twin(doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=doc.title,
                    language=chunk.language, page=chunk.page, snippet=snippet)


def _with_columns(index: SparseIndex, hits: list[VectorHit]) -> list[VectorHit]:
    """Dense hits with the ``doc_id`` and ``language`` fusion needs, read from the sparse
    index's columns rather than from chromadb (fetching 50 hits' metadata there costs more
    than the nearest-neighbour search itself). A vector this generation does not know (an
    orphan of an interrupted ingest, a document committed after the request began) is
    dropped: it could not be shown anyway."""
    languages, doc_ids = index.columns["language"], index.columns["doc_id"]
    out = []
    for hit in hits:
        row = index.row_of(hit.chunk_id)
        if row is not None:
            out.append(VectorHit(hit.chunk_id, hit.similarity,
                                 {"doc_id": str(doc_ids[row]), "language": str(languages[row])}))
    return out


def _country(index: SparseIndex, chunk_id: str) -> str | None:
    """The jurisdiction of a chunk's document ("" or None when unknown)."""
    row = index.row_of(chunk_id)
    return None if row is None else str(index.columns["country"][row] or "") or None


def _document(index: SparseIndex, chunk_id: str) -> str:
    row = index.row_of(chunk_id)
    return chunk_id if row is None else str(index.columns["doc_id"][row])


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
