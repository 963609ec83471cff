"""Following a background job (upload, delete) over HTTP until it ends."""

from __future__ import annotations

import time
from typing import Any

import httpx


def wait_job(base: str, headers: dict[str, str], job_id: str, timeout: float = 120,
             interval: float = 0.1) -> dict[str, Any]:
    """Poll ``GET /jobs/{job_id}`` until the job is done or failed; its last state.

    Fails the test (AssertionError) when the job is still running after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        job = httpx.get(f"{base}/jobs/{job_id}", headers=headers, timeout=10).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(interval)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s: {job}")
