"""The runner: a daemon thread that claims queued jobs, runs them through a handler and keeps
a heartbeat while it works, so a job whose runner died is noticed and resumed."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from core.errors import JobFailedError
from ingest.jobs.owners import live_runners, owner_tag
from ingest.jobs.queue import Job, JobQueue

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Handler = Callable[[Job, Progress], dict[str, Any]]


class JobRunner:
    """A daemon thread that claims queued jobs and runs them through ``handler``."""

    def __init__(self, queue: JobQueue, handler: Handler, *, poll_s: float = 0.5,
                 heartbeat_s: float = 5.0) -> None:
        self.queue = queue
        self.handler = handler
        self.poll_s = poll_s
        self.heartbeat_s = heartbeat_s
        self.runner_id = secrets.token_hex(4)
        self.owner = owner_tag(self.runner_id)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        live_runners.add(self.runner_id)
        self._thread = threading.Thread(target=self._loop, name="policykb-jobs", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A job was just submitted: look now instead of at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop claiming; a job still running after ``timeout`` is left to the next start's
        recovery (the thread is a daemon and dies with the process)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if not self._thread.is_alive():
                live_runners.discard(self.runner_id)

    def run_once(self) -> Job | None:
        """Claim and run one job; returns it (as claimed), or None if there was none."""
        job = self.queue.claim(self.owner)
        if job is None:
            return None
        beating = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job.job_id, beating), daemon=True)
        beat.start()
        last_time, last_stage = 0.0, ""

        def progress(stage: str, done: int, total: int) -> None:
            """Stored at most twice a second, but every change of stage and every finish."""
            nonlocal last_time, last_stage
            now = time.monotonic()
            if stage != last_stage or done >= total or now - last_time >= 0.5:
                last_time, last_stage = now, stage
                self.queue.progress(job.job_id, self.owner, stage, done, total)

        try:
            result = self.handler(job, progress)
        except JobFailedError as exc:
            self.queue.finish(job.job_id, self.owner, error=str(exc))
        except Exception as exc:  # a bug in one job must not stop the runner
            logger.exception("job %s (%s) failed", job.job_id, job.kind)
            self.queue.finish(job.job_id, self.owner, error=f"{type(exc).__name__}: {exc}")
        else:
            self.queue.finish(job.job_id, self.owner, result=result)
        finally:
            beating.set()
        return job

    def _beat(self, job_id: str, finished: threading.Event) -> None:
        while not finished.wait(self.heartbeat_s):
            try:
                self.queue.heartbeat(job_id, self.owner)
            except Exception:  # a locked database now and then is not fatal
                logger.warning("heartbeat of job %s failed", job_id, exc_info=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                job = self.run_once()
            except Exception:
                logger.exception("the job runner could not claim a job")
                job = None
            if job is None:
                self._wake.wait(self.poll_s)
                self._wake.clear()
