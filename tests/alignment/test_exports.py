"""The report a consultant circulates, read back: DOCX with python-docx (headings, summary
matrix, findings with numbered references, a priority-action row as a table, sources), CSV with
the csv module (UTF-8 BOM, unaddressed strategies), Markdown, JSON rows, and the DOCX and CSV
forms over HTTP."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import docx
import httpx
import pytest

from alignment.export_csv import HEADER
from alignment.report import csv_bytes, to_csv, to_docx, to_json, to_markdown
from api.app import create_app
from tests.alignment.plan_fixture import (
    PLAN_ID,
    PLAN_PASTED,
    POLICY_TITLE,
    align,
    ingest_plan_fixture,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECURITY = "Strategy 2: Digital security of government systems"
ROW_ACTION = "Apply minimum digital security standards to every department server"


@pytest.fixture(scope="module")
def plan_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    services = ingest_plan_fixture(tmp_path_factory.mktemp("exports"), embedder)
    yield services
    services.catalog.close()


@pytest.fixture(scope="module")
def report(plan_index: Any) -> Any:
    return align(plan_index, doc_id=PLAN_ID)


def test_json_quotes_are_exact_spans_and_table_rows_carry_their_columns(plan_index: Any,
                                                                        report: Any) -> None:
    data = to_json(report)
    assert data["title"] == plan_index.catalog.get_document(PLAN_ID).title and data["date"]
    evidence = [e for m in data["mechanisms"] for a in m["alignments"] for e in a["evidence"]]
    for e in evidence:
        assert plan_index.catalog.page(e["doc_id"], e["page"]).text[e["start"]:e["end"]] == e["quote"]
        assert e["title"] == POLICY_TITLE
    rows = [e for e in evidence if "row" in e]
    assert rows, "the appendix's priority actions are cited as rows"
    row = next(e["row"] for e in rows if e["row"]["number"] == 3)
    assert row == {"number": 3, "action": ROW_ACTION, "timeline": "2026 - 2030",
                   "responsible": ["Ministry of Posts and Telecommunications", "Ministry of Interior"]}
    assert all(e["printed_page"] == "12" for e in rows)  # "Page 12" in the appendix header
    assert all("\n2 Open a help desk" not in e["quote"] for e in evidence)  # never two rows


def test_docx_has_the_sections_matrix_findings_and_sources(report: Any) -> None:
    document = docx.Document(io.BytesIO(to_docx(report)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Summary matrix", "Findings by mechanism"]
    assert "Mechanism 2: Cybersecurity and cybercrime" in headings
    assert headings[-3:] == ["Gaps", "National strategies the plan does not address", "Sources"]
    assert document.paragraphs[0].text == "Policy alignment report"
    texts = [p.text for p in document.paragraphs]
    assert f"Plan: {report.title} ({PLAN_ID})" in texts and f"Date: {report.date}" in texts

    matrix = document.tables[0]
    header = [c.text for c in matrix.rows[0].cells]
    assert header == ["#", "Mechanism", POLICY_TITLE, "Hand-entered (context)", "Finding"]
    body = {r.cells[0].text: [c.text for c in r.cells] for r in matrix.rows[1:]}
    assert list(body) == ["1", "2", "3"]
    assert body["2"][2].startswith(SECURITY) and body["2"][3].startswith("Pillar 1")

    row_tables = [t for t in document.tables[1:]
                  if [c.text for c in t.rows[0].cells] == ["Priority action", "Responsible", "Timeline"]]
    assert any(t.rows[1].cells[0].text.startswith(f"3. {ROW_ACTION} [") for t in row_tables)

    sources = texts[texts.index("Sources") + 1:]
    references = [p for p in sources if p.startswith("[")]
    quotes = [e for m in report.mechanisms for a in m.alignments for e in a.evidence]
    assert len(references) == len(quotes) > 0
    assert references[0].startswith(f"[1] {POLICY_TITLE}, p. ")
    assert any("p. 12 (PDF p. 3)" in r for r in references)
    unaddressed = texts[texts.index("National strategies the plan does not address") + 1:
                        texts.index("Sources")]
    assert unaddressed == [f"{u['strategy']} — {u['policy']}" for u in report.unaddressed]


def test_csv_starts_with_a_bom_and_lists_the_unaddressed_strategies(report: Any) -> None:
    raw = csv_bytes(report)
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel then reads Khmer and dashes right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == HEADER
    alignments = [r for r in rows if r["verdict"] != "unaddressed"]
    assert {r["mechanism"] for r in alignments} == {"1", "2", "3"}
    unaddressed = [r["strategy"] for r in rows if r["verdict"] == "unaddressed"]
    assert unaddressed == [u["strategy"] for u in report.unaddressed] and unaddressed
    assert all(r["mechanism"] == "" for r in rows if r["verdict"] == "unaddressed")
    cited = [r for r in alignments if r["action"]]
    assert all(r["timeline"] and r["responsible"] for r in cited)
    assert to_csv(report).startswith("mechanism,")  # the text form has no BOM


def test_markdown_shows_rows_as_columns_with_citations(report: Any) -> None:
    text = to_markdown(report)
    assert text.startswith(f"# Policy alignment: {PLAN_ID}\n")
    assert f"Plan: {report.title} · Date: {report.date}" in text
    assert "## Mechanism 2: Cybersecurity and cybercrime" in text
    assert f"> Priority action 3: {ROW_ACTION} | Ministry of Posts and Telecommunications; " \
           "Ministry of Interior | 2026 - 2030" in text
    assert f"— {POLICY_TITLE}, p. 12 (PDF p. 3)" in text


def test_docx_and_csv_over_http(plan_index: Any, live_server: Any) -> None:
    with live_server(create_app(plan_index.settings, plan_index)) as base:
        response = httpx.post(f"{base}/alignment", json={"text": PLAN_PASTED, "format": "docx"},
                              timeout=120)
        assert response.status_code == 200
        assert response.headers["content-type"] == DOCX_TYPE
        assert 'filename="policy-alignment.docx"' in response.headers["content-disposition"]
        document = docx.Document(io.BytesIO(response.content))
        assert "Mechanism 2: Cybersecurity and cybercrime" in [p.text for p in document.paragraphs]
        table = httpx.post(f"{base}/alignment", json={"text": PLAN_PASTED, "format": "csv"},
                           timeout=120)
        assert table.content.startswith(b"\xef\xbb\xbf")
        data = httpx.post(f"{base}/alignment", json={"doc_id": PLAN_ID}, timeout=120).json()
        rows = [e["row"] for m in data["mechanisms"] for a in m["alignments"]
                for e in a["evidence"] if e.get("row")]
        assert rows and rows[0]["timeline"]  # the row survives the response model
        assert httpx.post(f"{base}/alignment", json={"text": PLAN_PASTED, "format": "pdf"},
                          timeout=60).status_code == 422
