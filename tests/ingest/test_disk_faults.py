"""Disk faults on the real stack: a read-only data directory, a file size limit (EFBIG) and a
full disk (ENOSPC). Each ingest runs as `policykb ingest` in a child process under the fault;
afterwards the index opens, the old documents answer, no half document is visible, and a
re-run without the fault ingests the new document.

The faults are real, not mocked: a read-only bind mount or a small tmpfs in a private mount
namespace (``unshare -m``, so nothing leaks to the host if the test dies), and RLIMIT_FSIZE.
"""

from __future__ import annotations

import errno
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO

BASE = "# Broadband Plan\n\nStrategy 1: fibre reaches every district office by 2027.\n"
BASE_QUERY = "fibre for district offices"
WORDS = ("ministry digital policy strategy cybersecurity training province officials data "
         "protection services infrastructure").split()


def big_document(folder: Path, sections: int = 80) -> Path:
    """~80 KB of Markdown in 80 sections (~80 chunks): more new rows and vectors than the
    faults below leave room for, and quick to embed."""
    rng = random.Random(7)
    folder.mkdir(parents=True)
    sections = [f"## Section {i}\n\n" + " ".join(rng.choice(WORDS) for _ in range(120)) + "."
                for i in range(sections)]
    path = folder / "big_plan.md"
    path.write_text("# Big plan\n\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
    return path


def indexed(tmp_path: Path, make_services, data: Path):
    from core.settings import Settings

    (tmp_path / "base").mkdir(exist_ok=True)
    (tmp_path / "base" / "base.md").write_text(BASE, encoding="utf-8")
    services = make_services(Settings(data_dir=data, ocr_enabled=False, _env_file=None))
    assert not services.ingestor.ingest([tmp_path / "base"]).failed
    return services


def snapshot(services) -> tuple[list, list, set]:
    docs = sorted((d.doc_id, d.file_hash, d.n_chunks) for d in services.catalog.documents())
    chunks = sorted(c.chunk_id for c in services.catalog.iter_chunks())
    return docs, chunks, services.store.all_ids()


def assert_whole_and_answering(services, docs: list) -> None:
    """Exactly ``docs`` are visible, each with all its chunks and their vectors, and the base
    document answers its query."""
    assert sorted((d.doc_id, d.file_hash, d.n_chunks) for d in services.catalog.documents()) == docs
    vectors = services.store.all_ids()
    for doc_id, _, n_chunks in docs:
        chunks = services.catalog.chunks_of(doc_id)
        assert len(chunks) == n_chunks and {c.chunk_id for c in chunks} <= vectors
    assert services.searcher.search(BASE_QUERY, k=1).hits[0].doc_id == "base.md"


def cli_env(data: Path) -> dict[str, str]:
    return {**os.environ, "POLICYKB_DATA_DIR": str(data), "POLICYKB_OCR_ENABLED": "false",
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "COLUMNS": "10000"}


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=240)


def mount_namespaces() -> bool:
    """True when this process may mount in a private mount namespace (root with CAP_SYS_ADMIN)."""
    try:
        return subprocess.run(["unshare", "-m", "--propagation", "private", "mount", "-t", "tmpfs",
                               "-o", "size=64k", "tmpfs", "/mnt"], capture_output=True,
                              timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def assert_clean_failure(proc: subprocess.CompletedProcess, *needles: str) -> str:
    message = " ".join(proc.stderr.split())
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


# -- read-only data directory ---------------------------------------------------------------


def test_read_only_data_dir_is_refused_by_name_and_nothing_changes(tmp_path, make_services):
    data = tmp_path / "data"
    services = indexed(tmp_path, make_services, data)
    before = snapshot(services)
    new = big_document(tmp_path / "new").parent
    ingest = [sys.executable, "-m", "policykb", "ingest", str(new)]
    if mount_namespaces():  # a read-only bind mount of the data dir, for this child only
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c",
               'mount --bind -o ro "$1" "$1" && shift && exec "$@"', "sh", str(data), *ingest]
        proc = run(cmd, cli_env(data))
    elif os.geteuid() != 0:  # an ordinary user cannot write a directory without the w bit
        modes = {p: p.stat().st_mode for p in [data, *data.rglob("*")]}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            proc = run(ingest, cli_env(data))
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
    else:
        pytest.skip("root without mount namespaces: no way to make a directory read-only here")

    assert_clean_failure(proc, f"the data directory {data} is read-only", "nothing was changed")
    assert snapshot(services) == before
    assert_whole_and_answering(services, before[0])
    report = services.ingestor.ingest([new])  # writable again: the document goes in
    assert [o.source for o in report.indexed] == ["big_plan.md"] and not report.failed


def test_check_writable_names_the_directory(tmp_path):
    """Without a mount: the check reads the file system's read-only flag and the access bits."""
    from core.errors import IndexUnavailableError
    from ingest.pipeline import check_writable

    check_writable(tmp_path / "not" / "yet" / "created")  # a new data dir under a writable parent
    if os.geteuid() == 0:
        assert os.access(tmp_path, os.W_OK)  # root writes anyway: the mount test covers it
        return
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(IndexUnavailableError, match=rf"{tmp_path} is read-only .*not writable"):
            check_writable(tmp_path)
    finally:
        tmp_path.chmod(0o755)


# -- disk full ------------------------------------------------------------------------------


def test_file_size_limit_stops_the_ingest_cleanly_and_a_rerun_finishes(tmp_path, make_services):
    """RLIMIT_FSIZE just above the largest index file, SIGXFSZ ignored: writes fail with EFBIG
    (SQLite reports "disk I/O error") in the middle of storing the new document's vectors."""
    data = tmp_path / "data"
    services = indexed(tmp_path, make_services, data)
    before = snapshot(services)
    new = big_document(tmp_path / "new").parent
    limit = max(p.stat().st_size for p in data.rglob("*") if p.is_file()) + 16 * 1024
    launcher = ("import os, resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
                f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
                "os.execv(sys.executable, [sys.executable, '-m', 'policykb', 'ingest', sys.argv[1]])")
    proc = run([sys.executable, "-c", launcher, str(new)], cli_env(data))

    assert_clean_failure(proc, f"cannot write the index in {data}", "file too large",
                         "the documents indexed before are unchanged")
    assert_whole_and_answering(services, before[0])  # no half document: big_plan.md is absent
    report = services.ingestor.ingest([new])
    assert [o.source for o in report.indexed] == ["big_plan.md"] and not report.failed
    assert services.store.all_ids() == services.catalog.all_chunk_ids()  # orphans swept
    assert_whole_and_answering(services, snapshot(services)[0])


def test_full_disk_stops_the_ingest_cleanly_and_a_rerun_finishes(tmp_path, make_services):
    """A real ENOSPC: the index copied onto a tmpfs with ~64 KB to spare, in a private mount
    namespace; what the failed ingest left is copied back out and opened here."""
    if not mount_namespaces():
        pytest.skip("no mount namespaces here; the file size limit test covers EFBIG")
    from core.settings import Settings

    data = tmp_path / "data"
    services = indexed(tmp_path, make_services, data)
    before = snapshot(services)
    services.catalog.close()  # checkpoint-free copy: nothing is writing
    new = big_document(tmp_path / "new").parent
    full, after = tmp_path / "full", tmp_path / "after"
    full.mkdir()
    used_kb = sum(p.stat().st_size for p in data.rglob("*") if p.is_file()) // 1024
    script = ('mount -t tmpfs -o size="$1"k tmpfs "$2" && cp -a "$3/." "$2/" && '
              '"$5" -m policykb ingest "$6"; rc=$?; cp -a "$2/." "$4/"; exit $rc')
    proc = run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                str(used_kb + 128), str(full), str(data), str(after), sys.executable, str(new)],
               cli_env(full))

    assert_clean_failure(proc, f"cannot write the index in {full}", "the disk is full")
    with sqlite3.connect(after / "catalog.sqlite3") as conn:  # the copy is a sound database
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reopened = make_services(Settings(data_dir=after, ocr_enabled=False, _env_file=None))
    assert_whole_and_answering(reopened, before[0])
    report = reopened.ingestor.ingest([new])
    assert [o.source for o in report.indexed] == ["big_plan.md"] and not report.failed
    assert reopened.store.all_ids() == reopened.catalog.all_chunk_ids()


# -- the mapping itself ---------------------------------------------------------------------


@pytest.mark.parametrize(("exc", "cause"), [
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
    (OSError(errno.EROFS, "Read-only file system"), "the data directory is read-only"),
    (OSError(errno.EACCES, "Permission denied"), "permission denied"),
    (sqlite3.OperationalError("database or disk is full"), "the disk is full"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
])
def test_storage_errors_name_the_data_dir_and_the_cause(tmp_path, exc, cause):
    from ingest.pipeline import storage_failure

    wrapped = RuntimeError("the vector store failed to store vectors")
    wrapped.__cause__ = exc
    mapped = storage_failure(wrapped, tmp_path)
    assert mapped is not None and str(mapped).startswith(f"cannot write the index in {tmp_path}: ")
    assert cause in str(mapped)
    assert storage_failure(ValueError("a bug of ours"), tmp_path) is None
