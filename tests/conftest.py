"""Shared fixtures: the real packaged MiniLM (loaded once), real chromadb in a temp folder."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from evaluation.load import free_port

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
SAMPLE_CORPUS = REPO / "corpus" / "sample"
OUTPUT_DIR = REPO / "test-output"


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
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None), model=embedder)
    report = services.ingestor.ingest([corpus])
    assert not report.failed, report.summary()["failed"]
    return services


# -- a real uvicorn server on 127.0.0.1 for HTTP tests ------------------------------------


@contextmanager
def serve(app) -> Iterator[str]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        raise RuntimeError("server did not start")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_server() -> Callable:
    return serve


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` on 127.0.0.1 for the session (tests/chroma_server.py); tests that
    share it use their own collection names."""
    from tests.chroma_server import ChromaServer

    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db").start()
    try:
        yield server
    finally:
        server.stop()
