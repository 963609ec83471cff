"""The fixture policy (``tests/support/registry_fixture.py``) ingested on the real stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.registry_fixture import ingest_fixture_policy


@pytest.fixture(scope="module")
def policy_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    """Shared by a module's tests that only read the index and its reviewed file."""
    services = ingest_fixture_policy(tmp_path_factory.mktemp("policy-index"), embedder)
    yield services
    services.catalog.close()


@pytest.fixture
def fixture_index(tmp_path: Any, embedder: Any) -> Iterator[Any]:
    """A fresh one, for tests that edit the reviewed file or ingest more."""
    services = ingest_fixture_policy(tmp_path, embedder)
    yield services
    services.catalog.close()
