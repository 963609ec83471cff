"""Fixtures for the search tests: the fixture corpus (tests/support/corpora.py) ingested once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.corpora import ingest_fixture_corpus


@pytest.fixture(scope="session")
def search_services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    """The fixture corpus ingested once; tests must not change this index."""
    services = ingest_fixture_corpus(tmp_path_factory.mktemp("search-index"), embedder)
    yield services
    services.catalog.close()
