"""`policykb export` / `policykb import`: the whole index as one verified archive.

**Export** takes the ingest lock (the Ingestor's, so no ingest or delete runs meanwhile; the
API keeps answering), copies the catalog with SQLite's online backup API, reads every chunk's
vector and filter metadata through the vector store's API (the embedded client and a chroma
server alike: a copy of chromadb's files under a running process is not guaranteed
consistent, and vectors read through the API can be restored into either kind of store),
adds the BM25 index when it matches the copied catalog (else rebuilds it from that copy) and
the uploaded originals, and writes a manifest with counts and a SHA-256 per member.

**Import** verifies the archive completely (manifest, every checksum, counts, vector shapes)
into a scratch folder beside the data directory before touching anything, refuses an index
built with another embedder (its vectors mean nothing to the configured model) and a target
that already holds an index unless ``force``; then builds the new data directory as a sibling
and swaps it in with one atomic rename. Everything else in the data directory (API keys,
feedback, OCR cache, job records) is carried over into the new one.

API keys (``keys.sqlite3``) are left out unless asked for: an index archive is copied to backup
hosts and handed to other teams, and should not carry credentials with it (even hashed); and a
restore should not bring back keys revoked since the backup was taken.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from core import __version__
from core.errors import IndexUnavailableError, PolicyKBError
from core.settings import Settings
from policykb.archive import ArchiveError, files_under, read_archive, write_archive
from policykb.services import Services, embedder_name

if TYPE_CHECKING:
    from index.vector_store import ChromaVectorStore

CATALOG = "catalog.sqlite3"
VECTORS = "vectors.npy"
VECTOR_IDS = "vectors.jsonl"
KEYS = "keys.sqlite3"
SPARSE = "index/bm25"
UPLOADS = "uploads"
#: what an import replaces in the data directory; everything else there is carried over
INDEX_ENTRIES = {CATALOG, f"{CATALOG}-wal", f"{CATALOG}-shm", "chroma", "index", UPLOADS,
                 ".ingest.lock"}
KEY_ENTRIES = {KEYS, f"{KEYS}-wal", f"{KEYS}-shm"}


def lock_path(settings: Settings) -> Path:
    """The Ingestor's lock (``policykb/services.py``): held, no ingest or delete can run."""
    return settings.data_dir / ".ingest.lock"


@contextmanager
def exclusive(settings: Settings, wait_s: float) -> Iterator[None]:
    """Hold the ingest lock, waiting up to ``wait_s`` seconds for a running ingest to end."""
    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexUnavailableError(
                        f"an ingest or delete is running on {settings.data_dir} (it holds "
                        f"{path}); waited {wait_s:g} s: try again when it has finished, or "
                        "wait longer with --wait") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API, not a file copy)."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# -- export -------------------------------------------------------------------------------


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
            _sqlite_copy(settings.catalog_path, staged / CATALOG)
            copy = Catalog(staged / CATALOG)
            try:
                ids = sorted(copy.all_chunk_ids())
                generation, stats = copy.generation(), copy.stats()
            finally:
                copy.close()
            dimension = _export_vectors(services.store, ids, staged)
            sparse = _export_sparse(settings, staged, generation, ids)
            uploads = _copy_uploads(settings.uploads_dir, staged / UPLOADS)
            if with_keys and settings.keys_path.is_file():
                _sqlite_copy(settings.keys_path, staged / KEYS)
        manifest = {
            "policykb_version": __version__,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data_dir": str(settings.data_dir.resolve()),
            "embedder": embedder_name(settings),
            "dimension": dimension,
            "collection": settings.collection,
            "vector_store": settings.chroma_url or "embedded",
            "generation": generation,
            "sparse_index": sparse,
            "with_keys": (staged / KEYS).exists(),
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

    target = staged / SPARSE
    live = settings.index_dir / "bm25"
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


# -- import -------------------------------------------------------------------------------


def import_index(settings: Settings, archive: Path, *, force: bool = False,
                 with_keys: bool = False, wait_s: float = 300) -> dict[str, Any]:
    """Replace the index of ``settings.data_dir`` by the archive's; returns its manifest."""
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
        ids, vectors, metadatas = _load_vectors(archive, staged, manifest)
        _check_catalog(archive, staged, manifest, ids)
        existing = _existing_index(settings)
        if existing and not force:
            raise PolicyKBError(f"{data_dir} already holds an index ({existing}); give --force "
                                "to replace it")
        new = work / "new"
        new.mkdir()
        for name in (CATALOG, SPARSE, UPLOADS, *([KEYS] if with_keys else [])):
            if (staged / name).exists():
                (new / name).parent.mkdir(parents=True, exist_ok=True)
                os.rename(staged / name, new / name)
        _rebase_roots(new / CATALOG, manifest["data_dir"], str(data_dir))
        with exclusive(settings, wait_s):
            if settings.chroma_url:
                _swap_into_server(settings, manifest, ids, vectors, metadatas,
                                  lambda: _swap_dirs(data_dir, new, with_keys))
            else:
                _fill_store(new / "chroma", settings.collection, manifest, ids, vectors,
                            metadatas)
                _swap_dirs(data_dir, new, with_keys)
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
    wanted = embedder_name(settings)
    if manifest.get("embedder") != wanted:
        raise PolicyKBError(
            f"{archive} was built with embedder {manifest.get('embedder')!r}, but this "
            f"PolicyKB is configured with {wanted!r}: its vectors would mean nothing to that "
            "model. Set POLICYKB_EMBEDDER_PATH to the archive's model, or re-ingest instead")
    if with_keys and KEYS not in manifest["members"]:
        raise PolicyKBError(f"{archive} holds no API keys (it was exported without --with-keys)")


def _load_vectors(archive: Path, staged: Path, manifest: dict[str, Any]
                  ) -> tuple[list[str], np.ndarray, list[dict[str, Any]]]:
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
        catalog = Catalog(staged / CATALOG)
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
    found: list[str] = []
    if settings.catalog_path.is_file():
        conn = sqlite3.connect(settings.catalog_path, timeout=30)
        try:
            documents = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            documents = -1
        finally:
            conn.close()
        if documents:
            found.append(f"{documents} documents" if documents > 0 else "a catalog")
    if settings.chroma_url:
        from index.vector_store import guarded, open_client

        with guarded(settings.chroma_url, "look at the collection"):
            client = open_client(settings.chroma_dir, settings.chroma_url, settings.chroma_token)
            names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
            if settings.collection in names and client.get_collection(settings.collection).count():
                found.append(f"vectors in collection {settings.collection!r} at "
                             f"{settings.chroma_url}")
    elif settings.chroma_dir.is_dir() and any(settings.chroma_dir.iterdir()):
        found.append(f"vectors in {settings.chroma_dir}")
    if settings.uploads_dir.is_dir() and any(settings.uploads_dir.iterdir()):
        found.append(f"uploads in {settings.uploads_dir}")
    return ", ".join(found) or None


def _rebase_roots(catalog_path: Path, old_dir: str, new_dir: str) -> None:
    """Documents ingested from inside the old data directory (uploads) now live in the new
    one: their recorded folder moves with them, so their original files are found."""
    if old_dir == new_dir:
        return
    conn = sqlite3.connect(catalog_path)
    try:
        with conn:
            for doc_id, root in conn.execute("SELECT doc_id, root FROM documents").fetchall():
                if root == old_dir or root.startswith(old_dir.rstrip("/") + "/"):
                    conn.execute("UPDATE documents SET root = ? WHERE doc_id = ?",
                                 (new_dir + root[len(old_dir):], doc_id))
    finally:
        conn.close()


def _fill_store(chroma_dir: Path, collection: str, manifest: dict[str, Any], ids: list[str],
                vectors: np.ndarray, metadatas: list[dict[str, Any]]) -> None:
    """A new embedded chromadb holding the archive's vectors (then released, to be moved)."""
    from index.vector_store import ChromaVectorStore, forget_embedded

    store = ChromaVectorStore.open(chroma_dir, collection, embedder_name=manifest["embedder"],
                                   dimension=manifest.get("dimension", 0))
    try:
        store.add(ids, vectors, metadatas)  # type: ignore[arg-type]
        if store.count() != len(ids):
            raise IndexUnavailableError(f"only {store.count()} of {len(ids)} vectors reached "
                                        f"{chroma_dir}")
    finally:
        forget_embedded(chroma_dir, stop=True)


def _swap_into_server(settings: Settings, manifest: dict[str, Any], ids: list[str],
                      vectors: np.ndarray, metadatas: list[dict[str, Any]],
                      swap_dirs: Any) -> None:
    """Fill a new collection beside the live one, then rename it into place and the data
    directory with it; the old collection is dropped only once both are in place."""
    from index.vector_store import ChromaVectorStore, guarded, open_client

    url, name = settings.chroma_url or "", settings.collection
    stamp = time.strftime("%Y%m%d%H%M%S")
    incoming, retired = f"{name}.import-{stamp}", f"{name}.replaced-{stamp}"
    store = ChromaVectorStore.open(settings.chroma_dir, incoming, url=url,
                                   token=settings.chroma_token,
                                   embedder_name=manifest["embedder"],
                                   dimension=manifest.get("dimension", 0))
    client = open_client(settings.chroma_dir, url, settings.chroma_token)
    try:
        store.add(ids, vectors, metadatas)  # type: ignore[arg-type]
        with guarded(url, "swap in the imported collection"):
            names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
            if name in names:
                client.get_collection(name).modify(name=retired)
            client.get_collection(incoming).modify(name=name)
    except BaseException:
        with suppress(PolicyKBError), guarded(url, "remove the half-imported collection"):
            client.delete_collection(incoming)  # best effort: the first error is the news
        raise
    try:
        swap_dirs()
    except BaseException:
        with suppress(PolicyKBError), guarded(url, "put the old collection back"):
            client.get_collection(name).modify(name=incoming)
            if retired in {c if isinstance(c, str) else c.name for c in client.list_collections()}:
                client.get_collection(retired).modify(name=name)
            client.delete_collection(incoming)
        raise
    with guarded(url, "drop the replaced collection"):
        if retired in {c if isinstance(c, str) else c.name for c in client.list_collections()}:
            client.delete_collection(retired)


def _swap_dirs(data_dir: Path, new: Path, with_keys: bool) -> None:
    """Carry what is not index over from ``data_dir`` into ``new``, then exchange the two."""
    from index.vector_store import forget_embedded

    keep_out = INDEX_ENTRIES | (KEY_ENTRIES if with_keys else set())
    moved: list[str] = []
    try:
        for entry in sorted(os.listdir(data_dir)) if data_dir.is_dir() else []:
            if entry not in keep_out and not (new / entry).exists():
                os.rename(data_dir / entry, new / entry)
                moved.append(entry)
        _exchange(new, data_dir)
    except BaseException:
        for entry in moved:
            os.rename(new / entry, data_dir / entry)
        raise
    forget_embedded(data_dir / "chroma")  # this process must not reuse the replaced files


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> None:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE), so the data
    directory is never missing; where the filesystem cannot, two renames."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None and b.exists():
        renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                              ctypes.c_uint]
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(b))
    if not b.exists():
        os.rename(a, b)
        return
    aside = a.with_name(a.name + ".previous")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)
