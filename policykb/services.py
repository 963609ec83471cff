"""Wires the concrete components together from the settings; the CLI and the API use this.

Components are built lazily: listing documents should not pay eight seconds to load torch.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from alignment.aligner import Aligner
    from alignment.registry import RegistryCache
    from answers.extractive import ExtractiveAnswerer
    from answers.generative import GenerativeAnswerer
    from api.keys import KeyStore
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
        """The embedding model itself (loading it costs seconds: only what embeds asks)."""
        from index.embedder import build_embedder

        return build_embedder(self.settings)

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
        from ingest.loaders.dispatch import default_loaders
        from ingest.loaders.ocr import TesseractOcr
        from ingest.loaders.pdf import PdfLoader

        s = self.settings
        ocr = None
        if s.ocr_enabled:
            ocr = TesseractOcr(
                s.layout.ocr_cache, languages=s.ocr_languages, dpi=s.ocr_dpi,
                timeout_s=s.ocr_timeout_s, workers=s.ocr_workers or None,
            )
        pdf = PdfLoader(ocr=ocr, max_pages=s.max_pdf_pages, max_bytes=s.max_file_mb * 2**20)
        return default_loaders(pdf.load, max_file_mb=s.max_file_mb)

    @cached_property
    def analyzer(self) -> Analyzer:
        """The one BM25 analyser: ingestion stores its terms and every query-side user
        (search, highlighting, evidence, answers, alignment) analyses with this same object."""
        from ingest.analysis import Analyzer

        return Analyzer()

    @cached_property
    def readers(self) -> DocumentReaders:
        from ingest.language import detect_language
        from ingest.metadata import infer_metadata, load_manifest, load_sidecar
        from ingest.records import DocumentReaders

        return DocumentReaders(
            load_manifest=load_manifest,
            load_sidecar=load_sidecar,
            infer_metadata=infer_metadata,
            detect_language=lambda text: str(detect_language(text)),
            search_key=self.analyzer.to_key,
        )

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
        from ingest.chunking import CHUNKING_VERSION, StructureAwareChunker
        from ingest.metadata import METADATA_VERSION
        from ingest.pipeline import Ingestor

        s = self.settings
        embedder = self.ingest_embedder
        chunker = StructureAwareChunker(
            embedder.count_tokens,
            max_tokens=min(s.chunk_tokens, embedder.max_tokens - 16),
            max_chars=s.chunk_max_chars,
            overlap_sentences=s.chunk_overlap_sentences,
        )
        fingerprint = (f"{s.chunk_tokens}|{s.chunk_max_chars}|{s.chunk_overlap_sentences}|"
                       f"{s.ocr_enabled}|analyzer{self.analyzer.version}|metadata{METADATA_VERSION}"
                       f"|chunking{CHUNKING_VERSION}")
        return Ingestor(
            loader=self.loader,
            readers=self.readers,
            chunker=chunker,
            embedder=embedder,
            writer=self.index_writer,
            fingerprint=fingerprint,
            batch_chunks=max(s.embed_batch_size * 2, 64),
        )

    @cached_property
    def sparse(self) -> SparseIndexHolder:
        from core.dates import date_key
        from index.sparse import SparseIndexHolder, SparseRow

        def rows() -> Iterator[SparseRow]:
            for chunk_id, terms, doc_id, lang, doc_lang, doc_type, body, date, country in (
                    self.catalog.sparse_rows()):
                yield SparseRow(chunk_id, terms, doc_id, lang, doc_lang, doc_type, body,
                                date_key(date), str(country or ""))

        return SparseIndexHolder(self.settings.layout.sparse, self.catalog.generation, rows)

    @cached_property
    def glossary(self) -> Glossary | None:
        from index.glossary import Glossary
        from ingest.khmer.normalize import search_key

        path = self.settings.glossary_path
        if not path.exists():
            logger.warning("no glossary at %s: Khmer and English queries will not meet", path)
            return None
        return Glossary.load(path, key=search_key)

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
        )

    @cached_property
    def answerer(self) -> ExtractiveAnswerer:
        from answers.extractive import ExtractiveAnswerer
        from ingest.sentences import split_sentences
        from policykb.sections import RegistrySections

        return ExtractiveAnswerer(
            self.searcher, self.sparse.current,
            self.sentence_vectors, split_sentences,
            sections=RegistrySections(self.registry, self.catalog), glossary=self.glossary)

    @cached_property
    def sentence_vectors(self) -> Callable[[list[str]], Any]:
        """Evidence-sentence vectors kept beside the index (``index/sentence_vectors.py``):
        /ask looks them up instead of embedding per request. A data dir that cannot hold
        the file (read-only) embeds per request as before."""
        from index.sentence_vectors import SentenceVectors

        embedder = self.embedder

        def embed(texts: list[str]) -> Any:
            return embedder.embed_batch(texts, kind="passage")

        try:
            return SentenceVectors(self.settings.layout.index / "sentence_vectors.sqlite3",
                                   embed, f"{embedder_name(self.settings)}|{embedder.dimension}")
        except (OSError, sqlite3.Error) as exc:
            logger.warning("sentence vectors are not kept (%s): /ask embeds per request", exc)
            return embed

    def warm_sentence_vectors(self, stop: threading.Event | None = None,
                              with_terms: bool = False) -> int:
        """Embed every evidence sentence of the index not stored yet (a no-op when this
        generation was warmed; the model is called directly, not through the request queue)
        and, ``with_terms``, analyse every passage for this process's answers."""
        from index.evidence import embedding_texts, prepare
        from index.sentence_vectors import SentenceVectors
        from ingest.sentences import split_sentences

        vectors = self.sentence_vectors
        embedded = 0
        generation = self.catalog.generation()
        if isinstance(vectors, SentenceVectors) and vectors.warmed_generation() != generation:
            passages = ((c.text, c.heading) for c in self.catalog.iter_chunks())
            texts = embedding_texts(passages, split_sentences, frozenset(self.embedder.languages))
            model = self.model
            embedded = vectors.warm(texts, generation, stop=stop,
                                    embed=lambda batch: model.embed_batch(batch, kind="passage"))
        if with_terms:  # this process's analysis of every passage (index.evidence.prepare)
            prepare(((c.text, c.heading) for c in self.catalog.iter_chunks()), split_sentences,
                    self.analyzer)
        return embedded

    def warm_sentence_vectors_in_background(self, delay_s: float = 5.0) -> threading.Thread:
        """:meth:`warm_sentence_vectors` in a daemon thread at the lowest CPU priority, after
        ``delay_s`` (the server's own warm-up goes first); a failure is logged, not raised."""
        def run() -> None:
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # this thread
            time.sleep(delay_s)
            try:
                self.warm_sentence_vectors(with_terms=True)
            except Exception:
                logger.exception("warming sentence vectors failed; /ask embeds lazily")

        thread = threading.Thread(target=run, name="policykb-sentence-vectors", daemon=True)
        thread.start()
        return thread

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
        from alignment.aligner import Aligner
        from alignment.precompute import TextVectors
        from alignment.synonyms import Synonyms
        from ingest.sentences import split_sentences

        embedder = self.embedder

        def embed(texts: list[str]) -> Any:
            return embedder.embed_batch(texts, kind="passage")

        vectors = TextVectors(embed, self.settings.cache_dir / "alignment",
                              model=self.settings.embedder_name)
        return Aligner(self.searcher, self.sparse.current, embed, split_sentences,
                       self.catalog, self.store,
                       synonyms=Synonyms(self.glossary, analyze=self.analyzer.analyze),
                       vectors=vectors)

    def index_changed(self) -> None:
        """After documents changed: move the generation on and rebuild the sparse index now,
        so API workers load it instead of each rebuilding it on their next query."""
        self.catalog.bump_generation()
        self.sparse.current()
        try:
            self.update_lexicon()
        except Exception:  # noqa: BLE001 - a lexicon is an aid: it must never fail an ingest
            logger.exception("could not update the learned lexicon at %s", self.lexicon.path)
