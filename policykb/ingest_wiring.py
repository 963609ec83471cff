"""Builds the ingestion side of the container: file loaders, metadata readers and the Ingestor.

Kept apart from ``policykb.services`` so the container stays a list of lazy components; the
imports stay inside the functions because listing documents must not load PDF or chunking code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.settings import Settings

if TYPE_CHECKING:
    from index.embedder import SentenceTransformerEmbedder
    from index.lazy_embedder import LazyEmbedder
    from ingest.analysis import Analyzer
    from ingest.loaders.dispatch import LoaderTable
    from ingest.pipeline import Ingestor
    from ingest.records import DocumentReaders
    from ingest.writer import IndexWriter


def build_loader(settings: Settings) -> LoaderTable:
    """The file loaders by format (PDF with OCR when enabled); no model needed."""
    from ingest.loaders.dispatch import default_loaders
    from ingest.loaders.ocr import TesseractOcr
    from ingest.loaders.pdf import PdfLoader

    s = settings
    ocr = None
    if s.ocr_enabled:
        ocr = TesseractOcr(
            s.layout.ocr_cache, languages=s.ocr_languages, dpi=s.ocr_dpi,
            timeout_s=s.ocr_timeout_s, workers=s.ocr_workers or None,
        )
    pdf = PdfLoader(ocr=ocr, max_pages=s.max_pdf_pages, max_bytes=s.max_file_mb * 2**20)
    return default_loaders(pdf.load, max_file_mb=s.max_file_mb)


def build_readers(analyzer: Analyzer) -> DocumentReaders:
    """Manifest, sidecar and inferred metadata, language detection and the search key."""
    from ingest.language import detect_language
    from ingest.metadata import infer_metadata, load_manifest, load_sidecar
    from ingest.records import DocumentReaders

    return DocumentReaders(
        load_manifest=load_manifest,
        load_sidecar=load_sidecar,
        infer_metadata=infer_metadata,
        detect_language=lambda text: str(detect_language(text)),
        search_key=analyzer.to_key,
    )


def build_ingestor(settings: Settings, *, analyzer: Analyzer, loader: LoaderTable,
                   readers: DocumentReaders,
                   embedder: LazyEmbedder | SentenceTransformerEmbedder,
                   writer: IndexWriter) -> Ingestor:
    """The Ingestor with a chunker sized to the embedder; the fingerprint names every setting
    and version that changes what is stored, so changing one re-ingests."""
    from ingest.chunking import CHUNKING_VERSION, StructureAwareChunker
    from ingest.metadata import METADATA_VERSION
    from ingest.pipeline import Ingestor

    s = settings
    counter, prefetch_files = _token_counter(s, embedder)
    chunker = StructureAwareChunker(
        counter,
        max_tokens=min(s.chunk_tokens, embedder.max_tokens - 16),
        max_chars=s.chunk_max_chars,
        overlap_sentences=s.chunk_overlap_sentences,
    )
    fingerprint = (f"{s.chunk_tokens}|{s.chunk_max_chars}|{s.chunk_overlap_sentences}|"
                   f"{s.ocr_enabled}|analyzer{analyzer.version}|metadata{METADATA_VERSION}"
                   f"|chunking{CHUNKING_VERSION}")
    return Ingestor(
        loader=loader,
        readers=readers,
        chunker=chunker,
        embedder=embedder,
        writer=writer,
        fingerprint=fingerprint,
        batch_chunks=max(s.embed_batch_size * 2, 64),
        prefetch_files=prefetch_files,
    )


# Files prepared ahead on a thread while a batch embeds (docs/ingest_speed.md). Off: on the
# 2-core machine it measured slower than serial (torch's 2 threads lose a core: 1.72x the
# floor against ~1.2x; ONNX on 1 thread: 1.31x against 1.19x). 16 is the depth to use where
# a core is free (a batch of 64 chunks is ~5 files; 4 ahead left the model waiting).
PREFETCH_FILES = 0


def _token_counter(settings: Settings, embedder: LazyEmbedder | SentenceTransformerEmbedder,
                   ) -> tuple[Callable[[str], int], int]:
    """The chunker's token counter and how many files to prepare ahead: the configured model's
    tokenizer loaded a second time, so chunking can run while the model embeds (one
    tokenizer object is not safe in two threads: ``ingest/token_counter.py``); any other
    embedder handed in counts its own tokens and ingest runs without a prefetch thread."""
    from ingest.token_counter import PrivateTokenCounter

    if embedder.name != settings.embedder_name:
        return embedder.count_tokens, 0
    if settings.embedder_path:
        folder = Path(settings.embedder_path)
    else:
        from index.embedder import packaged_minilm_path

        folder = packaged_minilm_path()
    if not (folder / "tokenizer.json").is_file():  # a slow (Python) tokenizer only
        return embedder.count_tokens, 0
    return PrivateTokenCounter(folder), PREFETCH_FILES
