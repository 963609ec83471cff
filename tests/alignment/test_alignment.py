"""Alignment of a fixture plan with a known answer against the fixture policy of the registry
tests (both written by the team): each mechanism finds its strategy, the unsupported one is a
gap, the strategy nobody addresses is listed, and every quote is an exact page span."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from alignment.registry import RegistryCache
from alignment.report import to_csv, to_json, to_markdown
from alignment.service import NoMechanismsError, align_document
from api.app import create_app
from core.errors import DocumentNotFoundError, RegistryFileError
from tests.support.registry_fixture import write_fixture

REVIEWED = """version: 1
policies:
  - id: provincial-digital-inclusion
    title: Provincial Digital Inclusion Policy 2025-2030
    short_name: Digital Inclusion
    match: "*provincial_digital_inclusion*"
  - id: national-example-strategy
    title: National Example Strategy - Phase I
    has_text: false
    note: entered by hand; no indexed text backs it
    goals:
      - {label: Pillar 1, title: Connectivity for rural villages}
      - {label: Pillar 2, title: Skills of the population}
      - {label: Pillar 3, title: Agriculture and fisheries}
"""

PLAN = """Draft provincial ICT plan 2026-2030

The working group reviewed the draft plan, which rests on four mechanisms, including:
1- Mechanism for operators to share masts and fibre so that remote villages get networks,
2- Mechanism for training a digital volunteer in every village and adding digital skills classes for households,
3- Mechanism for reporting online fraud, scams and hacked accounts through a hotline,
4- Mechanism for managing the provincial fish market and the price of rice.
"""

EXPECTED = {"1": "Strategy 1", "2": "Strategy 3", "3": "Strategy 4"}


@pytest.fixture(scope="module")
def aligned_services(tmp_path_factory, embedder):
    from core.settings import Settings
    from policykb.services import Services

    root = tmp_path_factory.mktemp("alignment")
    reviewed = root / "policies.yaml"
    reviewed.write_text(REVIEWED, encoding="utf-8")
    corpus = write_fixture(root / "corpus")
    (corpus / "plans").mkdir()
    (corpus / "plans" / "draft_ict_plan.md").write_text(PLAN, encoding="utf-8")
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None,
                                 registry_path=reviewed), model=embedder)
    assert not services.ingestor.ingest([corpus]).failed
    return services


def _align(services, **target):
    return align_document(services.catalog, services.aligner, services.registry, **target)


def test_each_mechanism_finds_its_strategy(aligned_services):
    report = _align(aligned_services, doc_id="plans/draft_ict_plan.md")
    data = to_json(report)
    assert data["document"] == "plans/draft_ict_plan.md"
    assert [m["label"] for m in data["mechanisms"]] == ["1", "2", "3", "4"]
    for mechanism in data["mechanisms"]:
        scores = [a["score"] for a in mechanism["alignments"]]
        assert scores == sorted(scores, reverse=True)  # best first
        assert all(0.0 <= s <= 1.0 for s in scores)
        expected = EXPECTED.get(mechanism["label"])
        if expected:
            best = mechanism["alignments"][0]
            assert best["strategy"].startswith(expected), (mechanism["text"], best)
            assert best["verdict"] in ("strong", "partial")
            assert best["policy"] == "Provincial Digital Inclusion Policy 2025-2030"
            assert best["evidence"], "a supported mechanism cites its evidence"


def test_unsupported_mechanism_is_a_gap_and_unaddressed_strategy_is_listed(aligned_services):
    report = _align(aligned_services, doc_id="plans/draft_ict_plan.md")
    by_label = {m.label: m for m in report.mechanisms}
    assert by_label["4"].gap
    assert not any(by_label[label].gap for label in EXPECTED)
    unaddressed = [u["strategy"] for u in to_json(report)["unaddressed"]]
    assert any(s.startswith("Strategy 2") for s in unaddressed)  # affordable devices
    assert not any(s.startswith(("Strategy 1", "Strategy 3", "Strategy 4")) for s in unaddressed)


def test_evidence_quotes_are_exact_page_spans(aligned_services):
    report = _align(aligned_services, doc_id="plans/draft_ict_plan.md")
    quotes = [e for m in report.mechanisms for a in m.alignments for e in a.evidence]
    assert quotes
    for e in quotes:
        page = aligned_services.catalog.page(e.doc_id, e.page)
        assert page.text[e.start:e.end] == e.quote


def test_hand_entered_policy_is_marked_as_having_no_text(aligned_services):
    report = _align(aligned_services, doc_id="plans/draft_ict_plan.md")
    untexted = [a for m in report.mechanisms for a in m.alignments if a.note]
    assert all(a.verdict != "strong" and not a.evidence for a in untexted)
    assert "entered by hand" in to_markdown(report)


def test_markdown_and_csv_forms(aligned_services):
    report = _align(aligned_services, text=PLAN)
    markdown = to_markdown(report)
    assert markdown.startswith("# Policy alignment: uploaded text")
    assert "| 1 | Mechanism for operators to share masts" in markdown
    assert "## National strategies the plan does not address" in markdown
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert rows[0][:6] == ["mechanism", "mechanism_text", "policy", "strategy", "score", "verdict"]
    assert {r[0] for r in rows[1:] if r[5] != "unaddressed"} == {"1", "2", "3", "4"}


def test_text_without_mechanisms_is_a_clear_error(aligned_services):
    with pytest.raises(NoMechanismsError, match="no numbered mechanisms"):
        _align(aligned_services, text="The meeting discussed the weather.")


def test_a_broken_registry_file_is_named_after_the_request_is_checked(aligned_services, tmp_path):
    """The components are passed in, so a registry over another file is one argument away."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("policies:\n  - id: x\n    title: X\n    match: '*'\n    titel: Y\n",
                      encoding="utf-8")
    registry = RegistryCache(aligned_services.catalog, broken)
    catalog, aligner = aligned_services.catalog, aligned_services.aligner
    with pytest.raises(DocumentNotFoundError):
        align_document(catalog, aligner, registry, doc_id="plans/no_such_plan.md")
    with pytest.raises(RegistryFileError, match=r"broken\.yaml: policies\[0\]\.titel: unknown key"):
        align_document(catalog, aligner, registry, doc_id="plans/draft_ict_plan.md")
    assert registry.builds == 0


def test_alignment_over_http(aligned_services, live_server):
    with live_server(create_app(aligned_services.settings, aligned_services)) as base:
        data = httpx.post(f"{base}/alignment", json={"doc_id": "plans/draft_ict_plan.md"}, timeout=120).json()
        assert data["mechanisms"][0]["alignments"][0]["strategy"].startswith("Strategy 1")
        md = httpx.post(f"{base}/alignment", json={"text": PLAN, "format": "md"}, timeout=120)
        assert md.headers["content-type"].startswith("text/markdown") and "# Policy alignment" in md.text
        csv_response = httpx.post(f"{base}/alignment", json={"text": PLAN, "format": "csv"}, timeout=120)
        assert csv_response.headers["content-type"].startswith("text/csv")
        assert httpx.post(f"{base}/alignment", json={"doc_id": "nope.md"}).status_code == 404
        assert httpx.post(f"{base}/alignment", json={"text": "no list here"}).status_code == 422
        assert httpx.post(f"{base}/alignment", json={}).status_code in (400, 422)
