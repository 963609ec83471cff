"""The answer benchmark in one place for the CLI and ``policykb bench``: which judged set,
PolicyKB and its naive peer scored in the same run, and the per-kind / per-language table.

Why a module of its own: the command line prints the table with rich and the benchmark writes
it as Markdown, and both must show the same rows in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from evaluation.harness import AnswerSetError, load_answer_cases, score_answers

EVALUATION_DIR = Path(__file__).resolve().parent
ANSWER_SETS = {"dev": EVALUATION_DIR / "dev" / "answers.jsonl",
               "blind": EVALUATION_DIR / "dev" / "answers_blind.jsonl",
               "blind2": EVALUATION_DIR / "dev" / "answers_blind2.jsonl",
               "blind3": EVALUATION_DIR / "dev" / "answers_blind3.jsonl",
               "blind4": EVALUATION_DIR / "dev" / "answers_blind4.jsonl",
               "blind5": EVALUATION_DIR / "dev" / "answers_blind5.jsonl",
               "sample": EVALUATION_DIR / "sample" / "answers.jsonl"}

# (key in a summary, column title); "which" columns only mean something for which_policy
COLUMNS = (("questions", "n"), ("fact_recall", "fact recall"), ("all_facts", "all facts"),
           ("right_source", "right page"), ("not_found_accuracy", "unanswerable declined"),
           ("wrongly_declined", "answerable declined"),
           ("names_policy_and_strategy", "policy + strategy named"))


def answer_set(name_or_path: str | Path) -> Path:
    """``dev`` (the default set over ../shared/corpus), ``blind`` and ``blind2`` (60 and 30
    more over it, written without running PolicyKB), ``sample``, or a JSONL path."""
    path = ANSWER_SETS.get(str(name_or_path), Path(name_or_path))
    if not path.is_file():
        raise AnswerSetError(f"{name_or_path}: no such answer set (use dev, blind, blind2, blind3, blind4, blind5, sample or a JSONL file)")
    return path


def compare(systems: Mapping[str, Callable[[str], Any]], path: Path) -> dict[str, Any]:
    """Every system's scores on the set at ``path``, the first system being PolicyKB."""
    cases = load_answer_cases(path)
    return {"set": str(path), "systems": {name: score_answers(answer, cases)
                                          for name, answer in systems.items()}}


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.2f}"


def table_rows(result: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """(group, system, n, metric...) rows: overall, then each kind, then each language."""
    systems = result["systems"]
    first = next(iter(systems.values()))
    groups: list[tuple[str, str | None, str]] = [("overall", None, "")]
    groups += [(f"kind {k}", "by_kind", k) for k in first["by_kind"]]
    groups += [(f"lang {k}", "by_lang", k) for k in first["by_lang"]]
    rows: list[tuple[str, ...]] = []
    for group, split, value in groups:
        for name, scores in systems.items():
            summary = scores["overall"] if split is None else scores[split].get(value) or {}
            rows.append((group, name, *(_cell(summary.get(key)) for key, _ in COLUMNS)))
    return rows


def headers() -> tuple[str, ...]:
    return ("group", "system", *(title for _, title in COLUMNS))


def markdown(result: Mapping[str, Any]) -> list[str]:
    """The table as Markdown lines."""
    lines = ["| " + " | ".join(headers()) + " |", "|" + "---|" * len(headers())]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(result)]
    return lines
