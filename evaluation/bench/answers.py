"""The benchmark's answer section: PolicyKB's cited answers beside LlamaIndex's top passage on
the judged answer set (``evaluation/dev/answers.jsonl``; the sample set in ``--quick`` mode,
whose index is the sample corpus)."""

from __future__ import annotations

import time
from typing import Any

from evaluation.answers_report import answer_set, compare, markdown

#: the sets written without running PolicyKB (evaluation/dev/README.md), each scored once blind
BLIND_SETS = ("blind", "blind2", "blind3", "blind4", "blind5")


def bench_answers(services: Any, quick: bool) -> dict[str, Any]:
    """Both systems on the same index in one run; the seconds include building the peer."""
    from evaluation.answers_baseline import TopPassageAnswerer

    started = time.perf_counter()
    pages = [p for d in services.catalog.documents() for p in services.catalog.pages_of(d.doc_id)]
    peer = TopPassageAnswerer.over_pages(pages, services.embedder)
    systems = {"PolicyKB": services.answerer.answer, peer.name: peer.answer}
    result = compare(systems, answer_set("sample" if quick else "dev"))
    if not quick:  # the questions written without running PolicyKB, beside the dev set
        for name in BLIND_SETS:
            result[name] = compare(systems, answer_set(name))
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
            *(line for name in BLIND_SETS if name in res for line in (
                "", f"The same on `{res[name]['set']}`: questions written from the documents "
                "without running PolicyKB, scored once blind and development data since "
                "(evaluation/dev/README.md).", "", *markdown(res[name])))]
