"""Evidence-sentence vectors kept beside the index: the real packaged MiniLM, a real SQLite
file, and the fixture corpus ingested on the real stack (chromadb, khmer-nltk).

What matters: a stored vector is the vector the model gives (answers cannot change), a text is
embedded once (not per request), the file is shared (a second instance, as in another worker,
reads it), warming covers every sentence an answer may embed and is not repeated for the same
index generation, and another model never reads these vectors.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.evidence import MIN_ITEM_CHARS, embedding_text, sentences_of
from index.sentence_vectors import SentenceVectors
from ingest.sentences import EVIDENCE_SENTENCE_CHARS, split_sentences

TEXTS = ["The ministry trains five hundred civil servants in cybersecurity every year.",
         "Strategy 2\nEvery database that holds personal data must be protected.",
         "Mobile operators must cover seventy percent of the population."]


class Counting:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self.texts: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return self.embedder.embed_batch(texts, kind="passage")


def test_stored_vectors_are_the_models_and_computed_once(tmp_path: Path, embedder: Any) -> None:
    model = Counting(embedder)
    vectors = SentenceVectors(tmp_path / "v.sqlite3", model, "minilm|384")
    first = vectors(TEXTS)
    direct = embedder.embed_batch(TEXTS, kind="passage")
    np.testing.assert_allclose(first, direct, atol=1e-5)
    again = vectors([TEXTS[2], TEXTS[0], TEXTS[0]])  # order and repeats kept
    np.testing.assert_array_equal(again, first[[2, 0, 0]])
    assert sorted(model.texts) == sorted(TEXTS)  # nothing embedded twice
    assert (vectors.hits, vectors.misses) == (3, 3)

    # another worker opens the same file: it embeds nothing
    other = Counting(embedder)
    shared = SentenceVectors(tmp_path / "v.sqlite3", other, "minilm|384")
    np.testing.assert_array_equal(shared(TEXTS), first)
    assert other.texts == [] and shared.count() == 3


def test_another_model_never_reads_the_vectors(tmp_path: Path, embedder: Any) -> None:
    SentenceVectors(tmp_path / "v.sqlite3", Counting(embedder), "minilm|384")(TEXTS)
    model = Counting(embedder)
    other = SentenceVectors(tmp_path / "v.sqlite3", model, "e5-small|384")
    assert other.count() == 0
    other(TEXTS[:1])
    assert model.texts == TEXTS[:1]


def test_warm_embeds_what_is_missing_once_per_generation(tmp_path: Path, embedder: Any) -> None:
    model = Counting(embedder)
    vectors = SentenceVectors(tmp_path / "v.sqlite3", model, "minilm|384")
    vectors(TEXTS[:1])
    assert vectors.warm(TEXTS, "7") == 2  # the one stored lazily is not embedded again
    assert vectors.warmed_generation() == "7"
    assert vectors.warm(TEXTS + ["A sentence added since."], "7") == 0  # same generation
    assert vectors.warm(TEXTS + ["A sentence added since."], "8") == 1
    assert len(model.texts) == 4


def test_a_stopped_warm_does_not_claim_the_generation(tmp_path: Path, embedder: Any) -> None:
    vectors = SentenceVectors(tmp_path / "v.sqlite3", Counting(embedder), "minilm|384")
    stop = threading.Event()
    stop.set()
    assert vectors.warm(TEXTS, "3", stop=stop) == 0
    assert vectors.warmed_generation() is None


def test_one_process_warms_at_a_time(tmp_path: Path, embedder: Any) -> None:
    import fcntl

    vectors = SentenceVectors(tmp_path / "v.sqlite3", Counting(embedder), "minilm|384")
    with (tmp_path / "v.warm.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another worker is warming
        assert vectors.warm(TEXTS, "1") == 0
    assert vectors.warm(TEXTS, "1") == 3


def test_services_answer_from_stored_vectors(search_services: Any) -> None:
    """The answerer's embed is the store; after the warm-up an answer embeds no sentence and
    is the same answer as before."""
    services = search_services
    store = services.sentence_vectors
    assert isinstance(store, SentenceVectors)
    assert store.path.parent == services.settings.layout.index
    question = "How many civil servants are trained in cybersecurity every year?"
    before = services.answerer.answer(question)
    assert before.found
    services.warm_sentence_vectors(with_terms=True)
    # the generation warmed names the evidence units' lengths: other lengths re-warm
    assert store.warmed_generation() == \
        f"{services.catalog.generation()}|units{EVIDENCE_SENTENCE_CHARS}|items{MIN_ITEM_CHARS}"
    misses = store.misses
    after = services.answerer.answer(question)
    assert store.misses == misses  # every candidate sentence was stored
    assert after.answer == before.answer
    assert [c.quote for c in after.citations] == [c.quote for c in before.citations]

    # every sentence an answer may embed was warmed: the evidence of every passage is stored
    hits = services.searcher.search("cybersecurity personal data 5G spectrum", k=10).hits
    evidence = sentences_of(hits, split_sentences, services.analyzer)
    readable = [s for s in evidence if s.language in services.embedder.languages]
    assert readable
    texts = [embedding_text(s.hit.heading, s.text, s.row) for s in readable]
    assert store._missing(texts) == []


@pytest.mark.parametrize("bad", ["", "text"])
def test_lookup_of_unknown_text_embeds_it(tmp_path: Path, embedder: Any, bad: str) -> None:
    model = Counting(embedder)
    vectors = SentenceVectors(tmp_path / "v.sqlite3", model, "minilm|384")
    assert vectors([bad]).shape == (1, 384)
    assert model.texts == [bad]


def test_the_server_warm_up_runs_in_the_background(tmp_path: Path, embedder: Any) -> None:
    """What `policykb serve` starts: a low-priority thread that stores every sentence of a
    freshly ingested index, then a second worker's warm-up finds nothing to do."""
    from tests.support.corpora import ingest_fixture_corpus

    services = ingest_fixture_corpus(tmp_path, embedder)
    try:
        store = services.sentence_vectors
        assert store.count() == 0 and store.warmed_generation() is None
        thread = services.warm_sentence_vectors_in_background(delay_s=0)
        thread.join(timeout=120)
        assert not thread.is_alive()
        assert store.warmed_generation() == \
            f"{services.catalog.generation()}|units{EVIDENCE_SENTENCE_CHARS}|items{MIN_ITEM_CHARS}"
        from index.evidence import embedding_texts

        chunks = [(c.text, c.heading) for c in services.catalog.iter_chunks()]
        expected = set(embedding_texts(chunks, split_sentences, services.embedder.languages))
        assert len(expected) >= 10 and store.count() == len(expected)
        assert store._missing(expected) == []
        assert services.warm_sentence_vectors() == 0  # this generation is covered
    finally:
        services.catalog.close()
