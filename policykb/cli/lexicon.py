"""`policykb lexicon`: the term translations learned from the index's own twin documents —
rebuild them, look at them, and measure what they recover when the glossary lacks rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from core.errors import PolicyKBError
from policykb.cli.common import console, index_services, print_json, settings, table_cells

lexicon_app = typer.Typer(help="The lexicon learned from twin documents (index/lexicon).",
                          no_args_is_help=True)


@lexicon_app.command("build")
def build(force: Annotated[bool, typer.Option(help="Re-segment and retrain even if nothing changed.")] = False,
          json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Relearn the lexicon now (ingest does this after every change)."""
    report = index_services().update_lexicon(force=force)
    if report is None:
        raise PolicyKBError("the learned lexicon is off (POLICYKB_LEARNED_LEXICON) or there is no glossary")
    if json_out:
        print_json(report.__dict__)
        return
    console.print(f"{report.twin_pairs} twin pairs ({report.pairs_by_id} by id, "
                  f"{report.pairs_by_content} by date and numbers), {report.segments} segments "
                  f"({report.segments_reused} pairs reused), {report.learned} pairs learned, "
                  f"{'retrained' if report.retrained else 'unchanged'} in {report.seconds:.2f} s")


@lexicon_app.command("show")
def show(term: Annotated[str | None, typer.Argument(help="Only pairs with this Khmer or English word.")] = None,
         limit: Annotated[int, typer.Option(min=1)] = 50,
         json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The learned pairs, best first, with their provenance; `used` says whether search uses
    the pair (a hand row for the same term wins, and low scores are ignored)."""
    services = index_services()
    pairs = services.lexicon.learned()
    if term:
        pairs = [p for p in pairs if term.casefold() in (p.km, p.en.casefold())]
    holder = services.search_glossary
    used = holder.learned().km if holder else {}
    rows = [(p.km, p.en, f"{p.score:.3f}", str(p.count), "yes" if p.en in used.get(p.km, ()) else "no",
             "; ".join(p.sources[:2])) for p in pairs[:limit]]
    if json_out:
        print_json([dict(zip(("km", "en", "score", "count", "used", "sources"), r, strict=True))
                    for r in rows])
        return
    table = Table("km", "en", "score", "segments", "used", "learned from")
    for row in rows:
        table.add_row(*table_cells(row))
    console.print(table)


@lexicon_app.command("holdout")
def holdout(
    queries: Annotated[Path, typer.Option("--queries")] = Path("evaluation/dev/queries.jsonl"),
    qrels: Annotated[Path, typer.Option("--qrels")] = Path("evaluation/dev/qrels.tsv"),
    json_path: Annotated[Path | None, typer.Option("--json", help="Write results here.")] = None,
) -> None:
    """Hold out the glossary rows the cross-language questions need, learn from the rest, and
    report how much of the lost nDCG@10 the learned lexicon wins back."""
    from evaluation.lexicon_holdout import holdout_report
    from policykb.services import Services

    try:
        result = holdout_report(settings(), Services, queries, qrels)
    except (OSError, ValueError) as exc:
        raise PolicyKBError(str(exc)) from exc
    table = Table("glossary", "group", "nDCG@10", "recall@10")
    for name, res in result["systems"].items():
        for group, values in [("overall", res["overall"]), *res["by_kind"].items()]:
            table.add_row(name, group, f"{values['ndcg@10']:.3f}", f"{values['recall@10']:.3f}")
    console.print(table)
    console.print(f"{result['held_out_rows']} of {result['glossary_rows']} glossary rows held out "
                  f"for {result['queries']} questions; {result['learned_pairs']} pairs learned "
                  f"({result['learned_used']} used) from {result['twin_pairs']} twin pairs")
    for group, value in result["recovery"].items():
        console.print(f"recovered ({group}): " + ("n/a" if value is None else f"{value:.0%}"))
    if json_path:
        json_path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
