"""The benchmark's wait for steady state (``evaluation.server_process.wait_for_warm``): it
returns when /health says the warm-up ended, gives up at its bound and says so, and does not
wait on a server that reports no warm-up. Real uvicorn on 127.0.0.1."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from contextlib import closing

import httpx
import pytest

from api.app import create_app
from evaluation.server_process import ServerProcess, wait_for_warm
from policykb.sentence_warmup import WarmupState


def test_wait_returns_when_the_warm_up_ends(settings, make_services, live_server):
    app = create_app(settings, make_services(settings))
    state = WarmupState()
    state.running()
    app.state.warmup = state
    with live_server(app) as base:
        started = time.perf_counter()
        timer = threading.Timer(0.6, state.finished, args=(7,))
        timer.start()
        try:
            warm = wait_for_warm(base, started, timeout_s=20, poll_s=0.05, agree=2)
        finally:
            timer.cancel()
        assert warm["sentences"] == "done" and warm["embedded"] == 7
        assert warm["timed_out"] is False
        assert 0.6 <= warm["after_start_s"] < 10


def test_wait_gives_up_at_its_bound_and_says_so(settings, make_services, live_server):
    app = create_app(settings, make_services(settings))
    state = WarmupState()
    state.running()  # never finishes
    app.state.warmup = state
    with live_server(app) as base:
        started = time.monotonic()
        warm = wait_for_warm(base, time.perf_counter(), timeout_s=0.8, poll_s=0.1)
        waited = time.monotonic() - started
    assert warm["timed_out"] is True and warm["sentences"] == "running"
    assert warm["after_start_s"] is None and warm["bound_s"] == 0.8
    assert 0.8 <= waited < 5


def test_a_server_without_a_warm_up_is_not_waited_for(settings, make_services, live_server):
    app = create_app(settings, make_services(settings))
    with live_server(app) as base:
        started = time.monotonic()
        warm = wait_for_warm(base, time.perf_counter(), timeout_s=30)
        assert time.monotonic() - started < 5
    assert warm == {"sentences": "unknown", "timed_out": False, "after_start_s": None}


@pytest.mark.slow
def test_policykb_serve_reports_its_warm_up_and_the_bench_waits_for_it(sample_services, tmp_path):
    """The real server entry (`policykb serve`, a child process) starts the warm-up and says
    on /health when it ended; the wait sees it, and the sentences are then stored."""
    data = tmp_path / "data"
    shutil.copytree(sample_services.settings.data_dir, data)
    vectors = data / "index" / "sentence_vectors.sqlite3"
    vectors.unlink(missing_ok=True)
    with ServerProcess(data, env={"HF_HUB_OFFLINE": "1"}) as server:
        early = httpx.get(f"{server.url}/health").json()["warm"]
        assert early["sentences"] in ("pending", "running")
        warm = server.wait_warm(240, poll_s=0.2)
    assert warm["sentences"] == "done" and warm["timed_out"] is False, warm
    assert warm["embedded"] > 0 and warm["after_start_s"] > 5  # after the 5 s delay
    with closing(sqlite3.connect(vectors)) as db:
        assert db.execute("SELECT count(*) FROM vectors").fetchone()[0] >= warm["embedded"]


def test_the_background_warm_up_records_success_and_failure():
    from policykb.sentence_warmup import warm_in_background

    done, failed = WarmupState(), WarmupState()
    warm_in_background(lambda: 12, 0.0, done).join(timeout=10)
    warm_in_background(lambda: 1 / 0, 0.0, failed).join(timeout=10)
    assert done.snapshot()["sentences"] == "done" and done.snapshot()["embedded"] == 12
    assert done.snapshot()["done_after_s"] >= done.snapshot()["seconds"] >= 0
    assert failed.snapshot()["sentences"] == "failed" and failed.snapshot()["embedded"] is None
