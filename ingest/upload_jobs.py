"""What a background job does: ingest an uploaded file through the same
:class:`~ingest.pipeline.Ingestor` as ``policykb ingest``, or delete a document through the same
:class:`~ingest.writer.IndexWriter` as ``policykb delete`` (which needs no embedding model)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from core.access import DEFAULT_COLLECTION
from core.errors import PolicyKBError
from core.models import DocumentRecord
from ingest.jobs import Job, JobFailedError, JobQueue, Progress
from ingest.metadata import load_sidecar
from ingest.pipeline import Ingestor
from ingest.uploads import UploadStore

logger = logging.getLogger(__name__)


class CatalogReader(Protocol):
    def get_document(self, doc_id: str) -> DocumentRecord | None: ...
    def documents_under_root(self, root: str) -> list[DocumentRecord]: ...


class Remover(Protocol):
    def delete(self, doc_ids: Iterable[str]) -> int: ...


class UploadJobHandler:
    """The runner's handler: ``handler(job, progress) -> result``; raises JobFailedError with
    a message for the user when the job cannot be done."""

    def __init__(self, ingestor: Callable[[], Ingestor], catalog: CatalogReader,
                 uploads: UploadStore, queue: JobQueue, *,
                 remover: Callable[[], Remover],
                 prune: Callable[[], object] | None = None) -> None:
        self.ingestor = ingestor  # a factory: building it loads the embedding model
        self.remover = remover  # a factory too, but a cheap one: no model, no tokenizer
        self.catalog = catalog
        self.uploads = uploads
        self.queue = queue
        self.prune = prune  # forgets old finished jobs (job history is bounded)

    def __call__(self, job: Job, progress: Progress) -> dict[str, Any]:
        if self.prune is not None:
            self.prune()
        if job.kind == "ingest":
            return self.ingest(job, progress)
        if job.kind == "delete":
            return self.delete(job, progress)
        raise JobFailedError(f"unknown job kind {job.kind!r}")

    def _uploaded_docs(self, source: str) -> list[DocumentRecord]:
        root = str(self.uploads.root.resolve())
        return [d for d in self.catalog.documents_under_root(root) if d.source == source]

    def ingest(self, job: Job, progress: Progress) -> dict[str, Any]:
        name = job.file_name or ""
        path = self.uploads.path_of(name)
        existing = self.catalog.get_document(name)
        if existing is not None and not self.uploads.owns(existing.root):
            raise JobFailedError(f"{name}: a document with this id was ingested from "
                                 f"{existing.root}; delete it first or rename the upload")
        # the staged upload replaces the stored original only now, in job order (ingest/uploads.py)
        self.uploads.adopt(job.job_id, name)
        if not path.is_file():
            raise JobFailedError(f"{name}: the uploaded file is no longer there "
                                 "(deleted before it could be ingested)")
        content = hashlib.sha256(path.read_bytes()).hexdigest()

        def on_file(_: str, done: int, total: int) -> None:
            if done < total:
                progress("parse", done, total)

        def on_embed(done: int, total: int) -> None:
            progress("embed" if done < total else "store", done, total)

        report = self.ingestor().ingest([path], progress=on_file, embed_progress=on_embed)
        summary = report.summary()
        if report.failed:
            reason = summary["failed"][0]["reason"].replace(f"{self.uploads.root.resolve()}/", "")
            if self.uploads.has_previous(job.job_id, name) and \
                    self.uploads.restore_previous(job.job_id, name):
                reason += " (the previous version stays indexed and stored)"
            elif not self._uploaded_docs(name) and name not in self.queue.pending_files(job.job_id):
                self.uploads.remove(name)  # never indexed: nothing refers to it any more
                reason += " (the uploaded file was removed)"
            raise JobFailedError(reason)
        self.uploads.drop_previous(job.job_id)
        docs = self._uploaded_docs(name)
        return {"status": "unchanged" if report.unchanged else "indexed",
                "doc_ids": [d.doc_id for d in docs], "sha256": content,
                "pages": sum(d.n_pages for d in docs), "chunks": sum(d.n_chunks for d in docs),
                "seconds": summary["seconds"]}

    def delete(self, job: Job, progress: Progress) -> dict[str, Any]:
        doc_id = job.doc_id or ""
        progress("delete", 0, 1)
        doc = self.catalog.get_document(doc_id)
        if doc is None:
            return {"deleted": [], "file_removed": None, "note": f"{doc_id} was already gone"}
        removed_file = None
        if self.uploads.owns(doc.root):
            siblings = [d for d in self._uploaded_docs(doc.source) if d.doc_id != doc_id]
            # The file goes first: a crash in between leaves a document without its file (the
            # re-queued job finishes the delete), never a file that startup would re-ingest.
            if not siblings and doc.source not in self.queue.pending_files(job.job_id):
                self.uploads.remove(doc.source)
                removed_file = doc.source
        self.remover().delete([doc_id])
        progress("delete", 1, 1)
        return {"deleted": [doc_id], "file_removed": removed_file}


def resume_untracked(uploads: UploadStore, catalog: CatalogReader, queue: JobQueue) -> list[Job]:
    """Queue an ingest for every uploaded file that is neither indexed nor waiting for a job:
    a server stopped between storing a file and queueing its job. Returns the new jobs."""
    indexed = {d.source for d in catalog.documents_under_root(str(uploads.root.resolve()))}
    pending = queue.pending_files()
    jobs = []
    for name in uploads.files():
        if name not in indexed and name not in pending:
            logger.info("%s was stored but never ingested; queueing it", name)
            jobs.append(queue.submit("ingest", file_name=name, doc_id=name,
                                     submitted_by="startup",
                                     collection=_sidecar_collection(uploads, name)))
    return jobs


def _sidecar_collection(uploads: UploadStore, name: str) -> str | None:
    """The collection an upload's sidecar names (public without one), so the resumed job is
    listed only to callers who may read it; None (shown to admins only) if it cannot be read."""
    try:
        return (load_sidecar(uploads.path_of(name)) or {}).get("collection") or DEFAULT_COLLECTION
    except PolicyKBError:
        return None
