"""The benchmark's answer section: PolicyKB's cited answers beside LlamaIndex's top passage on
the judged answer set (``evaluation/dev/answers.jsonl``; the sample set in ``--quick`` mode,
whose index is the sample corpus)."""

from __future__ import annotations

import time
from typing import Any

from evaluation.answers_report import answer_set, compare, markdown


def bench_answers(services: Any, quick: bool) -> dict[str, Any]:
    """Both systems on the same index in one run; the seconds include building the peer."""
    from evaluation.answers_baseline import TopPassageAnswerer

    started = time.perf_counter()
    pages = [p for d in services.catalog.documents() for p in services.catalog.pages_of(d.doc_id)]
    peer = TopPassageAnswerer.over_pages(pages, services.embedder)
    systems = {"PolicyKB": services.answerer.answer, peer.name: peer.answer}
    result = compare(systems, answer_set("sample" if quick else "dev"))
    if not quick:  # the questions written without running PolicyKB, beside the dev set
        result["blind"] = compare(systems, answer_set("blind"))
    result["seconds"] = time.perf_counter() - started
    return result


def section(r: dict[str, Any]) -> list[str]:
    res = r.get("answers")
    if not res:
        return []
    return ["", "## Answers (issue #12)", "",
            f"`policykb eval --answers` on `{res['set']}` ({res['seconds']:.0f} s with the peer's "
            "index): PolicyKB's extractive answer beside LlamaIndex's default retriever with its top "
            "passage shown as the answer (same pages, same MiniLM). A fact counts when any accepted "
            "spelling is in the answer; a citation is right when it names a page that states a "
            "fact; a declined answer states no fact.", "", *markdown(res),
            *(["", f"The same on `{res['blind']['set']}`: 60 questions written from the "
               "documents without running PolicyKB (docs/answers.md, tenth round).", "",
               *markdown(res["blind"])] if "blind" in res else [])]
