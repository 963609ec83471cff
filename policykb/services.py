"""Wires the concrete components together from the settings; the CLI and the API use this.

Components are built lazily: listing documents should not pay eight seconds to load torch.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from alignment.aligner import Aligner
    from alignment.registry import RegistryCache
    from answers.extractive import ExtractiveAnswerer
    from answers.generative import GenerativeAnswerer
    from api.keys import KeyStore
    from index.abbreviations import AbbreviationIndex
    from index.catalog import Catalog
    from index.embedder import SentenceTransformerEmbedder
    from index.glossary import Glossary
    from index.lazy_embedder import LazyEmbedder
    from index.lexicon.holder import GlossaryHolder
    from index.lexicon.learn import LexiconReport
    from index.lexicon.store import LexiconStore
    from index.reranker import CrossEncoderReranker
    from index.searcher import Searcher
    from index.sparse import SparseIndexHolder
    from index.vector_store import ChromaVectorStore
    from ingest.analysis import Analyzer
    from ingest.loaders.dispatch import LoaderTable
    from ingest.pipeline import Ingestor
    from ingest.records import DocumentReaders
    from ingest.writer import IndexWriter
    from policykb.sentence_warmup import WarmupState

logger = logging.getLogger(__name__)


#: Components a caller may hand in ready-made (see ``Services.__init__``).
OVERRIDABLE = frozenset({
    "model", "catalog", "keys", "store", "sparse", "glossary", "reranker", "generator",
    "registry", "loader", "readers", "analyzer",
})


def embedder_name(settings: Settings) -> str:
    return settings.embedder_name


class Services:
    """The application's object graph for one settings object.

    Tests and the benchmark hand in ready-made components by name
    (``Services(settings, model=loaded_model)``) instead of patching a built container:
    an override takes the place of that component, and everything built on it is wired
    exactly as in production (a handed-in ``model`` still runs behind the inference queue).
    """

    def __init__(self, settings: Settings, **overrides: object) -> None:
        unknown = sorted(set(overrides) - OVERRIDABLE)
        if unknown:
            raise TypeError(f"Services has no component named {', '.join(unknown)}; "
                            f"overridable: {', '.join(sorted(OVERRIDABLE))}")
        self.settings = settings
        self.overridden = frozenset(overrides)
        # a cached_property reads the instance dict first: an override is simply pre-built
        self.__dict__.update(overrides)

    @cached_property
    def model(self) -> SentenceTransformerEmbedder:
        """The embedding model itself (loading it costs seconds: only what embeds asks): the
        exported ONNX graph when there is one, so serving never imports torch
        (``index/onnx_embedder.py``), else PyTorch (which exports the graph)."""
        from index.onnx_embedder import build_serving_embedder

        return build_serving_embedder(self.settings)  # type: ignore[return-value]

    @cached_property
    def catalog(self) -> Catalog:
        from index.catalog import Catalog

        return Catalog(self.settings.catalog_path)

    @cached_property
    def keys(self) -> KeyStore:
        from api.keys import KeyStore

        return KeyStore(self.settings.keys_path)

    @cached_property
    def embedder(self) -> SentenceTransformerEmbedder:
        """The model behind one inference thread (``index/inference.py``): concurrent
        queries are batched together and only one forward pass runs at a time."""
        from index.inference import InferenceQueue

        return InferenceQueue(self.model,  # type: ignore[return-value]
                              threads=self.settings.inference_threads)

    @cached_property
    def store(self) -> ChromaVectorStore:
        from index.vector_store import ChromaVectorStore

        return ChromaVectorStore.open(
            self.settings.chroma_dir,
            self.settings.collection,
            url=self.settings.chroma_url,
            token=self.settings.chroma_token,
            timeout_s=self.settings.chroma_timeout_s,
            embedder_name=embedder_name(self.settings),
            generation=self.catalog.generation,  # embedded: see other processes' writes
        )

    @cached_property
    def index_writer(self) -> IndexWriter:
        """Writes and removals under the ingest lock; deleting documents needs only this, so
        it never loads the model (nor the chunker or the Khmer tokenizer)."""
        from ingest.writer import IndexWriter

        return IndexWriter(self.catalog, self.store, self.settings.data_dir,
                           on_changed=self.index_changed)

    @cached_property
    def loader(self) -> LoaderTable:
        """The file loaders by format (PDF with OCR when enabled); no model needed."""
        from policykb.ingest_wiring import build_loader

        return build_loader(self.settings)

    @cached_property
    def analyzer(self) -> Analyzer:
        """The one BM25 analyser: ingestion stores its terms and every query-side user
        (search, highlighting, evidence, answers, alignment) analyses with this same object."""
        from ingest.analysis import Analyzer

        return Analyzer()

    @cached_property
    def readers(self) -> DocumentReaders:
        from policykb.ingest_wiring import build_readers

        return build_readers(self.analyzer)

    @cached_property
    def ingest_embedder(self) -> LazyEmbedder | SentenceTransformerEmbedder:
        """What ingestion embeds with: the model itself when it is already built (handed in,
        or loaded by a server), else a wrapper that loads it on the first text to embed, so an
        ingest with nothing new never loads torch (``index/lazy_embedder.py``)."""
        if "model" in self.__dict__ or "embedder" in self.__dict__:
            return self.embedder
        from index.lazy_embedder import LazyEmbedder, configured_max_tokens

        return LazyEmbedder(lambda: self.embedder, name=embedder_name(self.settings),
                            max_tokens=configured_max_tokens(self.settings.embedder_path))

    @cached_property
    def ingestor(self) -> Ingestor:
        from policykb.ingest_wiring import build_ingestor

        return build_ingestor(self.settings, analyzer=self.analyzer, loader=self.loader,
                              readers=self.readers, embedder=self.ingest_embedder,
                              writer=self.index_writer)

    @cached_property
    def sparse(self) -> SparseIndexHolder:
        from policykb.search_wiring import build_sparse

        return build_sparse(self.settings, self.catalog)

    @cached_property
    def glossary(self) -> Glossary | None:
        from policykb.search_wiring import build_glossary

        return build_glossary(self.settings)

    @cached_property
    def lexicon(self) -> LexiconStore:
        """Term translations learned from the index's twin documents (rebuilt after ingest)."""
        from index.lexicon.store import LexiconStore

        return LexiconStore(self.settings.layout.lexicon)

    @cached_property
    def search_glossary(self) -> GlossaryHolder | None:
        """The glossary with the learned lexicon under it, reloaded when an ingest rewrites the
        lexicon; a handed-in ``glossary`` is used as it is (nothing learned is added)."""
        from index.lexicon.holder import GlossaryHolder
        from ingest.khmer.normalize import search_key

        if self.glossary is None:
            return None
        learned = self.settings.learned_lexicon and "glossary" not in self.overridden
        return GlossaryHolder(self.glossary, self.lexicon if learned else None,
                              min_score=self.settings.learned_lexicon_min_score, key=search_key,
                              words=self.analyzer.analyze)

    def update_lexicon(self, force: bool = False) -> LexiconReport | None:
        """Relearn the lexicon from the index (cheap when no twin pair changed)."""
        from index.lexicon.learn import build_lexicon

        if self.glossary is None or not self.settings.learned_lexicon:
            return None
        return build_lexicon(self.catalog, self.glossary.entries, self.analyzer, self.lexicon,
                             force=force)

    @cached_property
    def reranker(self) -> CrossEncoderReranker | None:
        if not self.settings.reranker_path:
            return None
        from index.reranker import CrossEncoderReranker

        return CrossEncoderReranker(self.settings.reranker_path, device=self.settings.device)

    @cached_property
    def searcher(self) -> Searcher:
        from index.query import glossary_translator
        from index.searcher import Searcher

        glossary = self.search_glossary
        return Searcher(
            embedder=self.embedder,
            store=self.store,
            catalog=self.catalog,
            sparse=self.sparse.current,
            analyzer=self.analyzer,
            translate=glossary_translator(glossary, self.analyzer) if glossary else None,
            reranker=self.reranker,
            rerank_top=self.settings.rerank_top,
            result_cache_size=self.settings.search_cache_size,
            abbreviations=self.abbreviations.expansions,
        )

    @cached_property
    def abbreviations(self) -> AbbreviationIndex:
        """The abbreviations the open collections define, rebuilt per index generation."""
        from index.abbreviations import AbbreviationIndex, open_texts

        catalog = self.catalog
        return AbbreviationIndex(lambda: open_texts(catalog), catalog.generation,
                                 self.settings.layout.cache / "abbreviations.json")

    @cached_property
    def answerer(self) -> ExtractiveAnswerer:
        from answers.extractive import ExtractiveAnswerer
        from ingest.sentences import split_evidence
        from policykb.sections import RegistrySections

        return ExtractiveAnswerer(
            self.searcher, self.sparse.current,
            self.sentence_vectors, split_evidence,
            sections=RegistrySections(self.registry, self.catalog), glossary=self.glossary)

    @cached_property
    def sentence_vectors(self) -> Callable[[list[str]], Any]:
        """Evidence-sentence vectors kept beside the index (``policykb/sentence_warmup.py``)."""
        from policykb.sentence_warmup import build_sentence_vectors

        return build_sentence_vectors(self.settings, self.embedder, embedder_name(self.settings))

    def warm_sentence_vectors(self, stop: threading.Event | None = None,
                              with_terms: bool = False) -> int:
        """Embed the evidence sentences not stored yet and, ``with_terms``, analyse every
        passage (``policykb.sentence_warmup.warm_sentence_vectors``)."""
        from policykb.sentence_warmup import warm_sentence_vectors

        vectors = self.sentence_vectors
        return warm_sentence_vectors(vectors, self.catalog, self.embedder, lambda: self.model,
                                     self.analyzer, stop=stop, with_terms=with_terms)

    def warm_sentence_vectors_in_background(self, delay_s: float = 5.0,
                                            state: WarmupState | None = None) -> threading.Thread:
        """:meth:`warm_sentence_vectors` in a low-priority daemon thread after ``delay_s``;
        ``state`` tells GET /health (and the benchmark) when it is done."""
        from policykb.sentence_warmup import warm_in_background

        return warm_in_background(lambda: self.warm_sentence_vectors(with_terms=True), delay_s,
                                  state)

    @cached_property
    def generator(self) -> GenerativeAnswerer | None:
        """Generative answers, when an OpenAI-compatible endpoint is configured."""
        if not self.settings.llm_url:
            return None
        from answers.generative import GenerativeAnswerer
        from answers.llm import llama_index_chat
        from ingest.sentences import split_sentences

        s = self.settings
        chat, stream = llama_index_chat(self.settings.llm_url, s.llm_model, s.llm_api_key,
                                        s.llm_timeout_s)
        return GenerativeAnswerer(self.answerer, chat, stream, split_sentences)

    # -- policy registry ---------------------------------------------------------------
    @cached_property
    def registry(self) -> RegistryCache:
        """The policy registry (``services.registry.current()``): policies -> goals ->
        strategies -> measures, rebuilt when the catalog's generation or the reviewed file
        (``settings.registry_path``) changes."""
        from alignment.registry import RegistryCache

        return RegistryCache(self.catalog, self.settings.registry_path)

    @cached_property
    def aligner(self) -> Aligner:
        from policykb.alignment_wiring import build_aligner

        return build_aligner(self.settings, embedder=self.embedder, searcher=self.searcher,
                             sparse=self.sparse.current, catalog=self.catalog, store=self.store,
                             glossary=self.glossary, analyzer=self.analyzer)

    def index_changed(self) -> None:
        """After documents changed: move the generation on and rebuild the sparse index now,
        so API workers load it instead of each rebuilding it on their next query."""
        self.catalog.bump_generation()
        self.sparse.current()
        self.abbreviations.expansions("")  # built and saved here, read by every server process
        try:
            self.update_lexicon()
        except Exception:  # noqa: BLE001 - a lexicon is an aid: it must never fail an ingest
            logger.exception("could not update the learned lexicon at %s", self.lexicon.path)
