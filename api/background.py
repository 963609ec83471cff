"""The background side of the API: at startup, tidy what a crash left in the uploads folder,
queue files stored but never ingested, then run a job runner thread until shutdown.

Every API worker process runs one; they share the job queue in the data directory and take
turns (``ingest.jobs``). Interrupted jobs of a dead process are re-queued on their own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI

from api.components import Components
from ingest.jobs import JobQueue, JobRunner
from ingest.upload_jobs import UploadJobHandler, resume_untracked
from ingest.uploads import UploadStore

logger = logging.getLogger(__name__)


@contextmanager
def background_jobs(app: FastAPI, services: Components) -> Iterator[JobRunner | None]:
    """Run the job runner for the app's lifetime (``app.state.job_runner``); a data directory
    where jobs cannot run (read-only) still serves reads."""
    settings = services.settings
    uploads = UploadStore(settings.uploads_dir)
    queue = JobQueue(settings.jobs_path)
    try:
        for name in uploads.sweep() + uploads.sweep_staged(queue.live_job_ids()):
            logger.info("removed %s left by an interrupted upload", name)
        resume_untracked(uploads, services.catalog, queue)

        def prune() -> int:
            return queue.prune(settings.job_history_days, settings.job_history_keep)

        prune()
        runner = JobRunner(queue, UploadJobHandler(lambda: services.ingestor, services.catalog,
                                                   uploads, queue,
                                                   remover=lambda: services.index_writer,
                                                   prune=prune))
        runner.start()
    except Exception:
        logger.exception("background jobs cannot run here; uploads and deletes will wait")
        yield None
        return
    app.state.job_runner = runner
    try:
        yield runner
    finally:
        runner.stop()
        app.state.job_runner = None
