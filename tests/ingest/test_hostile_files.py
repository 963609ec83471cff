"""The hostile-input suite: every input of tests/support/hostile.py, ingested next to a good
file on top of an indexed document, on the real stack (loaders, MiniLM, chromadb, SQLite).

Each hostile file must be reported as failed with its path and a specific reason (not a
traceback), in bounded time and memory, while the good file is indexed and the document indexed
before stays as it was and searchable. The bombs run in a child process whose address space is
capped a little above what the model needs, so an escaped bomb fails the test, not the machine.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.hostile import HOSTILE, READABLE, Hostile
from tests.support.paths import REPO

BASE_TEXT = """# Community Technology Centres

Strategy 1: community technology centres open in every high school of the kingdom.

Strategy 2: each centre lends tablets to pupils and trains their teachers.
"""
BASE_QUERY = "technology centres in high schools lending tablets"
MAX_SECONDS = 20.0  # per hostile file, the ingest around it included
MAX_EXTRA_MB = 1024  # peak resident memory a bomb may add to the ingest process
BOMBS = [h for h in HOSTILE if h.bomb]
IN_PROCESS = [h for h in HOSTILE if not h.bomb]


def good_file(folder: Path, case: str) -> Path:
    path = folder / f"good_{re.sub(r'[^a-z0-9]', '_', case)}.txt"
    path.write_text(f"Meeting note {case}: the working group approved the broadband plan for "
                    "rural provinces.\n", encoding="utf-8")
    return path


def batch(root: Path, case: Hostile) -> tuple[Path, Path, Path]:
    """A folder holding the hostile file and one good file."""
    folder = root / re.sub(r"[^a-z0-9]", "_", case.name)
    folder.mkdir(parents=True)
    return folder, case.make(folder / case.name), good_file(folder, case.name)


def base_snapshot(services) -> tuple[list[str], int]:
    chunks = [c.chunk_id for c in services.catalog.chunks_of("base.md")]
    vectors = services.store.vectors(chunks)
    assert set(vectors) == set(chunks) and chunks, "the base document lost chunks or vectors"
    top = services.searcher.search(BASE_QUERY, k=3).hits
    assert top and top[0].doc_id == "base.md", "the base document is no longer found"
    return chunks, services.catalog.get_document("base.md").n_chunks


def check_outcome(case: Hostile, summary: dict, path: Path, good: Path) -> None:
    """The hostile file failed by name for the expected reason (or, if readable, was indexed);
    the good file next to it was indexed."""
    failed = {f["path"]: f["reason"] for f in summary["failed"]}
    indexed = set(summary["indexed"])
    assert good.name in indexed, f"the good file was not indexed: {summary}"
    if not case.reason:
        assert path.name in indexed, f"{case.name} should have been indexed: {failed}"
        return
    assert str(path) in failed, f"{case.name} is not reported as failed: {summary}"
    reason = failed[str(path)]
    assert str(path) in reason, reason
    assert re.search(case.reason, reason), f"{case.name}: unexpected reason {reason!r}"
    assert "Traceback" not in reason and '  File "' not in reason and len(reason) < 600, reason


def summarize(report) -> dict:
    return {"failed": report.summary()["failed"], "indexed": [o.source for o in report.indexed]}


# -- in-process: the inputs that are cheap to refuse ------------------------------------------


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, embedder):
    """Services over an index holding base.md (module scope: each case adds one good file)."""
    from core.settings import Settings
    from policykb.services import Services

    root = tmp_path_factory.mktemp("hostile-index")
    (root / "base").mkdir()
    (root / "base" / "base.md").write_text(BASE_TEXT, encoding="utf-8")
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None), model=embedder)
    assert not services.ingestor.ingest([root / "base"]).failed
    return services, base_snapshot(services)


@pytest.mark.parametrize("case", IN_PROCESS + READABLE, ids=lambda h: h.name)
def test_hostile_file_fails_by_name_and_the_index_is_untouched(case, indexed, tmp_path):
    services, base = indexed
    folder, path, good = batch(tmp_path, case)
    documents, vectors = len(services.catalog.documents()), services.store.count()

    started = time.perf_counter()
    report = services.ingestor.ingest([folder])
    elapsed = time.perf_counter() - started

    assert elapsed < MAX_SECONDS, f"{case.name}: {elapsed:.1f} s"
    check_outcome(case, summarize(report), path, good)
    assert base_snapshot(services) == base
    added = report.indexed
    assert len(services.catalog.documents()) == documents + sum(o.documents for o in added)
    assert services.store.count() == vectors + sum(o.chunks for o in added)


class AppendingLoader:
    """The real loader, plus a concurrent writer simulated deterministically: right after the
    loader has read ``target`` something appends to it (or replaces it), as an editor saving or
    a copy still running would."""

    def __init__(self, inner, target: Path, replace: bool) -> None:
        self.inner, self.target, self.replace = inner, target, replace

    def supports(self, path: Path) -> bool:
        return self.inner.supports(path)

    def load(self, path: Path):
        docs = self.inner.load(path)
        if Path(path) == self.target:
            if self.replace:  # same size, new inode: a save by rename
                fresh = self.target.with_suffix(".tmp")
                fresh.write_bytes(self.target.read_bytes().replace(b"rural", b"urban"))
                os.replace(fresh, self.target)
            else:
                with self.target.open("a", encoding="utf-8") as handle:
                    handle.write("A sentence appended while the file was being read.\n")
        return docs


@pytest.mark.parametrize("replace", [False, True], ids=["appended", "replaced"])
def test_file_that_changes_while_it_is_read_is_refused(replace, indexed, tmp_path):
    services, base = indexed
    folder = tmp_path / "changing"
    folder.mkdir()
    changing = good_file(folder, f"changing {replace}")
    good = good_file(folder, f"steady {replace}")
    real = services.ingestor.loader
    services.ingestor.loader = AppendingLoader(real, changing, replace)
    try:
        report = services.ingestor.ingest([folder])
    finally:
        services.ingestor.loader = real
    (failure,) = report.summary()["failed"]
    assert failure["path"] == str(changing)
    assert failure["reason"].startswith(f"{changing}: the file changed while it was being read")
    assert [o.source for o in report.indexed] == [good.name]
    assert services.catalog.get_document(changing.name) is None
    assert base_snapshot(services) == base
    again = services.ingestor.ingest([folder])  # once the writer is done, it goes in
    assert [o.source for o in again.indexed] == [changing.name]


# -- the bombs: in a child process with a capped address space ---------------------------------


def bomb_worker(spec_file: str) -> None:
    """Child process: ingest base.md, cap the address space at the model's size + 2 GiB, then
    ingest each bomb's folder; print one JSON line per bomb with its time and peak memory."""
    import resource

    from core.settings import Settings
    from policykb.services import Services

    def status(key: str) -> int:
        text = Path("/proc/self/status").read_text()
        return int(re.search(rf"^{key}:\s+(\d+) kB", text, re.M).group(1)) * 1024

    spec = json.loads(Path(spec_file).read_text())
    services = Services(Settings(data_dir=Path(spec["data_dir"]), ocr_enabled=False, _env_file=None))
    services.ingestor.ingest([Path(spec["base"])])
    print(json.dumps({"base": base_snapshot(services)}), flush=True)
    cap = status("VmSize") + 2 * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    for case in spec["cases"]:
        Path("/proc/self/clear_refs").write_text("5")  # restart the peak-RSS count (VmHWM)
        resident = status("VmRSS")
        started = time.perf_counter()
        report = services.ingestor.ingest([Path(case["folder"])])
        print(json.dumps({
            "name": case["name"], "seconds": time.perf_counter() - started,
            "extra_mb": (status("VmHWM") - resident) / 2**20, **summarize(report),
            "base": base_snapshot(services),
        }), flush=True)


@pytest.fixture(scope="module")
def bomb_results(tmp_path_factory):
    """Run every bomb through one child process (one model load); results by bomb name."""
    root = tmp_path_factory.mktemp("bombs")
    (root / "base").mkdir()
    (root / "base" / "base.md").write_text(BASE_TEXT, encoding="utf-8")
    cases, paths = [], {}
    for case in BOMBS:
        folder, path, good = batch(root / "cases", case)
        cases.append({"name": case.name, "folder": str(folder)})
        paths[case.name] = (path, good)
    spec = root / "spec.json"
    spec.write_text(json.dumps({"data_dir": str(root / "data"), "base": str(root / "base"),
                                "cases": cases}))
    code = "import sys; from tests.ingest.test_hostile_files import bomb_worker; bomb_worker(sys.argv[1])"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", code, str(spec)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120 + 25 * len(BOMBS))
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines and "base" in lines[0], proc.stderr[-3000:]
    results = {r["name"]: r for r in lines[1:]}
    return results, lines[0]["base"], paths, proc


@pytest.mark.parametrize("case", BOMBS, ids=lambda h: h.name)
def test_bomb_fails_by_name_in_bounded_time_and_memory(case, bomb_results):
    results, base, paths, proc = bomb_results
    assert case.name in results, (f"no result for {case.name} (child exit {proc.returncode}): "
                                  f"{proc.stderr[-2000:]}")
    result = results[case.name]
    path, good = paths[case.name]
    assert result["seconds"] < MAX_SECONDS, f"{case.name}: {result['seconds']:.1f} s"
    assert result["extra_mb"] < MAX_EXTRA_MB, f"{case.name}: +{result['extra_mb']:.0f} MB"
    check_outcome(case, result, path, good)
    assert result["base"] == base


def test_bombs_leave_an_index_that_opens_and_answers(bomb_results, make_services, capsys):
    """After all the bombs, the child's index opens here: base.md and every good file are
    whole (all their vectors) and nothing of a bomb was stored."""
    from core.settings import Settings

    results, base, paths, _ = bomb_results
    if results:
        slow = max(results.values(), key=lambda r: r["seconds"])
        big = max(results.values(), key=lambda r: r["extra_mb"])
        with capsys.disabled():
            print(f"\nbombs: slowest {slow['name']} {slow['seconds']:.1f} s, most memory "
                  f"{big['name']} +{big['extra_mb']:.0f} MB peak RSS over the loaded model; "
                  + ", ".join(f"{n} {r['seconds']:.1f}s/+{r['extra_mb']:.0f}MB"
                              for n, r in results.items()))
    data_dir = Path(next(iter(paths.values()))[0]).parents[2] / "data"
    services = make_services(Settings(data_dir=data_dir, ocr_enabled=False, _env_file=None))
    assert base_snapshot(services) == (base[0], base[1])
    expected = {"base.md"} | {good.name for _, good in paths.values()} | {
        path.name for case in BOMBS if not case.reason for path, _ in [paths[case.name]]}
    assert {d.doc_id for d in services.catalog.documents()} == expected
    assert services.store.all_ids() == services.catalog.all_chunk_ids()


# -- the command line ----------------------------------------------------------------------


def test_cli_ingest_names_every_hostile_file_and_exits_1(tmp_path, capsys):
    """`policykb ingest` over a folder of every hostile input and one good file: exit 1, each
    refused file named with its reason, no traceback; its peak memory measured (RUSAGE_CHILDREN of a launcher)."""
    folder = tmp_path / "all"
    folder.mkdir()
    refused = [case.make(folder / case.name) for case in HOSTILE if case.reason]
    good_file(folder, "cli")
    env = {**os.environ, "POLICYKB_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "10000",
           "POLICYKB_OCR_ENABLED": "false", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    peak_file = tmp_path / "peak_kb.txt"
    # Linux keeps a process's peak RSS across exec, so a CLI started straight from this
    # (large, late-in-the-suite) pytest process would report pytest's own peak. A small
    # launcher starts it instead and reports its children's peak (RUSAGE_CHILDREN: the CLI
    # and whatever it waited for, pdftotext and PDFium included).
    launcher = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[2:]); "
                "open(sys.argv[1], 'w').write(str(resource.getrusage("
                "resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(rc)")
    with out_file.open("w") as out, err_file.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-c", launcher, str(peak_file), sys.executable,
                                 "-m", "policykb", "ingest", str(folder)],
                                cwd=REPO, env=env, stdout=out, stderr=err,
                                start_new_session=True)
    watchdog = threading.Timer(240, lambda: os.killpg(proc.pid, signal.SIGKILL))
    watchdog.start()
    try:
        proc.wait()
    finally:
        watchdog.cancel()
    stdout, stderr = out_file.read_text(), err_file.read_text()
    assert proc.returncode == 1, stderr[-3000:]
    assert "Traceback" not in stdout + stderr
    for path in refused:
        assert re.search(rf"failed {re.escape(str(path))}: \S", stderr), (
            f"{path.name} not reported: {stderr[-3000:]}")
    assert "indexed from 1 files" in stdout  # the good file (and nothing else) went in
    peak_mb = int(peak_file.read_text()) / 1024
    # the largest of the CLI and its children (pdftotext, PDFium): the children are capped
    # at 1 GiB of address space, the ingest holds the model (~650 MB).
    assert peak_mb < 1536, f"the CLI ingest (or a child) peaked at {peak_mb:.0f} MB"
    with capsys.disabled():
        print(f"\nhostile-input suite: {len(HOSTILE)} hostile inputs ({len(BOMBS)} bombs in a "
              f"memory-capped child) + 2 files changing while read + {len(READABLE)} readable "
              f"look-alike; the CLI refused {len(refused)} by name (exit 1), "
              f"peak RSS {peak_mb:.0f} MB")
