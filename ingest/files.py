"""Which files an ingest covers, what their document ids are, and their content hashes."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.yaml"
MANIFEST_NAME = "policykb-manifest.yaml"


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest: where it is, the folder it was ingested from, and its id there."""

    path: Path
    root: Path
    source: str  # path relative to root, POSIX separators: the document id of its main doc


def is_document_candidate(path: Path) -> bool:
    name = path.name
    return not (
        name.startswith(".") or name.endswith(SIDECAR_SUFFIX) or name == MANIFEST_NAME
    )


def walk(target: Path, supports: Callable[[Path], bool]) -> tuple[list[SourceFile], list[Path]]:
    """Expand a file or folder argument; returns (files to ingest, files ignored as unsupported).

    A single file is its own root's child, so its id is its file name. Hidden files and
    folders, sidecars and manifests are never documents. A symlink that leads out of the
    folder is ignored: ingesting a folder must not index (and make searchable) a file the
    folder only points at, such as ``/etc/passwd``.
    """
    target = target.resolve()
    if target.is_file():
        return [SourceFile(target, target.parent, target.name)], []
    files: list[SourceFile] = []
    ignored: list[Path] = []
    for path in sorted(_iter_files(target)):
        if not is_document_candidate(path):
            continue
        if not path.resolve().is_relative_to(target):
            logger.warning("%s: a symlink to %s, outside %s: ignored", path, path.resolve(), target)
            ignored.append(path)
            continue
        if supports(path):
            files.append(SourceFile(path, target, path.relative_to(target).as_posix()))
        else:
            ignored.append(path)
    return files, ignored


def _iter_files(folder: Path) -> Iterator[Path]:
    for child in folder.iterdir():
        if child.name.startswith("."):
            continue
        if child.is_dir() and not child.is_symlink():
            yield from _iter_files(child)
        elif child.is_file():
            yield child


def file_digest(path: Path, *extra: bytes) -> str:
    """sha256 of the file's bytes plus anything else that changes what ingest produces."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    for item in extra:
        digest.update(b"\0")
        digest.update(item)
    return digest.hexdigest()


def stable_id(*parts: str, length: int = 12) -> str:
    return hashlib.sha1("\0".join(parts).encode("utf-8")).hexdigest()[:length]
