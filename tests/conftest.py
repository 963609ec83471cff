"""Shared fixtures: the real packaged MiniLM (loaded once), real chromadb in a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
    from policykb.settings import Settings

    return Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None)


@pytest.fixture
def make_services(embedder):
    """Build Services for given settings, sharing the session's loaded embedder."""
    from policykb.services import Services

    def build(settings):
        services = Services(settings)
        services.__dict__["embedder"] = embedder  # cached_property slot: reuse the loaded model
        return services

    return build


@pytest.fixture
def services(settings, make_services):
    return make_services(settings)
