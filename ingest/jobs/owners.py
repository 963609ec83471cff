"""Who owns a running job: host, pid, the process's start time and a per-runner id.

A job left ``running`` by an owner that is gone (its pid dead or reused) is put back in the
queue; the start time tells a reused pid apart from the process that claimed the job.
"""

from __future__ import annotations

import os
import socket


def process_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (so a reused pid is told apart), or None when no
    such process runs (zombies count as gone). Without /proc: "alive" or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return None if fields[0] in ("Z", "X") else fields[19]
    except FileNotFoundError:
        return None
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return "alive"
        return "alive"


_HOST = socket.gethostname()
#: runner ids alive in this process (``JobRunner`` adds and removes itself)
live_runners: set[str] = set()


def owner_tag(runner_id: str) -> str:
    return f"{_HOST}|{os.getpid()}|{process_start(os.getpid())}|{runner_id}"


def owner_alive(owner: str) -> bool:
    """False when the process (or runner thread) that tagged ``owner`` is certainly gone."""
    try:
        host, pid_text, start, runner_id = owner.split("|", 3)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != _HOST:
        return True  # another machine: only its heartbeat can tell
    if pid == os.getpid() and start == process_start(pid):
        return runner_id in live_runners
    return process_start(pid) == start
