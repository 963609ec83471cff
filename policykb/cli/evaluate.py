"""`policykb eval`: retrieval quality of the full search path on a judged query set, optionally
beside plain bm25s and LlamaIndex's VectorStoreIndex; with ``--answers``, the cited answers on a
judged answer set beside LlamaIndex's top passage shown as the answer."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from core.errors import PolicyKBError
from policykb.cli.common import console, index_services

_METRICS = ("ndcg@10", "recall@10", "mrr@10", "page_recall@10", "answer_page_recall@10")


def eval_command(
    queries: Annotated[Path, typer.Option("--queries", help="Queries JSONL.")] = Path("evaluation/dev/queries.jsonl"),
    qrels: Annotated[Path, typer.Option("--qrels", help="BEIR qrels TSV.")] = Path("evaluation/dev/qrels.tsv"),
    json_path: Annotated[Path | None, typer.Option("--json", help="Write results here.")] = None,
    baselines: Annotated[bool, typer.Option(help="Also run plain bm25s and LlamaIndex's VectorStoreIndex.")] = False,
    answers: Annotated[bool, typer.Option("--answers", help="Score cited answers instead of search (fact recall, citations, declines).")] = False,
    answer_set: Annotated[str, typer.Option("--set", help="With --answers: dev, blind, blind2, blind3, blind4, blind5, sample or a JSONL path.")] = "dev",
    peer: Annotated[bool, typer.Option("--peer/--no-peer", help="With --answers: also score LlamaIndex's top passage as the answer.")] = True,
) -> None:
    """nDCG@10, recall@10, MRR@10 (and page recall) of the full search path on a query set;
    with --answers, the answer benchmark per kind and language."""
    from evaluation.harness import policykb_search, score

    services = index_services()
    if not services.catalog.stats()["chunks"]:
        raise PolicyKBError("the index is empty: ingest the evaluation corpus first")
    if answers:
        _answers(services, answer_set, json_path, peer)
        return
    try:
        result = score(policykb_search(services.searcher), queries, qrels)
    except (OSError, ValueError) as exc:
        raise PolicyKBError(str(exc)) from exc
    systems = {"PolicyKB": result}
    if baselines:
        from evaluation.baselines import standard_baselines

        chunks = list(services.catalog.iter_chunks())
        pages = [p for d in services.catalog.documents() for p in services.catalog.pages_of(d.doc_id)]
        for baseline in standard_baselines(chunks, pages, services.embedder):
            systems[baseline.name] = score(partial(baseline.search, k=20), queries, qrels)
        result["baselines"] = {name: r for name, r in systems.items() if name != "PolicyKB"}
    console.print(_table(systems, baselines))
    lat = result["latency_ms"]
    console.print(f"PolicyKB latency in-process: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms")
    if json_path:
        json_path.write_text(json.dumps(result, indent=2), encoding="utf-8")


def _table(systems: dict[str, Any], baselines: bool) -> Table:
    from evaluation.harness import relative_gain

    table = Table("system", "group", "nDCG@10", "recall@10", "MRR@10", "page recall@10",
                  "answering pages@10", "vs best baseline")
    for name, res in systems.items():
        for group, values in [("overall", res["overall"]), *res["by_kind"].items()]:
            gain = ""
            if name == "PolicyKB" and baselines:
                others = [r["overall"] if group == "overall" else r["by_kind"].get(group, {})
                          for n, r in systems.items() if n != "PolicyKB"]
                best = max((o.get("ndcg@10") or 0.0) for o in others)
                rel = relative_gain(values["ndcg@10"], best)
                gain = f"{rel:+.0%}" if rel is not None else "n/a"
            table.add_row(name, group, *[f"{values[m]:.3f}" if values.get(m) is not None else "-"
                                         for m in _METRICS], gain)
    return table


def _answers(services: Any, answer_set: str, json_path: Path | None, peer: bool) -> None:
    """PolicyKB's extractive answers and (with ``peer``) LlamaIndex's top passage, same run."""
    from evaluation.answers_report import answer_set as resolve
    from evaluation.answers_report import compare, headers, table_rows
    from evaluation.harness import AnswerSetError

    try:
        path = resolve(answer_set)
        systems: dict[str, Any] = {"PolicyKB": services.answerer.answer}
        if peer:
            from evaluation.answers_baseline import TopPassageAnswerer

            pages = [p for d in services.catalog.documents() for p in services.catalog.pages_of(d.doc_id)]
            baseline = TopPassageAnswerer.over_pages(pages, services.embedder)
            systems[baseline.name] = baseline.answer
        result = compare(systems, path)
    except AnswerSetError as exc:
        raise PolicyKBError(str(exc)) from exc
    table = Table(*headers(), title=f"cited answers: {path}")
    for row in table_rows(result):
        table.add_row(*row)
    Console(width=max(console.width, 140)).print(table)  # nine columns: wider than 80
    if json_path:
        json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
