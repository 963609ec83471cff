"""The audit log: who read or wrote what, one JSON line per API request, by key id.

Why a JSONL file (``<data_dir>/audit/audit.jsonl``) and not a table: like the feedback log it
is appended by every worker at once (``O_APPEND`` under an exclusive ``flock``), read with
``grep``/``jq``/``policykb audit``, and shipped off the machine as plain text. Rotation by
size (``audit.jsonl`` -> ``.1`` -> ... -> ``.N``) happens under a separate lock file, so a
worker never appends to a file another one has just renamed away.

A record holds the time (UTC), the key id (or ``anonymous`` and a keyed hash of the client
address: never the address), role, action, HTTP status, the SHA-256 of the query (its text only
with ``POLICYKB_AUDIT_QUERY_TEXT``), the documents returned, cited or addressed, the collections
the caller could read (``collections``; ``*`` for all) and the collection of the document an
upload or delete wrote into or a document, page or file read returned (``collection``). It
never holds the Authorization header or a key's secret.

Routes say what they returned with :func:`note` (``request.state.audit_docs`` /
``audit_target``); ``api/audit_middleware.py`` turns each request into its record.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from starlette.requests import Request

from core.settings import Settings


def audit_dir(settings: Settings) -> Path:
    return settings.data_dir / "audit"


class AuditLog:
    """Append-only, size-rotated JSON Lines, safe across threads and worker processes."""

    def __init__(self, directory: Path, max_bytes: int, keep: int, fsync: bool = False) -> None:
        self.path = directory / "audit.jsonl"
        self.max_bytes, self.keep, self.fsync = max_bytes, keep, fsync
        self._lock = threading.Lock()  # flock is per open file; this orders our threads too

    @classmethod
    def of(cls, settings: Settings) -> AuditLog:
        return cls(audit_dir(settings), int(settings.audit_max_mb * 2**20), settings.audit_keep,
                   settings.audit_fsync)

    def files(self) -> list[Path]:
        """The current file and the rotated ones that exist, newest first."""
        rotated = (self.path.with_name(f"{self.path.name}.{n}") for n in range(1, self.keep + 1))
        return [p for p in (self.path, *rotated) if p.exists()]

    def append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        with self._lock:
            lock = os.open(self.path.with_name("audit.lock"), os.O_RDWR | os.O_CREAT, 0o640)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX)
                size = self.path.stat().st_size if self.path.exists() else 0
                if size and size + len(line) > self.max_bytes:
                    self._rotate()
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
                try:
                    end = os.fstat(fd).st_size
                    if end and os.pread(fd, 1, end - 1) != b"\n":
                        line = b"\n" + line  # a line torn by a crash stays alone
                    view = memoryview(line)
                    while view:
                        view = view[os.write(fd, view):]
                    if self.fsync:
                        os.fsync(fd)
                finally:
                    os.close(fd)
            finally:
                os.close(lock)  # releases the flock

    def _rotate(self) -> None:
        """audit.jsonl -> .1 -> .2 ... -> .keep (the oldest is dropped); caller holds the lock."""
        name = self.path.name
        self.path.with_name(f"{name}.{self.keep}").unlink(missing_ok=True)
        for n in range(self.keep - 1, 0, -1):
            older = self.path.with_name(f"{name}.{n}")
            if older.exists():
                older.rename(self.path.with_name(f"{name}.{n + 1}"))
        self.path.rename(self.path.with_name(f"{name}.1"))

    def records(self) -> Iterator[dict[str, Any]]:
        """Every well-formed record, newest first, across the rotated files (torn lines skipped)."""
        for path in self.files():
            try:
                lines = path.read_bytes().splitlines()
            except FileNotFoundError:  # rotated away while we read the newer ones
                continue
            for raw in reversed(lines):
                try:
                    record = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(record, dict) and "action" in record:
                    yield record


def query_hash(text: str) -> str:
    """SHA-256 of the query as sent (UTF-8): an admin can check "was X asked?" by hashing X."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def note(request: Request, *, docs: list[str] | None = None, target: str | None = None,
         collection: str | None = None) -> None:
    """For a route: the documents it returned or cited, the job/key/record it acted on, and
    the collection it wrote into."""
    if collection is not None:
        request.state.audit_collection = collection
    if docs is not None:
        request.state.audit_docs = list(dict.fromkeys(docs))
    if target is not None:
        request.state.audit_target = target
