"""Background jobs (uploads and deletes) and how far they have got; editors only.

Jobs are an editor's view: they name uploaded files, who sent them and why one failed.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth import AccessDep, Caller, EditorDep
from api.deps import CatalogDep, JobQueueDep
from api.responses import not_found
from core.access import Access
from core.errors import JobNotFoundError
from index.catalog import Catalog
from ingest.jobs import Job

router = APIRouter(tags=["jobs"])

JobState = Literal["queued", "running", "done", "failed"]


class JobProgressOut(BaseModel):
    stage: str = Field(description="queued, starting, parse, embed (done/total = chunks "
                       "embedded / chunks of the document), store, delete, done or failed.")
    done: int
    total: int


class JobOut(BaseModel):
    job_id: str
    kind: Literal["ingest", "delete"]
    file_name: str | None = None
    doc_id: str | None = None
    state: JobState
    progress: JobProgressOut
    error: str | None = Field(None, description="Why the job failed (or a note that it was "
                              "interrupted and resumed).")
    result: dict[str, Any] | None = Field(None, description="What the job did: for an ingest "
                                          "`status` (indexed or unchanged), `doc_ids`, `pages`, "
                                          "`chunks`; for a delete `deleted` and `file_removed`.")
    submitted_by: str | None = None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    owner_pid: int | None = None
    attempts: int


def visible(job: Job, caller: Caller, access: Access, catalog: Catalog) -> bool:
    """Whether the caller may see a job: an admin every job, anyone their own, others a job
    whose collection (the job's, else its document's) they may read. A job of unknown
    collection (its document gone) is shown to no one else: fail closed."""
    if access.unrestricted or (caller.key_id and job.submitted_by == caller.key_id):
        return True
    collection = job.collection
    if collection is None and job.doc_id:
        doc = catalog.get_document(job.doc_id)
        collection = doc.collection if doc is not None else None
    return collection is not None and access.allows(collection)


@router.get("/jobs", response_model=list[JobOut])
def list_jobs(queue: JobQueueDep, caller: EditorDep, access: AccessDep, catalog: CatalogDep,
              limit: int = Query(50, ge=1, le=500),
              state: JobState | None = None) -> list[JobOut]:
    """The most recent jobs the caller may see, newest first."""
    jobs = queue.recent(limit if access.unrestricted else 500, state)
    return [JobOut(**j.to_dict()) for j in jobs if visible(j, caller, access, catalog)][:limit]


@router.get("/jobs/{job_id}", response_model=JobOut, responses=not_found("job"))
def get_job(job_id: str, queue: JobQueueDep, caller: EditorDep, access: AccessDep,
            catalog: CatalogDep) -> JobOut:
    job = queue.get(job_id)
    if job is None or not visible(job, caller, access, catalog):
        raise JobNotFoundError(f"no job with id {job_id!r}")
    return JobOut(**job.to_dict())
