"""Liveness and a one-line view of what is indexed: counts only of what the caller may read,
and none to an anonymous caller when reads need a key (a probe must not size the index)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.auth import Caller, reads_are_open
from api.deps import CatalogDep, KeysDep, SettingsDep
from api.keys import KeyStore
from api.schemas import Health, WarmStatus
from core import __version__

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(request: Request, catalog: CatalogDep, settings: SettingsDep,
           keys: KeysDep) -> Health:
    """Always answers (liveness). Counts only of what the caller may read: without a key (or
    with a bad one: this probe never refuses) the open collections while reads are open, and
    no counts at all once reads need a key; never a restricted collection's size."""
    caller = _probing(request, keys)
    if caller.key_id is None and not reads_are_open(settings, keys):
        return Health(status="ok", documents=None, chunks=None, version=__version__,
                      generative=bool(settings.llm_url), warm=_warm(request, counts=False))
    access = caller.access(catalog.open_collections())
    everything = access.unrestricted
    if access.unrestricted:
        stats = catalog.stats()
        documents, chunks = stats["documents"], stats["chunks"]
    else:
        collections = catalog.collections()
        counted = [c for c in collections if access.allows(c.name)]
        everything = len(counted) == len(collections)
        documents, chunks = sum(c.documents for c in counted), sum(c.chunks for c in counted)
    return Health(status="ok", documents=documents, chunks=chunks, version=__version__,
                  generative=bool(settings.llm_url), warm=_warm(request, everything))


def _warm(request: Request, counts: bool) -> WarmStatus | None:
    """The background warm-up's state (``app.state.warmup``, set by the server entry; none in
    an app built without one); its sentence count, which sizes the whole index, only to a
    caller who may read every collection (an admin, or anyone while every one is open)."""
    warmup = getattr(request.app.state, "warmup", None)
    if warmup is None:
        return None
    status = WarmStatus(**warmup.snapshot())
    return status if counts else status.model_copy(update={"embedded": None})


def _probing(request: Request, keys: KeyStore) -> Caller:
    """The key sent, if it is a valid one; else anonymous. Unlike :func:`api.auth.identify`
    this never refuses and never takes a rate-limit token: /health is never limited."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    key = keys.verify(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if key is None:
        return Caller(None, None, "")
    return Caller(key.key_id, key.role, "", key.collections)


@router.head("/health", include_in_schema=False)
def health_head() -> Response:
    """Monitors probe liveness with HEAD: 200 and no body, without reading the catalog."""
    return Response(status_code=200)
