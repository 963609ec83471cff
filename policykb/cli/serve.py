"""`policykb serve`: the API server (and the web page), optionally after ingesting the sample."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from policykb.cli.common import settings as cli_settings
from policykb.cli.ingest_cmd import print_summary
from policykb.services import Services


def serve(
    host: Annotated[str | None, typer.Option(envvar="POLICYKB_HOST")] = None,
    port: Annotated[int | None, typer.Option(envvar="POLICYKB_PORT")] = None,
    workers: Annotated[int | None, typer.Option(envvar="POLICYKB_WORKERS",
                       help="API worker processes (each loads the model).")] = None,
    ingest_sample: Annotated[bool, typer.Option(help="Ingest the sample corpus first.")] = False,
) -> None:
    """Start the API server (and the web page)."""
    import uvicorn

    from policykb.http_guard import GuardedHttpToolsProtocol
    from policykb.server import proxy_options  # the API stack: only when serving

    settings = cli_settings(host=host, port=port, workers=workers)
    if ingest_sample:
        report = Services(settings).ingestor.ingest([settings.sample_corpus])
        print_summary(report.summary())
    # Workers are separate processes that read their settings from the environment.
    os.environ["POLICYKB_DATA_DIR"] = str(settings.data_dir)
    uvicorn.run("policykb.server:create_app_for_server", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, log_level="info",
                http=GuardedHttpToolsProtocol,  # bounded, timed request heads
                **proxy_options(settings))
