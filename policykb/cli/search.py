"""`policykb search` and `policykb related`: hybrid search, printed with highlights or as JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from core.errors import PolicyKBError
from core.models import pages_text
from index.search_types import SearchFilters
from ingest.identity.country import normalize_country
from policykb.cli.common import console, index_services, print_json
from policykb.cli.options import DocType, Lang, values


def search_filters(lang: list[Lang] | None = None, doc_type: list[DocType] | None = None,
                   body: list[str] | None = None, date_from: str | None = None,
                   date_to: str | None = None, doc_id: list[str] | None = None,
                   country: list[str] | None = None) -> SearchFilters:
    countries = [normalize_country(c) or c.strip().upper() for c in country or []]
    return SearchFilters(languages=values(lang), doc_types=values(doc_type),
                         issuing_bodies=body or None, date_from=date_from, date_to=date_to,
                         doc_ids=doc_id or None, countries=countries or None)


def print_hits(response: dict[str, Any]) -> None:
    expansions = f" (also searched: {', '.join(response['expansions'][:8])})" if response["expansions"] else ""
    console.print(f"[dim]{len(response['hits'])} hits, query language {response['language']}"
                  f"{expansions}, {response['took_ms']:.0f} ms[/dim]")
    for rank, hit in enumerate(response["hits"], 1):
        snippet = hit["snippet"]
        parts, last = [], 0
        for start, end in hit["highlights"]:
            parts += [escape(snippet[last:start]), f"[bold yellow]{escape(snippet[start:end])}[/bold yellow]"]
            last = end
        parts.append(escape(snippet[last:]))
        s = hit["scores"]
        console.print(f"[bold]{rank}. {hit['title']}[/bold] — {hit['doc_id']} p.{hit['page']} "
                      f"[dim]({hit['language']}; fused {s['fused']:.4f}, sparse {s['sparse']}, "
                      f"dense {s['dense']})[/dim]")
        if hit["heading"]:
            console.print(f"   [italic]{hit['heading']}[/italic]")
        console.print("   " + "".join(parts).replace("\n", " "))
        for twin in hit["twins"]:
            console.print(f"   [dim]same item: {twin['doc_id']} p.{twin['page']} ({twin['language']})[/dim]")


def search(
    query: Annotated[str, typer.Argument(help="Question or keywords, Khmer or English.")],
    k: Annotated[int, typer.Option("-k", help="How many hits.")] = 10,
    lang: Annotated[list[Lang] | None, typer.Option("--lang", help="km, en or mixed (repeatable).")] = None,
    doc_type: Annotated[list[DocType] | None, typer.Option("--type", help="Document type (repeatable).")] = None,
    body: Annotated[list[str] | None, typer.Option("--body", help="Issuing body (repeatable).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="From date or year.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="To date or year.")] = None,
    doc_id: Annotated[list[str] | None, typer.Option("--doc", help="Only these documents.")] = None,
    country: Annotated[list[str] | None, typer.Option(
        "--country", help="Country code or name: KH, SG, VN, IN, IN-KL (repeatable).")] = None,
    per_doc: Annotated[int, typer.Option(help="At most this many passages per document.")] = 2,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Hybrid search over everything indexed, in both languages."""
    if not query.strip():
        raise PolicyKBError("the query is empty: give a question or keywords")
    services = index_services()
    response = services.searcher.search(
        query, k=k, per_doc=per_doc,
        filters=search_filters(lang, doc_type, body, date_from, date_to, doc_id,
                               country)).to_dict()
    if json_out:
        print_json(response)
    else:
        print_hits(response)


def related(
    text_file: Annotated[Path | None, typer.Argument(help="A file with draft text ('-' for stdin).")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Or an indexed document id ...")] = None,
    page: Annotated[int | None, typer.Option("--page", help="... and a page of it.")] = None,
    k: Annotated[int, typer.Option("-k")] = 10,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Passages of other documents related to a draft paragraph or a document page."""
    services = index_services()
    if doc:
        pages = [p for p in services.catalog.pages_of(doc) if page is None or p.page == page]
        if not pages:
            raise PolicyKBError(f"no indexed document page {doc!r} {page or ''}")
        text = pages_text(pages)
    elif text_file is not None:
        try:
            text = sys.stdin.read() if str(text_file) == "-" else text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyKBError(f"cannot read {text_file}: {exc}") from exc
    else:
        raise PolicyKBError("give a text file, '-' for stdin, or --doc")
    if not text.strip():
        raise PolicyKBError("the draft text is empty")
    response = services.searcher.related(text, k=k, exclude_doc_id=doc).to_dict()
    if json_out:
        print_json(response)
    else:
        print_hits(response)
