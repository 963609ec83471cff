"""`policykb documents`, `delete` and `status`: what the index holds, and removing from it.

Deleting goes through the container's ``index_writer`` (catalog, store, lock): it never
loads the embedding model.
"""

from __future__ import annotations

from typing import Annotated

import typer

from core.errors import PolicyKBError
from policykb.cli.common import console, index_services, print_json, print_table


def documents(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the indexed documents."""
    docs = index_services().catalog.documents()
    if json_out:
        print_json([d.to_dict() for d in docs], default=str)
        return
    rows = [tuple(map(str, (d.doc_id, d.title[:60], d.doc_type, d.language, d.date or "",
                                  str(d.n_pages), str(d.n_chunks)))) for d in docs]
    header = ("doc_id", "title", "type", "lang", "date", "pages", "chunks")
    print_table(header, rows)


def delete(doc_ids: Annotated[list[str], typer.Argument(help="Document ids to remove.")]) -> None:
    """Remove documents from the index."""
    services = index_services()
    missing = [d for d in doc_ids if services.catalog.get_document(d) is None]
    if missing:
        raise PolicyKBError(f"no indexed document with id {', '.join(map(repr, missing))}")
    services.index_writer.delete(doc_ids)
    console.print(f"deleted {len(doc_ids)} document(s)")


def status(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What is indexed, where, and with which embedder."""
    services = index_services()
    stats = services.catalog.stats()
    stats.update({"data_dir": str(services.settings.data_dir.resolve()),
                  "embedder": services.settings.embedder_name,
                  "vector_store": services.settings.chroma_url or str(services.settings.chroma_dir),
                  "vectors": services.store.count()})
    if json_out:
        print_json(stats)
        return
    for key, value in stats.items():
        console.print(f"{key:>12}: {value}")
