"""`policykb export`: the whole index as one verified archive, taken while the server runs.

Export takes the ingest lock (so no ingest or delete runs meanwhile; the API keeps
answering), copies the catalog with SQLite's online backup (``Catalog.snapshot_to``), reads
every chunk's vector and filter metadata through the vector store's API (the embedded client
and a chroma server alike: a copy of chromadb's files under a running process is not
guaranteed consistent, and vectors read through the API can be restored into either kind of
store), adds the BM25 index when it matches the copied catalog (else rebuilds it from that
copy) and the uploaded originals, and writes a manifest with counts and a SHA-256 per member.

API keys (``keys.sqlite3``) are left out unless asked for: an index archive is copied to backup
hosts and handed to other teams, and should not carry credentials with it (even hashed); and a
restore should not bring back keys revoked since the backup was taken.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from core import __version__, layout
from core.errors import IndexUnavailableError, PolicyKBError
from core.layout import IngestLock, LockTimeoutError
from core.settings import Settings
from core.sqlite import copy_database
from policykb.archive import files_under, write_archive
from policykb.services import Services

if TYPE_CHECKING:
    from index.vector_store import ChromaVectorStore

#: Archive members beside the data directory's own layout (``core/layout.py``).
VECTORS = "vectors.npy"
VECTOR_IDS = "vectors.jsonl"


def lock_path(settings: Settings) -> Path:
    """The Ingestor's lock: held, no ingest or delete can run."""
    return settings.layout.ingest_lock


@contextmanager
def exclusive(settings: Settings, wait_s: float) -> Iterator[None]:
    """Hold the ingest lock, waiting up to ``wait_s`` seconds for a running ingest to end."""
    path = lock_path(settings)
    try:
        with IngestLock(path).hold(wait_s=wait_s):
            yield
    except LockTimeoutError:
        raise IndexUnavailableError(
            f"an ingest or delete is running on {settings.data_dir} (it holds "
            f"{path}); waited {wait_s:g} s: try again when it has finished, or "
            "wait longer with --wait") from None


def export_index(services: Services, archive: Path, *, wait_s: float = 300,
                 with_keys: bool = False) -> dict[str, Any]:
    """Write the whole index of ``services`` to ``archive``; returns the manifest."""
    from index.catalog import Catalog

    settings = services.settings
    if not settings.catalog_path.is_file():
        raise PolicyKBError(f"no index at {settings.data_dir} to export")
    archive = archive.resolve()
    archive.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=".policykb-export-", dir=archive.parent))
    try:
        with exclusive(settings, wait_s):
            services.catalog.snapshot_to(staged / layout.CATALOG)
            copy = Catalog(staged / layout.CATALOG)
            try:
                ids = sorted(copy.all_chunk_ids())
                generation, stats = copy.generation(), copy.stats()
            finally:
                copy.close()
            dimension = _export_vectors(services.store, ids, staged)
            sparse = _export_sparse(settings, staged, generation, ids)
            uploads = _copy_uploads(settings.uploads_dir, staged / layout.UPLOADS)
            if with_keys and settings.keys_path.is_file():
                copy_database(settings.keys_path, staged / layout.KEYS)
        manifest = {
            "policykb_version": __version__,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data_dir": str(settings.data_dir.resolve()),
            "embedder": settings.embedder_name,
            "dimension": dimension,
            "collection": settings.collection,
            "vector_store": settings.chroma_url or "embedded",
            "generation": generation,
            "sparse_index": sparse,
            "with_keys": (staged / layout.KEYS).exists(),
            "counts": {"documents": stats["documents"], "pages": stats["pages"],
                       "chunks": stats["chunks"], "vectors": len(ids), "uploads": uploads},
        }
        return write_archive(archive, staged, manifest)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _export_vectors(store: ChromaVectorStore, ids: list[str], staged: Path) -> int:
    """Every chunk's vector (``vectors.npy``, float32, rows in ``vectors.jsonl`` order) and
    filter metadata; the catalog decides which vectors exist (orphans are left behind)."""
    rows = store.rows(ids)
    if len(rows) != len(ids):
        found = {chunk_id for chunk_id, _, _ in rows}
        missing = [i for i in ids if i not in found]
        raise IndexUnavailableError(
            f"{len(missing)} of {len(ids)} chunks have no vector in the store at {store.where} "
            f"(first: {missing[0]}): re-ingest those documents before exporting")
    matrix = (np.stack([vector for _, vector, _ in rows]).astype(np.float32) if rows
              else np.zeros((0, 0), dtype=np.float32))
    np.save(staged / VECTORS, matrix, allow_pickle=False)
    with (staged / VECTOR_IDS).open("w", encoding="utf-8") as handle:
        for chunk_id, _, metadata in rows:
            handle.write(json.dumps({"id": chunk_id, "metadata": metadata},
                                    ensure_ascii=False, sort_keys=True) + "\n")
    return int(matrix.shape[1]) if rows else 0


def _export_sparse(settings: Settings, staged: Path, generation: str, ids: list[str]) -> str:
    """The BM25 index for exactly the copied catalog: the live one when it matches (same
    generation, same chunks), else rebuilt from the copy. Returns which it was."""
    from index.sparse import SparseIndex

    def matches(folder: Path) -> bool:
        index = SparseIndex.load(folder)
        return (index is not None and index.generation == generation
                and sorted(index.chunk_ids) == ids)

    target = staged / layout.SPARSE
    live = settings.layout.sparse
    if matches(live):
        try:
            shutil.copytree(live, target)
            if matches(target):  # a worker may have swapped it in the meantime
                return "copied"
        except OSError:
            pass
        shutil.rmtree(target, ignore_errors=True)
    rebuilt = Services(settings.model_copy(update={"data_dir": staged}))
    try:
        rebuilt.sparse.current()
    finally:
        rebuilt.catalog.close()
    return "rebuilt"


def _copy_uploads(source: Path, target: Path) -> int:
    """Uploaded originals (not half-received ``.incoming`` files)."""
    if not source.is_dir():
        return 0
    count = 0
    for name, path in files_under(source).items():
        if name.split("/", 1)[0] == ".incoming":
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / name)
        count += 1
    return count
