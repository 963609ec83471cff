"""The answer tests' corpus (``tests/answers/corpus.py``) ingested once per module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.answers.corpus import ingest_answer_corpus


@pytest.fixture(scope="package")
def answer_services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    """Read-only for the tests."""
    services = ingest_answer_corpus(tmp_path_factory.mktemp("answer-index"), embedder)
    yield services
    services.catalog.close()
