"""The ONNX Runtime query encoder gives the PyTorch vectors (same fp32 weights), is exported
once per model and reused, and a failure to build it is reported or falls back as set."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from core.settings import Settings
from index.embedder import SentenceTransformerEmbedder
from index.onnx_encoder import OnnxEncoder, model_fingerprint
from ingest.language import detect_language


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def onnx_embedder(onnx_cache: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(query_encoder="onnx", onnx_cache_dir=onnx_cache)


def real_texts(services: Any, n: int = 200) -> list[str]:
    """``n`` texts from the chunks of the ingested sample corpus (Khmer and English): the
    chunks, then their halves and thirds (the corpus has fewer than ``n`` chunks), so
    texts of many lengths pad each other in a batch."""
    chunks = [c.text for c in services.catalog.iter_chunks()]
    parts = [text[len(text) * i // pieces: len(text) * (i + 1) // pieces]
             for pieces in (2, 3) for text in chunks for i in range(pieces)]
    return [t for t in chunks + parts if t.strip()][:n]


def test_onnx_vectors_equal_torch_vectors_on_real_chunks(
        sample_services: Any, embedder: SentenceTransformerEmbedder,
        onnx_embedder: SentenceTransformerEmbedder) -> None:
    texts = real_texts(sample_services)
    languages = {str(detect_language(t)) for t in texts}
    assert len(texts) == 200 and {"km", "en"} <= languages, languages
    torch_vectors = embedder.embed_batch(texts, kind="query")  # the packaged model: torch
    onnx_vectors = onnx_embedder.embed_batch(texts, kind="query")
    assert embedder.query_encoder == "torch" and onnx_embedder.query_encoder == "onnx"
    assert onnx_vectors.shape == torch_vectors.shape == (200, 384)
    assert float(np.abs(onnx_vectors - torch_vectors).max()) < 1e-5
    assert float((onnx_vectors * torch_vectors).sum(axis=1).min()) >= 0.9999
    # one at a time, as queries arrive, too
    for text in texts[:20]:
        single = onnx_embedder.embed_batch([text], kind="query")[0]
        assert float(single @ embedder.embed_batch([text], kind="query")[0]) >= 0.9999


def test_passages_stay_on_torch(embedder: SentenceTransformerEmbedder,
                                onnx_embedder: SentenceTransformerEmbedder) -> None:
    """Ingest embeds passages through PyTorch (batches are no faster in ONNX Runtime here)."""
    text = ["The ministry will train civil servants in cybersecurity."]
    np.testing.assert_array_equal(onnx_embedder.embed_batch(text, kind="passage"),
                                  embedder.embed_batch(text, kind="passage"))


def test_export_is_cached_and_reused(onnx_embedder: SentenceTransformerEmbedder,
                                     onnx_cache: Path) -> None:
    files = sorted(onnx_cache.glob("*.onnx"))
    assert len(files) == 1 and files[0].name.startswith("model-")
    stamp = files[0].stat().st_mtime_ns
    again = OnnxEncoder(onnx_embedder._model, onnx_embedder.path, onnx_cache,
                        max_tokens=onnx_embedder.max_tokens)
    assert again.path == files[0] and files[0].stat().st_mtime_ns == stamp
    assert sorted(onnx_cache.iterdir()) == files  # no half-written leftovers


def test_fingerprint_follows_the_model_files(onnx_embedder: SentenceTransformerEmbedder,
                                             tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(onnx_embedder.path, copy)
    before = model_fingerprint(copy)
    assert before == model_fingerprint(copy)
    config = copy / "config.json"
    config.write_text(config.read_text() + "\n")
    assert model_fingerprint(copy) != before


def test_unusable_cache_dir(embedder: SentenceTransformerEmbedder, tmp_path: Path) -> None:
    """A cache dir that cannot be created is an error naming it; the embedder asked for
    onnx says so, and ``auto`` falls back to torch."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(OSError):
        OnnxEncoder(embedder._model, embedder.path, blocker / "onnx", max_tokens=256)
    with pytest.raises(RuntimeError, match="not-a-dir"):
        SentenceTransformerEmbedder(query_encoder="onnx", onnx_cache_dir=blocker / "onnx")
    fallback = SentenceTransformerEmbedder(query_encoder="auto", onnx_cache_dir=blocker / "onnx")
    assert fallback.query_encoder == "torch"


def test_query_encoder_setting_is_checked() -> None:
    assert Settings(_env_file=None).query_encoder == "auto"
    with pytest.raises(ValidationError, match="query_encoder"):
        Settings(query_encoder="tensorflow", _env_file=None)  # type: ignore[arg-type]
