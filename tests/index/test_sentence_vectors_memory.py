"""Sentence vectors read lately kept in memory (``SentenceVectors.memory``): the real packaged
MiniLM and a real SQLite file.

What matters: a repeated text is served without reading the file, the vectors are the same
ones, the memory is bounded, 0 turns it off, and threads sharing one instance agree.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np

from index.sentence_vectors import SentenceVectors

TEXTS = ["The ministry trains five hundred civil servants in cybersecurity every year.",
         "Strategy 2\nEvery database that holds personal data must be protected.",
         "Mobile operators must cover seventy percent of the population."]


def emptied(path: Path) -> None:
    """Remove every stored vector behind the instance's back (another process could)."""
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM vectors")


def test_a_repeat_is_served_from_memory(tmp_path: Path, embedder: Any) -> None:
    calls: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.extend(texts)
        return embedder.embed_batch(texts, kind="passage")

    vectors = SentenceVectors(tmp_path / "v.sqlite3", embed, "minilm|384")
    first = vectors(TEXTS)
    emptied(vectors.path)
    again = vectors([TEXTS[1], TEXTS[0]])
    np.testing.assert_array_equal(again, first[[1, 0]])
    assert sorted(calls) == sorted(TEXTS)  # nothing embedded for the repeat
    assert vectors.hits == 2


def test_memory_zero_reads_the_file_every_time(tmp_path: Path, embedder: Any) -> None:
    calls: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.extend(texts)
        return embedder.embed_batch(texts, kind="passage")

    vectors = SentenceVectors(tmp_path / "v.sqlite3", embed, "minilm|384", memory=0)
    vectors(TEXTS)
    emptied(vectors.path)
    vectors(TEXTS[:1])
    assert len(calls) == 4 and calls[-1] == TEXTS[0]  # the file was read: gone, re-embedded


def test_memory_is_bounded_least_recent_out(tmp_path: Path, embedder: Any) -> None:
    vectors = SentenceVectors(tmp_path / "v.sqlite3",
                              lambda t: embedder.embed_batch(t, kind="passage"), "m|384", memory=2)
    vectors(TEXTS[:1])
    vectors(TEXTS[1:])
    assert len(vectors._recent) == 2
    assert vectors.key(TEXTS[0]) not in vectors._recent


def test_threads_share_one_instance(tmp_path: Path, embedder: Any) -> None:
    vectors = SentenceVectors(tmp_path / "v.sqlite3",
                              lambda t: embedder.embed_batch(t, kind="passage"), "minilm|384")
    want = embedder.embed_batch(TEXTS, kind="passage")
    barrier = threading.Barrier(6)
    results: list[np.ndarray] = []

    def read() -> None:
        barrier.wait()
        for _ in range(5):
            results.append(vectors(TEXTS))

    threads = [threading.Thread(target=read) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 30
    for got in results:
        np.testing.assert_allclose(got, want, atol=1e-5)
    assert vectors.count() == 3
