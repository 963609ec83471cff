"""`policykb keys`: create, list and revoke API keys (see README "Access control").

These commands touch only the key store (``<data_dir>/keys.sqlite3``), never the index: the
first admin key is usually created before anything is ingested.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from api.keys import KeyStore, Role
from core.errors import PolicyKBError
from policykb.cli.common import console, err, printable, safe, settings, table_cells

keys_app = typer.Typer(help="API keys for the HTTP API: create, list, revoke (hashed at rest).",
                       no_args_is_help=True, add_completion=False)


def _store() -> KeyStore:
    """The key store of the data dir given to the main command (--data-dir / POLICYKB_DATA_DIR)."""
    return KeyStore(settings().keys_path)


@keys_app.command("create")
def create(
    role: Annotated[Role, typer.Option("--role", case_sensitive=False,
                                       help="reader (search, ask, documents), editor (+ ingest, "
                                       "delete, metadata) or admin (+ keys, settings).")],
    name: Annotated[str, typer.Option("--name", help="Who or what holds it.")] = "",
    collections: Annotated[str, typer.Option(
        "--collections", help="Restricted collections it may read (an editor: write into), "
        "comma-separated, e.g. cabinet,drafts; without it the open collections only. "
        "Admin keys reach every collection.")] = "",
) -> None:
    """Create a key and print it once, alone on the last line (only its hash is kept)."""
    store = _store()
    record, secret = store.create(role, name.strip(), collections)
    scope = ("every collection" if record.role is Role.admin else
             "open collections + " + ", ".join(record.collections) if record.collections else
             "open collections only")
    err.print(f"created {record.role.value} key {record.key_id} ({safe(record.name)}; "
              f"{scope}) in {store.path}; store it now, it cannot be shown again:",
              highlight=False)
    typer.echo(secret)


@keys_app.command("list")
def list_keys(
    json_out: Annotated[bool, typer.Option("--json", help="As JSON (never the secrets).")] = False,
) -> None:
    """Every key with its id, name, role, dates and collections; revoked ones are marked."""
    store = _store()
    keys = store.list()
    if json_out:
        typer.echo(json.dumps([{**k.to_dict(), "active": k.active} for k in keys], indent=2))
        return
    header = ("key_id", "name", "role", "created", "revoked", "collections")
    rows = [tuple(map(printable, (k.key_id, k.name, k.role.value, k.created_at,
                                  k.revoked_at or "", ",".join(k.collections)))) for k in keys]
    if not console.is_terminal:  # pipes and scripts get plain tab-separated lines
        for row in [header, *rows]:
            typer.echo("\t".join(row))
        return
    if not rows:
        console.print(f"no API keys in {store.path}: reads are open while none exists "
                      "(POLICYKB_READ_ACCESS=auto)", highlight=False)
        return
    table = Table(*header)
    for row in rows:
        table.add_row(*table_cells(row), style="dim" if row[4] else None)
    console.print(table)


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (see `policykb keys list`), "
                                          "not its secret.")],
) -> None:
    """Revoke a key; the API refuses it from the next request on."""
    store = _store()
    if not store.path.exists():
        raise PolicyKBError(f"no API keys in {store.path} (check --data-dir)")
    key = store.revoke(key_id.strip())
    console.print(f"revoked {key.role.value} key {key.key_id} ({safe(key.name)})",
                  highlight=False)
