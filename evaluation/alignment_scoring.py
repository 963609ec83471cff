"""Scores plan alignments against a judged set (best strategy, or gap, per mechanism).

It takes a plain ``align(case)`` callable, never the application's container, so it sits
below every entry point (like ``evaluation/harness.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _jsonl(path: Path) -> list[dict[str, Any]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]



@dataclass(frozen=True)
class ExpectedMechanism:
    """A plan's mechanism (its label and a phrase of its text) and the strategies accepted
    as its best match; ``"gap"`` accepts "no strategy supports it"."""

    label: str
    contains: str
    accept: tuple[str, ...]


@dataclass(frozen=True)
class AlignmentCase:
    """A plan to align: an indexed document id or a text file (relative to the set)."""

    id: str
    lang: str
    doc_id: str | None
    file: Path | None
    mechanisms: tuple[ExpectedMechanism, ...]


def load_alignment_cases(path: Path) -> list[AlignmentCase]:
    path = Path(path)
    return [AlignmentCase(o["id"], o["lang"], o.get("doc_id"),
                          path.parent / o["file"] if o.get("file") else None,
                          tuple(ExpectedMechanism(m["label"], m["contains"], tuple(m["accept"]))
                                for m in o["mechanisms"]))
            for o in _jsonl(path)]


def _is_label(strategy: str, prefix: str) -> bool:
    """``Strategy 1: ...`` starts with label ``Strategy 1`` but ``Strategy 10`` does not."""
    return strategy.startswith(prefix) and not strategy[len(prefix):len(prefix) + 1].isdigit()


def mechanism_correct(expected: ExpectedMechanism, found: Mapping[str, Any] | None) -> bool:
    """Right when the plan's mechanism was found and its best strategy (or its gap) is accepted."""
    if found is None or expected.contains.lower() not in found["text"].lower():
        return False
    if found["gap"] and "gap" in expected.accept:
        return True
    best = found["alignments"][0]["strategy"] if found["alignments"] else ""
    return any(_is_label(best, label) for label in expected.accept if label != "gap")


def verdict_correct(expected: ExpectedMechanism, found: Mapping[str, Any] | None) -> bool | None:
    """Whether the mechanism is reported as a gap exactly when the judgement says so; None
    when the judgement accepts both (a strategy or a gap)."""
    gap_only = expected.accept == ("gap",)
    if "gap" in expected.accept and not gap_only:
        return None
    if found is None or expected.contains.lower() not in found["text"].lower():
        return False
    return bool(found["gap"]) == gap_only


def score_alignment(align: Callable[[AlignmentCase], Mapping[str, Any]],
                    cases: Sequence[AlignmentCase]) -> dict[str, Any]:
    """Top-1 accuracy (best strategy, or gap, accepted), verdict agreement (gap or not) and
    mechanism detection rate, overall, per plan language and per plan.

    ``align(case)`` returns the report in its JSON form (``alignment.report.to_json``).
    """
    rows: list[dict[str, Any]] = []
    for case in cases:
        report = align(case)
        by_label = {m["label"]: m for m in report["mechanisms"]}
        for expected in case.mechanisms:
            found = by_label.get(expected.label)
            rows.append({"plan": case.id, "lang": case.lang, "label": expected.label,
                         "detected": float(found is not None
                                           and expected.contains.lower() in found["text"].lower()),
                         "top1": float(mechanism_correct(expected, found)),
                         "verdict": verdict_correct(expected, found),
                         "best": (found["alignments"][0]["strategy"]
                                  if found and found["alignments"] else None),
                         "gap": bool(found and found["gap"])})

    def summary(group: list[dict[str, Any]]) -> dict[str, float | None]:
        def mean(name: str) -> float | None:
            values = [float(r[name]) for r in group if r[name] is not None]
            return sum(values) / len(values) if values else None

        return {"top1": mean("top1"), "verdict": mean("verdict"), "detected": mean("detected")}

    return {"overall": summary(rows),
            "by_lang": {lang: summary([r for r in rows if r["lang"] == lang])
                        for lang in sorted({r["lang"] for r in rows})},
            "by_plan": {case.id: summary([r for r in rows if r["plan"] == case.id]) for case in cases},
            "per_mechanism": rows}
