"""Background jobs (uploads and deletes) and how far they have got; editors only.

Jobs are an editor's view: they name uploaded files, who sent them and why one failed.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import JobQueueDep
from api.responses import not_found
from core.errors import JobNotFoundError

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


@router.get("/jobs", response_model=list[JobOut])
def list_jobs(queue: JobQueueDep, limit: int = Query(50, ge=1, le=500),
              state: JobState | None = None) -> list[JobOut]:
    """The most recent jobs, newest first."""
    return [JobOut(**j.to_dict()) for j in queue.recent(limit, state)]


@router.get("/jobs/{job_id}", response_model=JobOut, responses=not_found("job"))
def get_job(job_id: str, queue: JobQueueDep) -> JobOut:
    job = queue.get(job_id)
    if job is None:
        raise JobNotFoundError(f"no job with id {job_id!r}")
    return JobOut(**job.to_dict())
