"""The server entry: the app factory ``policykb serve`` hands to uvicorn.

uvicorn calls it once in each worker process, so every worker builds its own components
(models, index handles, the job runner) from the settings of its environment.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api.app import create_app
from core.settings import Settings, get_settings
from policykb.sentence_warmup import WarmupState
from policykb.services import Services


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's forwarded-header arguments: believe ``X-Forwarded-For`` only from the
    configured proxies. uvicorn's own default trusts 127.0.0.1, so any local process could
    rotate the header to escape the anonymous rate limit and forge access-log lines."""
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if not proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}


def create_app_for_server() -> FastAPI:
    """The app of one worker process, built from ``get_settings()``."""
    from index.embedder import limit_torch_threads

    # Many small concurrent queries: one intra-op thread per worker beats two threads
    # fighting over two cores (measured: same single-query latency, more throughput).
    # Set when torch loads: with an exported ONNX graph a worker never imports it.
    limit_torch_threads(1)
    settings = get_settings()
    services = Services(settings)
    app = create_app(settings, services)
    # /ask reads them (index/sentence_vectors.py); GET /health says when they are warm
    app.state.warmup = WarmupState()
    services.warm_sentence_vectors_in_background(state=app.state.warmup)
    return app
