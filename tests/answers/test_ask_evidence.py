"""Usable evidence units kept per passage and index generation (``answers/ask_evidence.py``):
the real sentence splitter and analyser, passages written for the tests.

What matters: the kept units are exactly what filtering every request gave (answers cannot
change), a passage is judged once per generation, a new generation judges again, size 0
keeps nothing, and threads sharing the cache get the same units.
"""

from __future__ import annotations

import threading

import pytest

from answers.ask_evidence import UsableEvidence, usable
from index.evidence import sentences_of
from ingest.analysis import Analyzer
from ingest.sentences import split_sentences
from tests.answers.evidence_factory import passage

TEXT = ("The priority actions are: "
        "The ministry trains five hundred civil servants in cybersecurity every year. "
        "ROYAL GOVERNMENT OF CAMBODIA NATION RELIGION KING. "
        "Every provincial database that holds personal data must be encrypted at rest.")
OTHER = ("Figure 3: Mobile coverage by province in 2024. "
         "Mobile operators must cover seventy percent of the rural population by 2027.")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def expected(hits: list, analyzer: Analyzer) -> list[tuple[int, int, str]]:
    """What /ask kept before the cache: every unit filtered on every request."""
    return [(s.start, s.end, s.text) for s in sentences_of(hits, split_sentences, analyzer)
            if usable(s)]


def spans(sentences: list) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.text) for s in sentences]


def test_kept_units_are_the_filtered_units_and_judged_once(analyzer: Analyzer) -> None:
    hits = [passage(TEXT), passage(OTHER, doc_id="plan/mobile.txt", start=40)]
    evidence = UsableEvidence(split_sentences, analyzer)
    first = evidence(hits, "g1")
    assert spans(first) == expected(hits, analyzer)
    kept = {s.text for s in first}
    assert any("five hundred civil servants" in t for t in kept)
    assert not any(t.startswith("ROYAL GOVERNMENT") for t in kept)  # debris dropped
    assert not any(t.endswith("are:") for t in kept)  # a lead-in dropped
    assert evidence.computed == 2
    again = evidence(hits, "g1")
    assert evidence.computed == 2  # the verdicts were kept
    assert spans(again) == spans(first)
    assert all(a is not b for a, b in zip(first, again, strict=True))  # fresh, per request


def test_a_new_generation_judges_again_and_drops_the_old(analyzer: Analyzer) -> None:
    hits = [passage(TEXT)]
    evidence = UsableEvidence(split_sentences, analyzer)
    evidence(hits, "g1")
    assert len(evidence.verdicts("g1")) == 1
    assert spans(evidence(hits, "g2")) == expected(hits, analyzer)
    assert evidence.computed == 2
    assert len(evidence.verdicts("g2")) == 1


def test_the_same_text_under_another_title_is_judged_for_that_title(analyzer: Analyzer) -> None:
    """A unit that repeats its document's title is a lead-in only in that document."""
    title = "Every provincial database that holds personal data must be encrypted at rest."
    text = title + " The ministry trains five hundred civil servants in cybersecurity every year."
    evidence = UsableEvidence(split_sentences, analyzer)
    plain, titled = passage(text), passage(text, title=title)
    assert spans(evidence([plain], "g")) == expected([plain], analyzer)
    assert spans(evidence([titled], "g")) == expected([titled], analyzer)
    assert len(expected([titled], analyzer)) == len(expected([plain], analyzer)) - 1


def test_size_zero_keeps_nothing(analyzer: Analyzer) -> None:
    hits = [passage(TEXT)]
    evidence = UsableEvidence(split_sentences, analyzer, size=0)
    evidence(hits, "g1")
    evidence(hits, "g1")
    assert evidence.computed == 2 and len(evidence.verdicts("g1")) == 0


def test_the_least_recently_used_passage_is_dropped(analyzer: Analyzer) -> None:
    evidence = UsableEvidence(split_sentences, analyzer, size=1)
    evidence([passage(TEXT)], "g")
    evidence([passage(OTHER)], "g")
    evidence([passage(OTHER)], "g")
    assert evidence.computed == 2
    evidence([passage(TEXT)], "g")
    assert evidence.computed == 3


def test_threads_share_the_verdicts(analyzer: Analyzer) -> None:
    hits = [passage(TEXT), passage(OTHER, doc_id="plan/mobile.txt")]
    want = expected(hits, analyzer)
    evidence = UsableEvidence(split_sentences, analyzer)
    results: list[list[tuple[int, int, str]]] = []
    barrier = threading.Barrier(8)

    def ask() -> None:
        barrier.wait()
        for generation in ("g1", "g1", "g2", "g2"):
            results.append(spans(evidence(hits, generation)))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 32 and all(r == want for r in results)
    assert len(evidence.verdicts("g2")) == 2
