"""A persistent queue of background jobs (ingest an upload, delete a document) in SQLite.

``queue`` holds the jobs table, ``runner`` the thread that works through it, ``owners`` how a
crashed owner is recognised: a runner records who owns a job (host, pid, the process's start
time and a per-runner id) and refreshes a heartbeat while it works. A job left ``running`` by
an owner that is gone — its pid dead or reused, or its heartbeat stale — is put back in the
queue: that is how work a crash interrupted resumes.
"""

from ingest.jobs.owners import owner_alive, owner_tag, process_start
from ingest.jobs.queue import KINDS, STATES, Job, JobQueue, new_job_id
from ingest.jobs.runner import Handler, JobFailedError, JobRunner, Progress

__all__ = ["KINDS", "STATES", "Handler", "Job", "JobFailedError", "JobQueue", "JobRunner",
           "Progress", "new_job_id", "owner_alive", "owner_tag", "process_start"]
