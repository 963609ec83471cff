"""Thumbs up / down on answers, kept for later evaluation.

Storage: an append-only JSON Lines file, ``<data_dir>/feedback.jsonl``, one record per line.
Why a JSONL file rather than a SQLite table:

* it is what evaluation consumes (``policykb eval`` already reads JSONL queries); a person can
  ``grep``/``jq`` it, copy it off the server, or hand it to a notebook without a schema;
* it stays out of ``catalog.sqlite3``, whose transactions belong to ingestion (a feedback write
  can never block or be rolled back with an ingest, and re-creating the index keeps feedback);
* appends are cheap and crash-safe per line: each record is one ``write()`` of one line to a
  file opened ``O_APPEND``, under an exclusive ``flock`` (several ``--workers`` processes may
  append at once), then ``fsync``. A line torn by a crash is never glued to the next record (a
  newline is written first when the file does not end with one) and is skipped when reading.

Fields are size-limited by the request model, and the file as a whole is capped
(:data:`MAX_LOG_BYTES`): a full log answers 507 instead of filling the disk.

Records carry an ``id`` chosen by the page (one per answer). Posting again with the same id
(the rating changed, a comment was added) appends a new line; ``GET /feedback`` shows the latest
record of each id, so the log keeps the history and the listing stays one row per answer.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import SettingsDep
from api.responses import ErrorOut
from api.schemas import RequestModel, json_integers
from core.errors import StorageFullError
from core.settings import Settings

router = APIRouter(tags=["feedback"])

MAX_LOG_BYTES = 64 * 2**20
_write_lock = threading.Lock()  # flock is per open file; this orders this process's threads too


class FeedbackCitationIn(BaseModel):
    """A citation of the rated answer (the page sends them as /ask gave them; extras ignored)."""

    id: int | None = Field(None, ge=0, le=10_000)
    doc_id: str = Field(..., min_length=1, max_length=500)
    title: str | None = Field(None, max_length=500)
    page: int | None = Field(None, ge=1)
    start: int | None = Field(None, ge=0)
    end: int | None = Field(None, ge=0)
    quote: str | None = Field(None, max_length=2000)
    language: str | None = Field(None, max_length=16)

    _numbers = json_integers("id", "page", "start", "end")  # true and "3" are not numbers


class FeedbackIn(RequestModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{8,64}$",
        description="Chosen by the client, one per answer; a later record with the same id "
                    "(changed rating, added comment) supersedes the earlier one in GET /feedback.")
    question: str = Field(..., min_length=1, max_length=2000)
    answer: str = Field(..., max_length=20_000)
    mode: Literal["extractive", "generative"] = "extractive"
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2000)
    citations: list[FeedbackCitationIn] = Field(default_factory=list, max_length=50)
    ui_language: Literal["en", "km"] | None = Field(None, description="The page's language.")


class FeedbackOut(FeedbackIn):
    model_config = ConfigDict(extra="ignore")

    id: str
    created_at: str = Field(..., description="UTC, ISO 8601.")


class FeedbackList(BaseModel):
    total: int = Field(..., description="Answers with feedback (latest record per id).")
    up: int
    down: int
    items: list[FeedbackOut] = Field(..., description="Newest first.")


def feedback_path(request: Request, settings: Settings) -> Path:
    """``app.state.feedback_path`` when set (tests), else ``<data_dir>/feedback.jsonl``."""
    override = getattr(request.app.state, "feedback_path", None)
    return Path(override) if override else settings.data_dir / "feedback.jsonl"


def append_record(path: Path, record: dict[str, object]) -> None:
    line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _write_lock:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if size + len(line) > MAX_LOG_BYTES:
                raise StorageFullError("the feedback log is full; "
                                       "archive feedback.jsonl to start a new one")
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # a torn last line (crash) stays alone and is skipped
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)  # releases the flock


def read_records(path: Path) -> list[dict[str, object]]:
    """Every well-formed record, in file order (torn or foreign lines skipped)."""
    if not path.exists():
        return []
    records: list[dict[str, object]] = []
    with path.open("rb") as handle:
        for raw in handle:
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                records.append(record)
    return records


@router.post("/feedback", response_model=FeedbackOut, status_code=201, responses={507: {
    "model": ErrorOut, "description": "The feedback log is full (MAX_LOG_BYTES)."}})
def post_feedback(body: FeedbackIn, request: Request, settings: SettingsDep) -> FeedbackOut:
    """Store a rating (and optional comment) of an answer, with its question and citations."""
    record = FeedbackOut(
        **body.model_dump(exclude={"id"}),
        id=body.id or uuid.uuid4().hex,
        created_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
    )
    append_record(feedback_path(request, settings), record.model_dump())
    return record


@router.get("/feedback", response_model=FeedbackList)
def list_feedback(
    request: Request,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    rating: Annotated[Literal["up", "down"] | None, Query()] = None,
) -> FeedbackList:
    """The latest feedback record of each answer, newest first (for evaluation)."""
    latest: dict[str, dict[str, object]] = {}
    for record in read_records(feedback_path(request, settings)):
        latest.pop(str(record["id"]), None)  # re-insert: dict order = order of latest record
        latest[str(record["id"])] = record
    items = []
    for record in reversed(latest.values()):
        try:
            items.append(FeedbackOut.model_validate(record))
        except ValueError:
            continue
    up = sum(item.rating == "up" for item in items)
    shown = [item for item in items if rating is None or item.rating == rating][:limit]
    return FeedbackList(total=len(items), up=up, down=len(items) - up, items=shown)
