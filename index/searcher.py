"""Hybrid retrieval: BM25 in the query's language, BM25 on its glossary translation, dense
vectors, fused by weighted RRF; then optional reranking, grouping into pages, twins, snippets.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from core.models import ChunkRecord, DocumentRecord
from index.explain import Explain
from index.filters import known_collections, scope, sparse_mask, vector_where
from index.fusion import FusionWeights, RankedList, reciprocal_rank_fusion, weights_for
from index.grouping import candidate_pool, group_hits
from index.hits import build_hit, build_twin
from index.jurisdiction import countries_named, jurisdiction_list, matches, mentions
from index.named_documents import unretrieved_passages
from index.query import AnalyzedQuery, Translator, analyze_query
from index.result_cache import ResultCache, VectorCache
from index.search_ports import ChunkCatalog, DenseStore, QueryEmbedder, Reranker
from index.search_records import Chunks, SearchRecords
from index.search_types import Hit, SearchFilters, SearchResponse
from index.sparse import SparseIndex
from index.sparse_rows import (
    chunk_country,
    chunk_document,
    dense_visible,
    distinctive_terms,
    with_columns,
)
from index.stand_in import stand_in_list

if TYPE_CHECKING:
    from ingest.analysis import Analyzer

__all__ = ["Searcher"]

logger = logging.getLogger(__name__)

CANDIDATES = 100  # sparse candidates per query
DENSE_CANDIDATES = 50  # nearest neighbours asked of chromadb
COVERAGE_EXPONENT = 0.5  # translated evidence counts with the square root of coverage


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
                 rerank_top: int = 30, result_cache_size: int = 512,
                 abbreviations: Callable[[str], dict[str, str]] | None = None) -> None:
        self.embedder = embedder
        self.abbreviations = abbreviations
        self.store = store
        self.catalog = catalog
        self.sparse = sparse
        self.analyzer = analyzer
        self.translate = translate
        self.reranker = reranker
        self.rerank_top = rerank_top
        self._results = ResultCache(result_cache_size)
        self._records = SearchRecords(catalog)
        # the question's vector of this thread's last search: /ask's sentence scoring reuses
        # it instead of embedding the question a second time (``query_vector``)
        self._last_vector = threading.local()
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
        """The question as every retriever sees it (terms, translations, dense text). An
        English question's abbreviations that the corpus defines add their long form's words
        ("CADT" -> "Cambodia Academy of Digital Technology", ``index/abbreviations.py``); the
        dense text stays the question (embedding the long form too cost en_km 0.876 -> 0.853
        on the development set)."""
        q = analyze_query(query, self.translate, self.embedder.languages, self.analyzer)
        if self.abbreviations is None or q.language not in ("en", "mixed"):
            return q
        long_forms = self.abbreviations(query)
        extra = [t for long_form in long_forms.values()
                 for t in self.analyzer.analyze(long_form) if t not in q.terms]
        if not extra:
            return q
        return replace(q, terms=[*q.terms, *dict.fromkeys(extra)], long_forms=long_forms)

    def query_vector(self, query: AnalyzedQuery,
                     collections: list[str] | None = None) -> np.ndarray | None:
        """The question's embedding, cached per allowed set (``SearchFilters.collections``)."""
        if not query.dense_text:
            return None
        last = getattr(self._last_vector, "value", None)  # this request's search embedded it
        if last is not None and last[0] == query.dense_text:
            return last[1]
        return self._query_vector(query.dense_text, "*" if collections is None
                                  else ",".join(sorted(collections)))

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
        self._last_vector.value = None
        q = self.analyze(query)

        def dense(weights: FusionWeights) -> list:
            if not q.dense_text or weights.dense <= 0 or filters.collections == []:
                return []
            vector = self._query_vector(q.dense_text, scope(filters))
            self._last_vector.value = (q.dense_text, vector)  # /ask scores sentences with it
            hits = with_columns(index, self.store.query(
                vector, DENSE_CANDIDATES,
                vector_where(filters, known_collections(index)),
                metadata=False, generation=index.generation))
            return [h for h in hits if dense_visible(h, filters)]

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
            if filters.collections == []:
                windows = []  # nothing may be read: ask the store nothing
            vectors = (self.embedder.embed_batch(windows[:32], kind="query") if windows
                       else np.zeros((0, 0), dtype=np.float32))
            best: dict[str, Any] = {}
            for vector in vectors:
                for hit in with_columns(index, self.store.query(
                        vector, DENSE_CANDIDATES, vector_where(filters, known_collections(index)),
                        metadata=False, generation=index.generation)):
                    if dense_visible(hit, filters) and (
                            hit.chunk_id not in best or hit.similarity > best[hit.chunk_id].similarity):
                        best[hit.chunk_id] = hit
            return sorted(best.values(), key=lambda h: -h.similarity)

        hits, dense_used = self._retrieve(
            index, q, distinctive_terms(index, q.terms, 40),
            distinctive_terms(index, q.translated_terms, 40), dense, filters, k, per_doc,
            rerank=False)
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
        more vote (``index/jurisdiction.py``), as do those jurisdictions' documents that no
        retriever found (``index/named_documents.py``). Returns the hits and whether dense
        evidence was found."""
        weights = weights_for(q.language, self.embedder.languages, bool(translated))
        translated_weight = weights.sparse_translated * q.coverage ** COVERAGE_EXPONENT
        scores = self._bilingual_scores(index, terms, translated, translated_weight,
                                        count_absent=q.language == "en")
        mask = sparse_mask(index, filters)
        sparse_hits = index.top(scores, CANDIDATES, mask)
        dense_hits = dense(weights)
        lists = self._lists(index, sparse_hits, dense_hits, weights, filters.collections)
        chunks = Chunks(self.catalog)
        if named:
            first = reciprocal_rank_fusion(lists)
            ranked = [str(c) for c in sorted(first, key=lambda key: (-first[key], str(key)))]
            ranked += unretrieved_passages(index, scores, named,
                                           {chunk_document(index, c) for c in ranked}, mask)
            # a passage's text is read only where its country does not already match
            # (``jurisdiction_list`` asks ``names_it`` of no other)
            texts = chunks.get(c for c in ranked
                               if not matches(chunk_country(index, c), named))
            if extra := jurisdiction_list(
                    ranked, lambda c: chunk_country(index, c),
                    lambda c: chunk_document(index, c), named,
                    lambda c: c in texts and mentions(
                        f"{texts[c].heading}\n{texts[c].text}", named)):
                lists.append(extra)
        explain = Explain(index, sparse_hits, dense_hits, self._readable)
        return (self._assemble(index, q, lists, explain, k, per_doc, rerank, chunks),
                bool(dense_hits))

    @staticmethod
    def _bilingual_scores(index: SparseIndex, terms: list[str], translated: list[str],
                          translated_weight: float, *, count_absent: bool = False) -> np.ndarray:
        """One BM25 ranking over both languages: the user's terms and their glossary
        translations, each normalised by its own weight, so a Khmer passage matching the
        Khmer question and an English passage matching its translation compete fairly. The
        caller scales the translation by how much of the question the glossary recognised:
        a passage matching "province" is no answer to a question about a collapsed riverbank.
        Separate per-language lists fused by rank cannot do that: there the best English
        chunk always ties the best Khmer one, however poor its match.

        ``count_absent`` (English questions) weighs the words no passage contains on both
        sides (``SparseIndex.normalized_scores``). Not for Khmer questions: measured on the
        development set, it pushed down the English policies their judgements count as
        answers (scanned-decree questions 0.968 → 0.915 nDCG, ``docs/evaluation.md``)."""
        scores = index.normalized_scores(terms, count_absent=count_absent)
        if translated and translated_weight > 0:
            scores = scores + translated_weight * index.normalized_scores(
                translated, count_absent=count_absent)
        return scores

    def _lists(self, index: SparseIndex, sparse_hits: list[tuple[int, float]],
               dense_hits: list, weights: FusionWeights,
               collections: list[str] | None = None) -> list[RankedList]:
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
                                           weights.dense, collections))
        return lists

    def _assemble(self, index: SparseIndex, q: AnalyzedQuery, lists: list[RankedList],
                  explain: Explain, k: int, per_doc: int | None, rerank: bool | None,
                  read: Chunks) -> list[Hit]:
        """Fused, (re)ranked and grouped hits; documents and page labels come from the
        generation's records (``index/search_records.py``), chunks from this request's."""
        fused = reciprocal_rank_fusion(lists)
        ranked = [str(c) for c in sorted(fused, key=lambda key: (-fused[key], str(key)))]
        pool = candidate_pool(ranked, lambda c: chunk_document(index, c), k, max(k * 6, 60))
        chunks = read.get(pool)  # drops uncommitted orphans
        pool = [c for c in pool if c in chunks]
        rerank_scores: dict[str, float] = {}
        if self.reranker is not None and rerank is not False and pool:
            head = pool[: self.rerank_top]
            scores = self.reranker.score(q.text, [chunks[c].text for c in head])
            rerank_scores = dict(zip(head, scores, strict=True))
            pool = sorted(head, key=lambda c: -rerank_scores[c]) + pool[self.rerank_top:]
        doc_ids = index.columns["doc_id"]
        docs = self._records.documents(index.generation, doc_ids,
                                       dict.fromkeys(chunks[c].doc_id for c in pool))
        labels = self._records.at(index.generation, doc_ids).labels
        terms = [*q.terms, *q.translated_terms]

        def make_hit(chunk: ChunkRecord, doc: DocumentRecord) -> Hit:
            hit = build_hit(chunk, doc, terms, explain.breakdown(
                chunk.chunk_id, fused[chunk.chunk_id], rerank_scores.get(chunk.chunk_id)),
                self.analyzer.analyze_word)
            hit.page_label = labels.get((chunk.doc_id, chunk.page))
            return hit

        return group_hits(pool, chunks, docs, q.language, k, per_doc, make_hit,
                          lambda chunk, doc: build_twin(chunk, doc, terms,
                                                        self.analyzer.analyze_word))
