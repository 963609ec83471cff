"""`policykb ingest`: files and folders into the index, with a progress bar at the edge."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.access import collection_name
from core.errors import PolicyKBError
from ingest.storage_errors import check_writable, storage_failure
from policykb.cli.common import console, err, print_json, settings
from policykb.services import Services


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to ingest.")],
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = False,
    ocr: Annotated[bool | None, typer.Option("--ocr/--no-ocr", help="OCR pages without text.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    collection: Annotated[str | None, typer.Option(
        help="Collection of the documents (default public); a sidecar's or manifest's "
             "`collection:` wins. A new name is created restricted.")] = None,
) -> None:
    """Ingest files and folders; unchanged files are skipped, changed ones replaced."""
    if collection is not None:
        collection = collection_name(collection, "--collection")
    services = Services(settings(ocr_enabled=ocr))
    data_dir = services.settings.data_dir
    try:
        check_writable(data_dir)  # before the catalog opens: a clear reason
        ingestor = services.ingestor
        known = services.catalog.collection_names()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, disable=json_out or not err.is_terminal) as bar:
            task = bar.add_task("ingesting", total=None)

            def on_progress(name: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=name[-50:] or "done")

            report = ingestor.ingest(paths, prune=prune, progress=on_progress,
                                     collection=collection)
    except PolicyKBError as exc:  # opening the index on a full disk: say so, name the data dir
        raise (storage_failure(exc, data_dir) or exc) from exc
    summary = report.summary()
    created = sorted(services.catalog.collection_names() - known)
    if json_out:
        print_json({**summary, "collections_created_restricted": created})
    else:
        print_summary(summary)
        for name in created:
            console.print(f"  new collection [bold]{name}[/bold] created RESTRICTED: only keys "
                          f"naming it can read it (`policykb collections open {name}` opens it)")
    if report.failed:
        raise typer.Exit(1)


def print_summary(summary: dict[str, Any]) -> None:
    console.print(
        f"[bold]{summary['documents']}[/bold] documents, {summary['pages']} pages, "
        f"{summary['chunks']} chunks indexed from {summary['files_indexed']} files; "
        f"{summary['skipped_unchanged']} unchanged, {summary['removed']} removed, "
        f"{summary['ignored']} ignored, {len(summary['failed'])} failed "
        f"({summary['seconds']['total']:.1f} s: parse {summary['seconds']['parse']:.1f}, "
        f"chunk {summary['seconds']['chunk']:.1f}, embed {summary['seconds']['embed']:.1f}, "
        f"store {summary['seconds']['store']:.1f})"
    )
    for source, pages in summary["ocr_pages"].items():
        console.print(f"  OCR: {source} pages {', '.join(map(str, pages))}")
    for failure in summary["failed"]:
        err.print(f"  [red]failed[/red] {failure['reason']}")
