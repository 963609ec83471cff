"""The inference thread: same vectors as calling the model directly, concurrent queries
merged into fewer model calls, queries overtaking long passage jobs, errors handed back."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from index.inference import InferenceQueue

QUESTIONS = [
    "cybersecurity capacity building for civil servants",
    "digital government policy 2022-2035 vision",
    "data protection and personal information",
    "e-commerce law consumer protection",
    "broadband infrastructure in rural provinces",
    "digital skills in schools and universities",
    "interoperability of government information systems",
    "the ministry of interior five-year ICT plan",
]


def test_vectors_equal_the_models_own(embedder):
    queue = InferenceQueue(embedder, max_batch=4, slice_size=3)
    direct = embedder.embed_batch(QUESTIONS, kind="query")
    np.testing.assert_allclose(queue.embed_batch(QUESTIONS, kind="query"), direct, atol=1e-5)
    passages = embedder.embed_batch(QUESTIONS, kind="passage")
    np.testing.assert_allclose(queue.embed_batch(QUESTIONS, kind="passage"), passages, atol=1e-5)
    assert queue.embed_batch([], kind="query").shape == (0, embedder.dimension)


def test_concurrent_queries_share_model_calls(embedder):
    queue = InferenceQueue(embedder)
    expected = {q: embedder.embed_batch([q], kind="query")[0] for q in QUESTIONS}
    results: dict[str, np.ndarray] = {}
    start = threading.Barrier(len(QUESTIONS) * 4)

    def ask(question: str, slot: int) -> None:
        start.wait()
        results[f"{question}|{slot}"] = queue.embed_batch([question], kind="query")[0]

    threads = [threading.Thread(target=ask, args=(q, i)) for i in range(4) for q in QUESTIONS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 32
    for key, vector in results.items():
        np.testing.assert_allclose(vector, expected[key.split("|")[0]], atol=1e-5)
    assert queue.batches_run < 32, "concurrent queries were not merged into shared batches"


def test_queries_overtake_a_long_passage_job(embedder):
    order: list[str] = []

    class Recording:
        """Wraps the real model to record which kind of batch ran when."""

        def __init__(self) -> None:
            self.dimension = embedder.dimension

        def embed_batch(self, texts, kind="passage"):
            order.append(kind)
            return embedder.embed_batch(texts, kind=kind)

    queue = InferenceQueue(Recording(), slice_size=2)
    long_job = threading.Thread(target=queue.embed_batch, args=(QUESTIONS * 4, "passage"))
    long_job.start()
    while not order:
        threading.Event().wait(0.001)
    queue.embed_batch([QUESTIONS[0]], kind="query")
    long_job.join(timeout=60)
    assert order.count("passage") == 16
    assert order.index("query") <= 4, f"the query waited behind the passage job: {order}"


def test_model_errors_reach_the_caller_and_the_thread_survives(embedder):
    class Failing:
        dimension = embedder.dimension

        def embed_batch(self, texts, kind="passage"):
            if "boom" in texts:
                raise RuntimeError("model failed on this batch")
            return embedder.embed_batch(texts, kind=kind)

    queue = InferenceQueue(Failing())
    with pytest.raises(RuntimeError, match="model failed"):
        queue.embed_batch(["boom"], kind="query")
    assert queue.embed_batch(["still works"], kind="query").shape == (1, embedder.dimension)


def test_other_attributes_are_the_wrapped_embedders(embedder):
    queue = InferenceQueue(embedder)
    assert queue.dimension == embedder.dimension
    assert queue.languages == embedder.languages
    assert queue.count_tokens("digital government") == embedder.count_tokens("digital government")
