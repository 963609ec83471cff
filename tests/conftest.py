"""Shared fixtures: the real packaged MiniLM (loaded once), real chromadb in a temp folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.paths import SAMPLE_CORPUS
from tests.support.servers import serve

pytest_plugins = ["tests.support.skip_policy"]  # in CI a skip fails the run

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def embedder():
    from index.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture
def settings(tmp_path: Path):
    from core.settings import Settings

    return Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None)


@pytest.fixture
def make_services(embedder):
    """Build Services for given settings, sharing the session's loaded embedder."""
    from policykb.services import Services

    def build(settings):
        services = Services(settings, model=embedder)
        return services

    return build


@pytest.fixture
def services(settings, make_services):
    return make_services(settings)


@pytest.fixture(scope="session")
def sample_services(tmp_path_factory, embedder):
    """The bundled sample corpus, ingested once per test session (read-only for tests)."""
    import shutil

    from core.settings import Settings
    from policykb.services import Services

    root = tmp_path_factory.mktemp("sample-index")
    corpus = root / "sample"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    settings = Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None)
    services = Services(settings, model=embedder)
    report = services.ingestor.ingest([corpus])
    assert not report.failed, report.summary()["failed"]
    return services


# -- servers on 127.0.0.1 ---------------------------------------------------------------


@pytest.fixture
def live_server() -> Callable:
    """``serve`` (tests/support/servers.py) as a fixture, for tests that start several apps."""
    return serve


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` on 127.0.0.1 for the session (tests/support/chroma_server.py);
    tests that share it use their own collection names."""
    from tests.support.chroma_server import ChromaServer

    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db").start()
    try:
        yield server
    finally:
        server.stop()
