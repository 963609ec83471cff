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

Every record names its ``submitter``: the API key id, or a hash of the client address when
reads are open without a key. Only the submitter (or an admin) may post again under an id;
each submitter may write at most :data:`MAX_SUBMITTER_BYTES` (429 past it), so one caller
cannot fill the log for everyone; ``GET /feedback`` lists the caller's own records (an admin's
lists everyone's), at most :data:`MAX_LIST` per page.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.audit import note
from api.auth import AccessDep, Caller, ReaderDep
from api.deps import CatalogDep, SettingsDep
from api.keys import Role
from api.responses import ErrorOut
from api.schemas import RequestModel, json_integers
from core.access import Access
from core.errors import ForbiddenError, RateLimitedError, StorageFullError
from core.settings import Settings
from index.catalog import Catalog

router = APIRouter(tags=["feedback"])

MAX_LOG_BYTES = 64 * 2**20
MAX_SUBMITTER_BYTES = 2 * 2**20  # ~1,000 rated answers with comments per key or address
MAX_LIST = 500
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
    submitter: str | None = Field(
        None, description="`key:<key id>`, or `addr:<hash of the client address>` without a key.")


class FeedbackList(BaseModel):
    total: int = Field(..., description="Answers with feedback (latest record per id) that the "
                                        "caller may see: their own, or everyone's for an admin.")
    up: int
    down: int
    items: list[FeedbackOut] = Field(..., description="Newest first.")


def feedback_path(request: Request, settings: Settings) -> Path:
    """``app.state.feedback_path`` when set (tests), else ``<data_dir>/feedback.jsonl``."""
    override = getattr(request.app.state, "feedback_path", None)
    return Path(override) if override else settings.data_dir / "feedback.jsonl"


def submitter_of(caller: Caller) -> str:
    """Who wrote a record: the key id, else a hash of the address (no address in the log)."""
    if caller.key_id:
        return f"key:{caller.key_id}"
    return "addr:" + hashlib.sha256(caller.client.encode()).hexdigest()[:16]


class _Ledger:
    """Who owns each id and how many bytes each submitter wrote, kept by reading only what
    was appended since the last look (other workers append to the same file)."""

    def __init__(self) -> None:
        self.where: tuple[str, int, int] | None = None  # path, inode, bytes read
        self.owners: dict[str, str] = {}
        self.usage: dict[str, int] = {}

    def catch_up(self, fd: int, path: Path) -> None:
        stat = os.fstat(fd)
        if self.where is None or self.where[:2] != (str(path), stat.st_ino) or stat.st_size < self.where[2]:
            self.where, self.owners, self.usage = (str(path), stat.st_ino, 0), {}, {}
        offset = self.where[2]
        pending = os.pread(fd, stat.st_size - offset, offset) if stat.st_size > offset else b""
        complete = pending[:pending.rfind(b"\n") + 1]
        for raw in complete.splitlines():
            self.note(raw, len(raw) + 1)
        self.where = (str(path), stat.st_ino, offset + len(complete))

    def note(self, raw: bytes, size: int) -> None:
        try:
            record = json.loads(raw)
        except ValueError:
            return
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            who = str(record.get("submitter") or "")
            self.owners.setdefault(record["id"], who)
            self.usage[who] = self.usage.get(who, 0) + size


_ledger = _Ledger()


def append_record(path: Path, record: dict[str, object], *, may_overwrite: bool = False) -> None:
    """Append one record, refusing an id another submitter owns (403), a submitter over their
    share (429) and a full log (507)."""
    line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    who = str(record.get("submitter") or "")
    with _write_lock:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _ledger.catch_up(fd, path)
            owner = _ledger.owners.get(str(record["id"]))
            if owner is not None and owner != who and not may_overwrite:
                raise ForbiddenError(f"feedback {record['id']} belongs to another submitter")
            if _ledger.usage.get(who, 0) + len(line) > MAX_SUBMITTER_BYTES:
                raise RateLimitedError("this key or address has used its share of the feedback "
                                       "log; an admin can archive feedback.jsonl", retry_after=3600)
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


def _cited(record: dict[str, object]) -> set[str]:
    citations = record.get("citations")
    if not isinstance(citations, list):
        return set()
    return {str(c["doc_id"]) for c in citations if isinstance(c, dict) and c.get("doc_id")}


def _hidden_documents(catalog: Catalog, access: Access,
                      records: Iterable[dict[str, object]]) -> set[str]:
    """The cited documents that exist in a collection the caller may not read."""
    if access.unrestricted:
        return set()
    cited = set().union(*(_cited(r) for r in records))
    return {d for d, doc in catalog.documents_by_ids(cited).items()
            if not access.allows(doc.collection)}


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


@router.post("/feedback", response_model=FeedbackOut, status_code=201, responses={
    403: {"model": ErrorOut, "description": "The id belongs to another submitter."},
    429: {"model": ErrorOut, "description": "This key or address used its share of the log."},
    507: {"model": ErrorOut, "description": "The feedback log is full (MAX_LOG_BYTES)."}})
def post_feedback(body: FeedbackIn, request: Request, settings: SettingsDep,
                  caller: ReaderDep) -> FeedbackOut:
    """Store a rating (and optional comment) of an answer, with its question and citations."""
    record = FeedbackOut(
        **body.model_dump(exclude={"id"}),
        id=body.id or uuid.uuid4().hex,
        created_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        submitter=submitter_of(caller),
    )
    append_record(feedback_path(request, settings), record.model_dump(),
                  may_overwrite=caller.role is Role.admin)
    note(request, docs=[c.doc_id for c in body.citations], target=record.id)  # audit log
    return record


@router.get("/feedback", response_model=FeedbackList)
def list_feedback(
    request: Request,
    settings: SettingsDep,
    caller: ReaderDep,
    catalog: CatalogDep,
    access: AccessDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    rating: Annotated[Literal["up", "down"] | None, Query()] = None,
) -> FeedbackList:
    """The latest feedback record of each answer, newest first (for evaluation): the caller's
    own records, or everyone's for an admin key; ``offset`` pages through them. A record citing
    a document in a collection the caller may not read is left out."""
    everyone = caller.role is Role.admin
    mine = submitter_of(caller)
    latest: dict[str, dict[str, object]] = {}
    for record in read_records(feedback_path(request, settings)):
        if not everyone and record.get("submitter") != mine:
            continue
        latest.pop(str(record["id"]), None)  # re-insert: dict order = order of latest record
        latest[str(record["id"])] = record
    hidden = _hidden_documents(catalog, access, latest.values())
    items = []
    for record in reversed(latest.values()):
        if hidden and _cited(record) & hidden:
            continue
        try:
            items.append(FeedbackOut.model_validate(record))
        except ValueError:
            continue
    up = sum(item.rating == "up" for item in items)
    shown = [item for item in items if rating is None or item.rating == rating][offset:offset + limit]
    return FeedbackList(total=len(items), up=up, down=len(items) - up, items=shown)
