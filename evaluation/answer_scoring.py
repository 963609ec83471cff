"""Scores cited answers against a judged set such as ``evaluation/sample/answers.jsonl``: key
facts stated, the right source cited, unanswerable questions declined.

It takes a plain ``answer(question)`` callable, never the application's container, so it sits
below every entry point (like ``evaluation/harness.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.khmer.script import DIGITS_TO_ASCII


@dataclass(frozen=True)
class AnswerCase:
    """A question with its key facts (each a list of accepted spellings) and the pages that
    state them; no facts means the indexed documents do not answer it. For a ``which_policy``
    question the first fact is the policy's title and the second its strategy or section."""

    id: str
    question: str
    lang: str
    facts: tuple[tuple[str, ...], ...]
    sources: frozenset[tuple[str, int]]
    kind: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.facts)


class AnswerSetError(ValueError):
    """A judged answer set that cannot be scored: the message names the file, line and field."""


def _answer_case(o: Any) -> AnswerCase:
    if not isinstance(o, dict):
        raise ValueError("not a JSON object")
    missing = [k for k in ("id", "question", "lang", "facts", "sources") if k not in o]
    if missing:
        raise ValueError(f"missing field {missing[0]!r}")
    facts = o["facts"]
    if not isinstance(facts, list) or not all(
            isinstance(f, list) and f and all(isinstance(a, str) and a.strip() for a in f)
            for f in facts):
        raise ValueError("field 'facts' must be a list of non-empty lists of spellings")
    sources = o["sources"]
    if not isinstance(sources, list) or not all(
            isinstance(s, list) and len(s) == 2 and isinstance(s[0], str) and isinstance(s[1], int)
            for s in sources):
        raise ValueError("field 'sources' must be a list of [doc_id, page] pairs")
    if facts and not sources:
        raise ValueError("field 'sources' is empty but the question has facts")
    kind = str(o.get("kind") or ("unanswerable" if not facts else "fact"))
    if kind == "which_policy" and len(facts) < 2:
        raise ValueError("a which_policy question needs facts [policy, strategy]")
    return AnswerCase(str(o["id"]), str(o["question"]), str(o["lang"]),
                      tuple(tuple(alternatives) for alternatives in facts),
                      frozenset((doc, int(page)) for doc, page in sources), kind)


def load_answer_cases(path: Path) -> list[AnswerCase]:
    """The judged questions of ``path``; a bad line raises :class:`AnswerSetError` naming it."""
    cases: list[AnswerCase] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AnswerSetError(f"{path}: cannot read the answer set ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            cases.append(_answer_case(json.loads(line)))
        except (ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
            raise AnswerSetError(f"{path}:{number}: {exc}") from exc
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise AnswerSetError(f"{path}: duplicate question id {case.id!r}")
        seen.add(case.id)
    return cases


#: zero-width spaces and joiners: Khmer news marks word breaks with them, invisible to a reader
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _fold(text: str) -> str:
    """Khmer digits as ASCII, invisible word-break marks dropped, whitespace folded, lower
    case: "១០ ០០០" matches "10 000", and "ខែ\u200bសីហា" the "ខែសីហា" a reader sees."""
    return " ".join(text.translate(DIGITS_TO_ASCII).translate(_INVISIBLE).split()).lower()


def fact_found(alternatives: Sequence[str], text: str) -> bool:
    """Any accepted spelling occurs in ``text``, not as part of a longer number."""
    folded = _fold(text)
    return any(re.search(rf"(?<!\d){re.escape(_fold(a))}(?!\d)", folded) for a in alternatives)


def _file_of(doc_id: str) -> str:
    """A headline record is a line of its file's one page: "seed/x.txt#headline-10" is cited
    on "seed/x.txt" page 1, whichever of the two a judge wrote."""
    return doc_id.split("#headline-", 1)[0]


def answer_row(case: AnswerCase, result: Any) -> dict[str, Any]:
    """One question's scores: a declined answer states no fact and cites nothing."""
    found = bool(result.found)
    cited = {(c.doc_id, int(c.page)) for c in result.citations} if found else set()
    text = result.answer if found else ""
    row: dict[str, Any] = {"id": case.id, "kind": case.kind, "lang": case.lang, "found": found,
                           "answer": text, "cited": sorted(cited)}
    if case.answerable:
        hits = [fact_found(f, text) for f in case.facts]
        row["fact_recall"] = sum(hits) / len(hits)
        row["all_facts"] = float(all(hits))
        row["right_source"] = float(bool({(_file_of(d), p) for d, p in cited}
                                         & {(_file_of(d), p) for d, p in case.sources}))
        row["wrongly_declined"] = float(not found)
        if case.kind == "which_policy":
            row["names_policy"] = float(hits[0])
            row["names_policy_and_strategy"] = float(hits[0] and hits[1])
    else:
        row["not_found"] = float(not found)
    return row


SUMMARY_METRICS = ("fact_recall", "all_facts", "right_source", "not_found", "wrongly_declined",
                   "names_policy", "names_policy_and_strategy")


def summarize_answers(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Means over the questions a metric applies to (None when none does), with counts.

    ``not_found_accuracy`` is the declined share of the unanswerable questions;
    ``wrongly_declined`` the declined share of the answerable ones.
    """
    def mean(name: str) -> float | None:
        values = [r[name] for r in rows if name in r]
        return sum(values) / len(values) if values else None

    out: dict[str, Any] = {name: mean(name) for name in SUMMARY_METRICS}
    out["not_found_accuracy"] = out.pop("not_found")
    out["questions"] = len(rows)
    out["answerable"] = sum("fact_recall" in r for r in rows)
    return out


def score_answers(answer: Callable[[str], Any], cases: Sequence[AnswerCase]) -> dict[str, Any]:
    """Fact recall, the share of answers with every fact, right-source rate, how often the
    unanswerable questions are declined (and the answerable ones wrongly declined), and for
    "which policy" questions whether the answer names the policy and its strategy: overall,
    per question language and per kind.

    ``answer(question)`` returns an object with ``found``, ``answer`` (the text) and
    ``citations`` (each with ``doc_id`` and ``page``), like ``answers.types.Answer``.
    """
    rows = [answer_row(case, answer(case.question)) for case in cases]

    def groups(key: str) -> dict[str, Any]:
        return {value: summarize_answers([r for r in rows if r[key] == value])
                for value in sorted({r[key] for r in rows})}

    return {"overall": summarize_answers(rows), "by_lang": groups("lang"),
            "by_kind": groups("kind"), "per_question": rows}
