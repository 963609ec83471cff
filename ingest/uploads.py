"""Where uploaded originals live (``settings.uploads_dir``) and how they get there safely.

A file is received into ``.incoming/`` under a name that records the receiving process,
flushed to disk, then renamed to its final name in one step: a crash mid-upload leaves no
half file under a document's name, only an ``.incoming`` leftover that :meth:`sweep` removes
once its process is gone. A document's id is its (sanitised) file name.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from core.errors import BadFileNameError
from ingest.files import SIDECAR_SUFFIX
from ingest.jobs import process_start

INCOMING = ".incoming"
STAGED = ".staged"  # uploads waiting for their job, one folder per job id
PREVIOUS = ".previous"  # originals a running job replaced, kept until its ingest succeeds
MAX_NAME_BYTES = 200
_UNSAFE = re.compile(r'[<>:"/\\|?*#%\x00-\x1f\x7f]+')


def sanitize_file_name(raw: str) -> str:
    """A bare, safe file name: no folders, no traversal, no control or reserved characters,
    no leading dots (hidden files are never documents); at most 200 UTF-8 bytes."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = _UNSAFE.sub("_", name).strip().lstrip(".~$ ").strip()
    if not name.strip("_. "):
        raise BadFileNameError(f"the file name {raw!r} has no usable characters")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    while len(name.encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
        name = f"{stem}.{ext}" if ext else stem
    if not stem:
        raise BadFileNameError(f"the file name {raw[:80]!r} is too long")
    return name


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _with_sidecar(path: Path, target: Path) -> list[tuple[Path, Path]]:
    """``path`` → ``target`` and the same for their ``.meta.yaml`` sidecars."""
    return [(path, target), (path.with_name(path.name + SIDECAR_SUFFIX),
                             target.with_name(target.name + SIDECAR_SUFFIX))]


def _rmdir(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty or already gone: a later sweep decides


class UploadStore:
    """The uploads folder: received files, their metadata sidecars, their removal."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.incoming = root / INCOMING

    def path_of(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if path.parent != self.root.resolve():
            raise BadFileNameError(f"{name!r} is not a plain file name")
        return path

    def owns(self, root: str | Path) -> bool:
        """Whether a document's ingest root is this folder (so its file is ours to delete)."""
        return Path(root).resolve() == self.root.resolve()

    def new_temp(self) -> Path:
        """A fresh path in ``.incoming/`` tagged with this process (for :meth:`sweep`)."""
        self.incoming.mkdir(parents=True, exist_ok=True)
        pid = os.getpid()
        return self.incoming / f"{pid}-{process_start(pid)}-{secrets.token_hex(6)}.part"

    def commit(self, temp: Path, name: str, metadata: dict[str, Any]) -> Path:
        """Flush ``temp`` and rename it to ``name``; the sidecar (or its absence) first, so the
        file never appears with the previous upload's metadata."""
        final = self.path_of(name)
        self._place(temp, final, metadata)
        return final

    # -- staging: an upload's bytes wait beside, not over, the stored original --------------
    #
    # ``POST /documents`` stages the file under its job's id; only the job, which runs in
    # order with every other job (a delete of the same name included), puts it in place, and
    # keeps the previous original until the new one is indexed. So a delete queued before the
    # upload can never remove the new bytes, two uploads of one name each index their own
    # bytes, and a re-upload that fails to ingest leaves the stored original as it was.

    def _job_dir(self, kind: str, job_id: str) -> Path:
        if not job_id.isalnum():
            raise BadFileNameError(f"{job_id!r} is not a job id")
        return self.root / kind / job_id

    def staged_path(self, job_id: str, name: str) -> Path:
        return self._job_dir(STAGED, job_id) / self.path_of(name).name

    def stage(self, temp: Path, job_id: str, name: str, metadata: dict[str, Any]) -> Path:
        """Keep an upload for job ``job_id`` (flushed, with its sidecar) until the job runs."""
        folder = self._job_dir(STAGED, job_id)
        folder.mkdir(parents=True, exist_ok=True)
        final = self.staged_path(job_id, name)
        self._place(temp, final, metadata)
        return final

    def _place(self, temp: Path, final: Path, metadata: dict[str, Any]) -> None:
        """Flush ``temp`` and rename it to ``final``; the sidecar (or its absence) first, so
        the file never appears with the previous upload's metadata."""
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        sidecar = final.with_name(final.name + SIDECAR_SUFFIX)
        if metadata:
            side_temp = self.new_temp()
            side_temp.write_text(yaml.safe_dump(metadata, allow_unicode=True, sort_keys=True),
                                 encoding="utf-8")
            with side_temp.open("rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(side_temp, sidecar)
        else:
            sidecar.unlink(missing_ok=True)
        os.replace(temp, final)
        _fsync_dir(final.parent)

    def adopt(self, job_id: str, name: str) -> bool:
        """Put job ``job_id``'s staged upload in place of ``name``, the current original (and
        sidecar) moved aside under the job's id; False when nothing is staged (already adopted
        by an interrupted run of the same job)."""
        staged = self.staged_path(job_id, name)
        if not staged.is_file():
            return False
        final = self.path_of(name)
        aside = self._job_dir(PREVIOUS, job_id)
        aside.mkdir(parents=True, exist_ok=True)
        for current, kept in _with_sidecar(final, aside / final.name):
            if current.exists():
                os.replace(current, kept)
        for incoming, target in _with_sidecar(staged, final):
            if incoming.exists():
                os.replace(incoming, target)
        _fsync_dir(self.root)
        _rmdir(staged.parent)
        return True

    def has_previous(self, job_id: str, name: str) -> bool:
        return (self._job_dir(PREVIOUS, job_id) / self.path_of(name).name).exists()

    def restore_previous(self, job_id: str, name: str) -> bool:
        """After a failed ingest: the original that job ``job_id`` replaced goes back (True),
        or, when there was none, the failed upload is removed (False)."""
        final = self.path_of(name)
        aside = self._job_dir(PREVIOUS, job_id)
        kept = aside / final.name
        if not kept.exists():
            self.remove(name)
            _rmdir(aside)
            return False
        final.with_name(final.name + SIDECAR_SUFFIX).unlink(missing_ok=True)
        for previous, target in _with_sidecar(kept, final):
            if previous.exists():
                os.replace(previous, target)
        _fsync_dir(self.root)
        _rmdir(aside)
        return True

    def drop_previous(self, job_id: str) -> None:
        """After a successful ingest: the replaced original is no longer needed."""
        aside = self._job_dir(PREVIOUS, job_id)
        if aside.is_dir():
            for leftover in aside.iterdir():
                leftover.unlink(missing_ok=True)
            _rmdir(aside)

    def sweep_staged(self, live_jobs: set[str]) -> list[str]:
        """Staged uploads whose job is not queued or running (the server stopped between
        staging and queueing: the upload was never acknowledged); returns what went."""
        removed: list[str] = []
        folder = self.root / STAGED
        if folder.is_dir():
            for job_dir in folder.iterdir():
                if job_dir.name in live_jobs:
                    continue
                for leftover in job_dir.iterdir():
                    leftover.unlink(missing_ok=True)
                    removed.append(f"{STAGED}/{job_dir.name}/{leftover.name}")
                _rmdir(job_dir)
        return removed

    def remove(self, name: str) -> bool:
        """Delete an uploaded original and its sidecar; False if it was not there."""
        final = self.path_of(name)
        final.with_name(final.name + SIDECAR_SUFFIX).unlink(missing_ok=True)
        try:
            final.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(self.root)
        return True

    def files(self) -> list[str]:
        """Names of the uploaded originals (not sidecars, not hidden leftovers)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file()
                      and not p.name.startswith(".") and not p.name.endswith(SIDECAR_SUFFIX))

    def sweep(self) -> list[str]:
        """Remove what interrupted uploads left: ``.incoming`` files whose receiving process
        is gone, and sidecars whose file never arrived. Returns the names removed."""
        removed: list[str] = []
        if self.incoming.is_dir():
            for leftover in self.incoming.iterdir():
                pid, _, rest = leftover.name.partition("-")
                start = rest.partition("-")[0]
                if pid.isdigit() and process_start(int(pid)) == start:
                    continue  # still being received by a live process
                leftover.unlink(missing_ok=True)
                removed.append(f"{INCOMING}/{leftover.name}")
        if self.root.is_dir():
            for sidecar in self.root.glob(f"*{SIDECAR_SUFFIX}"):
                if not sidecar.with_name(sidecar.name[:-len(SIDECAR_SUFFIX)]).exists():
                    sidecar.unlink(missing_ok=True)
                    removed.append(sidecar.name)
        return removed
