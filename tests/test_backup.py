"""`policykb export` / `policykb import` on the real stack: a restore drill (export the sample
index, import it into a fresh data dir, same documents, chunks and search results), damaged
archives refused with the target untouched, the ingest lock respected, uploads and keys, and a
migration from the embedded store to a `chroma run` server."""

from __future__ import annotations

import fcntl
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from api.keys import KeyStore, Role
from core.errors import IndexUnavailableError, PolicyKBError
from core.settings import Settings
from index.sparse import SparseIndex
from policykb.archive import ArchiveError, sha256_of
from policykb.backup import export_index, lock_path
from policykb.restore import import_index
from policykb.services import Services

QUERIES = ["which policies cover cybersecurity capacity building?",
           "ការកសាងសមត្ថភាពសន្តិសុខសាយប័រ",
           "digital government action plan",
           "meeting of the ministry on the ICT plan"]


def fresh(data_dir: Path, embedder: Any, **settings: Any) -> Services:
    services = Services(Settings(data_dir=data_dir, ocr_enabled=False, _env_file=None,
                                 **settings), model=embedder)
    return services


def ingest_note(services: Services, folder: Path, name: str, text: str) -> None:
    """Index one small Markdown document, so a target index is not empty."""
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    assert not services.ingestor.ingest([folder]).failed


def snapshot(services: Services) -> dict[str, Any]:
    """What a user sees of an index: documents, chunks per document, counts, answers."""
    docs = services.catalog.documents()
    return {
        "documents": [d.to_dict() for d in docs],
        "chunks": {d.doc_id: [(c.chunk_id, c.text) for c in services.catalog.chunks_of(d.doc_id)]
                   for d in docs},
        "stats": services.catalog.stats(),
        "vectors": services.store.count(),
        "search": {q: [(h.chunk_id, round(h.scores.fused, 6), round(h.scores.dense or 0, 5))
                       for h in services.searcher.search(q, k=8).hits] for q in QUERIES},
    }


@pytest.fixture(scope="module")
def exported(sample_services: Services, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Path, dict[str, Any]]:
    archive = tmp_path_factory.mktemp("backup") / "policykb.tar.gz"
    return archive, export_index(sample_services, archive)


def test_restore_drill_gives_the_same_index(exported, sample_services, embedder,
                                            tmp_path: Path) -> None:
    archive, manifest = exported
    stats = sample_services.catalog.stats()
    assert manifest["counts"]["documents"] == stats["documents"] >= 7
    assert manifest["counts"]["chunks"] == manifest["counts"]["vectors"] == stats["chunks"]
    assert manifest["embedder"] == "all-MiniLM-L6-v2" and manifest["dimension"] == 384
    assert manifest["generation"] == sample_services.catalog.generation()
    assert {"catalog.sqlite3", "vectors.npy", "vectors.jsonl"} <= set(manifest["members"])
    assert any(m.startswith("index/bm25/") for m in manifest["members"])
    assert "keys.sqlite3" not in manifest["members"] and manifest["with_keys"] is False
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())
    assert not [p for p in archive.parent.iterdir() if p.name != archive.name]  # no leftovers

    restored = fresh(tmp_path / "restored", embedder)
    import_index(restored.settings, archive)
    assert snapshot(restored) == snapshot(sample_services)
    # The sparse index came from the archive (same generation, same files), not rebuilt.
    bm25 = tmp_path / "restored" / "index" / "bm25"
    assert SparseIndex.load(bm25).generation == manifest["generation"]
    assert all(sha256_of(bm25 / name.removeprefix("index/bm25/")) == member["sha256"]
               for name, member in manifest["members"].items() if name.startswith("index/bm25/"))


def test_import_refuses_an_existing_index_without_force(exported, embedder,
                                                        tmp_path: Path) -> None:
    archive, manifest = exported
    target = fresh(tmp_path / "data", embedder)
    ingest_note(target, tmp_path / "corpus", "towers.md",
                "# Towers\n\nOperators share telecom towers.\n")
    KeyStore(target.settings.keys_path).create(Role.admin, "ops")
    (tmp_path / "data" / "feedback.jsonl").write_text('{"id": "a"}\n', encoding="utf-8")

    with pytest.raises(PolicyKBError, match="already holds an index .*--force"):
        import_index(target.settings, archive)
    assert [d.doc_id for d in target.catalog.documents()] == ["towers.md"]

    import_index(target.settings, archive, force=True)
    replaced = fresh(tmp_path / "data", embedder)
    assert replaced.catalog.stats()["documents"] == manifest["counts"]["documents"]
    assert replaced.catalog.get_document("towers.md") is None
    assert replaced.store.count() == manifest["counts"]["vectors"]  # the old vectors are gone
    # Not part of the index: carried over into the new data directory.
    assert [k.name for k in KeyStore(replaced.settings.keys_path).list()] == ["ops"]
    assert (tmp_path / "data" / "feedback.jsonl").read_text(encoding="utf-8") == '{"id": "a"}\n'
    assert not [p for p in tmp_path.iterdir() if ".import-" in p.name]


def corrupt_copies(archive: Path, folder: Path) -> dict[str, Path]:
    """The same archive damaged three ways."""
    raw = archive.read_bytes()
    flipped = bytearray(raw)
    for i in range(len(raw) // 2, len(raw) // 2 + 64):
        flipped[i] ^= 0xFF
    copies = {"flipped": bytes(flipped), "truncated": raw[: len(raw) * 2 // 3]}
    # Well-formed gzip and tar, original manifest, one member changed: only checksums see it.
    out = io.BytesIO()
    with tarfile.open(archive, "r:gz") as source, tarfile.open(fileobj=out, mode="w:gz") as tar:
        for member in source:
            data = source.extractfile(member).read() if member.isfile() else b""
            if member.name == "vectors.jsonl":
                data = data.replace(b'"language": "en"', b'"language": "km"', 1)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    copies["tampered"] = out.getvalue()
    paths = {}
    for name, data in copies.items():
        paths[name] = folder / f"{name}.tar.gz"
        paths[name].write_bytes(data)
    return paths


def test_a_damaged_archive_is_refused_and_the_target_untouched(exported, embedder,
                                                               tmp_path: Path) -> None:
    archive, _ = exported
    target = fresh(tmp_path / "data", embedder)
    ingest_note(target, tmp_path / "corpus", "spectrum.md",
                "# Spectrum\n\nThe regulator auctions 5G spectrum.\n")
    before = {p: p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file()}
    for kind, bad in corrupt_copies(archive, tmp_path).items():
        with pytest.raises(ArchiveError) as info:
            import_index(target.settings, bad, force=True)
        message = str(info.value)
        assert str(bad) in message, kind
        if kind == "tampered":
            assert "vectors.jsonl" in message and "checksum" in message
        after = {p: p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file()}
        assert after == before, kind
    assert not [p for p in tmp_path.iterdir() if ".import-" in p.name]
    assert [h.doc_id for h in target.searcher.search("5G spectrum auction", k=3).hits] == [
        "spectrum.md"]


def test_an_archive_from_another_embedder_is_refused(exported, embedder, tmp_path: Path) -> None:
    archive, _ = exported
    model = tmp_path / "multilingual-e5-small"
    model.mkdir()
    settings = Settings(data_dir=tmp_path / "data", embedder_path=str(model), _env_file=None)
    with pytest.raises(PolicyKBError, match="all-MiniLM-L6-v2.*multilingual-e5-small"):
        import_index(settings, archive)
    assert not (tmp_path / "data").exists()


def test_export_waits_for_a_running_ingest_or_says_so(sample_services, tmp_path: Path) -> None:
    lock = lock_path(sample_services.settings)
    archive = tmp_path / "out" / "backup.tar.gz"
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # what a running ingest holds
        try:
            with pytest.raises(IndexUnavailableError) as info:
                export_index(sample_services, archive, wait_s=0.5)
            assert "an ingest or delete is running" in str(info.value) and str(lock) in str(
                info.value)
            assert not archive.exists() and not list(archive.parent.iterdir())
            release = threading.Timer(1.5, fcntl.flock, (held, fcntl.LOCK_UN))
            release.start()
            started = time.monotonic()
            manifest = export_index(sample_services, archive, wait_s=60)
            waited = time.monotonic() - started
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    assert waited >= 1.4 and archive.is_file()
    assert manifest["counts"]["documents"] == sample_services.catalog.stats()["documents"]


def test_uploads_and_keys_travel_only_when_asked(embedder, tmp_path: Path) -> None:
    source = fresh(tmp_path / "src", embedder)
    uploads = source.settings.uploads_dir
    uploads.mkdir(parents=True)
    (uploads / "upload_note.md").write_text("# Note\n\nRural broadband vouchers for farmers.\n",
                                            encoding="utf-8")
    (uploads / ".incoming").mkdir()
    (uploads / ".incoming" / "half.pdf").write_bytes(b"%PDF-1.4 half")
    assert not source.ingestor.ingest([uploads / "upload_note.md"]).failed
    KeyStore(source.settings.keys_path).create(Role.admin, "admin")

    plain = export_index(source, tmp_path / "plain.tar.gz")
    assert "uploads/upload_note.md" in plain["members"] and plain["counts"]["uploads"] == 1
    assert not any(".incoming" in m for m in plain["members"]) and "keys.sqlite3" not in plain[
        "members"]
    target = fresh(tmp_path / "dst", embedder)
    with pytest.raises(PolicyKBError, match="holds no API keys"):
        import_index(target.settings, tmp_path / "plain.tar.gz", with_keys=True)

    export_index(source, tmp_path / "keys.tar.gz", with_keys=True)
    import_index(target.settings, tmp_path / "keys.tar.gz", with_keys=True)
    restored = fresh(tmp_path / "dst", embedder)
    assert [k.name for k in KeyStore(restored.settings.keys_path).list()] == ["admin"]
    doc = restored.catalog.get_document("upload_note.md")
    assert doc is not None and Path(doc.root) == (tmp_path / "dst" / "uploads").resolve()
    assert (Path(doc.root) / doc.source).read_text(encoding="utf-8").startswith("# Note")
    assert [h.doc_id for h in restored.searcher.search("broadband vouchers", k=1).hits] == [
        "upload_note.md"]


def test_migrate_from_the_embedded_store_to_a_chroma_server(exported, sample_services, embedder,
                                                            chroma_server, tmp_path: Path) -> None:
    archive, manifest = exported
    remote = dict(chroma_url=chroma_server.url, collection="migrated")
    target = fresh(tmp_path / "data", embedder, **remote)
    import_index(target.settings, archive)
    migrated = fresh(tmp_path / "data", embedder, **remote)
    assert not migrated.settings.chroma_dir.exists()
    assert snapshot(migrated) == snapshot(sample_services)

    # Importing again replaces the server's collection in one swap; no stray collections.
    import_index(migrated.settings, archive, force=True)
    again = fresh(tmp_path / "data", embedder, **remote)
    assert again.store.count() == manifest["counts"]["vectors"]
    from index.vector_store import open_client

    client = open_client(tmp_path, chroma_server.url, None)
    names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
    assert {n for n in names if n.startswith("migrated")} == {"migrated"}


def test_export_and_import_from_the_command_line(exported, tmp_path: Path) -> None:
    archive, manifest = exported
    env = {**os.environ, "POLICYKB_OCR_ENABLED": "false"}

    def policykb(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "policykb", "--data-dir",
                               str(tmp_path / "data"), *args], env=env, capture_output=True,
                              text=True, timeout=300)

    done = policykb("import", str(archive))
    assert done.returncode == 0, done.stderr
    assert f"imported {manifest['counts']['documents']} documents" in done.stdout
    again = policykb("import", str(archive))
    assert again.returncode == 1 and "--force" in again.stderr and "Traceback" not in again.stderr
    out = tmp_path / "again.tar.gz"
    exported_again = policykb("export", str(out))
    assert exported_again.returncode == 0, exported_again.stderr
    assert f"exported {manifest['counts']['documents']} documents" in exported_again.stdout
    vectors = []
    for path in (archive, out):
        with tarfile.open(path) as tar:
            vectors.append(np.load(io.BytesIO(tar.extractfile("vectors.npy").read())))
            second = json.loads(tar.extractfile("manifest.json").read())
    assert second["members"]["vectors.jsonl"] == manifest["members"]["vectors.jsonl"]
    # chromadb renormalises cosine vectors on the way in: the last bit may move, no more.
    np.testing.assert_allclose(vectors[0], vectors[1], rtol=0, atol=1e-7)
    missing = policykb("import", str(tmp_path / "nope.tar.gz"), "--force")
    assert missing.returncode == 1 and "nope.tar.gz" in missing.stderr
