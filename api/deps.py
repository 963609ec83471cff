"""One dependency per component, so each route names exactly what it uses.

The components live on ``app.state.services`` (put there by :func:`attach`); this is the only
module that reads them from there. The functions are plain ``def``: FastAPI runs them in its
thread pool, where building a component for the first time (loading a model) blocks no one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from alignment.aligner import Aligner
from alignment.registry import RegistryCache
from answers.extractive import ExtractiveAnswerer
from answers.generative import GenerativeAnswerer
from api.components import Components
from api.keys import KeyStore
from core.settings import Settings
from index.catalog import Catalog
from index.searcher import Searcher
from ingest.jobs import JobQueue
from ingest.loaders.dispatch import LoaderTable
from ingest.uploads import UploadStore


def attach(app: FastAPI, components: Components) -> None:
    """Serve ``app`` from ``components`` (``create_app`` calls this once)."""
    app.state.services = components


def _components(request: Request) -> Components:
    return request.app.state.services


def get_settings(request: Request) -> Settings:
    return _components(request).settings


def get_catalog(request: Request) -> Catalog:
    return _components(request).catalog


def get_keys(request: Request) -> KeyStore:
    return _components(request).keys


def get_searcher(request: Request) -> Searcher:
    return _components(request).searcher


def get_answerer(request: Request) -> ExtractiveAnswerer:
    return _components(request).answerer


def get_generator(request: Request) -> Callable[[], GenerativeAnswerer | None]:
    """A factory: building the generator imports llama-index (seconds), which an extractive
    question must not pay."""
    components = _components(request)
    return lambda: components.generator


def get_aligner(request: Request) -> Aligner:
    return _components(request).aligner


def get_registry(request: Request) -> RegistryCache:
    return _components(request).registry


def get_loader(request: Request) -> LoaderTable:
    return _components(request).loader


def get_job_queue(settings: Annotated[Settings, Depends(get_settings)]) -> JobQueue:
    return JobQueue(settings.jobs_path)


def get_uploads(settings: Annotated[Settings, Depends(get_settings)]) -> UploadStore:
    return UploadStore(settings.uploads_dir)


SettingsDep = Annotated[Settings, Depends(get_settings)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
KeysDep = Annotated[KeyStore, Depends(get_keys)]
SearcherDep = Annotated[Searcher, Depends(get_searcher)]
AnswererDep = Annotated[ExtractiveAnswerer, Depends(get_answerer)]
GeneratorDep = Annotated[Callable[[], GenerativeAnswerer | None], Depends(get_generator)]
AlignerDep = Annotated[Aligner, Depends(get_aligner)]
RegistryDep = Annotated[RegistryCache, Depends(get_registry)]
LoaderDep = Annotated[LoaderTable, Depends(get_loader)]
JobQueueDep = Annotated[JobQueue, Depends(get_job_queue)]
UploadsDep = Annotated[UploadStore, Depends(get_uploads)]
