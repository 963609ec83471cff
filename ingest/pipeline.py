"""The ingestion pipeline: files -> parsed pages -> chunks -> vectors + catalog rows.

Incremental and idempotent: a file whose hash (bytes, sidecar, manifest entry, its collection
and the pipeline's own settings) matches the catalog is skipped without embedding anything;
moving an unchanged file to another collection changes the hash, so it is stored again.

A document's collection is the most specific one named: its sidecar's ``collection:``, else
its manifest entry's, else ``--collection`` (``collection=``), else ``public``.

Crash-safe: every write goes through :class:`~ingest.writer.IndexWriter`, in the order that
leaves at worst orphan vectors, removed on the next run.

Overlapped: the next files are parsed and chunked on one background thread
(``ingest/prefetch.py``, ``ingest/prepare.py``) while a batch is embedded; only this thread
writes, in file order, so a file is still committed whole or not at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from core.access import collection_name
from core.errors import PolicyKBError
from ingest.files import SourceFile, walk
from ingest.prefetch import prefetch
from ingest.prepare import FilePreparer, Loader
from ingest.records import Chunker, DocumentReaders, PreparedFile
from ingest.report import FileOutcome, IngestReport
from ingest.storage_errors import check_writable, storage_errors, storage_failure
from ingest.writer import IndexWriter

# Re-exported: callers (the CLI, tests) name them from the pipeline they guard.
__all__ = ["FileOutcome", "IngestReport", "Ingestor", "check_writable", "storage_failure"]

logger = logging.getLogger(__name__)

PIPELINE_VERSION = "1"


class PassageEmbedder(Protocol):
    name: str

    def embed_batch(self, texts: list[str],
                    kind: Literal["query", "passage"] = "passage") -> np.ndarray: ...


ProgressCallback = Callable[[str, int, int], None]
EmbedProgress = Callable[[int, int], None]  # (chunks embedded, chunks in the batch)


class Ingestor:
    """Ingests files into the index; every collaborator is passed in: the ``loader`` that
    parses a file, the ``readers`` of its metadata and language, the ``chunker``, the
    ``embedder`` and the ``writer`` of the index."""

    def __init__(
        self,
        *,
        loader: Loader,
        readers: DocumentReaders,
        chunker: Chunker,
        embedder: PassageEmbedder,
        writer: IndexWriter,
        fingerprint: str = "",
        batch_chunks: int = 64,
        prefetch_files: int = 0,
    ) -> None:
        self.loader = loader
        self.readers = readers
        self.chunker = chunker
        self.embedder = embedder
        self.writer = writer
        self.catalog = writer.catalog
        self.fingerprint = f"{PIPELINE_VERSION}|{embedder.name}|{fingerprint}"
        self.batch_chunks = batch_chunks
        self.prefetch_files = prefetch_files  # files prepared ahead on a thread; 0 = inline

    @property
    def data_dir(self) -> Path:
        return self.writer.data_dir

    def ingest(
        self, targets: Sequence[Path], *, prune: bool = False,
        progress: ProgressCallback | None = None, embed_progress: EmbedProgress | None = None,
        collection: str | None = None,
    ) -> IngestReport:
        """Ingest files and folders (into ``collection`` unless a sidecar or manifest entry
        names another). Bad files are listed in the report; failing to write the index (disk
        full, read-only) stops the run with an IndexUnavailableError."""
        default = collection_name(collection) if collection is not None else None
        check_writable(self.data_dir)
        with storage_errors(self.data_dir):
            return self._ingest(targets, prune, progress, embed_progress, default)

    def delete(self, doc_ids: Iterable[str]) -> int:
        """The writer's delete (kept here for callers that already hold an Ingestor)."""
        return self.writer.delete(doc_ids)

    def remove_orphans(self) -> int:
        return self.writer.remove_orphans()

    def _ingest(
        self, targets: Sequence[Path], prune: bool, progress: ProgressCallback | None,
        embed_progress: EmbedProgress | None, collection: str | None = None,
    ) -> IngestReport:
        report = IngestReport()
        report.seconds.update(wait=0.0, wait_ocr=0.0)  # the consumer waiting for preparation
        started = time.perf_counter()
        with self.writer.exclusive():
            self.writer.remove_orphans()
            files: list[SourceFile] = []
            for target in targets:
                if not target.exists():
                    report.outcomes.append(FileOutcome(str(target), "", "failed",
                                                       reason="no such file or folder"))
                    continue
                found, ignored = walk(target, self.loader.supports)
                files += found
                report.outcomes += [FileOutcome(str(p), "", "ignored", reason="unsupported format")
                                    for p in ignored]
                if prune and target.is_dir():
                    report.outcomes += self.writer.prune(target.resolve(), {f.source for f in found})
            self._prepare_and_commit(files, report, progress, embed_progress, collection)
        report.seconds["total"] = time.perf_counter() - started
        if report.indexed or report.removed:
            self.writer.changed()
        return report

    # -- steps --------------------------------------------------------------------------

    def _prepare_and_commit(
        self, files: list[SourceFile], report: IngestReport, progress: ProgressCallback | None,
        embed_progress: EmbedProgress | None, collection: str | None,
    ) -> None:
        """Prepare the files in order (the next ones on a background thread while a batch is
        embedded), commit them in batches of ``batch_chunks`` in that same order."""
        manifests: dict[Path, dict[str, dict]] = {}
        pending: list[PreparedFile] = []
        run_hashes: dict[str, str] = {}  # a file named twice in one run: the second is unchanged
        preparer = FilePreparer(self.loader, self.readers, self.chunker, self.catalog,
                                self.fingerprint)
        steps = prefetch(files, lambda f: preparer.prepare(f, manifests, collection),
                         depth=self.prefetch_files, name=lambda f: str(f.path))
        with closing(steps):
            for done, step in enumerate(steps, start=1):
                if progress:
                    progress(step.item.source, done - 1, len(files))
                prepared, outcome, parse_s, chunk_s = step.result
                report.seconds["parse"] += parse_s
                report.seconds["chunk"] += chunk_s
                report.seconds["wait"] += step.waited
                if outcome.ocr_pages:  # the part of the wait OCR caused (the benchmark leaves it out)
                    report.seconds["wait_ocr"] += min(step.waited, parse_s)
                if prepared is not None and run_hashes.get(prepared.file.source) == prepared.file_hash:
                    prepared, outcome = None, FileOutcome(outcome.path, outcome.source, "unchanged")
                if prepared is None:
                    if outcome.status == "failed":
                        logger.warning("failed: %s", outcome.reason)
                    report.outcomes.append(outcome)
                    continue
                run_hashes[prepared.file.source] = prepared.file_hash
                pending.append(prepared)
                if sum(len(p.chunks) for p in pending) >= self.batch_chunks:
                    self._commit(pending, report, embed_progress)
                    pending = []
        self._commit(pending, report, embed_progress)
        if progress:
            progress("", len(files), len(files))

    def _commit(self, batch: list[PreparedFile], report: IngestReport,
                embed_progress: EmbedProgress | None = None) -> None:
        """Embed a batch of files together (throughput), then make each visible in turn."""
        if not batch:
            return
        t0 = time.perf_counter()
        texts = [t for p in batch for t in p.embed_texts]
        vectors = self._embed(texts, embed_progress)
        t1 = time.perf_counter()
        report.seconds["embed"] += t1 - t0
        offset = 0
        for prepared in batch:
            n = len(prepared.chunks)
            try:
                self.writer.replace_file(prepared.file.source, prepared.documents, prepared.pages,
                                         prepared.chunks, vectors[offset:offset + n],
                                         prepared.vector_meta)
                report.outcomes.append(prepared.outcome)
            except Exception as exc:
                mapped = storage_failure(exc, self.data_dir, storing=True)
                if mapped is not None:  # disk full or read-only: every later file would fail
                    raise mapped from exc
                if isinstance(exc, PolicyKBError):
                    _fail(prepared.outcome, f"{prepared.file.path}: {exc}", report)
                else:
                    logger.exception("storing %s failed", prepared.file.path)
                    _fail(prepared.outcome, f"{prepared.file.path}: could not store: "
                          f"{type(exc).__name__}: {exc}", report)
            offset += n
        report.seconds["store"] += time.perf_counter() - t1

    def _embed(self, texts: list[str], on_progress: EmbedProgress | None) -> np.ndarray:
        """All vectors of a batch; with a progress callback, in slices of ``batch_chunks`` so
        a background job can show how far a long document has got."""
        if not texts:
            return np.zeros((0, 0))
        if on_progress is None:
            return self.embedder.embed_batch(texts, kind="passage")
        on_progress(0, len(texts))
        parts: list[np.ndarray] = []
        for start in range(0, len(texts), self.batch_chunks):
            parts.append(self.embedder.embed_batch(texts[start:start + self.batch_chunks],
                                                   kind="passage"))
            on_progress(min(start + self.batch_chunks, len(texts)), len(texts))
        return np.concatenate(parts)


def _fail(outcome: FileOutcome, reason: str, report: IngestReport) -> None:
    outcome.status, outcome.reason = "failed", reason
    logger.warning("failed: %s", reason)
    report.outcomes.append(outcome)

