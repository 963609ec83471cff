"""The ingestion pipeline: files -> parsed pages -> chunks -> vectors + catalog rows.

Incremental and idempotent: a file whose hash (bytes, sidecar, manifest entry and the
pipeline's own settings) matches the catalog is skipped without embedding anything.
Crash-safe: a file's vectors are written first under ids derived from its hash, then its
catalog rows commit in one transaction (the moment it becomes visible), then the vectors of
its previous version are deleted. Orphans a crash leaves behind are removed on the next run.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import resource
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.errors import DocumentParseError, IndexUnavailableError, PolicyKBError
from core.models import ChunkRecord, DocumentRecord, PageRecord, ParsedDocument
from ingest.chunking import StructureAwareChunker
from ingest.files import SourceFile, file_digest, stable_id, walk
from ingest.nodes import to_text_nodes

logger = logging.getLogger(__name__)

PIPELINE_VERSION = "1"

_ERRNO_CAUSES = {
    errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file reached the largest size allowed (file too large)",
    errno.EROFS: "the data directory is read-only", errno.EACCES: "permission denied",
    errno.EPERM: "permission denied", errno.EIO: "a disk I/O error",
}
# What SQLite (the catalog, chromadb's own database) and chromadb say for the same causes.
_MESSAGE_CAUSES = (
    ("database or disk is full", "the disk is full"), ("no space left", "the disk is full"),
    ("file too large", "a file reached the largest size allowed (file too large)"),
    ("readonly database", "the data directory is read-only"),
    ("read-only file system", "the data directory is read-only"),
    ("permission denied", "permission denied"), ("disk i/o error", "a disk I/O error"),
)


def storage_failure(exc: BaseException, data_dir: Path,
                    storing: bool = False) -> IndexUnavailableError | None:
    """The index could not be written (disk full, read-only, no permission, I/O error): an
    IndexUnavailableError naming the data directory and the cause; None for other errors.

    The cause may sit anywhere in the exception chain (chromadb and the vector store wrap it).
    Some chromadb failures do not say it ("Error in compaction: Failed to apply logs"): for an
    error while ``storing``, a nearly full disk or a file size limit is then taken as the cause.
    """
    if isinstance(exc, IndexUnavailableError) and getattr(exc, "storage_failure", False):
        return exc  # already mapped
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        number = current.errno if isinstance(current, OSError) else None
        text = str(current).strip()
        cause = _ERRNO_CAUSES.get(number) if number is not None else None
        cause = cause or next((c for m, c in _MESSAGE_CAUSES if m in text.lower()), None)
        if cause == "a disk I/O error":  # SQLite reports ENOSPC on some writes, EFBIG always so
            cause = _io_error_cause(data_dir)
        if cause is not None:
            return _unwritable(data_dir, cause, text)
        current = current.__cause__ or current.__context__
    if storing and (guess := _io_error_cause(data_dir)) != "a disk I/O error":
        return _unwritable(data_dir, guess, str(exc).strip())
    return None


def _unwritable(data_dir: Path, cause: str, detail: str) -> IndexUnavailableError:
    detail = f" ({detail.splitlines()[0][:200]})" if detail else ""
    error = IndexUnavailableError(f"cannot write the index in {data_dir}: {cause}{detail}; "
                                  "the documents indexed before are unchanged")
    error.storage_failure = True  # type: ignore[attr-defined]
    return error


def _io_error_cause(data_dir: Path) -> str:
    """What most likely made SQLite say "disk I/O error": a file size limit, a full disk."""
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft != resource.RLIM_INFINITY:
        return f"a file reached this process's file size limit of {soft} bytes (file too large)"
    try:
        if shutil.disk_usage(data_dir).free < 16 * 2**20:
            return "the disk is full (no space left on device)"
    except OSError:
        pass
    return "a disk I/O error"


def check_writable(data_dir: Path) -> None:
    """Refuse, by name and before anything is written, a data directory this process cannot
    write: a read-only mount, or an index owned by another user."""
    data_dir = Path(data_dir)
    probe = data_dir
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    for path in (probe, data_dir / "catalog.sqlite3", data_dir / "chroma",
                 data_dir / "chroma" / "chroma.sqlite3", data_dir / "index"):
        if path.exists() and not os.access(path, os.W_OK):
            why = ("on a read-only file system" if os.statvfs(path).f_flag & os.ST_RDONLY
                   else f"{path} is not writable by this user (uid {os.geteuid()})")
            error = IndexUnavailableError(
                f"the data directory {data_dir} is read-only ({why}): ingest cannot write "
                "the index; nothing was changed")
            error.storage_failure = True  # type: ignore[attr-defined]
            raise error


class Loader(Protocol):
    def supports(self, path: Path) -> bool: ...
    def load(self, path: Path) -> list[ParsedDocument]: ...


class PassageEmbedder(Protocol):
    name: str

    def embed_batch(self, texts: list[str], kind: str = "passage") -> np.ndarray: ...


class VectorStore(Protocol):
    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict]) -> None: ...
    def delete(self, ids: Iterable[str]) -> None: ...
    def all_ids(self) -> set[str]: ...


class CatalogWriter(Protocol):
    def replace_source(self, source: str, documents: Sequence[DocumentRecord],
                       pages: Sequence[PageRecord], chunks: Sequence[ChunkRecord]) -> list[str]: ...
    def delete_documents(self, doc_ids: Iterable[str]) -> list[str]: ...
    def source_hash(self, source: str) -> str | None: ...
    def documents_under_root(self, root: str) -> list[DocumentRecord]: ...
    def all_chunk_ids(self) -> set[str]: ...


@dataclass
class FileOutcome:
    path: str
    source: str
    status: str  # indexed | unchanged | failed | removed | ignored
    documents: int = 0
    pages: int = 0
    chunks: int = 0
    ocr_pages: list[int] = field(default_factory=list)
    reason: str = ""


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {
        "parse": 0.0, "chunk": 0.0, "embed": 0.0, "store": 0.0, "total": 0.0})

    def _with(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def indexed(self) -> list[FileOutcome]:
        return self._with("indexed")

    @property
    def failed(self) -> list[FileOutcome]:
        return self._with("failed")

    @property
    def unchanged(self) -> list[FileOutcome]:
        return self._with("unchanged")

    @property
    def removed(self) -> list[FileOutcome]:
        return self._with("removed")

    def summary(self) -> dict[str, Any]:
        return {
            "documents": sum(o.documents for o in self.indexed),
            "pages": sum(o.pages for o in self.indexed),
            "chunks": sum(o.chunks for o in self.indexed),
            "files_indexed": len(self.indexed),
            "skipped_unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "ignored": len(self._with("ignored")),
            "failed": [{"path": o.path, "reason": o.reason} for o in self.failed],
            "ocr_pages": {o.source: o.ocr_pages for o in self.indexed if o.ocr_pages},
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


@dataclass
class _Prepared:
    """A parsed and chunked file waiting for its vectors."""

    file: SourceFile
    file_hash: str
    documents: list[DocumentRecord]
    pages: list[PageRecord]
    chunks: list[ChunkRecord]
    embed_texts: list[str]
    vector_meta: list[dict[str, Any]]
    outcome: FileOutcome


ProgressCallback = Callable[[str, int, int], None]
EmbedProgress = Callable[[int, int], None]  # (chunks embedded, chunks in the batch)
MetadataFn = Callable[[str, ParsedDocument, dict | None], dict]
SidecarFn = Callable[[Path], dict | None]


class Ingestor:
    """Ingests files into a vector store and a catalog; all dependencies are passed in."""

    def __init__(
        self,
        *,
        loader: Loader,
        chunker: StructureAwareChunker,
        embedder: PassageEmbedder,
        store: VectorStore,
        catalog: CatalogWriter,
        lock_path: Path,
        infer_metadata: MetadataFn,
        load_sidecar: SidecarFn,
        load_manifest: Callable[[Path], dict[str, dict]],
        detect_language: Callable[[str], str],
        search_key: Callable[[str], str],
        fingerprint: str = "",
        batch_chunks: int = 64,
        on_indexed: Callable[[], None] | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self.loader = loader
        self.chunker = chunker
        self.embedder = embedder
        self.store = store
        self.catalog = catalog
        self.lock_path = lock_path
        self.infer_metadata = infer_metadata
        self.load_sidecar = load_sidecar
        self.load_manifest = load_manifest
        self.detect_language = detect_language
        self.search_key = search_key
        self.fingerprint = f"{PIPELINE_VERSION}|{embedder.name}|{fingerprint}"
        self.batch_chunks = batch_chunks
        self.on_indexed = on_indexed
        self.data_dir = data_dir or lock_path.parent  # named in storage errors

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One ingest at a time per data directory (orphan clean-up must not race a writer)."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ingest(
        self, targets: Sequence[Path], *, prune: bool = False,
        progress: ProgressCallback | None = None, embed_progress: EmbedProgress | None = None,
    ) -> IngestReport:
        """Ingest files and folders. Bad files are listed in the report; failing to write the
        index (disk full, read-only) stops the run with an IndexUnavailableError."""
        check_writable(self.data_dir)
        with self._storage_errors():
            return self._ingest(targets, prune, progress, embed_progress)

    @contextmanager
    def _storage_errors(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            mapped = storage_failure(exc, self.data_dir)
            if mapped is None:
                raise
            raise mapped from exc

    def _ingest(
        self, targets: Sequence[Path], prune: bool, progress: ProgressCallback | None,
        embed_progress: EmbedProgress | None,
    ) -> IngestReport:
        report = IngestReport()
        started = time.perf_counter()
        with self._exclusive():
            self.remove_orphans()
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
                    report.outcomes += self._prune(target.resolve(), {f.source for f in found})
            manifests: dict[Path, dict[str, dict]] = {}
            pending: list[_Prepared] = []
            for done, file in enumerate(files, start=1):
                if progress:
                    progress(file.source, done - 1, len(files))
                prepared = self._prepare(file, manifests, report)
                if prepared is not None:
                    pending.append(prepared)
                if sum(len(p.chunks) for p in pending) >= self.batch_chunks:
                    self._commit(pending, report, embed_progress)
                    pending = []
            self._commit(pending, report, embed_progress)
            if progress:
                progress("", len(files), len(files))
        report.seconds["total"] = time.perf_counter() - started
        if self.on_indexed and (report.indexed or report.removed):
            self.on_indexed()
        return report

    def delete(self, doc_ids: Iterable[str]) -> int:
        with self._storage_errors():
            with self._exclusive():
                dropped = self.catalog.delete_documents(doc_ids)
                self.store.delete(dropped)
            if self.on_indexed:
                self.on_indexed()
        return len(dropped)

    def remove_orphans(self) -> int:
        """Delete vectors no committed chunk owns (left by a crash between the two writes)."""
        orphans = self.store.all_ids() - self.catalog.all_chunk_ids()
        if orphans:
            logger.info("removing %d orphan vectors left by an interrupted ingest", len(orphans))
            self.store.delete(orphans)
        return len(orphans)

    # -- steps --------------------------------------------------------------------------

    def _prune(self, root: Path, present: set[str]) -> list[FileOutcome]:
        gone = [d for d in self.catalog.documents_under_root(str(root)) if d.source not in present]
        if not gone:
            return []
        self.store.delete(self.catalog.delete_documents(d.doc_id for d in gone))
        sources = sorted({d.source for d in gone})
        return [FileOutcome(str(root / s), s, "removed") for s in sources]

    def _prepare(
        self, file: SourceFile, manifests: dict[Path, dict[str, dict]], report: IngestReport
    ) -> _Prepared | None:
        outcome = FileOutcome(str(file.path), file.source, "indexed")
        t0 = time.perf_counter()
        try:
            overrides = self._overrides(file, manifests)
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
            return self._fail(outcome, str(exc), report)
        except OSError as exc:
            return self._fail(outcome, f"{file.path}: {exc.strerror or exc}", report)
        except Exception as exc:  # a loader bug must not stop the batch
            logger.exception("unexpected error reading %s", file.path)
            return self._fail(outcome, f"{file.path}: unexpected {type(exc).__name__}: {exc}", report)
        t1 = time.perf_counter()
        report.seconds["parse"] += t1 - t0
        prepared = _Prepared(file, file_hash, [], [], [], [], [], outcome)
        for doc in parsed:
            self._add_document(prepared, doc, overrides)
        report.seconds["chunk"] += time.perf_counter() - t1
        return prepared

    def _overrides(self, file: SourceFile, manifests: dict[Path, dict[str, dict]]) -> dict:
        if file.root not in manifests:
            manifests[file.root] = self.load_manifest(file.root)
        merged = dict(manifests[file.root].get(file.source, {}))
        merged.update(self.load_sidecar(file.path) or {})
        return merged

    def _fail(self, outcome: FileOutcome, reason: str, report: IngestReport) -> None:
        outcome.status, outcome.reason = "failed", reason
        logger.warning("failed: %s", reason)
        report.outcomes.append(outcome)
        return None

    def _add_document(self, prepared: _Prepared, doc: ParsedDocument, overrides: dict) -> None:
        file = prepared.file
        doc_id = file.source + doc.suffix
        meta = self.infer_metadata(doc_id, doc, overrides or None)
        language = str(meta.get("language") or self.detect_language(doc.text))
        spans = self.chunker.chunk(doc.pages)
        record = DocumentRecord(
            doc_id=doc_id, source=file.source, root=str(file.root), file_hash=prepared.file_hash,
            title=str(meta.get("title") or Path(file.source).stem), doc_type=str(meta.get("doc_type") or "other"),
            language=language, issuing_body=meta.get("issuing_body"), date=meta.get("date"),
            period=meta.get("period"), metadata={**doc.metadata, **meta, "warnings": doc.warnings},
            n_pages=len(doc.pages), n_chunks=len(spans), ocr_pages=doc.ocr_pages,
        )
        prepared.documents.append(record)
        prepared.pages += [PageRecord(doc_id, p.number, p.text, p.method) for p in doc.pages]
        id_prefix = f"{stable_id(doc_id, length=10)}-{prepared.file_hash[:10]}"
        for node in to_text_nodes(doc_id, record, spans):
            ordinal = node.metadata["ordinal"]
            chunk_lang = self.detect_language(node.text)
            prepared.chunks.append(ChunkRecord(
                chunk_id=f"{id_prefix}-{ordinal:05d}", doc_id=doc_id, ordinal=ordinal,
                page=node.metadata["page"], start=node.start_char_idx or 0,
                end=node.end_char_idx or 0, heading=node.metadata["heading"],
                language=str(chunk_lang), text=node.text,
                search_key=self.search_key(f"{node.metadata['heading']}\n{node.text}"),
            ))
            prepared.embed_texts.append(node.get_content(metadata_mode="embed"))
            prepared.vector_meta.append(_vector_metadata(record, node.metadata["page"], str(chunk_lang)))
        outcome = prepared.outcome
        outcome.documents += 1
        outcome.pages += len(doc.pages)
        outcome.chunks += len(spans)
        outcome.ocr_pages += doc.ocr_pages

    def _commit(self, batch: list[_Prepared], report: IngestReport,
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
                self.store.add([c.chunk_id for c in prepared.chunks], vectors[offset:offset + n],
                               prepared.vector_meta)
                dropped = self.catalog.replace_source(
                    prepared.file.source, prepared.documents, prepared.pages, prepared.chunks)
                self.store.delete(dropped)
                report.outcomes.append(prepared.outcome)
            except Exception as exc:
                mapped = storage_failure(exc, self.data_dir, storing=True)
                if mapped is not None:  # disk full or read-only: every later file would fail
                    raise mapped from exc
                if isinstance(exc, PolicyKBError):
                    self._fail(prepared.outcome, f"{prepared.file.path}: {exc}", report)
                else:
                    logger.exception("storing %s failed", prepared.file.path)
                    self._fail(prepared.outcome, f"{prepared.file.path}: could not store: "
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


def _identity(path: Path) -> tuple[int, int, int, int, int]:
    """What changes when a file is rewritten, appended to or replaced by a rename."""
    info = path.stat()
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _vector_metadata(doc: DocumentRecord, page: int, chunk_language: str) -> dict[str, Any]:
    """What chromadb filters on; None values are not allowed there."""
    meta: dict[str, Any] = {
        "doc_id": doc.doc_id, "page": page, "language": chunk_language,
        "doc_language": doc.language, "doc_type": doc.doc_type,
    }
    if doc.issuing_body:
        meta["issuing_body"] = doc.issuing_body
    if doc.date:
        digits = doc.date.replace("-", "")[:8].ljust(8, "0")
        if digits.isdigit():
            meta["date"] = int(digits)
    return meta
