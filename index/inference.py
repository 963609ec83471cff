"""One inference thread per process: concurrent query embeddings are coalesced into one batch,
long passage jobs are cut into slices that queries can overtake, and the model runs once at a
time.

Why: on two cores a server answering eight searches at once used to run eight single-text
forward passes side by side. A MiniLM pass over eight short queries costs about twice one
pass, not eight times, and eight concurrent passes over /ask's sentence batches each hold
their own activations (the server's memory grew past 2 GB at 32 clients). A single consumer
that takes whatever is waiting gives batching without a timer: a lone query waits for
nobody, and under load the batch grows by itself.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from index.embedder import Embedder, Kind


@dataclass
class _Job:
    texts: list[str]
    kind: Kind
    result: np.ndarray | None = None
    error: BaseException | None = None
    pending: int = 0
    done: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class _Slice:
    job: _Job
    start: int
    end: int

    @property
    def texts(self) -> list[str]:
        return self.job.texts[self.start:self.end]


class InferenceQueue:
    """An ``Embedder`` that forwards every ``embed_batch`` to one worker thread.

    Query slices (searches) go first and are merged across callers up to ``max_batch``
    texts; passage slices (answers, alignment, ingestion) run ``slice_size`` texts at a time
    in arrival order. Everything else (token counting, windows, names) is the wrapped
    embedder's own.
    """

    def __init__(self, embedder: Embedder, *, max_batch: int = 32, slice_size: int = 32,
                 threads: int = 1) -> None:
        self.inner = embedder
        self.threads = threads
        self.max_batch = max_batch
        self.slice_size = slice_size
        self._queries: deque[_Slice] = deque()
        self._passages: deque[_Slice] = deque()
        self._wake = threading.Condition()
        self._workers: list[threading.Thread] = []
        self.batches_run = 0  # for tests and benchmarks: how many model calls were made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # name, dimension, languages, count_tokens, ...

    def embed_batch(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        if not texts:
            return self.inner.embed_batch(texts, kind)
        job = _Job(list(texts), kind)
        size = self.max_batch if kind == "query" else self.slice_size
        slices = [_Slice(job, s, min(s + size, len(texts))) for s in range(0, len(texts), size)]
        job.pending = len(slices)
        with self._wake:
            self._ensure_worker()
            (self._queries if kind == "query" else self._passages).extend(slices)
            self._wake.notify()
        job.done.wait()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def _ensure_worker(self) -> None:
        self._workers = [t for t in self._workers if t.is_alive()]
        while len(self._workers) < self.threads:
            thread = threading.Thread(target=self._run, name="policykb-inference", daemon=True)
            thread.start()
            self._workers.append(thread)

    def _next_batch(self) -> list[_Slice]:
        """Waiting queries, merged up to ``max_batch`` texts; else the oldest passage slice."""
        with self._wake:
            while not self._queries and not self._passages:
                self._wake.wait()
            if not self._queries:
                return [self._passages.popleft()]
            batch = [self._queries.popleft()]
            count = batch[0].end - batch[0].start
            while self._queries and count + self._queries[0].end - self._queries[0].start <= self.max_batch:
                item = self._queries.popleft()
                batch.append(item)
                count += item.end - item.start
            return batch

    def _run(self) -> None:
        while True:
            batch = [item for item in self._next_batch() if item.job.error is None]
            if not batch:
                continue
            texts = [t for item in batch for t in item.texts]
            try:
                vectors = self.inner.embed_batch(texts, batch[0].job.kind)
                error = None
            except BaseException as exc:  # handed to every waiting caller, never swallowed
                vectors, error = None, exc
            with self._wake:  # several workers may finish slices of one job
                self.batches_run += 1
                self._deliver(batch, vectors, error)

    @staticmethod
    def _deliver(batch: list[_Slice], vectors: np.ndarray | None,
                 error: BaseException | None) -> None:
        row = 0
        for item in batch:
            job = item.job
            n = item.end - item.start
            if error is not None:
                job.error = error
            else:
                assert vectors is not None
                if job.result is None:
                    job.result = np.empty((len(job.texts), vectors.shape[1]), dtype=np.float32)
                job.result[item.start:item.end] = vectors[row:row + n]
            row += n
            job.pending -= 1
            if job.pending == 0 or error is not None:
                job.done.set()
