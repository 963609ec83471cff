"""Computed alignment reports kept by id, so a download of the report a user is looking at is
rendered from it instead of aligning the plan again (which cost 30 s a click).

Two tiers: a bounded LRU in the worker's memory, and one JSON file per report under the data
directory (``cache/alignment/results``), so another worker or a restarted server still finds
it. Files are pruned by age and count whenever one is written. An id is 128 random bits; a
report made with an API key is only given back to that key (anyone else gets "not found"), and
only to a caller who may still read every collection the report was made with (its
:class:`~core.access.Access` is stored with it; a report from before collections counts as made
with every collection).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import fields
from pathlib import Path
from typing import Any

from alignment.types import AlignmentReport, EvidenceQuote, MechanismAlignment, StrategyAlignment
from core.access import Access
from index.table_rows import TableRow

logger = logging.getLogger(__name__)

RESULT_ID = re.compile(r"^[0-9a-f]{32}$")


_Kept = tuple[str, Access, AlignmentReport]  # owner, the access it was made with, the report


def covers(reader: Access, made_with: Access) -> bool:
    """Whether ``reader`` may read everything a report made with ``made_with`` could hold."""
    if reader.collections is None:
        return True
    return made_with.collections is not None and made_with.collections <= reader.collections


class ResultStore:
    """``put(report, owner, access) -> id`` and ``get(id, owner, access) -> report | None``;
    thread-safe."""

    def __init__(self, directory: Path | None, *, memory: int = 32, keep: int = 200,
                 max_age_s: float = 24 * 3600) -> None:
        self.directory = directory
        self.memory = memory
        self.keep = keep
        self.max_age_s = max_age_s
        self._recent: OrderedDict[str, _Kept] = OrderedDict()
        self._rendered: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def rendered(self, result_id: str, fmt: str) -> bytes | None:
        """A rendering kept by :meth:`keep_rendered` (a DOCX takes a few hundred ms to write)."""
        with self._lock:
            return self._rendered.get((result_id, fmt))

    def keep_rendered(self, result_id: str, fmt: str, body: bytes) -> None:
        with self._lock:
            self._rendered[(result_id, fmt)] = body
            while len(self._rendered) > self.memory:
                self._rendered.popitem(last=False)

    def put(self, report: AlignmentReport, owner: str = "",
            access: Access | None = None) -> str:
        """Keep ``report``, made by ``owner`` with ``access`` (default: every collection)."""
        result_id = secrets.token_hex(16)
        kept = (owner, access or Access.everything(), report)
        with self._lock:
            self._remember(result_id, *kept)
        if self.directory is not None:
            self._write(result_id, *kept)
        return result_id

    def get(self, result_id: str, owner: str = "",
            access: Access | None = None) -> AlignmentReport | None:
        """The report, or None when the id is unknown, expired, malformed, someone else's, or
        made with collections ``access`` (default: every collection) does not all cover."""
        if not RESULT_ID.match(result_id):
            return None
        with self._lock:
            found = self._recent.get(result_id)
            if found is not None:
                self._recent.move_to_end(result_id)
        if found is None:
            found = self._read(result_id)
            if found is None:
                return None
            with self._lock:
                self._remember(result_id, *found)
        stored_owner, made_with, report = found
        if stored_owner not in ("", owner) or not covers(access or Access.everything(), made_with):
            return None
        return report

    def _remember(self, result_id: str, owner: str, access: Access,
                  report: AlignmentReport) -> None:
        self._recent[result_id] = (owner, access, report)
        self._recent.move_to_end(result_id)
        while len(self._recent) > self.memory:
            self._recent.popitem(last=False)

    # -- on disk ------------------------------------------------------------------------
    def _path(self, result_id: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{result_id}.json"

    def _write(self, result_id: str, owner: str, access: Access,
               report: AlignmentReport) -> None:
        assert self.directory is not None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            body = json.dumps({"owner": owner, "access": access.as_filter(),
                               "report": report.to_dict()}, ensure_ascii=False)
            handle, tmp = tempfile.mkstemp(dir=self.directory, prefix=".result-")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(body)
            os.replace(tmp, self._path(result_id))
            self.prune()
        except OSError as exc:  # a read-only data directory: this worker's memory still has it
            logger.warning("could not keep alignment result %s on disk: %s", result_id, exc)

    def _read(self, result_id: str) -> _Kept | None:
        if self.directory is None:
            return None
        path = self._path(result_id)
        try:
            if time.time() - path.stat().st_mtime > self.max_age_s:
                return None
            data = json.loads(path.read_text(encoding="utf-8"))
            made_with = data.get("access")
            access = Access.everything() if made_with is None else Access.only(
                str(name) for name in made_with)
            return str(data.get("owner") or ""), access, report_from_dict(data["report"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("unreadable alignment result %s: %s", path, exc)
            return None

    def prune(self) -> int:
        """Remove files older than ``max_age_s`` and all but the newest ``keep``."""
        if self.directory is None or not self.directory.exists():
            return 0
        now = time.time()
        files: list[tuple[float, Path]] = []
        for path in self.directory.glob("*.json"):
            try:
                files.append((path.stat().st_mtime, path))
            except FileNotFoundError:
                continue
        files.sort(reverse=True)
        doomed = [p for i, (mtime, p) in enumerate(files)
                  if i >= self.keep or now - mtime > self.max_age_s]
        for path in doomed:
            path.unlink(missing_ok=True)
        return len(doomed)


def _build(cls: Any, data: dict[str, Any], **nested: Any) -> Any:
    """``cls`` from its ``asdict`` form; fields it does not know (a newer writer) are left out."""
    names = {f.name for f in fields(cls)}
    return cls(**{**{k: v for k, v in data.items() if k in names}, **nested})


def _quote(data: dict[str, Any]) -> EvidenceQuote:
    row = data.get("row")
    table_row = TableRow(int(row["number"]), row["action"], tuple(row["responsible"]),
                         row["timeline"]) if row else None
    return _build(EvidenceQuote, data, row=table_row)


def report_from_dict(data: dict[str, Any]) -> AlignmentReport:
    """The report ``AlignmentReport.to_dict`` wrote, with its nested dataclasses."""
    mechanisms = [_build(MechanismAlignment, m, alignments=[
        _build(StrategyAlignment, a, evidence=[_quote(e) for e in a.get("evidence", [])])
        for a in m.get("alignments", [])]) for m in data["mechanisms"]]
    return _build(AlignmentReport, data, mechanisms=mechanisms)
