"""The ingestion pipeline: files -> parsed pages -> chunks -> vectors + catalog rows.

Incremental and idempotent: a file whose hash (bytes, sidecar, manifest entry and the
pipeline's own settings) matches the catalog is skipped without embedding anything.
Crash-safe: a file's vectors are written first under ids derived from its hash, then its
catalog rows commit in one transaction (the moment it becomes visible), then the vectors of
its previous version are deleted. Orphans a crash leaves behind are removed on the next run.
"""

from __future__ import annotations

import fcntl
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ingest.chunking import StructureAwareChunker
from ingest.files import SourceFile, file_digest, stable_id, walk
from ingest.nodes import to_text_nodes
from policykb.errors import DocumentParseError, PolicyKBError
from policykb.models import ChunkRecord, DocumentRecord, PageRecord, ParsedDocument

logger = logging.getLogger(__name__)

PIPELINE_VERSION = "1"


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
            file_hash = file_digest(
                file.path, json.dumps(overrides, sort_keys=True, default=str).encode(),
                self.fingerprint.encode(),
            )
            if self.catalog.source_hash(file.source) == file_hash:
                outcome.status = "unchanged"
                report.outcomes.append(outcome)
                return None
            before = file.path.stat()
            parsed = self.loader.load(file.path)
            after = file.path.stat()
            if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
                raise DocumentParseError(file.path, "the file changed while it was being read")
            if not parsed or not any(p.text.strip() for d in parsed for p in d.pages):
                raise DocumentParseError(file.path, "no text could be extracted")
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
            except PolicyKBError as exc:
                self._fail(prepared.outcome, f"{prepared.file.path}: {exc}", report)
            except Exception as exc:  # storage errors (disk full, read-only) name the file
                logger.exception("storing %s failed", prepared.file.path)
                self._fail(prepared.outcome,
                           f"{prepared.file.path}: could not store: {type(exc).__name__}: {exc}", report)
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
