"""The `policykb` command line: a thin edge over the services; every flag overrides a setting."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.errors import PolicyKBError
from core.settings import Settings
from policykb.cli.keys import keys_app
from policykb.services import Services

app = typer.Typer(help="PolicyKB: search Cambodian digital policies in Khmer and English.",
                  no_args_is_help=True, add_completion=False)
app.add_typer(keys_app, name="keys")  # policykb keys create|list|revoke (no index needed)
console = Console()
err = Console(stderr=True)


class _State:
    data_dir: Path | None = None


def _settings(**overrides: object) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if _State.data_dir is not None:
        values["data_dir"] = _State.data_dir
    try:
        return Settings(**values)  # type: ignore[arg-type]
    except Exception as exc:  # pydantic ValidationError: name the setting, no traceback
        err.print(f"[red]invalid settings:[/red] {exc}")
        raise typer.Exit(2) from exc


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc}")
    return typer.Exit(1)


def _index_services() -> Services:
    """Services over an index that exists: searching must not create one, or a mistyped
    --data-dir would answer "no hits" from a new, empty index instead of an error."""
    settings = _settings()
    if not settings.catalog_path.is_file():
        raise _fail(PolicyKBError(f"no index at {settings.data_dir}: run `policykb ingest` first, "
                                  "or point --data-dir (POLICYKB_DATA_DIR) at an index"))
    return Services(settings)


@app.callback()
def main(
    data_dir: Annotated[Path | None, typer.Option(envvar="POLICYKB_DATA_DIR",
                        help="Index directory (POLICYKB_DATA_DIR).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    _State.data_dir = data_dir
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to ingest.")],
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = False,
    ocr: Annotated[bool | None, typer.Option("--ocr/--no-ocr", help="OCR pages without text.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest files and folders; unchanged files are skipped, changed ones replaced."""
    services = Services(_settings(ocr_enabled=ocr))
    try:
        from ingest.pipeline import check_writable, storage_failure

        check_writable(services.settings.data_dir)  # before the catalog opens: a clear reason
        ingestor = services.ingestor
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, disable=json_out or not err.is_terminal) as bar:
            task = bar.add_task("ingesting", total=None)

            def on_progress(name: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=name[-50:] or "done")

            report = ingestor.ingest(paths, prune=prune, progress=on_progress)
    except PolicyKBError as exc:  # opening the index on a full disk: say so, name the data dir
        raise _fail(storage_failure(exc, services.settings.data_dir) or exc) from exc
    summary = report.summary()
    if json_out:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary)
    if report.failed:
        raise typer.Exit(1)


def _print_summary(summary: dict) -> None:
    console.print(
        f"[bold]{summary['documents']}[/bold] documents, {summary['pages']} pages, "
        f"{summary['chunks']} chunks indexed from {summary['files_indexed']} files; "
        f"{summary['skipped_unchanged']} unchanged, {summary['removed']} removed, "
        f"{summary['ignored']} ignored, {len(summary['failed'])} failed "
        f"({summary['seconds']['total']:.1f} s: parse {summary['seconds']['parse']:.1f}, "
        f"chunk {summary['seconds']['chunk']:.1f}, embed {summary['seconds']['embed']:.1f}, "
        f"store {summary['seconds']['store']:.1f})"
    )
    for source, pages in summary["ocr_pages"].items():
        console.print(f"  OCR: {source} pages {', '.join(map(str, pages))}")
    for failure in summary["failed"]:
        err.print(f"  [red]failed[/red] {failure['reason']}")


@app.command()
def documents(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the indexed documents."""
    docs = _index_services().catalog.documents()
    if json_out:
        print(json.dumps([d.to_dict() for d in docs], ensure_ascii=False, indent=2, default=str))
        return
    rows = [(d.doc_id, d.title[:60], d.doc_type, d.language, d.date or "", str(d.n_pages),
             str(d.n_chunks)) for d in docs]
    header = ("doc_id", "title", "type", "lang", "date", "pages", "chunks")
    if not console.is_terminal:  # pipes and scripts get plain tab-separated lines
        for row in [header, *rows]:
            print("\t".join(row))
        return
    table = Table(*header)
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command()
def delete(doc_ids: Annotated[list[str], typer.Argument(help="Document ids to remove.")]) -> None:
    """Remove documents from the index."""
    services = _index_services()
    missing = [d for d in doc_ids if services.catalog.get_document(d) is None]
    if missing:
        raise _fail(PolicyKBError(f"no indexed document with id {', '.join(map(repr, missing))}"))
    try:
        services.ingestor.delete(doc_ids)
    except PolicyKBError as exc:
        raise _fail(exc) from exc
    console.print(f"deleted {len(doc_ids)} document(s)")


@app.command()
def status(json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What is indexed, where, and with which embedder."""
    from policykb.services import embedder_name

    services = _index_services()
    stats = services.catalog.stats()
    stats.update({"data_dir": str(services.settings.data_dir.resolve()),
                  "embedder": embedder_name(services.settings),
                  "vector_store": services.settings.chroma_url or str(services.settings.chroma_dir),
                  "vectors": services.store.count()})
    if json_out:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    for key, value in stats.items():
        console.print(f"{key:>12}: {value}")


def _pages(node: dict) -> str:
    if node["page_start"] is None:
        return ""
    first, last = node["page_start"], node["page_end"]
    text = f"p. {first}" if first == last else f"pp. {first}-{last}"
    for a, b in node["extra_pages"]:
        text += f", {a}" if a == b else f", {a}-{b}"
    return f" [dim]({text})[/dim]"


@app.command()
def policies(
    json_out: Annotated[bool, typer.Option("--json", help="The whole registry as JSON.")] = False,
    measures: Annotated[bool, typer.Option("--measures", help="List the measures too.")] = False,
) -> None:
    """The policy registry: policies -> goals -> strategies, with page ranges."""
    from rich.tree import Tree

    services = _index_services()
    try:
        registry = services.registry.current().to_dict()
    except ValueError as exc:
        raise _fail(PolicyKBError(str(exc))) from exc
    if json_out:
        print(json.dumps(registry, ensure_ascii=False, indent=2))
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


def _filters(lang: list[str] | None, doc_type: list[str] | None, body: list[str] | None,
             date_from: str | None, date_to: str | None, doc_id: list[str] | None):  # noqa: ANN202
    from index.search_types import SearchFilters

    return SearchFilters(languages=lang or None, doc_types=doc_type or None,
                         issuing_bodies=body or None, date_from=date_from, date_to=date_to,
                         doc_ids=doc_id or None)


def _print_hits(response: dict) -> None:
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


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Question or keywords, Khmer or English.")],
    k: Annotated[int, typer.Option("-k", help="How many hits.")] = 10,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="km, en or mixed (repeatable).")] = None,
    doc_type: Annotated[list[str] | None, typer.Option("--type", help="Document type (repeatable).")] = None,
    body: Annotated[list[str] | None, typer.Option("--body", help="Issuing body (repeatable).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="From date or year.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="To date or year.")] = None,
    doc_id: Annotated[list[str] | None, typer.Option("--doc", help="Only these documents.")] = None,
    per_doc: Annotated[int, typer.Option(help="At most this many passages per document.")] = 2,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Hybrid search over everything indexed, in both languages."""
    if not query.strip():
        raise _fail(PolicyKBError("the query is empty: give a question or keywords"))
    services = _index_services()
    try:
        response = services.searcher.search(
            query, k=k, per_doc=per_doc,
            filters=_filters(lang, doc_type, body, date_from, date_to, doc_id)).to_dict()
    except PolicyKBError as exc:
        raise _fail(exc) from exc
    if json_out:
        print(json.dumps(response, ensure_ascii=False, indent=2))
    else:
        _print_hits(response)


@app.command()
def related(
    text_file: Annotated[Path | None, typer.Argument(help="A file with draft text ('-' for stdin).")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Or an indexed document id ...")] = None,
    page: Annotated[int | None, typer.Option("--page", help="... and a page of it.")] = None,
    k: Annotated[int, typer.Option("-k")] = 10,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Passages of other documents related to a draft paragraph or a document page."""
    services = _index_services()
    try:
        if doc:
            pages = [p for p in services.catalog.pages_of(doc) if page is None or p.page == page]
            if not pages:
                raise PolicyKBError(f"no indexed document page {doc!r} {page or ''}")
            text = "\n\n".join(p.text for p in pages)
        elif text_file is not None:
            text = sys.stdin.read() if str(text_file) == "-" else text_file.read_text(encoding="utf-8")
        else:
            raise PolicyKBError("give a text file, '-' for stdin, or --doc")
        if not text.strip():
            raise PolicyKBError("the draft text is empty")
        response = services.searcher.related(text, k=k, exclude_doc_id=doc).to_dict()
    except PolicyKBError as exc:
        raise _fail(exc) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(PolicyKBError(f"cannot read {text_file}: {exc}")) from exc
    if json_out:
        print(json.dumps(response, ensure_ascii=False, indent=2))
    else:
        _print_hits(response)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in Khmer or English.")],
    mode: Annotated[str, typer.Option(help="extractive (default) or generative (needs POLICYKB_LLM_URL).")] = "extractive",
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Only evidence in km/en.")] = None,
    doc_type: Annotated[list[str] | None, typer.Option("--type", help="Only these document types.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="The answer with its citations as JSON.")] = False,
) -> None:
    """An answer whose every sentence cites a passage (document, page, exact quote)."""
    services = _index_services()
    filters = _filters(lang, doc_type, None, None, None, None)
    try:
        if mode == "generative":
            if services.generator is None:
                raise PolicyKBError("generative mode needs POLICYKB_LLM_URL (an OpenAI-compatible endpoint)")
            answer = services.generator.answer(question, filters)
        elif mode == "extractive":
            answer = services.answerer.answer(question, filters)
        else:
            raise PolicyKBError(f"--mode must be extractive or generative, not {mode!r}")
    except PolicyKBError as exc:
        raise _fail(exc) from exc
    if json_out:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    if answer.note:
        console.print(f"[italic]{escape(answer.note)}[/italic]")
    console.print(escape(answer.answer))
    for c in answer.citations:
        console.print(f"  [dim][{c.id}] {escape(c.title)} — {c.doc_id} p.{c.page} "
                      f"(chars {c.start}-{c.end})[/dim]")
    for d in answer.closest_documents:
        console.print(f"  [dim]closest: {escape(d.title)} — {d.doc_id} p.{d.page}[/dim]")


@app.command()
def align(
    target: Annotated[str, typer.Argument(help="An ingested document id, or a text/Markdown file.")],
    format: Annotated[str, typer.Option("--format", help="md (default), csv or json.")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Which national strategy each mechanism of a plan serves, with evidence; gaps; strategies
    the plan does not address."""
    from alignment.report import to_csv, to_json, to_markdown
    from alignment.service import align_document

    if format not in ("md", "csv", "json"):
        raise _fail(PolicyKBError(f"--format must be md, csv or json, not {format!r}"))
    services = _index_services()
    try:
        if services.catalog.get_document(target) is not None:
            report = align_document(services, doc_id=target)
        elif Path(target).is_file():
            report = align_document(services, text=Path(target).read_text(encoding="utf-8"))
            report.document = target
        else:
            raise PolicyKBError(f"{target!r} is neither an indexed document id nor a readable file")
    except (PolicyKBError, ValueError, UnicodeDecodeError) as exc:
        raise _fail(exc) from exc
    rendered = (to_markdown(report) if format == "md" else to_csv(report) if format == "csv"
                else json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n")
    if output:
        output.write_text(rendered, encoding="utf-8")
        console.print(f"wrote {output}")
    else:
        sys.stdout.write(rendered)


@app.command("eval")
def eval_command(
    queries: Annotated[Path, typer.Option("--queries", help="Queries JSONL.")] = Path("evaluation/dev/queries.jsonl"),
    qrels: Annotated[Path, typer.Option("--qrels", help="BEIR qrels TSV.")] = Path("evaluation/dev/qrels.tsv"),
    json_path: Annotated[Path | None, typer.Option("--json", help="Write results here.")] = None,
    baselines: Annotated[bool, typer.Option(help="Also run plain bm25s and LlamaIndex's VectorStoreIndex.")] = False,
) -> None:
    """nDCG@10, recall@10, MRR@10 (and page recall) of the full search path on a query set."""
    from evaluation.harness import policykb_search, relative_gain, score

    services = _index_services()
    if not services.catalog.stats()["chunks"]:
        raise _fail(PolicyKBError("the index is empty: ingest the evaluation corpus first"))
    try:
        result = score(policykb_search(services.searcher), queries, qrels)
    except (OSError, ValueError) as exc:
        raise _fail(PolicyKBError(str(exc))) from exc
    systems = {"PolicyKB": result}
    if baselines:
        from evaluation.baselines import LlamaIndexBaseline, PlainBM25Baseline

        chunks = list(services.catalog.iter_chunks())
        pages = [p for d in services.catalog.documents() for p in services.catalog.pages_of(d.doc_id)]
        for baseline in (PlainBM25Baseline(chunks), LlamaIndexBaseline(pages, services.embedder)):
            systems[baseline.name] = score(lambda q, b=baseline: b.search(q, 20), queries, qrels)
        result["baselines"] = {name: r for name, r in systems.items() if name != "PolicyKB"}
    table = Table("system", "group", "nDCG@10", "recall@10", "MRR@10", "page recall@10", "vs best baseline")
    for name, res in systems.items():
        for group, values in [("overall", res["overall"]), *res["by_kind"].items()]:
            gain = ""
            if name == "PolicyKB" and baselines:
                others = [r["overall"] if group == "overall" else r["by_kind"].get(group, {})
                          for n, r in systems.items() if n != "PolicyKB"]
                best = max((o.get("ndcg@10") or 0.0) for o in others)
                rel = relative_gain(values["ndcg@10"], best)
                gain = f"{rel:+.0%}" if rel is not None else "n/a"
            table.add_row(name, group, *[f"{values[m]:.3f}" if values.get(m) is not None else "-"
                                         for m in ("ndcg@10", "recall@10", "mrr@10", "page_recall@10")], gain)
    console.print(table)
    lat = result["latency_ms"]
    console.print(f"PolicyKB latency in-process: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms")
    if json_path:
        json_path.write_text(json.dumps(result, indent=2), encoding="utf-8")


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Sample corpus, no OCR, 1x and 10x, few requests (< 3 min).")] = False,
    corpus: Annotated[Path, typer.Option("--corpus", help="Corpus to ingest and grow.")] = Path("../shared/corpus"),
    out: Annotated[Path, typer.Option("--out", help="Markdown report; charts go to <its folder>/bench/.")] = Path("docs/benchmarks.md"),
) -> None:
    """Speed, scale and memory benchmark side by side with bm25s, LlamaIndex and bare chromadb."""
    from evaluation.bench import run as run_bench

    def log(message: str) -> None:
        err.print(message, markup=False, highlight=False)

    try:
        run_bench(corpus, out, quick=quick, log=log)
    except (OSError, PolicyKBError, RuntimeError) as exc:
        raise _fail(exc) from exc


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(envvar="POLICYKB_HOST")] = None,
    port: Annotated[int | None, typer.Option(envvar="POLICYKB_PORT")] = None,
    workers: Annotated[int | None, typer.Option(envvar="POLICYKB_WORKERS",
                       help="API worker processes (each loads the model).")] = None,
    ingest_sample: Annotated[bool, typer.Option(help="Ingest the sample corpus first.")] = False,
) -> None:
    """Start the API server (and the web page)."""
    import os

    import uvicorn

    settings = _settings(host=host, port=port, workers=workers)
    if ingest_sample:
        report = Services(settings).ingestor.ingest([settings.sample_corpus])
        _print_summary(report.summary())
    # Workers are separate processes that read their settings from the environment.
    os.environ["POLICYKB_DATA_DIR"] = str(settings.data_dir)
    uvicorn.run("api.app:create_app_for_server", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, log_level="info")


_WITH_KEYS = typer.Option("--with-keys", help="Include the API keys too (left out by default: "
                          "an archive should not carry credentials, nor a restore bring back "
                          "revoked keys).")
_WAIT = typer.Option("--wait", help="Seconds to wait for a running ingest to finish.")


@app.command("export")
def export_command(
    archive: Annotated[Path, typer.Argument(help="The archive to write (.tar.gz).")],
    with_keys: Annotated[bool, _WITH_KEYS] = False,
    wait: Annotated[float, _WAIT] = 300,
) -> None:
    """Back up the whole index (catalog, vectors, sparse index, uploads) to one archive,
    consistently, while the server keeps running (see docs/deployment.md)."""
    from policykb.backup import export_index

    services = _index_services()
    try:
        manifest = export_index(services, archive, wait_s=wait, with_keys=with_keys)
    except (PolicyKBError, OSError) as exc:
        raise _fail(exc) from exc
    counts = manifest["counts"]
    console.print(f"exported {counts['documents']} documents, {counts['chunks']} chunks, "
                  f"{counts['vectors']} vectors and {counts['uploads']} uploads to {archive}")


@app.command("import")
def import_command(
    archive: Annotated[Path, typer.Argument(help="An archive written by `policykb export`.")],
    force: Annotated[bool, typer.Option(help="Replace an index the data dir already holds.")] = False,
    with_keys: Annotated[bool, _WITH_KEYS] = False,
    wait: Annotated[float, _WAIT] = 300,
) -> None:
    """Restore an archive into the data directory (verified first; swapped in atomically)."""
    from policykb.backup import import_index

    try:
        manifest = import_index(_settings(), archive, force=force, with_keys=with_keys,
                                wait_s=wait)
    except (PolicyKBError, OSError) as exc:
        raise _fail(exc) from exc
    counts = manifest["counts"]
    console.print(f"imported {counts['documents']} documents, {counts['chunks']} chunks and "
                  f"{counts['uploads']} uploads from {archive} (exported "
                  f"{manifest['created_at']}); restart the server to serve them")


def run() -> None:  # pragma: no cover - console entry point alias
    sys.exit(app())
