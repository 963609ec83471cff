"""``create_app(settings)`` builds the FastAPI application; nothing happens at import time."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.routes import documents, health, search
from policykb import __version__
from policykb.errors import (
    DocumentNotFoundError,
    DocumentParseError,
    IndexUnavailableError,
    PolicyKBError,
)
from policykb.services import Services
from policykb.settings import Settings, get_settings

logger = logging.getLogger(__name__)

_STATUS = {
    DocumentNotFoundError: 404,
    DocumentParseError: 422,
    IndexUnavailableError: 503,
}


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="PolicyKB",
        version=__version__,
        description="Search, cited answers and policy alignment over Cambodian digital "
        "policies, in Khmer and English.",
    )
    app.state.services = services or Services(settings)

    @app.exception_handler(PolicyKBError)
    async def _policykb_error(_: Request, exc: PolicyKBError) -> JSONResponse:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
        return JSONResponse(status_code=status,
                            content={"error": type(exc).__name__, "detail": str(exc)})

    app.include_router(health.router)
    app.include_router(documents.router)
    app.include_router(search.router)
    return app
