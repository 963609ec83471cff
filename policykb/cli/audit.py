"""`policykb audit`: who read or wrote what, from the API's audit log (api/audit.py).

For admins on the server: it reads ``<data_dir>/audit/audit.jsonl`` and its rotated files
directly (whoever can read the data directory is an admin already), newest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Annotated, Any

import typer

from api.audit import AuditLog, query_hash
from api.audit_middleware import ACTIONS
from core.errors import PolicyKBError
from policykb.cli.common import console, print_json, print_table, printable, settings

_RELATIVE = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``--since``: an ISO date or time (UTC unless it says otherwise) or an age (30m, 2h, 7d)."""
    now = now or datetime.now(UTC)
    relative = _RELATIVE.fullmatch(value.strip())
    if relative:
        return now - timedelta(**{_UNITS[relative[2]]: int(relative[1])})
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise PolicyKBError(f"--since {value!r}: give an ISO date or time (2026-12-04, "
                            "2026-12-04T14:00Z) or an age (30m, 2h, 7d)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _time(record: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(record.get("time", "")).replace("Z", "+00:00"))
    except ValueError:
        return None


def matching(records: Iterator[dict[str, Any]], *, key: str | None, doc: str | None,
             since: datetime | None, action: str | None,
             query_sha: str | None) -> Iterator[dict[str, Any]]:
    """The records that pass every filter given (records come newest first)."""
    for record in records:
        if since is not None:
            when = _time(record)
            if when is None or when < since:
                continue
        if key is not None and record.get("key_id") != key:
            continue
        if doc is not None and doc not in (record.get("docs") or []):
            continue
        if action is not None and record.get("action") != action:
            continue
        if query_sha is not None and record.get("query_sha256") != query_sha:
            continue
        yield record


def audit(
    key: Annotated[str | None, typer.Option("--key", help="Only this key id "
                                            "(`anonymous` for callers without a key).")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only records that returned, cited "
                                            "or addressed this document id.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only newer records: an ISO "
                                              "date/time (UTC) or an age such as 2h or 7d.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only this action: "
                                               + ", ".join(ACTIONS) + ".")] = None,
    query: Annotated[str | None, typer.Option("--query", help="Only searches/questions with "
                                              "exactly this text (matched by its SHA-256).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many records.")] = 50,
    json_out: Annotated[bool, typer.Option("--json", help="As a JSON array.")] = False,
) -> None:
    """The audit log of API reads and writes by key id, newest first (current and rotated
    files of <data_dir>/audit)."""
    if action is not None and action not in ACTIONS:
        raise PolicyKBError(f"--action {action!r} is not one of: {', '.join(ACTIONS)}")
    log = AuditLog.of(settings())
    found = list(islice(matching(
        log.records(), key=key, doc=doc, since=parse_since(since) if since else None,
        action=action, query_sha=query_hash(query) if query is not None else None), limit))
    if json_out:
        print_json(found)
        return
    if not found:
        where = ", ".join(map(str, log.files())) or f"{log.path} (none written yet)"
        console.print(f"no matching audit records in {printable(where)}", highlight=False)
        return
    header = ("time", "key", "role", "action", "status", "docs", "query sha256", "target")
    rows = [tuple(str(cell) for cell in (
        r.get("time", ""), r.get("key_id", ""), r.get("role") or "", r.get("action", ""),
        r.get("status", ""), _docs(r), str(r.get("query_sha256", ""))[:12],
        r.get("target", ""))) for r in found]
    print_table(header, rows)


def _docs(record: dict[str, Any]) -> str:
    docs = [str(d) for d in record.get("docs") or []]
    shown = ", ".join(docs[:3]) + (f" (+{len(docs) - 3})" if len(docs) > 3 else "")
    return shown + (f" p.{record['page']}" if "page" in record else "")
