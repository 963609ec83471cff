"""The `policykb` command line: a thin edge over the services; every flag overrides a setting.

Each command lives in a small module of this package; this one builds the typer app with the
global options and the one error boundary (``common.ErrorBoundary``), and registers the
commands in the order ``--help`` lists them. Heavy imports (torch, uvicorn, alignment,
evaluation) stay inside the commands that need them, so ``policykb keys`` starts fast.
"""

from __future__ import annotations

import sys

import typer

from policykb.cli import align, ask, backup, bench, documents, evaluate, ingest_cmd, search, serve
from policykb.cli.audit import audit
from policykb.cli.collections import collections_app
from policykb.cli.common import ErrorBoundary, configure
from policykb.cli.coverage import coverage
from policykb.cli.history import diff, history
from policykb.cli.keys import keys_app
from policykb.cli.lexicon import lexicon_app

app = typer.Typer(help="PolicyKB: search Cambodian digital policies in Khmer and English.",
                  no_args_is_help=True, add_completion=False, cls=ErrorBoundary)
app.callback()(configure)
app.add_typer(keys_app, name="keys")  # policykb keys create|list|revoke (no index needed)
app.add_typer(lexicon_app, name="lexicon")  # policykb lexicon build|show|holdout
app.add_typer(collections_app, name="collections")  # policykb collections [open|restrict NAME]

app.command()(ingest_cmd.ingest)
app.command()(documents.documents)
app.command()(documents.delete)
app.command()(history)  # policykb history DOC_ID: a document's versions
app.command()(diff)  # policykb diff DOC_ID: what changed between two versions
app.command()(documents.status)
app.command()(align.policies)
app.command()(search.search)
app.command()(search.related)
app.command()(ask.ask)
app.command()(align.align)
app.command()(coverage)  # policykb coverage: every plan at once (alignment/coverage*.py)
app.command("eval")(evaluate.eval_command)
app.command()(bench.bench)
app.command()(serve.serve)
app.command("export")(backup.export_command)
app.command("import")(backup.import_command)
app.command()(audit)  # policykb audit: the API's audit log (api/audit.py)


def run() -> None:  # pragma: no cover - console entry point alias
    sys.exit(app())
