"""`policykb eval`, `ask`, `align` and `related` on the bundled sample index, run in-process
through typer's CliRunner (the commands load their own model, as a user's shell would) from an
empty folder, so no developer `.env` is read. What they print is checked against the judged
set in ``evaluation/sample/`` and against the indexed page texts."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evaluation.harness import AlignmentCase, load_alignment_cases, mechanism_correct

SAMPLE_SET = Path(__file__).resolve().parents[1] / "evaluation" / "sample"
MEETING = "moi_ict_plan_meeting_en.html"
KINDS = {"en_en", "km_km", "km_en", "en_km"}

Invoke = Callable[..., Any]


@pytest.fixture(scope="module")
def cli(sample_services: Any, tmp_path_factory: pytest.TempPathFactory) -> Invoke:
    """``cli("ask", "...")`` runs ``policykb ask "..."`` against the sample index."""
    from typer.testing import CliRunner

    from policykb.cli import app

    cwd = tmp_path_factory.mktemp("cli-quality")
    env = {"POLICYKB_DATA_DIR": str(sample_services.settings.data_dir),
           "POLICYKB_OCR_ENABLED": "false"}

    def invoke(*args: str) -> Any:
        with pytest.MonkeyPatch.context() as patch:
            for name in [n for n in os.environ if n.startswith("POLICYKB_")]:
                patch.delenv(name)
            patch.chdir(cwd)
            result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
        return result

    return invoke


@pytest.fixture(scope="module")
def alignment_cases() -> dict[str, AlignmentCase]:
    return {c.id: c for c in load_alignment_cases(SAMPLE_SET / "alignment.jsonl")}


# -- eval ---------------------------------------------------------------------------------


def test_eval_with_baselines_writes_every_system_per_kind(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = cli("eval", "--queries", str(SAMPLE_SET / "queries.jsonl"),
                 "--qrels", str(SAMPLE_SET / "qrels.tsv"), "--baselines", "--json", str(out))
    assert "PolicyKB" in result.stdout and "latency" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data["by_kind"]) == KINDS
    assert data["counts"]["overall"]["queries"] == 22
    baselines = data["baselines"]
    assert len(baselines) == 3 and any("bm25s" in n for n in baselines) and any(
        "LlamaIndex" in n for n in baselines) and any("RRF" in n for n in baselines)
    for name, res in baselines.items():
        assert set(res["by_kind"]) == KINDS, name
        # the point of PolicyKB: better than what a user would otherwise pick
        for metric in ("ndcg@10", "recall@10", "mrr@10"):
            assert data["overall"][metric] >= res["overall"][metric], (name, metric)
        for kind in ("km_en", "en_km"):  # the cross-language gap is large, not noise
            assert data["by_kind"][kind]["ndcg@10"] >= res["by_kind"][kind]["ndcg@10"] + 0.3


# -- ask ----------------------------------------------------------------------------------


def _check_citations(services: Any, answer: dict[str, Any]) -> None:
    assert answer["citations"]
    for c in answer["citations"]:
        page = services.catalog.page(c["doc_id"], c["page"])
        assert page is not None, c
        assert c["quote"] and c["quote"] in page.text
        assert page.text[c["start"]:c["end"]] == c["quote"]


def test_ask_english_cites_the_meeting_record(cli: Invoke, sample_services: Any) -> None:
    answer = json.loads(cli("ask", "Who chaired the meeting that reviewed the Ministry of "
                            "Interior's five-year ICT strategic plan?", "--json").stdout)
    assert answer["found"] and answer["language"] == "en"
    assert "Sok Dara" in answer["answer"]
    _check_citations(sample_services, answer)
    cited = [c for c in answer["citations"] if "Sok Dara" in c["quote"]]
    assert cited and {c["doc_id"] for c in cited} == {MEETING}


def test_ask_khmer_cites_the_khmer_plan(cli: Invoke, sample_services: Any) -> None:
    answer = json.loads(cli("ask", "តើសេវាសាធារណៈប៉ុន្មាន នឹងត្រូវបំប្លែងទៅជាសេវាឌីជីថលពេញលេញ "
                            "ត្រឹមឆ្នាំ២០២៧?", "--json").stdout)
    assert answer["found"] and answer["language"] == "km"
    _check_citations(sample_services, answer)
    cited = [c for c in answer["citations"] if "៥០" in c["quote"]]  # 50 services
    assert cited and {c["doc_id"] for c in cited} == {"digital_government_plan_km.txt"}
    assert cited[0]["language"] == "km"


def test_ask_prints_citations_and_declines_the_unanswerable(cli: Invoke) -> None:
    text = " ".join(cli("ask", "Within how many hours must operators of critical information "
                        "infrastructure report serious incidents?").stdout.split())
    assert "24 hours" in text
    assert re.search(r"\[1\] .*national_cybersecurity_policy_(en|km)\.md p\.1", text)
    declined = cli("ask", "What is the minimum wage of garment factory workers in 2025?").stdout
    assert "do not answer this question" in " ".join(declined.split())
    assert "closest:" in declined and "[1]" not in declined


# -- align --------------------------------------------------------------------------------


def _from_markdown(text: str) -> list[dict[str, Any]]:
    """The report's per-mechanism sections as the JSON shape ``mechanism_correct`` reads."""
    mechanisms = []
    for section in re.split(r"^## Mechanism ", text, flags=re.MULTILINE)[1:]:
        head, _, body = section.partition("\n")
        label, _, mechanism_text = head.partition(": ")
        strategies = re.findall(r"^- \*\*(.+?)\*\* — ", body, flags=re.MULTILINE)
        mechanisms.append({"label": label, "text": mechanism_text, "gap": "**Gap:**" in body,
                           "alignments": [{"strategy": s} for s in strategies]})
    return mechanisms


def _from_csv(text: str) -> list[dict[str, Any]]:
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))  # Excel's BOM
    mechanisms: dict[str, dict[str, Any]] = {}
    for row in (r for r in rows if r["verdict"] != "unaddressed"):  # per alignment, best first
        m = mechanisms.setdefault(row["mechanism"], {"label": row["mechanism"],
                                                     "text": row["mechanism_text"],
                                                     "alignments": [], "verdicts": []})
        m["alignments"].append({"strategy": row["strategy"]})
        m["verdicts"].append(row["gap"] == "yes")  # hand-entered context may be "partial"
    for m in mechanisms.values():
        m["gap"] = all(m.pop("verdicts"))
    return list(mechanisms.values())


def _assert_expected(case: AlignmentCase, mechanisms: list[dict[str, Any]], form: str) -> None:
    by_label = {m["label"]: m for m in mechanisms}
    assert list(by_label) == [m.label for m in case.mechanisms], form
    wrong = [(m.label, (by_label[m.label]["alignments"] or [{}])[0].get("strategy"))
             for m in case.mechanisms if not mechanism_correct(m, by_label[m.label])]
    assert not wrong, f"{case.id} ({form}): {wrong}"


@pytest.mark.parametrize("form", ["json", "md", "csv"])
def test_align_meeting_record_every_format(cli: Invoke, form: str, tmp_path: Path,
                                           alignment_cases: dict[str, AlignmentCase]) -> None:
    out = tmp_path / f"report.{form}"
    result = cli("align", MEETING, "--format", form, "--output", str(out))
    assert "wrote" in result.stdout
    text = out.read_text(encoding="utf-8")
    parse = {"json": lambda t: json.loads(t)["mechanisms"], "md": _from_markdown,
             "csv": _from_csv}[form]
    _assert_expected(alignment_cases["moi_meeting_en"], parse(text), form)


def test_align_khmer_plan_file_pins_each_mechanism(
        cli: Invoke, alignment_cases: dict[str, AlignmentCase]) -> None:
    case = alignment_cases["provincial_plan_km"]
    assert case.file is not None
    report = json.loads(cli("align", str(case.file), "--format", "json").stdout)
    assert report["document"] == str(case.file)
    first_line = case.file.read_text(encoding="utf-8").splitlines()[0]
    assert report["title"] == first_line.removeprefix("# ")  # the plan's name heads the report
    _assert_expected(case, report["mechanisms"], "json")
    assert report["mechanisms"][-1]["gap"]  # the fish market: nothing supports it


def test_align_an_indexed_file_aligns_the_indexed_document(
        cli: Invoke, sample_services: Any) -> None:
    record = sample_services.catalog.get_document(MEETING)
    path = Path(record.root) / record.source
    by_path = json.loads(cli("align", str(path), "--format", "json").stdout)
    by_id = json.loads(cli("align", MEETING, "--format", "json").stdout)
    assert by_path["document"] == MEETING  # read as the index read the HTML, not as raw text
    assert by_path["title"] == record.title and record.title != MEETING
    assert by_path["mechanisms"] == by_id["mechanisms"]


# -- related ------------------------------------------------------------------------------


def test_related_to_a_document_lists_other_documents(cli: Invoke, sample_services: Any) -> None:
    response = json.loads(cli("related", "--doc", MEETING, "-k", "5", "--json").stdout)
    hits = response["hits"]
    assert hits and all(h["doc_id"] != MEETING for h in hits)
    # the draft of the very plan the meeting reviewed is the closest other document
    assert hits[0]["doc_id"] == "ministry_ict_plan_draft_en.docx"
    for h in hits:
        page = sample_services.catalog.page(h["doc_id"], h["page"])
        assert page is not None and h["text"] == page.text[h["start"]:h["end"]]


def test_related_to_a_khmer_draft_paragraph(cli: Invoke, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("តម្រូវឱ្យស្ថាប័នសាធារណៈជូនដំណឹងដល់ប្រជាពលរដ្ឋ "
                     "នៅពេលទិន្នន័យផ្ទាល់ខ្លួនរបស់ពួកគេលេចធ្លាយ។\n", encoding="utf-8")
    response = json.loads(cli("related", str(draft), "-k", "5", "--json").stdout)
    assert response["language"] == "km"
    top = [h["doc_id"] for h in response["hits"][:2]]
    # the policy's breach-notification measure (4.3), in Khmer
    assert "national_cybersecurity_policy_km.md" in top, top
