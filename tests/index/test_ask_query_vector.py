"""/ask embeds the question once with the caches off: sentence scoring reuses the vector its
own search just computed (``Searcher.query_vector``). Real MiniLM, the fixture corpus ingested
on the real stack, a second container on the same index with ``search_cache_size=0``."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from tests.support.corpora import build_services

QUESTION = "How many civil servants are trained in cybersecurity every year?"


class CountingModel:
    """The real model, counting the question embeddings it is asked for."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self.queries: list[str] = []
        self._lock = threading.Lock()

    def embed_batch(self, texts: list[str], kind: str = "passage") -> Any:
        if kind == "query":
            with self._lock:
                self.queries += texts
        return self._model.embed_batch(texts, kind=kind)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def test_ask_embeds_the_question_once_with_caches_off(search_services: Any,
                                                      embedder: Any) -> None:
    model = CountingModel(embedder)
    services = build_services(search_services.settings.data_dir, model, search_cache_size=0)
    try:
        answer = services.answerer.answer(QUESTION)
        assert answer.found
        assert len(model.queries) == 1
        assert answer.answer == search_services.answerer.answer(QUESTION).answer

        services.searcher.search("a different question about 5G spectrum", k=3)
        query = services.searcher.analyze(QUESTION)
        vector = services.searcher.query_vector(query)  # not the last search's text: embedded
        assert len(model.queries) == 3
        np.testing.assert_allclose(vector, embedder.embed_batch([query.dense_text],
                                                                kind="query")[0], atol=1e-5)
    finally:
        services.catalog.close()


def test_each_thread_reuses_only_its_own_search(search_services: Any, embedder: Any) -> None:
    model = CountingModel(embedder)
    services = build_services(search_services.settings.data_dir, model, search_cache_size=0)
    questions = [QUESTION, "Which operators must cover the rural population?",
                 "Who protects personal data in provincial databases?"]
    want = {q: embedder.embed_batch([services.searcher.analyze(q).dense_text],
                                    kind="query")[0] for q in questions}
    got: dict[str, list[np.ndarray]] = {q: [] for q in questions}
    barrier = threading.Barrier(len(questions))

    def ask(question: str) -> None:
        barrier.wait()
        for _ in range(3):
            services.searcher.search(question, k=3)
            got[question].append(services.searcher.query_vector(
                services.searcher.analyze(question)))

    try:
        threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        for q in questions:
            assert len(got[q]) == 3
            for vector in got[q]:
                np.testing.assert_allclose(vector, want[q], atol=1e-4)
        assert len(model.queries) == 9  # one per search, none for the reused vectors
    finally:
        services.catalog.close()
