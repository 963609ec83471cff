"""The alignment diff of two versions of a plan, and citations that name the version they quote,
on the fixture policy (tests/support/registry_fixture.py) ingested for real."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from alignment.report import to_csv, to_docx, to_json, to_markdown
from alignment.service import align_document
from alignment.version_diff import alignment_diff
from alignment.version_diff import to_markdown as diff_markdown
from api.app import create_app
from tests.support.registry_fixture import DOC_ID, FIXTURE_POLICY, ingest_fixture_policy

REVIEWED = """version: 1
policies:
  - id: provincial-digital-inclusion
    title: Provincial Digital Inclusion Policy 2025-2030
    match: "*provincial_digital_inclusion*"
"""

PLAN_V1 = """Draft district ICT plan 2026-2030

The plan rests on three mechanisms, including:
1- Mechanism for operators to share masts and fibre so that remote villages get networks,
2- Mechanism for training a digital volunteer in every village and adding digital skills classes for households,
3- Mechanism for managing the provincial fish market and the price of rice.
"""

# v2 drops the volunteers and adds a fraud hotline
PLAN_V2 = """Draft district ICT plan 2026-2030

The plan rests on three mechanisms, including:
1- Mechanism for operators to share masts and fibre so that remote villages get networks,
2- Mechanism for managing the provincial fish market and the price of rice,
3- Mechanism for reporting online fraud, scams and hacked accounts through a hotline.
"""


@pytest.fixture
def fixture_index(tmp_path: Path, embedder: Any) -> Iterator[Any]:
    """The fixture policy as extracted (no corrections), in a fresh index."""
    services = ingest_fixture_policy(tmp_path, embedder, reviewed=REVIEWED)
    yield services
    services.catalog.close()


def _ingest(services, root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    assert not services.ingestor.ingest([root]).failed


def test_a_plan_that_drops_one_mechanism_and_adds_another(tmp_path, fixture_index,
                                                           live_server):
    services = fixture_index
    plans = tmp_path / "plans"
    _ingest(services, plans, "district.md", PLAN_V1)
    _ingest(services, plans, "district.md", PLAN_V2)
    assert services.catalog.get_document("district.md").version == 2

    diff = alignment_diff(services.catalog, services.aligner, services.registry, "district.md")
    assert (diff.from_version, diff.to_version) == (1, 2)
    assert [m.text for m in diff.dropped] == [
        "Mechanism for training a digital volunteer in every village and adding digital skills "
        "classes for households"]
    assert diff.dropped[0].best.startswith("Strategy 3") and diff.dropped[0].verdict != "none"
    assert len(diff.added) == 1 and "fraud" in diff.added[0].text
    assert diff.added[0].best.startswith("Strategy 4")
    # the masts mechanism and the fish market are the same in both versions (renumbered: 3 -> 2)
    assert diff.unchanged == 2 and not diff.changed
    assert any(s.startswith("Strategy 3") for s in diff.newly_unaddressed)
    assert any(s.startswith("Strategy 4") for s in diff.newly_addressed)
    text = diff_markdown(diff)
    assert "**dropped** 2." in text and "**added** 3." in text
    assert "no longer addressed: Strategy 3" in text
    assert diff.to_dict()["added"][0]["best"].startswith("Strategy 4")

    # the same diff over HTTP, through the alignment pool
    with live_server(create_app(services.settings, services)) as base:
        got = httpx.get(f"{base}/documents/district.md/versions/diff?alignment=true", timeout=120)
        assert got.status_code == 200, got.text
        aligned = got.json()["alignment"]
        assert [m["text"] for m in aligned["dropped"]] == [m.text for m in diff.dropped]
        assert [m["best"] for m in aligned["added"]] == [m.best for m in diff.added]
        assert aligned["newly_unaddressed"] == diff.newly_unaddressed


def test_citations_name_the_version_of_the_document_they_quote(tmp_path, fixture_index):
    services = fixture_index
    report = align_document(services.catalog, services.aligner, services.registry, text=PLAN_V1)
    quotes = [e for m in report.mechanisms for a in m.alignments for e in a.evidence]
    assert quotes and {e.version for e in quotes if e.doc_id == DOC_ID} == {1}
    assert ", version " not in to_markdown(report)

    # the policy is re-issued with a changed last page: version 2, and every citation says so
    revised = FIXTURE_POLICY.replace("revises the measures in 2028.",
                                     "revises the measures in 2027 and again in 2029.")
    assert revised != FIXTURE_POLICY
    _ingest(services, tmp_path / "corpus", DOC_ID, revised)
    assert services.catalog.get_document(DOC_ID).version == 2
    report = align_document(services.catalog, services.aligner, services.registry, text=PLAN_V1)
    quoted = [e for m in report.mechanisms for a in m.alignments for e in a.evidence
              if e.doc_id == DOC_ID]
    assert quoted and all(e.version == 2 for e in quoted)
    assert ", version 2, p. " in to_markdown(report)
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert {r["evidence_version"] for r in rows if r["evidence_doc_id"] == DOC_ID} == {"2"}
    evidence = [e for m in to_json(report)["mechanisms"] for a in m["alignments"]
                for e in a["evidence"]]
    assert evidence and all(e["version"] == 2 for e in evidence if e["doc_id"] == DOC_ID)

    from docx import Document

    document = Document(io.BytesIO(to_docx(report)))
    assert any(", version 2, p. " in p.text for p in document.paragraphs)
