"""`policykb import`: restore an archive written by `policykb export`.

The archive is verified completely (manifest, every checksum, counts, vector shapes) into a
scratch folder beside the data directory before anything is touched. An index built with
another embedder is refused (its vectors mean nothing to the configured model), and so is a
target that already holds an index unless ``force``. The new data directory is then built as
a sibling and swapped in with one atomic rename (``policykb/swap.py``); everything else in the
data directory (API keys, feedback, OCR cache, job records) is carried over into the new one.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from core import layout
from core.errors import IndexUnavailableError, PolicyKBError
from core.settings import Settings
from policykb.archive import ArchiveError, read_archive
from policykb.backup import VECTOR_IDS, VECTORS, exclusive
from policykb.swap import swap_collection, swap_dirs

Vectors = tuple[list[str], np.ndarray, list[dict[str, Any]]]  # ids, matrix, metadata


def import_index(settings: Settings, archive: Path, *, force: bool = False,
                 with_keys: bool = False, wait_s: float = 300) -> dict[str, Any]:
    """Replace the index of ``settings.data_dir`` by the archive's; returns its manifest."""
    from index.catalog import Catalog

    archive = archive.resolve()
    data_dir = settings.data_dir.resolve()
    settings = settings.model_copy(update={"data_dir": data_dir})
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.import-", dir=data_dir.parent))
    try:
        staged = work / "archive"
        staged.mkdir()
        manifest = read_archive(archive, staged)
        _check_compatible(archive, manifest, settings, with_keys)
        vectors = _load_vectors(archive, staged, manifest)
        _check_catalog(archive, staged, manifest, vectors[0])
        existing = _existing_index(settings)
        if existing and not force:
            raise PolicyKBError(f"{data_dir} already holds an index ({existing}); give --force "
                                "to replace it")
        new = work / "new"
        new.mkdir()
        members = (layout.CATALOG, layout.SPARSE, layout.UPLOADS,
                   *([layout.KEYS] if with_keys else []))
        for name in members:
            if (staged / name).exists():
                (new / name).parent.mkdir(parents=True, exist_ok=True)
                os.rename(staged / name, new / name)
        catalog = Catalog(new / layout.CATALOG)
        try:  # uploads ingested under the old data directory now live under this one
            catalog.rebase_roots(manifest["data_dir"], str(data_dir))
        finally:
            catalog.close()
        with exclusive(settings, wait_s):
            if settings.chroma_url:
                _swap_into_server(settings, manifest, vectors,
                                  lambda: swap_dirs(data_dir, new, with_keys))
            else:
                _fill_store(new / layout.CHROMA, settings.collection, manifest, vectors)
                swap_dirs(data_dir, new, with_keys)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_compatible(archive: Path, manifest: dict[str, Any], settings: Settings,
                      with_keys: bool) -> None:
    counts = manifest.get("counts")
    if not (isinstance(manifest.get("embedder"), str) and isinstance(manifest.get("data_dir"), str)
            and isinstance(manifest.get("dimension"), int) and isinstance(counts, dict)
            and all(isinstance(counts.get(k), int) for k in ("documents", "chunks", "vectors"))):
        raise ArchiveError(f"{archive}: its manifest lacks the embedder, data_dir, dimension or "
                           "counts of the index")
    wanted = settings.embedder_name
    if manifest.get("embedder") != wanted:
        raise PolicyKBError(
            f"{archive} was built with embedder {manifest.get('embedder')!r}, but this "
            f"PolicyKB is configured with {wanted!r}: its vectors would mean nothing to that "
            "model. Set POLICYKB_EMBEDDER_PATH to the archive's model, or re-ingest instead")
    if with_keys and layout.KEYS not in manifest["members"]:
        raise PolicyKBError(f"{archive} holds no API keys (it was exported without --with-keys)")


def _load_vectors(archive: Path, staged: Path, manifest: dict[str, Any]) -> Vectors:
    try:
        vectors = np.load(staged / VECTORS, allow_pickle=False)
        rows = [json.loads(line) for line in
                (staged / VECTOR_IDS).read_text(encoding="utf-8").splitlines()]
        ids = [str(row["id"]) for row in rows]
        metadatas = [dict(row["metadata"]) for row in rows]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(f"{archive}: unreadable vectors ({exc})") from exc
    count, dimension = manifest["counts"]["vectors"], manifest.get("dimension", 0)
    if len(ids) != count or (count and vectors.shape != (count, dimension)):
        raise ArchiveError(f"{archive}: {VECTORS} holds {vectors.shape}, {VECTOR_IDS} "
                           f"{len(ids)} rows; the manifest says {count} x {dimension}")
    return ids, vectors, metadatas


def _check_catalog(archive: Path, staged: Path, manifest: dict[str, Any],
                   ids: list[str]) -> None:
    from index.catalog import Catalog

    try:
        catalog = Catalog(staged / layout.CATALOG)
        try:
            stats, chunk_ids = catalog.stats(), catalog.all_chunk_ids()
        finally:
            catalog.close()
    except (PolicyKBError, sqlite3.Error) as exc:
        raise ArchiveError(f"{archive}: unreadable catalog ({exc})") from exc
    counts = manifest["counts"]
    if (stats["documents"], stats["chunks"]) != (counts["documents"], counts["chunks"]):
        raise ArchiveError(f"{archive}: the catalog holds {stats['documents']} documents and "
                           f"{stats['chunks']} chunks; the manifest says {counts['documents']} "
                           f"and {counts['chunks']}")
    if chunk_ids != set(ids):
        raise ArchiveError(f"{archive}: the vectors do not belong to the catalog's chunks")


def _existing_index(settings: Settings) -> str | None:
    """What the target already holds, in words; None when it holds no index."""
    from index.catalog import Catalog
    from index.vector_store import Collections

    found: list[str] = []
    if settings.catalog_path.is_file():
        try:
            catalog = Catalog(settings.catalog_path)
            try:
                documents = catalog.stats()["documents"]
            finally:
                catalog.close()
        except (PolicyKBError, sqlite3.Error):
            documents = -1
        if documents:
            found.append(f"{documents} documents" if documents > 0 else "a catalog")
    if settings.chroma_url:
        collections = Collections(settings.chroma_dir, settings.chroma_url, settings.chroma_token,
                              settings.chroma_timeout_s)
        if collections.count(settings.collection):
            found.append(f"vectors in collection {settings.collection!r} at "
                         f"{settings.chroma_url}")
    elif settings.chroma_dir.is_dir() and any(settings.chroma_dir.iterdir()):
        found.append(f"vectors in {settings.chroma_dir}")
    if settings.uploads_dir.is_dir() and any(settings.uploads_dir.iterdir()):
        found.append(f"uploads in {settings.uploads_dir}")
    return ", ".join(found) or None


def _fill(store: Any, vectors: Vectors, where: str) -> None:
    ids, matrix, metadatas = vectors
    store.add(ids, matrix, metadatas)
    if store.count() != len(ids):
        raise IndexUnavailableError(f"only {store.count()} of {len(ids)} vectors reached {where}")


def _fill_store(chroma_dir: Path, collection: str, manifest: dict[str, Any],
                vectors: Vectors) -> None:
    """A new embedded chromadb holding the archive's vectors (then released, to be moved)."""
    from index.vector_store import ChromaVectorStore, forget_embedded

    store = ChromaVectorStore.open(chroma_dir, collection, embedder_name=manifest["embedder"],
                                   dimension=manifest.get("dimension", 0))
    try:
        _fill(store, vectors, str(chroma_dir))
    finally:
        forget_embedded(chroma_dir, stop=True)


def _swap_into_server(settings: Settings, manifest: dict[str, Any], vectors: Vectors,
                      swap: Any) -> None:
    """Fill a new collection beside the live one, then rename it into place and the data
    directory with it (``swap``); the old collection is dropped only once both are in place."""
    from index.vector_store import ChromaVectorStore, Collections

    url = settings.chroma_url or ""

    def fill(name: str) -> None:
        store = ChromaVectorStore.open(settings.chroma_dir, name, url=url,
                                       token=settings.chroma_token,
                                       timeout_s=settings.chroma_timeout_s,
                                       embedder_name=manifest["embedder"],
                                       dimension=manifest.get("dimension", 0))
        store.add(*vectors)

    collections = Collections(settings.chroma_dir, url, settings.chroma_token,
                              settings.chroma_timeout_s)
    swap_collection(collections, settings.collection, fill, swap)
