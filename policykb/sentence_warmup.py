"""Evidence-sentence vectors for /ask: where they are kept and how they are filled ahead of time.

Kept apart from ``policykb.services``: warming is a background job with its own thread and CPU
priority, not a component; the container only hands it the components it reads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from index.catalog import Catalog
    from index.embedder import SentenceTransformerEmbedder
    from ingest.analysis import Analyzer

logger = logging.getLogger(__name__)


def build_sentence_vectors(settings: Settings, embedder: SentenceTransformerEmbedder,
                           name: str) -> Callable[[list[str]], Any]:
    """Evidence-sentence vectors kept beside the index (``index/sentence_vectors.py``):
    /ask looks them up instead of embedding per request. A data dir that cannot hold
    the file (read-only) embeds per request as before."""
    from index.sentence_vectors import SentenceVectors

    def embed(texts: list[str]) -> Any:
        return embedder.embed_batch(texts, kind="passage")

    try:
        return SentenceVectors(settings.layout.index / "sentence_vectors.sqlite3",
                               embed, f"{name}|{embedder.dimension}")
    except (OSError, sqlite3.Error) as exc:
        logger.warning("sentence vectors are not kept (%s): /ask embeds per request", exc)
        return embed


def warm_sentence_vectors(vectors: Callable[[list[str]], Any], catalog: Catalog,
                          embedder: SentenceTransformerEmbedder,
                          model: Callable[[], SentenceTransformerEmbedder], analyzer: Analyzer,
                          stop: threading.Event | None = None, with_terms: bool = False) -> int:
    """Embed every evidence sentence of the index not stored yet (a no-op when this
    generation was warmed; ``model()`` is called directly, not through the request queue)
    and, ``with_terms``, analyse every passage for this process's answers."""
    from index.evidence import MIN_ITEM_CHARS, embedding_texts, prepare
    from index.sentence_vectors import SentenceVectors
    from ingest.sentences import EVIDENCE_SENTENCE_CHARS, split_evidence

    embedded = 0
    # the evidence units' lengths are part of what was warmed: other lengths, other texts
    generation = f"{catalog.generation()}|units{EVIDENCE_SENTENCE_CHARS}|items{MIN_ITEM_CHARS}"
    if isinstance(vectors, SentenceVectors) and vectors.warmed_generation() != generation:
        passages = ((c.text, c.heading) for c in catalog.iter_chunks())
        texts = embedding_texts(passages, split_evidence, frozenset(embedder.languages))
        loaded = model()
        embedded = vectors.warm(texts, generation, stop=stop,
                                embed=lambda batch: loaded.embed_batch(batch, kind="passage"))
    if with_terms:  # this process's analysis of every passage (index.evidence.prepare)
        prepare(((c.text, c.heading) for c in catalog.iter_chunks()), split_evidence, analyzer)
    return embedded


class WarmupState:
    """What the background warm-up of this process is doing, for ``GET /health``: a benchmark
    or an operator waits for ``done`` before measuring steady state (until then /ask embeds
    the sentences it misses per request, and the warm-up competes for the CPU)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._created = time.monotonic()
        self._state = "pending"
        self._started: float | None = None
        self._finished: float | None = None
        self._embedded: int | None = None

    def running(self) -> None:
        with self._lock:
            self._state, self._started = "running", time.monotonic()

    def finished(self, embedded: int | None, failed: bool = False) -> None:
        with self._lock:
            self._state, self._finished = ("failed" if failed else "done"), time.monotonic()
            self._embedded = embedded

    def snapshot(self) -> dict[str, Any]:
        """``sentences`` (pending, running, done, failed), how many sentences this warm-up
        embedded, how long it ran and when it ended, in seconds after the app was built."""
        with self._lock:
            now = time.monotonic()
            seconds = None
            if self._started is not None:
                seconds = round((self._finished or now) - self._started, 2)
            return {"sentences": self._state, "embedded": self._embedded, "seconds": seconds,
                    "done_after_s": None if self._finished is None
                    else round(self._finished - self._created, 2)}


def warm_in_background(warm: Callable[[], object], delay_s: float,
                       state: WarmupState | None = None) -> threading.Thread:
    """``warm()`` in a daemon thread at the lowest CPU priority, after ``delay_s`` (the
    server's own warm-up goes first); a failure is logged, not raised. ``state`` follows it."""
    def run() -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # this thread
        time.sleep(delay_s)
        if state is not None:
            state.running()
        try:
            result = warm()
        except Exception:
            logger.exception("warming sentence vectors failed; /ask embeds lazily")
            if state is not None:
                state.finished(None, failed=True)
            return
        if state is not None:
            state.finished(result if isinstance(result, int) else None)

    thread = threading.Thread(target=run, name="policykb-sentence-vectors", daemon=True)
    thread.start()
    return thread
