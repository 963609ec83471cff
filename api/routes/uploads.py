"""Adding and removing documents over HTTP (editors): ``POST /documents`` stores the file and
queues an ingest job, ``DELETE /documents/{doc_id}`` queues a delete job; both answer 202 with
the job and a ``Location`` to follow at ``GET /jobs/{job_id}``.

The work itself is done by the same pipeline as ``policykb ingest`` / ``policykb delete``, in
the background (``api/background.py``), one job at a time across all API workers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.audit import note
from api.auth import AccessDep, EditorDep, OpenCollectionsDep, readable_document
from api.deps import CatalogDep, JobQueueDep, LoaderDep, SettingsDep, UploadsDep
from api.errors import CLOSE_CONNECTION
from api.responses import not_found
from api.routes.jobs import JobOut
from api.upload_stream import receive_upload
from core.access import DEFAULT_COLLECTION, collection_name
from core.errors import (
    BadFileNameError,
    ConflictError,
    DocumentParseError,
    ForbiddenError,
    InvalidFieldError,
    PolicyKBError,
    UnsupportedMediaTypeError,
)
from index.catalog import Catalog
from ingest.jobs import Job, new_job_id
from ingest.loaders.dispatch import LoaderTable
from ingest.metadata import normalize_language, validate_overrides
from ingest.uploads import UploadStore, sanitize_file_name

router = APIRouter(tags=["documents"])

METADATA_FIELDS = frozenset({"title", "doc_type", "issuing_body", "date", "language",
                             "collection"})
LANGUAGES = ("km", "en", "mixed")

_ACCEPTED: dict[int | str, dict[str, Any]] = {202: {"description": "Queued: the job, with `Location: /jobs/{job_id}`."}}
_UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed multipart body."},
    401: {"description": "No API key."},
    403: {"description": "The key is not an editor's."},
    409: {"description": "A document with this id was ingested from elsewhere."},
    413: {"description": "The file is larger than POLICYKB_MAX_UPLOAD_MB."},
    415: {"description": "Not multipart, or a file type PolicyKB cannot ingest (named)."},
    422: {"description": "Empty file, bad file name or invalid metadata field (named)."},
}


def _accepted(job: Job, request: Request) -> JSONResponse:
    runner = getattr(request.app.state, "job_runner", None)
    if runner is not None:
        runner.wake()
    location = f"/jobs/{job.job_id}"
    return JSONResponse(status_code=202, headers={"Location": location},
                        content=JobOut(**job.to_dict()).model_dump())


def _check_field(name: str, value: str) -> None:
    """Each metadata field as it arrives, with the rules of a ``.meta.yaml`` sidecar."""
    if not value:
        return
    if name == "collection":
        collection_name(value, "collection")
        return
    if name == "language":
        if normalize_language(value) not in LANGUAGES:
            raise InvalidFieldError(f"language {value!r} is not one of "
                                    f"{', '.join(LANGUAGES)} (or khmer, english)")
        return
    try:
        validate_overrides({name: value}, Path("upload"))
    except DocumentParseError as exc:
        raise InvalidFieldError(f"form field {name!r}: {exc.reason}") from exc


def _name_checker(catalog: Catalog, uploads: UploadStore, loader: LoaderTable,
                  may_replace: Callable[[str], bool]) -> Callable[[str], str]:
    """Checks the file name from the part headers, before any of the file is stored."""

    def accept(raw: str) -> str:
        try:
            name = sanitize_file_name(raw)
        except BadFileNameError as exc:
            raise InvalidFieldError(f"form field 'file': {exc}") from exc
        if not loader.supports(Path(name)):
            ext = Path(name).suffix.lower() or "(none)"
            known = ", ".join(loader.extensions)
            raise UnsupportedMediaTypeError(f"{name}: file type {ext} cannot be ingested; "
                                            f"supported: {known}")
        existing = catalog.get_document(name)
        if existing is not None and not may_replace(existing.collection):
            # the name is taken (ids are file names); its collection is not said
            raise ForbiddenError(f"{name}: a document with this id exists that this key may "
                                 "not replace; rename the file")
        if existing is not None and not uploads.owns(existing.root):
            raise ConflictError(f"{name}: a document with this id was ingested from a folder, "
                                "not uploaded; delete it first or rename the file")
        return name

    return accept


@router.post("/documents", status_code=202, response_model=JobOut,
             responses={**_ACCEPTED, **_UPLOAD_ERRORS},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "multipart/form-data": {"schema": {
                     "type": "object", "required": ["file"], "properties": {
                         "file": {"type": "string", "format": "binary"},
                         **{f: {"type": "string"} for f in sorted(METADATA_FIELDS)}}}}}}})
async def upload_document(request: Request, settings: SettingsDep, catalog: CatalogDep,
                          loader: LoaderDep, uploads: UploadsDep, queue: JobQueueDep,
                          caller: EditorDep, open_collections: OpenCollectionsDep,
                          ) -> JSONResponse:
    """Upload a file (field `file`; PDF, DOCX, HTML, Markdown or text) with optional
    metadata fields `title`, `doc_type`, `issuing_body`, `date`, `language` and `collection`
    (default `public`; an editor key writes only into the collections it names, or the open
    ones if it names none: 403 naming the collection otherwise). The document's id is its
    file name; uploading the same name again replaces it (identical bytes and metadata:
    nothing to do)."""

    def may_write(collection: str) -> bool:
        try:
            caller.check_write(collection, open_collections)
        except ForbiddenError:
            return False
        return True

    def check_field(name: str, value: str) -> None:
        _check_field(name, value)
        if name == "collection" and value:  # refused before the file is read
            caller.check_write(collection_name(value), open_collections)

    try:
        received = await receive_upload(
            request, store=uploads, max_bytes=settings.max_upload_mb * 2**20,
            allowed_fields=METADATA_FIELDS,
            accept_name=_name_checker(catalog, uploads, loader, may_write),
            check_field=check_field)
        collection = collection_name(received.fields.get("collection") or DEFAULT_COLLECTION)
        try:
            caller.check_write(collection, open_collections)  # the field may come after the file
        except ForbiddenError:
            received.temp.unlink(missing_ok=True)
            raise
    except PolicyKBError:
        # The rest of a refused body may be unread: it must not be taken for the next request.
        setattr(request.state, CLOSE_CONNECTION, True)
        raise
    metadata = {k: v for k, v in received.fields.items() if v}  # each checked as it came
    metadata["collection"] = collection

    def store_and_queue() -> Job:
        # staged under the job's id: the job puts it in place in order with every other job
        # (a delete of the same name queued before it cannot remove it; ingest/uploads.py)
        job_id = new_job_id()
        uploads.stage(received.temp, job_id, received.file_name, validate_overrides(
            metadata, Path(received.file_name)))  # normalised as a sidecar would be
        return queue.submit("ingest", file_name=received.file_name, doc_id=received.file_name,
                            submitted_by=caller.key_id, job_id=job_id, collection=collection)

    try:
        job = await run_in_threadpool(store_and_queue)
    finally:
        received.temp.unlink(missing_ok=True)  # gone already unless storing failed
    note(request, docs=[received.file_name], target=job.job_id, collection=collection)  # audit
    return _accepted(job, request)


@router.delete("/documents/{doc_id:path}", status_code=202, response_model=JobOut,
               responses={**_ACCEPTED, **not_found("document")})
def delete_document(doc_id: str, request: Request, catalog: CatalogDep, uploads: UploadsDep,
                    queue: JobQueueDep, caller: EditorDep, access: AccessDep,
                    open_collections: OpenCollectionsDep) -> JSONResponse:
    """Remove a document from the catalog, the vectors and the sparse index; an uploaded
    original is deleted with it (a file in an ingested folder is left alone). 404 for a
    document the key may not read, 403 naming its collection for one it may not write."""
    doc = readable_document(catalog, access, doc_id)
    caller.check_write(doc.collection, open_collections)
    job = queue.submit(
        "delete", doc_id=doc_id, file_name=doc.source if uploads.owns(doc.root) else None,
        submitted_by=caller.key_id)
    note(request, docs=[doc_id], target=job.job_id, collection=doc.collection)  # audit log
    return _accepted(job, request)
