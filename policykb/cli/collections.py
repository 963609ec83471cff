"""`policykb collections`: which collections the index holds, and opening or restricting one.

An open collection is read by every reader; a restricted one only by keys that name it (and
admins). A name first used at ingest or upload is created restricted (fail closed): opening
it is this deliberate step. Restricting or opening also relearns the lexicon, which learns
from open collections only (its expansions are shown to every reader).
"""

from __future__ import annotations

from typing import Annotated

import typer

from core.access import collection_name
from policykb.cli.common import console, index_services, print_json, print_table
from policykb.services import Services

collections_app = typer.Typer(
    help="Collections: list them with counts; open or restrict one.",
    invoke_without_command=True, add_completion=False)


@collections_app.callback()
def list_collections(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="As JSON.")] = False,
) -> None:
    """Every collection: open or restricted, its documents and chunks."""
    if ctx.invoked_subcommand is not None:
        return
    services = index_services()
    rows = services.catalog.collections()
    if json_out:
        print_json([{"name": c.name, "access": "restricted" if c.restricted else "open",
                     "documents": c.documents, "chunks": c.chunks} for c in rows])
        return
    print_table(("collection", "access", "documents", "chunks"),
                [(c.name, "restricted" if c.restricted else "open", str(c.documents),
                  str(c.chunks)) for c in rows])


def _set(name: str, restricted: bool) -> None:
    name = collection_name(name, "NAME")
    services = index_services()
    changed = services.catalog.set_collection_access(name, restricted)
    word = "restricted" if restricted else "open"
    if changed:
        _relearn(services)
    console.print(f"collection {name} is {word}" + ("" if changed else " (it already was)"),
                  highlight=False)


def _relearn(services: Services) -> None:
    """The learned lexicon reads open collections only: what it learned must follow. The
    generation moves on too, so running servers drop cached responses (and expansions)
    computed while the collection was open."""
    services.catalog.bump_generation()
    report = services.update_lexicon()
    if report is not None and report.retrained:
        console.print(f"  the learned lexicon was rebuilt from the open collections "
                      f"({report.twin_pairs} twin pairs)", highlight=False)


@collections_app.command("open")
def open_collection(name: Annotated[str, typer.Argument(help="The collection to open.")]) -> None:
    """Let every reader read NAME (created if it does not exist yet)."""
    _set(name, restricted=False)


@collections_app.command("restrict")
def restrict_collection(
        name: Annotated[str, typer.Argument(help="The collection to restrict.")]) -> None:
    """Only keys naming NAME (and admins) may read it from now on."""
    _set(name, restricted=True)
