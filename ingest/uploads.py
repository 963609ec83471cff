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
        _fsync_dir(self.root)
        return final

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
