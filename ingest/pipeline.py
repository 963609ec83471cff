"""The ingestion pipeline: files -> parsed pages -> chunks -> vectors + catalog rows.

Incremental and idempotent: a file whose hash (bytes, sidecar, manifest entry, its collection
and the pipeline's own settings) matches the catalog is skipped without embedding anything;
moving an unchanged file to another collection changes the hash, so it is stored again.

A document's collection is the most specific one named: its sidecar's ``collection:``, else
its manifest entry's, else ``--collection`` (``collection=``), else ``public``.

Crash-safe: every write goes through :class:`~ingest.writer.IndexWriter`, in the order that
leaves at worst orphan vectors, removed on the next run.
"""

from __future__ import annotations

import json
import logging
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from core.access import DEFAULT_COLLECTION, collection_name
from core.errors import DocumentParseError, PolicyKBError
from core.models import ParsedDocument
from ingest.files import SourceFile, file_digest, walk
from ingest.records import Chunker, DocumentReaders, PreparedFile, add_document
from ingest.report import FileOutcome, IngestReport
from ingest.storage_errors import check_writable, storage_errors, storage_failure
from ingest.writer import IndexWriter

# Re-exported: callers (the CLI, tests) name them from the pipeline they guard.
__all__ = ["FileOutcome", "IngestReport", "Ingestor", "check_writable", "storage_failure"]

logger = logging.getLogger(__name__)

PIPELINE_VERSION = "1"


class Loader(Protocol):
    def supports(self, path: Path) -> bool: ...
    def load(self, path: Path) -> list[ParsedDocument]: ...


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
    ) -> None:
        self.loader = loader
        self.readers = readers
        self.chunker = chunker
        self.embedder = embedder
        self.writer = writer
        self.catalog = writer.catalog
        self.fingerprint = f"{PIPELINE_VERSION}|{embedder.name}|{fingerprint}"
        self.batch_chunks = batch_chunks

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
            manifests: dict[Path, dict[str, dict]] = {}
            pending: list[PreparedFile] = []
            for done, file in enumerate(files, start=1):
                if progress:
                    progress(file.source, done - 1, len(files))
                prepared = self._prepare(file, manifests, report, collection)
                if prepared is not None:
                    pending.append(prepared)
                if sum(len(p.chunks) for p in pending) >= self.batch_chunks:
                    self._commit(pending, report, embed_progress)
                    pending = []
            self._commit(pending, report, embed_progress)
            if progress:
                progress("", len(files), len(files))
        report.seconds["total"] = time.perf_counter() - started
        if report.indexed or report.removed:
            self.writer.changed()
        return report

    # -- steps --------------------------------------------------------------------------

    def _prepare(
        self, file: SourceFile, manifests: dict[Path, dict[str, dict]], report: IngestReport,
        collection: str | None = None,
    ) -> PreparedFile | None:
        outcome = FileOutcome(str(file.path), file.source, "indexed")
        t0 = time.perf_counter()
        try:
            if any(unicodedata.category(ch) == "Cc" for ch in file.source):
                # a document id with a newline or escape could not be named in a URL, a log
                # line or a terminal table: refused, by name, before anything is stored
                raise DocumentParseError(file.path, "its path contains a control character "
                                         f"({ascii(file.source)}); rename the file or folder")
            overrides = self._overrides(file, manifests, collection)
            # Stat before the hash and after the parse: a write in between (an editor saving,
            # a copy still running) would pair the text of one version with the hash of another.
            before = _identity(file.path)
            file_hash = file_digest(
                file.path, json.dumps(overrides, sort_keys=True, default=str).encode(),
                self.fingerprint.encode(),
            )
            if self.catalog.source_hash(file.source) == file_hash:
                outcome.status = "unchanged"
                report.outcomes.append(outcome)
                return None
            parsed = self.loader.load(file.path)
            if _identity(file.path) != before:
                raise DocumentParseError(
                    file.path, "the file changed while it was being read; ingest it again "
                               "once it is no longer being written")
            if not parsed or not any(p.text.strip() for d in parsed for p in d.pages):
                warnings = [w for d in parsed or [] for w in d.warnings][:2]
                raise DocumentParseError(file.path, "no text could be extracted" + (
                    f" ({'; '.join(warnings)})" if warnings else ""))
        except PolicyKBError as exc:
            _fail(outcome, str(exc), report)
            return None
        except OSError as exc:
            _fail(outcome, f"{file.path}: {exc.strerror or exc}", report)
            return None
        except Exception as exc:  # a loader bug must not stop the batch
            logger.exception("unexpected error reading %s", file.path)
            _fail(outcome, f"{file.path}: unexpected {type(exc).__name__}: {exc}", report)
            return None
        t1 = time.perf_counter()
        report.seconds["parse"] += t1 - t0
        prepared = PreparedFile(file, file_hash, outcome)
        for doc in parsed:
            add_document(prepared, doc, overrides, self.readers, self.chunker)
        report.seconds["chunk"] += time.perf_counter() - t1
        return prepared

    def _overrides(self, file: SourceFile, manifests: dict[Path, dict[str, dict]],
                   collection: str | None = None) -> dict:
        """Manifest entry, then sidecar (the more specific wins), then the run's collection.
        A public document hashes as before collections existed (no key): an index upgraded
        in place is not re-embedded; any other collection is part of the file's hash."""
        if file.root not in manifests:
            manifests[file.root] = self.readers.load_manifest(file.root)
        merged = dict(manifests[file.root].get(file.source, {}))
        merged.update(self.readers.load_sidecar(file.path) or {})
        if collection is not None:
            merged.setdefault("collection", collection)
        if merged.get("collection") == DEFAULT_COLLECTION:
            del merged["collection"]
        return merged

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


def _identity(path: Path) -> tuple[int, int, int, int, int]:
    """What changes when a file is rewritten, appended to or replaced by a rename."""
    info = path.stat()
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns
