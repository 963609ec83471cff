"""A `policykb serve` in a child process on a free loopback port, as in production: started,
health-checked, measured (resident memory of the server and its workers), stopped with
everything it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process_group(process: subprocess.Popen[Any], timeout_s: float = 30.0) -> None:
    """SIGTERM a child started with ``start_new_session=True`` and everything it started,
    then SIGKILL whatever is left after ``timeout_s``."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout_s)


TERMINAL = ("done", "failed")


def wait_for_warm(url: str, started_at: float, timeout_s: float, *, poll_s: float = 0.5,
                  agree: int = 1) -> dict[str, Any]:
    """Poll ``GET /health`` until the server's background warm-up (its ``warm`` field) has
    ended, at most ``timeout_s``; ``agree`` answers in a row must say so (with several
    workers each has its own warm-up and a probe reaches any of them). Returns the last state,
    ``after_start_s`` (from ``started_at``, a ``perf_counter`` value, to the first of those
    answers) and ``timed_out``; a server without the field: ``sentences: "unknown"`` at once."""
    deadline = time.monotonic() + timeout_s
    seen, since, warm = 0, 0.0, None
    while True:
        try:
            warm = httpx.get(f"{url}/health", timeout=10).json().get("warm")
        except (httpx.HTTPError, ValueError):
            warm = {"sentences": "unreachable"}
        if warm is None:
            return {"sentences": "unknown", "timed_out": False, "after_start_s": None}
        seen = seen + 1 if warm.get("sentences") in TERMINAL else 0
        since = time.perf_counter() if seen == 1 else since
        if seen >= agree:
            return {**warm, "timed_out": False, "after_start_s": round(since - started_at, 1)}
        if time.monotonic() >= deadline:
            return {**warm, "timed_out": True, "after_start_s": None, "bound_s": timeout_s}
        time.sleep(poll_s)


class ServerProcess:
    """`policykb serve` in a child process on a free loopback port."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, workers: int = 1,
                 log_path: Path | None = None) -> None:
        """``log_path``: where the server's stderr goes (default: a pipe read if it fails to
        start; give a file for long runs, so a chatty server can never fill the pipe)."""
        self.workers = workers
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir), **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def __enter__(self) -> ServerProcess:
        self.started_at = time.perf_counter()
        stderr: Any = subprocess.PIPE
        if self.log_path is not None:
            stderr = self.log_path.open("ab")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "policykb", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--workers", str(self.workers)],
                env=self._env, stdout=subprocess.DEVNULL, stderr=stderr)
        finally:
            if self.log_path is not None:
                stderr.close()  # the child has its own copy
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start within 120 s")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def wait_warm(self, timeout_s: float, poll_s: float = 0.5) -> dict[str, Any]:
        """:func:`wait_for_warm` on this server (every worker's answer must agree, 3 in a row
        per worker)."""
        return wait_for_warm(self.url, self.started_at, timeout_s, poll_s=poll_s,
                             agree=3 * self.workers)

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the server's stderr (once it has exited, when it goes to a pipe)."""
        if self.log_path is not None:
            return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""
        if self.proc is not None and self.proc.stderr is not None and self.proc.poll() is not None:
            return self.proc.stderr.read().decode(errors="replace")[-chars:]
        return ""

    def _pids(self) -> list[int]:
        """The server and its worker processes."""
        assert self.proc is not None
        pids, queue = [], [self.proc.pid]
        while queue:
            pid = queue.pop()
            pids.append(pid)
            children = Path(f"/proc/{pid}/task/{pid}/children")
            if children.exists():
                queue += [int(c) for c in children.read_text().split()]
        return pids

    def _status_mb(self, field: str) -> float:
        total = 0.0
        for pid in self._pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(field):
                        total += int(line.split()[1]) / 1024
            except OSError:
                continue
        return total

    def rss_mb(self) -> float:
        """Current resident memory of the server and its workers (Linux /proc)."""
        return self._status_mb("VmRSS:")

    def peak_rss_mb(self) -> float:
        """Sum of each process's peak resident memory."""
        return self._status_mb("VmHWM:")
