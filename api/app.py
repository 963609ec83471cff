"""``create_app(settings, components)`` builds the FastAPI application; nothing happens at
import time, and the app never builds its own components: the server entry
(``policykb/server.py``) or a test hands them in."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.allow import install_allow_header
from api.audit_middleware import install_audit
from api.auth import RequireAdmin, RequireEditor, RequireReader
from api.background import background_jobs
from api.components import Components
from api.deps import attach
from api.docs_pages import install_docs_pages
from api.errors import install_error_handlers
from api.limits import install_limits
from api.ratelimit import RateLimiter
from api.responses import READER_ERRORS, WRITER_ERRORS, document_body_errors
from api.routes import alignment, ask, documents, feedback, files, health, keys, pages, search
from api.routes import coverage as coverage_routes
from api.routes import jobs as job_routes
from api.routes import policies as policy_routes
from api.routes import uploads as upload_routes
from api.routes import versions as version_routes
from core import __version__
from core.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings, services: Components) -> FastAPI:
    """The API and the web page, served from ``services`` (built for ``settings``)."""

    @asynccontextmanager
    async def lifespan(app_: FastAPI) -> AsyncIterator[None]:
        _warm_up(services)
        with background_jobs(app_, services):  # uploads and deletes (api/background.py)
            yield

    app = FastAPI(
        lifespan=lifespan,
        title="PolicyKB",
        version=__version__,
        description="Search, cited answers and policy alignment over Cambodian digital "
        "policies, in Khmer and English.",
        docs_url=None, redoc_url=None,  # served from local assets (api/docs_pages.py)
    )
    install_docs_pages(app)
    attach(app, services)  # routes reach each component through api/deps.py
    app.state.rate_limiter = RateLimiter.from_settings(settings)  # used by api.auth.require
    install_error_handlers(app)  # one body for every error (api/errors.py)

    # Access is decided here, per router, so no route can be added without a requirement.
    app.include_router(health.router)  # open: load balancers and the sign-in page probe it
    for router in (files.router, version_routes.router, documents.router, search.router, ask.router,
                   coverage_routes.router, alignment.router, policy_routes.router, feedback.router, keys.me_router):
        app.include_router(router, dependencies=[RequireReader], responses=READER_ERRORS)
    app.include_router(keys.router, dependencies=[RequireAdmin], responses=WRITER_ERRORS)
    for router in (upload_routes.router, job_routes.router):  # POST/DELETE /documents, /jobs
        app.include_router(router, dependencies=[RequireEditor], responses=WRITER_ERRORS)
    app.include_router(pages.router)  # the web page: `/`, after every JSON API route
    app.mount("/static", pages.static_app(), name="static")
    install_limits(app, settings)  # 413 for large bodies, 422 for long queries (api/limits.py)
    install_allow_header(app)  # 405 lists every method of the path (api/allow.py)
    document_body_errors(app)  # 400/413/422 in /openapi.json (api/responses.py)
    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    if origins:  # closed by default: the web page is served from this same origin
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=False,
                           allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Accept"],
                           expose_headers=["Retry-After", "Location"], max_age=600)
    install_audit(app, settings)  # last: outermost, sees every status (api/audit_middleware.py)
    return app


def _warm_up(services: Components) -> None:
    """Load the model, the sparse index and the glossary before the first request, so the
    first user does not wait for them (and cold start is measured honestly).

    The indexes load in a second thread while the model loads: on two cores the two halves
    overlap (at 100x the corpus: ~6 s of model, ~3 s of chromadb + sparse index)."""
    from concurrent.futures import ThreadPoolExecutor

    def load_indexes() -> None:
        from ingest.khmer.segment import segment_khmer

        services.sparse.current()
        services.store.count()
        _ = services.glossary
        segment_khmer("ខ្មែរ")  # khmer-nltk's model: the first Khmer question must not wait

    try:
        with ThreadPoolExecutor(1, thread_name_prefix="policykb-warm-up") as pool:
            indexes = pool.submit(load_indexes)
            services.embedder.embed_batch(["warm up"], kind="query")
            indexes.result()
        services.searcher.search("warm up", k=1)
    except Exception:  # an empty or broken index must not stop the server from starting
        logger.exception("warm-up search failed; the server starts anyway")
