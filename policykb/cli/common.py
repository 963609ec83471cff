"""What every command shares: the consoles, the global options, settings from flags, the
container over an existing index, and the one error boundary.

Why one boundary: a user error (``PolicyKBError``) must end as one clean line and exit code 1,
never a traceback; twelve hand-written ``except`` clauses had drifted apart in what they
caught and how they printed it. Commands raise; :class:`ErrorBoundary` reports.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from core.errors import PolicyKBError
from core.settings import Settings
from policykb.services import Services

console = Console()
err = Console(stderr=True)


class InvalidSettingsError(PolicyKBError):
    """A setting (from a flag, the environment or ``.env``) failed validation."""


class ErrorBoundary(TyperGroup):
    """The root command group: turns any ``PolicyKBError`` raised below it (every command,
    the ``keys`` group too) into ``error: <message>`` on stderr and an exit code."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        try:
            return super().invoke(ctx)
        except InvalidSettingsError as exc:
            err.print(f"[red]invalid settings:[/red] {escape(str(exc))}", highlight=False)
            raise typer.Exit(2) from exc
        except PolicyKBError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
            raise typer.Exit(1) from exc


class _State:
    data_dir: Path | None = None


def configure(
    data_dir: Annotated[Path | None, typer.Option(envvar="POLICYKB_DATA_DIR",
                        help="Index directory (POLICYKB_DATA_DIR).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """The options every command takes (``policykb --data-dir D <command>``)."""
    _State.data_dir = data_dir
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def settings(**overrides: object) -> Settings:
    """The settings with the given flags (those not None) and ``--data-dir`` applied."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if _State.data_dir is not None:
        values["data_dir"] = _State.data_dir
    try:
        return Settings(**values)  # type: ignore[arg-type]
    except Exception as exc:  # pydantic ValidationError: name the setting, no traceback
        raise InvalidSettingsError(str(exc)) from exc


def index_services() -> Services:
    """Services over an index that exists: searching must not create one, or a mistyped
    --data-dir would answer "no hits" from a new, empty index instead of an error."""
    current = settings()
    if not current.catalog_path.is_file():
        raise PolicyKBError(f"no index at {current.data_dir}: run `policykb ingest` first, "
                            "or point --data-dir (POLICYKB_DATA_DIR) at an index")
    return Services(current)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``, ``\\n``): a title or key
    name comes from a file or a caller, and printed raw its escape codes would drive the
    operator's terminal (or forge a table row). Khmer, and its zero-width spaces, stay as is."""
    return "".join(map(_escape_char, text))


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ch < " " or "\x7f" <= ch <= "\x9f":  # C0, DEL and C1 (ESC, CSI, ...)
        return f"\\x{ord(ch):02x}"
    if ch in "\u2028\u2029":  # line and paragraph separators also break lines
        return f"\\u{ord(ch):04x}"
    return ch


def safe(text: str) -> str:
    """``text`` for a rich console: control characters escaped, ``[...]`` shown as text,
    never taken as rich markup."""
    return escape(printable(text))


def table_cells(row: tuple[str, ...]) -> list[str]:
    """A row's cells for a rich table (see :func:`safe`)."""
    return [safe(cell) for cell in row]


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Rows under ``header``: a rich table on a terminal, plain tab-separated lines for pipes
    and scripts. Cells are printed escaped (see :func:`printable`), whoever wrote them."""
    cells = [tuple(map(printable, row)) for row in rows]
    if not console.is_terminal:
        for row in [header, *cells]:
            typer.echo("\t".join(row))
        return
    table = Table(*header)
    for row in cells:
        table.add_row(*table_cells(row))
    console.print(table)


def print_json(value: Any, **options: Any) -> None:
    """JSON on stdout for scripts (non-ASCII kept as is: Khmer stays readable)."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, **options))
