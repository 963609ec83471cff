"""`policykb export` / `policykb import`: the whole index as one verified archive
(``policykb/backup.py``, ``policykb/restore.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.errors import PolicyKBError
from policykb.cli.common import console, index_services, settings

_WITH_KEYS = typer.Option("--with-keys", help="Include the API keys too (left out by default: "
                          "an archive should not carry credentials, nor a restore bring back "
                          "revoked keys).")
_WAIT = typer.Option("--wait", help="Seconds to wait for a running ingest to finish.")


def export_command(
    archive: Annotated[Path, typer.Argument(help="The archive to write (.tar.gz).")],
    with_keys: Annotated[bool, _WITH_KEYS] = False,
    wait: Annotated[float, _WAIT] = 300,
) -> None:
    """Back up the whole index (catalog, vectors, sparse index, uploads) to one archive,
    consistently, while the server keeps running (see docs/deployment.md)."""
    from policykb.backup import export_index

    services = index_services()
    try:
        manifest = export_index(services, archive, wait_s=wait, with_keys=with_keys)
    except OSError as exc:
        raise PolicyKBError(str(exc)) from exc
    counts = manifest["counts"]
    console.print(f"exported {counts['documents']} documents, {counts['chunks']} chunks, "
                  f"{counts['vectors']} vectors and {counts['uploads']} uploads to {archive}")


def import_command(
    archive: Annotated[Path, typer.Argument(help="An archive written by `policykb export`.")],
    force: Annotated[bool, typer.Option(help="Replace an index the data dir already holds.")] = False,
    with_keys: Annotated[bool, _WITH_KEYS] = False,
    wait: Annotated[float, _WAIT] = 300,
) -> None:
    """Restore an archive into the data directory (verified first; swapped in atomically)."""
    from policykb.restore import import_index

    try:
        manifest = import_index(settings(), archive, force=force, with_keys=with_keys,
                                wait_s=wait)
    except OSError as exc:
        raise PolicyKBError(str(exc)) from exc
    counts = manifest["counts"]
    console.print(f"imported {counts['documents']} documents, {counts['chunks']} chunks and "
                  f"{counts['uploads']} uploads from {archive} (exported "
                  f"{manifest['created_at']}); restart the server to serve them")
