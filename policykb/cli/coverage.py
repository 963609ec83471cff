"""`policykb coverage`: across plans, the national strategies no plan addresses and the plans
that overlap (``alignment/coverage*.py``); shares the API's per-generation cache."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from policykb.cli.common import console, index_services


class CoverageFormat(StrEnum):
    md = "md"
    csv = "csv"
    json = "json"


def coverage(
    doc: Annotated[list[str] | None, typer.Option(
        "--doc", help="A plan's document id (repeat for several); default: every document of "
                      "type plan_draft. A document of another type may be named.")] = None,
    format: Annotated[CoverageFormat, typer.Option(
        "--format", help="md (default), csv (UTF-8 with BOM) or json.")] = CoverageFormat.md,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Across plans: which national strategies no plan addresses, each plan's best mechanism
    per strategy, and which plans overlap."""
    from alignment.coverage_cache import open_cache
    from alignment.coverage_csv import csv_bytes
    from alignment.coverage_md import to_markdown
    from alignment.coverage_run import compute_coverage, resolve_plan_ids

    services = index_services()
    ids = resolve_plan_ids(services.catalog, doc)
    cache = open_cache(services.settings.cache_dir, services.aligner.vectors.model)
    view = compute_coverage(services.catalog, services.aligner, services.registry, cache, ids,
                            max_mechanisms=services.settings.alignment_max_mechanisms)
    rendered = (to_markdown(view).encode() if format is CoverageFormat.md
                else csv_bytes(view) if format is CoverageFormat.csv
                else (json.dumps(view, ensure_ascii=False, indent=2) + "\n").encode())
    if output:
        output.write_bytes(rendered)
        console.print(f"wrote {output}: {len(ids)} plans, {len(view['unaddressed'])} "
                      f"unaddressed strategies, {len(view['overlaps'])} overlapping pairs")
    else:
        sys.stdout.write(rendered.decode("utf-8"))
