"""`policykb history DOC_ID` (a document's versions) and `policykb diff DOC_ID` (what changed
between two of them, and for a plan how its alignment changed)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer

from core.errors import NotFoundError
from core.models import DocType
from policykb.cli.common import index_services, print_json, print_table


class DiffFormat(StrEnum):
    md = "md"
    json = "json"


def history(
    doc_id: Annotated[str, typer.Argument(help="An indexed document id.")],
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A document's versions, oldest first; the current one is marked."""
    from index.versions import VersionStore

    services = index_services()
    versions = VersionStore(services.catalog).versions(doc_id)
    if not versions:
        raise NotFoundError(f"no indexed document with id {doc_id!r}")
    if json_out:
        print_json([v.__dict__ for v in versions])
        return
    rows: list[tuple[str, ...]] = [
        (str(v.version), _when(v.ingested_at), v.content_sha256[:12], str(v.n_pages),
         v.title[:60], "current" if v.current else "") for v in versions]
    print_table(("version", "ingested at", "sha256", "pages", "title", ""), rows)


def diff(
    doc_id: Annotated[str, typer.Argument(help="An indexed document id.")],
    from_version: Annotated[int | None, typer.Option(
        "--from", help="The older version (default: the one before --to).")] = None,
    to_version: Annotated[int | None, typer.Option(
        "--to", help="The newer version (default: the current one).")] = None,
    format: Annotated[DiffFormat, typer.Option("--format", help="md or json.")] = DiffFormat.md,
    alignment: Annotated[bool | None, typer.Option(
        "--alignment/--no-alignment",
        help="Also compare the plan's alignment (default: for plan drafts).")] = None,
) -> None:
    """Sections added, removed and changed between two versions; for a plan, the alignment
    diff (mechanisms added or dropped, verdicts changed, evidence gained or lost)."""
    from index.version_diff import diff_versions
    from index.version_diff import to_markdown as sections_md
    from index.versions import VersionStore

    services = index_services()
    catalog = services.catalog
    sections = diff_versions(VersionStore(catalog), doc_id, from_version, to_version)
    record = catalog.get_document(doc_id)
    if alignment is None:
        alignment = record is not None and record.doc_type == DocType.PLAN
    out: dict[str, Any] = {"sections": sections.to_dict()}
    text = sections_md(sections)
    if alignment:
        from alignment.version_diff import alignment_diff
        from alignment.version_diff import to_markdown as alignment_md

        found = alignment_diff(catalog, services.aligner, services.registry, doc_id,
                               sections.from_version, sections.to_version)
        out["alignment"] = found.to_dict()
        text += "\n" + alignment_md(found)
    if format is DiffFormat.json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(text)


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
