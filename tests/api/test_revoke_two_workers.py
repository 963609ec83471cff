"""A key revoked through one API worker is refused by every worker from the next request on:
`policykb serve --workers 2` as a real subprocess, and the kernel telling which worker
process answered each request (each on its own connection)."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support.crash_helpers import policykb_serve, request_on_new_connection

pytestmark = pytest.mark.slow  # two workers, each loading the model


def answers_by_worker(port: int, server_pid: int, secret: str, *, within_s: float = 90.0,
                      each: int = 3) -> dict[int, list[int]]:
    """GET /auth/me with ``secret`` on new connections until both workers answered ``each``
    times; the statuses each worker gave. The server answers as soon as one worker is up; on
    a loaded machine the second may still be importing for many seconds, and until it
    listens the kernel hands every connection to the first: wait for it, with a bound."""
    seen: dict[int, list[int]] = {}
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        worker, response, _ = request_on_new_connection(
            port, server_pid, "GET", "/auth/me", {"Authorization": f"Bearer {secret}"})
        seen.setdefault(worker, []).append(response.status)
        if len(seen) == 2 and min(len(s) for s in seen.values()) >= each:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the two workers did not both answer within {within_s} s: "
                         f"{ {w: len(s) for w, s in seen.items()} }")


def test_a_key_revoked_through_one_worker_is_refused_by_both(tmp_path: Path) -> None:
    from api.keys import KeyStore
    from core.layout import DataLayout

    data = tmp_path / "data"
    keys = KeyStore(DataLayout(data).keys)
    reader, reader_secret = keys.create("reader", "planning dept")
    _, admin_secret = keys.create("admin", "ops desk")
    admin = {"Authorization": f"Bearer {admin_secret}"}

    with policykb_serve(data, tmp_path / "serve.log", "--workers", "2",
                        POLICYKB_READ_ACCESS="keys") as (base, proc):
        port = int(base.rsplit(":", 1)[1])
        before = answers_by_worker(port, proc.pid, reader_secret)
        assert all(set(statuses) == {200} for statuses in before.values()), before

        revoker, response, body = request_on_new_connection(
            port, proc.pid, "DELETE", f"/keys/{reader.key_id}", admin)
        assert response.status == 200, body
        assert json.loads(body)["revoked_at"] is not None
        assert revoker in before  # one of the two workers took the revocation

        after = answers_by_worker(port, proc.pid, reader_secret)
        assert set(after) == set(before)
        assert all(set(statuses) == {401} for statuses in after.values()), after
        # the admin key still passes everywhere: the workers refuse the key, not everyone
        admins: Counter[int] = Counter()
        while len(admins) < 2 and admins.total() < 600:
            worker, response, _ = request_on_new_connection(port, proc.pid, "GET", "/auth/me",
                                                            admin)
            assert response.status == 200
            admins[worker] += 1
        assert len(admins) == 2, admins
