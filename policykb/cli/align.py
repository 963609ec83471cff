"""`policykb policies` (the policy registry as a tree) and `policykb align` (which national
strategy each mechanism of a plan serves)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from core.errors import PolicyKBError
from index.catalog import Catalog
from policykb.cli.common import console, index_services, print_json
from policykb.cli.options import ReportFormat


def _pages(node: dict[str, Any]) -> str:
    if node["page_start"] is None:
        return ""
    first, last = node["page_start"], node["page_end"]
    text = f"p. {first}" if first == last else f"pp. {first}-{last}"
    for a, b in node["extra_pages"]:
        text += f", {a}" if a == b else f", {a}-{b}"
    return f" [dim]({text})[/dim]"


def policies(
    json_out: Annotated[bool, typer.Option("--json", help="The whole registry as JSON.")] = False,
    measures: Annotated[bool, typer.Option("--measures", help="List the measures too.")] = False,
) -> None:
    """The policy registry: policies -> goals -> strategies, with page ranges."""
    from rich.tree import Tree

    services = index_services()
    try:
        registry = services.registry.current().to_dict()
    except ValueError as exc:
        raise PolicyKBError(str(exc)) from exc
    if json_out:
        print_json(registry)
        return
    for policy in registry["policies"]:
        c = policy["counts"]
        source = policy["doc_id"] or (policy["note"] or "no indexed text")
        tree = Tree(f"[bold]{escape(policy['title'])}[/bold] [dim]({policy['id']}; "
                    f"{c['goals']} goals, {c['strategies']} strategies, {c['measures']} measures; "
                    f"{escape(source)})[/dim]")
        for warning in policy["warnings"]:
            tree.add(f"[yellow]! {escape(warning)}[/yellow]")
        for goal in policy["goals"]:
            branch = tree.add(f"{escape(goal['label'])}: {escape(goal['title'])}{_pages(goal)}")
            for node in goal["children"]:
                n = sum(1 for m in node["children"] if m["level"] == "measure")
                counted = (f" [dim]- {n} measure{'' if n == 1 else 's'}[/dim]"
                           if node["level"] == "strategy" else "")
                leaf = branch.add(f"{escape(node['label'])}: {escape(node['title'])}"
                                  f"{_pages(node)}{counted}")
                for m in node["children"] if measures else []:
                    leaf.add(f"{escape(m['label'])}: {escape(m['title'])}{_pages(m)}")
        console.print(tree)


def indexed_id(catalog: Catalog, path: Path) -> str | None:
    """The id of the document the index read from this file, if it did: aligning it by id
    reads its pages as extracted (a PDF or HTML file is not plain text) and heads the report
    with the plan's title, not a path on someone's disk."""
    wanted = path.resolve()
    for doc in catalog.documents():
        if doc.doc_id == doc.source and (Path(doc.root) / doc.source).resolve() == wanted:
            return doc.doc_id
    return None


def heading_title(text: str) -> str | None:
    """A Markdown file's title: its first ``# `` heading, when the file opens with one."""
    for line in text.splitlines()[:5]:
        if line.startswith("# ") and line[2:].strip():
            return line[2:].strip()[:200]
    return None


def align(
    target: Annotated[str, typer.Argument(help="An ingested document id, or a text/Markdown file.")],
    format: Annotated[ReportFormat, typer.Option(
        "--format", help="md (default), csv (UTF-8 with BOM), json or docx (needs --output).")] = ReportFormat.md,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Which national strategy each mechanism of a plan serves, with evidence; gaps; strategies
    the plan does not address."""
    from alignment.report import csv_bytes, to_docx, to_json, to_markdown
    from alignment.service import align_document

    services = index_services()
    try:
        doc_id = target if services.catalog.get_document(target) is not None else (
            indexed_id(services.catalog, Path(target)) if Path(target).is_file() else None)
        if doc_id is not None:  # read as the index read it (a PDF or HTML file too)
            report = align_document(services.catalog, services.aligner, services.registry,
                                    doc_id=doc_id)
        elif Path(target).is_file():
            text = Path(target).read_text(encoding="utf-8")
            report = align_document(services.catalog, services.aligner, services.registry,
                                    text=text)
            report.document = target
            report.title = heading_title(text)
        else:
            raise PolicyKBError(f"{target!r} is neither an indexed document id nor a readable file")
    except (ValueError, UnicodeDecodeError) as exc:
        raise PolicyKBError(str(exc)) from exc
    if format is ReportFormat.docx and not output:
        raise PolicyKBError("--format docx writes a Word file: give --output report.docx")
    rendered = (to_markdown(report).encode() if format is ReportFormat.md
                else csv_bytes(report) if format is ReportFormat.csv
                else to_docx(report) if format is ReportFormat.docx
                else (json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n").encode())
    if output:
        output.write_bytes(rendered)
        console.print(f"wrote {output}")
    else:
        sys.stdout.write(rendered.decode("utf-8"))
