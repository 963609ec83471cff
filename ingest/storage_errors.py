"""Why the index could not be written, in words a user can act on.

A full disk, a read-only mount or a file size limit reach the pipeline as anything from an
``OSError`` to chromadb's "Failed to apply logs"; the ingest, the delete and the CLI all map
them here to one ``IndexUnavailableError`` that names the data directory and the cause.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import IndexUnavailableError
from core.layout import DataLayout

_ERRNO_CAUSES = {
    errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file reached the largest size allowed (file too large)",
    errno.EROFS: "the data directory is read-only", errno.EACCES: "permission denied",
    errno.EPERM: "permission denied", errno.EIO: "a disk I/O error",
}
# What SQLite (the catalog, chromadb's own database) and chromadb say for the same causes.
_MESSAGE_CAUSES = (
    ("database or disk is full", "the disk is full"), ("no space left", "the disk is full"),
    ("file too large", "a file reached the largest size allowed (file too large)"),
    ("readonly database", "the data directory is read-only"),
    ("read-only file system", "the data directory is read-only"),
    ("permission denied", "permission denied"), ("disk i/o error", "a disk I/O error"),
)


def storage_failure(exc: BaseException, data_dir: Path,
                    storing: bool = False) -> IndexUnavailableError | None:
    """The index could not be written (disk full, read-only, no permission, I/O error): an
    IndexUnavailableError naming the data directory and the cause; None for other errors.

    The cause may sit anywhere in the exception chain (chromadb and the vector store wrap it).
    Some chromadb failures do not say it ("Error in compaction: Failed to apply logs"): for an
    error while ``storing``, a nearly full disk or a file size limit is then taken as the cause.
    """
    if isinstance(exc, IndexUnavailableError) and getattr(exc, "storage_failure", False):
        return exc  # already mapped
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        number = current.errno if isinstance(current, OSError) else None
        text = str(current).strip()
        cause = _ERRNO_CAUSES.get(number) if number is not None else None
        cause = cause or next((c for m, c in _MESSAGE_CAUSES if m in text.lower()), None)
        if cause == "a disk I/O error":  # SQLite reports ENOSPC on some writes, EFBIG always so
            cause = _io_error_cause(data_dir)
        if cause is not None:
            return _unwritable(data_dir, cause, text)
        current = current.__cause__ or current.__context__
    if storing and (guess := _io_error_cause(data_dir)) != "a disk I/O error":
        return _unwritable(data_dir, guess, str(exc).strip())
    return None


def _unwritable(data_dir: Path, cause: str, detail: str) -> IndexUnavailableError:
    detail = f" ({detail.splitlines()[0][:200]})" if detail else ""
    error = IndexUnavailableError(f"cannot write the index in {data_dir}: {cause}{detail}; "
                                  "the documents indexed before are unchanged")
    error.storage_failure = True  # type: ignore[attr-defined]
    return error


def _io_error_cause(data_dir: Path) -> str:
    """What most likely made SQLite say "disk I/O error": a file size limit, a full disk."""
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft != resource.RLIM_INFINITY:
        return f"a file reached this process's file size limit of {soft} bytes (file too large)"
    try:
        if shutil.disk_usage(data_dir).free < 16 * 2**20:
            return "the disk is full (no space left on device)"
    except OSError:
        pass
    return "a disk I/O error"


def check_writable(data_dir: Path) -> None:
    """Refuse, by name and before anything is written, a data directory this process cannot
    write: a read-only mount, or an index owned by another user."""
    data_dir = Path(data_dir)
    probe = data_dir
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    for path in (probe, *DataLayout(data_dir).index_files()):
        if path.exists() and not os.access(path, os.W_OK):
            why = ("on a read-only file system" if os.statvfs(path).f_flag & os.ST_RDONLY
                   else f"{path} is not writable by this user (uid {os.geteuid()})")
            error = IndexUnavailableError(
                f"the data directory {data_dir} is read-only ({why}): ingest cannot write "
                "the index; nothing was changed")
            error.storage_failure = True  # type: ignore[attr-defined]
            raise error


@contextmanager
def storage_errors(data_dir: Path) -> Iterator[None]:
    """Re-raise a failure to write the index as the ``IndexUnavailableError`` that says why;
    any other error passes through unchanged."""
    try:
        yield
    except Exception as exc:
        mapped = storage_failure(exc, data_dir)
        if mapped is None:
            raise
        raise mapped from exc
