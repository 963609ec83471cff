"""Liveness and a one-line view of what is indexed."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CatalogDep, SettingsDep
from api.schemas import Health
from core import __version__

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(catalog: CatalogDep, settings: SettingsDep) -> Health:
    stats = catalog.stats()
    return Health(status="ok", documents=stats["documents"], chunks=stats["chunks"],
                  version=__version__, generative=bool(settings.llm_url))


@router.head("/health", include_in_schema=False)
def health_head() -> Response:
    """Monitors probe liveness with HEAD: 200 and no body, without reading the catalog."""
    return Response(status_code=200)
