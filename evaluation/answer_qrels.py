"""`python -m evaluation.answer_qrels --out DIR [--set blind3 ...]`: the answer sets' questions as
a retrieval set (``queries.jsonl`` + ``qrels.tsv``) for ``policykb eval --baselines``.

Why: the retrieval set's page judgements were written alongside the ranking work, and grade 1
marks pages that only touch the topic. The answer sets were written later, most of them blind,
and each question names the pages that state its facts. Read as qrels (every source document and
every source page graded 2), they give a second, independent check of ranking and of the pages
``/search`` shows first, scored by the same harness and beside the same naive peers.
Unanswerable questions have no sources and are left out.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from evaluation.answer_scoring import AnswerCase, load_answer_cases
from evaluation.answers_report import answer_set
from evaluation.metrics import MAX_GRADE, QRELS_HEADER

DEFAULT_SETS = ("blind", "blind2", "blind3", "blind4", "blind5")


def retrieval_rows(set_name: str, cases: Iterable[AnswerCase]) -> tuple[list[dict[str, str]], list[str]]:
    """Query objects and qrels lines for one answer set; ids are ``<set>:<question id>`` and the
    kind is the question's kind and language (``policy_fact_en``), so the harness reports each."""
    queries: list[dict[str, str]] = []
    lines: list[str] = []
    for case in cases:
        if not case.answerable:
            continue
        qid = f"{set_name}:{case.id}"
        queries.append({"id": qid, "text": case.question, "lang": case.lang,
                        "kind": f"{case.kind or 'fact'}_{case.lang}"})
        docs = sorted({doc for doc, _ in case.sources})
        lines += [f"{qid}\t{doc}\t{MAX_GRADE}" for doc in docs]
        lines += [f"{qid}\t{doc}#page={page}\t{MAX_GRADE}"
                  for doc, page in sorted(case.sources) if doc.lower().endswith(".pdf")]
    return queries, lines


def write_retrieval_set(set_names: Sequence[str], out: Path) -> tuple[Path, Path]:
    """Write ``queries.jsonl`` and ``qrels.tsv`` for the named sets into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    queries: list[dict[str, str]] = []
    lines: list[str] = ["\t".join(QRELS_HEADER)]
    for name in set_names:
        more_queries, more_lines = retrieval_rows(name, load_answer_cases(answer_set(name)))
        queries += more_queries
        lines += more_lines
    queries_path, qrels_path = out / "queries.jsonl", out / "qrels.tsv"
    queries_path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries),
                            encoding="utf-8")
    qrels_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return queries_path, qrels_path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for queries.jsonl and qrels.tsv")
    parser.add_argument("--set", dest="sets", action="append",
                        help=f"answer set name or JSONL path (repeatable; default {', '.join(DEFAULT_SETS)})")
    args = parser.parse_args(argv)
    queries_path, qrels_path = write_retrieval_set(args.sets or DEFAULT_SETS, args.out)
    print(f"policykb eval --baselines --queries {queries_path} --qrels {qrels_path}")


if __name__ == "__main__":
    main()
