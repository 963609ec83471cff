"""The leak suite's stack, once per mode: embedded chromadb, a `chroma run` server, and two
API workers (the last reuses the embedded mode's index: ingested once)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.security.leak_stack import Stack, build, two_workers
from tests.support.servers import serve

MODES = ("embedded", "chroma_server", "two_workers")


@pytest.fixture(scope="module")
def embedded_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("leaks-embedded")
    services, secrets = build(root, embedder)
    yield root, services, secrets
    services.catalog.close()


@pytest.fixture(scope="module", params=MODES)
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          embedder: Any) -> Iterator[Stack]:
    from api.app import create_app

    mode = request.param
    if mode == "chroma_server":
        server = request.getfixturevalue("chroma_server")
        root = tmp_path_factory.mktemp("leaks-chroma")
        services, secrets = build(root, embedder, chroma_url=server.url)
        assert services.store.where == server.url
        with serve(create_app(services.settings, services)) as base:
            yield Stack(mode, base, secrets)
        services.catalog.close()
        return
    root, services, secrets = request.getfixturevalue("embedded_index")
    if mode == "embedded":
        with serve(create_app(services.settings, services)) as base:
            yield Stack(mode, base, secrets)
    else:
        with two_workers(services, root) as base:
            yield Stack(mode, base, secrets)
