"""The answer sets read as a retrieval set: ids, kinds and graded rows the harness accepts."""

from __future__ import annotations

import json
from pathlib import Path

from evaluation.answer_qrels import write_retrieval_set
from evaluation.metrics import load_answer_pages, load_qrels, load_queries

ROWS = [
    {"id": "a1", "kind": "policy_fact", "lang": "en", "question": "How long is the cable?",
     "facts": [["100 km"]], "sources": [["policy/p.pdf", 4], ["policy/p.pdf", 9], ["news/n.md", 1]]},
    {"id": "a2", "kind": "km", "lang": "km", "question": "តើនរណា?", "facts": [["ក"]],
     "sources": [["news/k.md", 1]]},
    {"id": "a3", "kind": "unanswerable", "lang": "en", "question": "What about Laos?",
     "facts": [], "sources": []},
]


def test_answer_sets_become_graded_queries_and_qrels(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    queries_path, qrels_path = write_retrieval_set([str(answers)], tmp_path / "out")

    queries = load_queries(queries_path)
    assert [(q.id, q.kind, q.lang) for q in queries] == [
        (f"{answers}:a1", "policy_fact_en", "en"), (f"{answers}:a2", "km_km", "km")]
    docs, pages = load_qrels(qrels_path)  # validates header, grades and ids
    assert docs[f"{answers}:a1"] == {"policy/p.pdf": 2, "news/n.md": 2}
    assert pages[f"{answers}:a1"] == {("policy/p.pdf", 4), ("policy/p.pdf", 9)}
    assert f"{answers}:a2" not in pages  # a text file has no page rows
    assert load_answer_pages(qrels_path) == pages  # every source page answers
