"""The backup archive format: a gzip'd tar whose first member, ``manifest.json``, lists every
other member with its SHA-256 and size.

Writing goes to a temporary file beside the target and is renamed over it only when complete,
so an interrupted export never leaves a plausible-looking half archive. Reading extracts into a
folder the caller owns and checks every member against the manifest before the caller uses any
of it: no member outside the manifest, none missing, no links, no absolute or ``..`` paths.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from core.errors import ArchiveError

MANIFEST = "manifest.json"
FORMAT = "policykb-index"
FORMAT_VERSION = 1
_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def files_under(folder: Path) -> dict[str, Path]:
    """Regular files below ``folder`` by their POSIX path relative to it (links are skipped:
    an archive must hold the index, not whatever a link points at)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(folder).as_posix()] = path
    return found


def write_archive(archive: Path, staged: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Archive every file under ``staged`` with ``manifest`` (plus member checksums) first;
    atomically replaces ``archive``. Returns the manifest as written."""
    members = files_under(staged)
    manifest = {**manifest, "format": FORMAT, "format_version": FORMAT_VERSION,
                "members": {name: {"sha256": sha256_of(path), "bytes": path.stat().st_size}
                            for name, path in members.items()}}
    archive.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{archive.name}.", suffix=".partial",
                                    dir=archive.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(body), 0o600
                tar.addfile(info, io.BytesIO(body))
                for name, path in members.items():
                    tar.add(path, arcname=name, recursive=False)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, archive)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return manifest


def _safe_name(archive: Path, name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "" in path.parts:
        raise ArchiveError(f"{archive}: member {name!r} has an unsafe path")
    return path


def read_archive(archive: Path, into: Path) -> dict[str, Any]:
    """Extract ``archive`` into the empty folder ``into`` and verify every member against the
    manifest; returns the manifest. Raises ``ArchiveError`` naming the archive otherwise."""
    if not archive.is_file():
        raise ArchiveError(f"{archive}: no such archive")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise ArchiveError(f"{archive}: not a PolicyKB index archive (no {MANIFEST} "
                                   "first)")
            manifest = _manifest(archive, tar.extractfile(first).read())  # type: ignore[union-attr]
            expected: dict[str, dict[str, Any]] = manifest["members"]
            seen: set[str] = set()
            for member in tar:  # from the start again: skip the manifest itself
                if member.isdir() or member.offset == first.offset:
                    continue
                name = str(_safe_name(archive, member.name))
                if not member.isfile():
                    raise ArchiveError(f"{archive}: member {name!r} is not a regular file")
                if name not in expected or name in seen:
                    raise ArchiveError(f"{archive}: member {name!r} is not in its manifest")
                if member.size != expected[name].get("bytes"):
                    raise ArchiveError(f"{archive}: member {name!r} is {member.size} bytes, its "
                                       f"manifest says {expected[name].get('bytes')}")
                seen.add(name)
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = tar.extractfile(member)
                assert source is not None
                with target.open("wb") as out:
                    while block := source.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
                if digest.hexdigest() != expected[name]["sha256"]:
                    raise ArchiveError(f"{archive}: member {name!r} does not match its checksum "
                                       "(the archive was modified or damaged)")
    except ArchiveError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{archive}: damaged or not a PolicyKB index archive ({exc})") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"{archive}: incomplete, missing {', '.join(missing[:5])}")
    return manifest


def _manifest(archive: Path, raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise ArchiveError(f"{archive}: {MANIFEST} is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{archive}: not a PolicyKB index archive")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(f"{archive}: archive format version {manifest.get('format_version')} "
                           f"is not supported (this PolicyKB reads {FORMAT_VERSION})")
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("sha256"), str) for v in members.values()):
        raise ArchiveError(f"{archive}: {MANIFEST} lists no valid members")
    return manifest
