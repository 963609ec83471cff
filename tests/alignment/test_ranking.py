"""Hand-entered strategies (no indexed text) are context: they never rank above a strategy
whose own text backs the match, however close their title is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from alignment.report import to_json
from tests.alignment.plan_fixture import PLAN_ID, align, ingest_plan_fixture


@pytest.fixture(scope="module")
def plan_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    services = ingest_plan_fixture(tmp_path_factory.mktemp("ranking"), embedder)
    yield services
    services.catalog.close()


def test_evidence_backed_strategies_come_before_hand_entered_ones(plan_index: Any) -> None:
    report = align(plan_index, doc_id=PLAN_ID)
    for mechanism in report.mechanisms:
        kinds = [a.has_text for a in mechanism.alignments]
        assert kinds == sorted(kinds, reverse=True), (mechanism.text, kinds)
        for has_text in (True, False):  # within each kind, best first
            scores = [a.score for a in mechanism.alignments if a.has_text is has_text]
            assert scores == sorted(scores, reverse=True)


def test_a_title_match_without_text_does_not_outrank_the_evidence(plan_index: Any) -> None:
    """The hand-entered "Pillar 1: Cybersecurity and cybercrime" repeats the mechanism word for
    word and scores higher than the policy strategy whose text has the evidence; the strategy
    with the evidence still leads, and the pillar is shown after it, never as strong."""
    data = to_json(align(plan_index, doc_id=PLAN_ID))
    security = next(m for m in data["mechanisms"] if m["text"] == "Cybersecurity and cybercrime")
    first, *rest = security["alignments"]
    assert first["strategy"] == "Strategy 2: Digital security of government systems"
    assert first["evidence"] and "note" not in first
    pillar = next(a for a in rest if a["strategy"].startswith("Pillar 1"))
    assert pillar["score"] > first["score"]  # the case the ordering exists for
    assert pillar["verdict"] != "strong" and pillar["note"].startswith("entered by hand")
    assert not security["gap"]
