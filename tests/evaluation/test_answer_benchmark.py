"""The answer benchmark (issue #12): the judged dev set is well formed against the shared
corpus, the scorer's metrics on hand-made answers, and `policykb eval --answers --set sample`
on the real sample index beside LlamaIndex's top passage."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from evaluation.answers_report import ANSWER_SETS, answer_set, table_rows
from evaluation.harness import (
    AnswerCase,
    AnswerSetError,
    fact_found,
    load_answer_cases,
    score_answers,
)
from tests.support.paths import SHARED_CORPUS

DEV = ANSWER_SETS["dev"]


# -- the dev set --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_cases() -> list[AnswerCase]:
    return load_answer_cases(DEV)


def test_dev_set_has_every_kind_in_the_numbers_the_issue_asks(dev_cases: list[AnswerCase]) -> None:
    kinds = Counter(c.kind for c in dev_cases)
    assert len(dev_cases) >= 44
    assert kinds["which_policy"] >= 6 and kinds["list"] >= 4 and kinds["unanswerable"] >= 4
    assert kinds["km"] >= 8 and kinds["policy_fact"] and kinds["meeting"] and kinds["other_country"]
    assert set(kinds) == {"policy_fact", "which_policy", "list", "meeting", "km", "other_country",
                          "unanswerable"}
    assert all(c.lang == "km" for c in dev_cases if c.kind == "km")
    assert all(c.answerable == (c.kind != "unanswerable") for c in dev_cases)
    assert all(c.sources for c in dev_cases if c.answerable)


def _pdf_pages(path: Path, cache: dict[Path, list[str]]) -> list[str]:
    """Every page's text (pdfium, what PolicyKB's PDF loader reads), by 1-based position - 1."""
    import pypdfium2

    if path not in cache:
        pdf = pypdfium2.PdfDocument(path)
        cache[path] = [str(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    return cache[path]


def _headlines(path: Path) -> list[str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return [h for h in first.split("**") if h.strip()]


def _page_text(doc_id: str, page: int, cache: dict[Path, list[str]]) -> str:
    """The text of a judged page, read from the shared corpus as PolicyKB numbers it: PDFs by
    1-based position, other files one page, a seed headline by its number."""
    name, _, part = doc_id.partition("#")
    path = SHARED_CORPUS / name
    assert path.is_file(), f"{doc_id}: no such document in {SHARED_CORPUS}"
    if path.suffix == ".pdf":
        pages = _pdf_pages(path, cache)
        assert 1 <= page <= len(pages), f"{doc_id}: page {page} of {len(pages)}"
        return pages[page - 1]
    assert page == 1, f"{doc_id}: a non-PDF document has one page, not {page}"
    if part:
        number = int(re.fullmatch(r"headline-(\d+)", part).group(1))  # type: ignore[union-attr]
        return _headlines(path)[number - 1]
    return path.read_text(encoding="utf-8").replace("\u200b", "")


def _facts_not_on_their_pages(cases: list[AnswerCase]) -> list[tuple[str, tuple[str, ...]]]:
    """(id, fact) for each fact no cited page states. The policy a which_policy answer must
    name is a title, not necessarily on the page."""
    cache: dict[Path, list[str]] = {}
    missing = []
    for case in cases:
        text = " ".join(_page_text(d, p, cache) for d, p in sorted(case.sources))
        facts = case.facts[1:] if case.kind == "which_policy" else case.facts
        missing += [(case.id, f) for f in facts if not fact_found(f, text)]
    return missing


def test_every_fact_is_stated_on_a_judged_page(dev_cases: list[AnswerCase]) -> None:
    assert not _facts_not_on_their_pages(dev_cases)


@pytest.mark.parametrize(("name", "questions", "unanswerable", "least_khmer"), [
    ("blind", 60, 10, 12), ("blind2", 30, 5, 0), ("blind3", 44, 6, 8), ("blind4", 40, 6, 0),
    ("blind5", 40, 4, 9)])
def test_each_blind_set_states_every_fact_on_a_judged_page(
        name: str, questions: int, unanswerable: int, least_khmer: int) -> None:
    """The sets written without running PolicyKB: their size, unanswerable and Khmer
    questions, and each fact on a page it cites (read as PolicyKB reads it)."""
    cases = load_answer_cases(ANSWER_SETS[name])
    assert len(cases) == questions and sum(not c.answerable for c in cases) == unanswerable
    assert sum(c.lang == "km" for c in cases) >= least_khmer
    assert not _facts_not_on_their_pages(cases)


def test_the_first_blind_set_asks_every_kind_the_issue_names() -> None:
    kinds = Counter(c.kind for c in load_answer_cases(ANSWER_SETS["blind"]))
    assert kinds["which_policy"] == 4 and kinds["list"] >= 1 and kinds["meeting"] >= 1


def test_unanswerable_questions_name_something_the_corpus_never_mentions(
        dev_cases: list[AnswerCase]) -> None:
    names = {"d48": "Mondulkiri", "d49": "Siem Reap", "d50": "Asian Development Bank",
             "d51": "Sihanoukville", "d52": "រតនគិរី"}
    assert {c.id for c in dev_cases if not c.answerable} == set(names)
    texts = []
    for root, _, files in os.walk(SHARED_CORPUS):
        texts += [(Path(root) / f).read_bytes().decode("utf-8", "ignore").replace("\u200b", "")
                  for f in files if not f.endswith(".pdf")]
    cache: dict[Path, list[str]] = {}
    for pdf in SHARED_CORPUS.glob("policy/*.pdf"):
        texts += _pdf_pages(pdf, cache)
    blob = "\n".join(texts).lower()
    assert [n for n in names.values() if n.lower() in blob] == []


# -- loading errors -----------------------------------------------------------------------


def test_a_bad_line_is_named_with_its_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    good = {"id": "a", "question": "q", "lang": "en", "facts": [["x"]], "sources": [["d.md", 1]]}
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "id": "b", "sources": []}) + "\n",
                    encoding="utf-8")
    with pytest.raises(AnswerSetError, match=r"answers\.jsonl:2: field 'sources' is empty"):
        load_answer_cases(path)
    path.write_text(json.dumps({**good, "facts": [[]]}) + "\n", encoding="utf-8")
    with pytest.raises(AnswerSetError, match=r":1: field 'facts'"):
        load_answer_cases(path)
    path.write_text(json.dumps({**good, "kind": "which_policy"}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(AnswerSetError, match=r":1: a which_policy question needs"):
        load_answer_cases(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    with pytest.raises(AnswerSetError, match="duplicate question id 'a'"):
        load_answer_cases(path)
    with pytest.raises(AnswerSetError, match="no such answer set"):
        answer_set(tmp_path / "missing.jsonl")
    assert answer_set("sample") == ANSWER_SETS["sample"]


# -- the scorer on hand-made answers ------------------------------------------------------


@dataclass
class _Cite:
    doc_id: str
    page: int


@dataclass
class _Ans:
    found: bool
    answer: str
    citations: list[_Cite] = field(default_factory=list)


POLICY = ("Digital Government Policy",)


def _cases() -> list[AnswerCase]:
    src = frozenset({("p.pdf", 26)})
    return [
        AnswerCase("w1", "wq1", "en", (POLICY, ("Strategy 3",)), src, "which_policy"),
        AnswerCase("w2", "wq2", "en", (POLICY, ("Strategy 4",)), src, "which_policy"),
        AnswerCase("f1", "fq1", "en", (("83",), ("2035",)), frozenset({("p.pdf", 28)}), "policy_fact"),
        AnswerCase("k1", "kq1", "km", (("៣៨០០", "3,800"),), frozenset({("k.md", 1)}), "km"),
        AnswerCase("k2", "kq2", "km", (("តាកែវ",),), frozenset({("k.md", 1)}), "km"),
        AnswerCase("u1", "uq1", "en", (), frozenset(), "unanswerable"),
        AnswerCase("u2", "uq2", "km", (), frozenset(), "unanswerable"),
    ]


ANSWERS = {
    "wq1": _Ans(True, "The Digital Government Policy covers it under Strategy 3.", [_Cite("p.pdf", 26)]),
    "wq2": _Ans(True, "Postal services are developed by the Digital Government Policy.",
                [_Cite("p.pdf", 30)]),  # names the policy, not the strategy; wrong page
    "fq1": _Ans(True, "There are 830 priority actions until 2035.", [_Cite("p.pdf", 28)]),  # 830 ≠ 83
    "kq1": _Ans(True, "សិស្សប្រមាណ ៣៨០០នាក់", [_Cite("k.md", 1)]),
    "kq2": _Ans(False, "តាកែវ", [_Cite("k.md", 1)]),  # declined: its text and citation do not count
    "uq1": _Ans(False, "The indexed documents do not answer this question."),
    "uq2": _Ans(True, "invented", [_Cite("x.md", 1)]),
}


def test_scorer_metrics_per_kind_and_language() -> None:
    result = score_answers(lambda q: ANSWERS[q], _cases())
    overall, kinds, langs = result["overall"], result["by_kind"], result["by_lang"]
    assert overall["questions"] == 7 and overall["answerable"] == 5
    # facts: w1 2/2, w2 1/2, f1 1/2, k1 1/1, k2 0/1 (declined)
    assert overall["fact_recall"] == pytest.approx((1 + 0.5 + 0.5 + 1 + 0) / 5)
    assert overall["all_facts"] == pytest.approx(2 / 5)
    assert overall["right_source"] == pytest.approx(3 / 5)  # w1, f1, k1
    assert overall["not_found_accuracy"] == 0.5 and overall["wrongly_declined"] == pytest.approx(1 / 5)
    assert kinds["which_policy"]["names_policy"] == 1.0
    assert kinds["which_policy"]["names_policy_and_strategy"] == 0.5
    assert kinds["km"]["names_policy_and_strategy"] is None
    assert kinds["km"]["fact_recall"] == 0.5 and kinds["km"]["wrongly_declined"] == 0.5
    assert kinds["unanswerable"]["fact_recall"] is None
    assert langs["en"]["not_found_accuracy"] == 1.0 and langs["km"]["not_found_accuracy"] == 0.0
    rows = {r["id"]: r for r in result["per_question"]}
    assert rows["k2"]["cited"] == [] and rows["k2"]["answer"] == ""
    assert rows["w1"]["cited"] == [("p.pdf", 26)]


def test_table_rows_put_every_system_under_every_group() -> None:
    cases = _cases()
    result = {"set": "x", "systems": {"PolicyKB": score_answers(lambda q: ANSWERS[q], cases),
                                      "peer": score_answers(lambda q: _Ans(True, ""), cases)}}
    rows = table_rows(result)
    groups = [r[0] for r in rows]
    assert groups[:2] == ["overall", "overall"] and "kind which_policy" in groups
    assert "lang km" in groups and len(rows) == 2 * (1 + 4 + 2)
    peer_overall = rows[1]
    assert peer_overall[1] == "peer" and peer_overall[2] == "7" and peer_overall[3] == "0.00"
    assert peer_overall[6] == "0.00"  # the peer never declines


# -- the real stack -----------------------------------------------------------------------


def test_eval_answers_on_the_sample_index_beside_the_peer(sample_services: Any,
                                                          tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from policykb.cli import app

    out = tmp_path / "answers.json"
    env = {"POLICYKB_DATA_DIR": str(sample_services.settings.data_dir),
           "POLICYKB_OCR_ENABLED": "false"}
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("POLICYKB_")]:
            patch.delenv(name)
        patch.chdir(tmp_path)
        result = CliRunner().invoke(app, ["eval", "--answers", "--set", "sample", "--json", str(out)],
                                    env=env, catch_exceptions=False)
        bad = CliRunner().invoke(app, ["eval", "--answers", "--set", "nope"], env=env)
    assert result.exit_code == 0, result.output
    for group in ("overall", "kind fact", "unanswerable", "lang en", "lang km"):
        assert group in result.output, group
    assert "LlamaIndex" in result.output and "fact recall" in result.output
    assert bad.exit_code == 1 and "nope: no such answer set" in bad.output

    report = json.loads(out.read_text(encoding="utf-8"))
    ours, peer = report["systems"]["PolicyKB"], report["systems"]["LlamaIndex top passage"]
    cases = load_answer_cases(ANSWER_SETS["sample"])
    assert ours["overall"]["questions"] == peer["overall"]["questions"] == len(cases)
    assert ours["overall"]["fact_recall"] >= 0.8 and ours["overall"]["not_found_accuracy"] == 1.0
    assert peer["overall"]["not_found_accuracy"] == 0.0  # a retriever always has a top passage
    pages = {(d.doc_id, 1) for d in sample_services.catalog.documents()}
    assert all(len(r["cited"]) == 1 and tuple(r["cited"][0]) in pages for r in peer["per_question"])
    # the printed numbers are what the scorer computes for the same answerer
    again = score_answers(sample_services.answerer.answer, cases)
    assert ours["overall"]["fact_recall"] == pytest.approx(again["overall"]["fact_recall"])


def test_bench_section_on_the_sample_index(sample_services: Any) -> None:
    """`policykb bench --quick` runs this on the sample index: both systems, one table."""
    from evaluation.bench.answers import bench_answers, section

    result = bench_answers(sample_services, quick=True)
    assert set(result["systems"]) == {"PolicyKB", "LlamaIndex top passage"}
    assert result["set"].endswith("sample/answers.jsonl") and result["seconds"] > 0
    lines = section({"answers": result})
    assert "## Answers (issue #12)" in lines
    assert any(line.startswith("| overall | PolicyKB | 13 |") for line in lines)
    assert section({}) == []
