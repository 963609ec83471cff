"""Wires the concrete components together from the settings; the CLI and the API use this.

Components are built lazily: listing documents should not pay eight seconds to load torch.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING

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
                timeout_s=s.ocr_timeout_s,
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
    def ingestor(self) -> Ingestor:
        from ingest.chunking import StructureAwareChunker
        from ingest.metadata import METADATA_VERSION
        from ingest.pipeline import Ingestor

        s = self.settings
        chunker = StructureAwareChunker(
            self.embedder.count_tokens,
            max_tokens=min(s.chunk_tokens, self.embedder.max_tokens - 16),
            max_chars=s.chunk_max_chars,
            overlap_sentences=s.chunk_overlap_sentences,
        )
        fingerprint = (f"{s.chunk_tokens}|{s.chunk_max_chars}|{s.chunk_overlap_sentences}|"
                       f"{s.ocr_enabled}|analyzer{self.analyzer.version}|metadata{METADATA_VERSION}")
        return Ingestor(
            loader=self.loader,
            readers=self.readers,
            chunker=chunker,
            embedder=self.embedder,
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
    def reranker(self) -> CrossEncoderReranker | None:
        if not self.settings.reranker_path:
            return None
        from index.reranker import CrossEncoderReranker

        return CrossEncoderReranker(self.settings.reranker_path, device=self.settings.device)

    @cached_property
    def searcher(self) -> Searcher:
        from index.query import glossary_translator
        from index.searcher import Searcher

        glossary = self.glossary
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

        embedder = self.embedder
        return ExtractiveAnswerer(
            self.searcher, self.sparse.current,
            lambda texts: embedder.embed_batch(texts, kind="passage"), split_sentences)

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
        from alignment.synonyms import Synonyms
        from ingest.sentences import split_sentences

        embedder = self.embedder
        return Aligner(self.searcher, self.sparse.current,
                       lambda texts: embedder.embed_batch(texts, kind="passage"), split_sentences,
                       self.catalog, self.store,
                       synonyms=Synonyms(self.glossary, analyze=self.analyzer.analyze))

    def index_changed(self) -> None:
        """After documents changed: move the generation on and rebuild the sparse index now,
        so API workers load it instead of each rebuilding it on their next query."""
        self.catalog.bump_generation()
        self.sparse.current()
