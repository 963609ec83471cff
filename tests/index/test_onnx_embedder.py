"""The torch-free ONNX embedder gives PyTorch's passage vectors (padded batches included), a
server built the serving way answers /search and /ask without importing torch, and without
ONNX (or its exported graph) the serving embedder falls back to PyTorch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.settings import Settings
from index.embedder import SentenceTransformerEmbedder
from index.onnx_embedder import OnnxEmbedder, build_serving_embedder, onnx_graph_ready
from ingest.language import detect_language
from tests.index.test_onnx_encoder import real_texts
from tests.support.paths import REPO

TORCH_MODULES = ("torch", "sentence_transformers", "transformers")


@pytest.fixture(scope="module")
def graph_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir holding the exported graph of the packaged model (exported here once)."""
    cache = tmp_path_factory.mktemp("onnx-graph")
    SentenceTransformerEmbedder(query_encoder="onnx", onnx_cache_dir=cache)
    return cache


@pytest.fixture(scope="module")
def onnx_model(graph_cache: Path) -> OnnxEmbedder:
    model = build_serving_embedder(Settings(onnx_cache_dir=graph_cache, _env_file=None))
    assert isinstance(model, OnnxEmbedder)
    return model


def test_passage_vectors_equal_torch_on_padded_batches(
        sample_services: Any, embedder: SentenceTransformerEmbedder,
        onnx_model: OnnxEmbedder) -> None:
    texts = real_texts(sample_services)  # Khmer and English chunks, their halves and thirds
    texts += ["  MPTC  ", "ក្រសួង", "digital " * 400]  # stripped, tiny, truncated at 256 tokens
    assert {"km", "en"} <= {str(detect_language(t)) for t in texts}
    lengths = {onnx_model.count_tokens(t) for t in texts}
    assert min(lengths) < 8 and max(lengths) > 256  # each pass pads short texts to long ones
    torch_vectors = embedder.embed_batch(texts, kind="passage")
    onnx_vectors = onnx_model.embed_batch(texts, kind="passage")
    assert onnx_vectors.shape == torch_vectors.shape == (len(texts), 384)
    assert float(np.abs(onnx_vectors - torch_vectors).max()) < 1e-5
    assert float(np.abs(np.linalg.norm(onnx_vectors, axis=1) - 1).max()) < 1e-5
    # a text's vector does not depend on what it was padded with
    alone = np.stack([onnx_model.embed_batch([t])[0] for t in texts[:: 17]])
    assert float(np.abs(alone - onnx_vectors[:: 17]).max()) < 1e-5
    # one big pass (every text padded to 256 tokens) gives the same vectors too
    wide = OnnxEmbedder(onnx_model.graph, onnx_model.path, name=onnx_model.name,
                        max_tokens=onnx_model.max_tokens, tokens_per_pass=1 << 20)
    assert float(np.abs(wide.embed_batch(texts[:64]) - torch_vectors[:64]).max()) < 1e-5
    assert float(np.abs(onnx_model.embed_batch(texts[:20], kind="query")
                        - embedder.embed_batch(texts[:20], kind="query")).max()) < 1e-5


def test_tokens_and_windows_match_the_model(sample_services: Any,
                                            embedder: SentenceTransformerEmbedder,
                                            onnx_model: OnnxEmbedder) -> None:
    texts = [c.text for c in sample_services.catalog.iter_chunks()]
    assert [onnx_model.count_tokens(t) for t in texts] == [embedder.count_tokens(t) for t in texts]
    long_text = " ".join(texts)
    assert embedder.count_tokens(long_text) > 3 * embedder.max_tokens
    assert onnx_model.token_windows(long_text) == embedder.token_windows(long_text)
    assert (onnx_model.name, onnx_model.dimension, onnx_model.max_tokens, onnx_model.languages) \
        == (embedder.name, embedder.dimension, embedder.max_tokens, embedder.languages)


def test_fallbacks_to_torch(graph_cache: Path, tmp_path: Path) -> None:
    """No graph yet: PyTorch, which exports it, and the next build is torch-free. Asked
    for torch: PyTorch. A broken graph: an error naming it under ``onnx``, PyTorch under
    ``auto``."""
    empty = tmp_path / "empty-cache"
    settings = Settings(onnx_cache_dir=empty, _env_file=None)
    assert onnx_graph_ready(settings) is None
    first = build_serving_embedder(settings)
    assert isinstance(first, SentenceTransformerEmbedder) and first.query_encoder == "onnx"
    assert onnx_graph_ready(settings) is not None
    assert isinstance(build_serving_embedder(settings), OnnxEmbedder)

    as_torch = Settings(onnx_cache_dir=graph_cache, query_encoder="torch", _env_file=None)
    assert onnx_graph_ready(as_torch) is None
    assert isinstance(build_serving_embedder(as_torch), SentenceTransformerEmbedder)

    broken = tmp_path / "broken-cache"
    shutil.copytree(graph_cache, broken)
    graph = onnx_graph_ready(Settings(onnx_cache_dir=broken, _env_file=None))
    assert graph is not None
    graph.write_bytes(b"not an onnx graph")
    with pytest.raises(RuntimeError, match=graph.name):
        build_serving_embedder(Settings(onnx_cache_dir=broken, query_encoder="onnx",
                                        _env_file=None))
    fallback = build_serving_embedder(Settings(onnx_cache_dir=broken, _env_file=None))
    assert isinstance(fallback, SentenceTransformerEmbedder)


def run_child(code: str, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


NO_ONNX_CHILD = """
import json, sys
sys.modules["onnxruntime"] = None  # as if onnxruntime were not installed
from core.settings import get_settings
from index.onnx_embedder import build_serving_embedder
model = build_serving_embedder(get_settings())
print(json.dumps({"kind": type(model).__name__, "queries": model.query_encoder,
                  "dims": int(model.embed_batch(["digital government"]).shape[1])}))
"""


def test_without_onnxruntime_the_server_embeds_with_torch(graph_cache: Path) -> None:
    seen = run_child(NO_ONNX_CHILD, {"POLICYKB_ONNX_CACHE_DIR": str(graph_cache)})
    assert seen == {"kind": "SentenceTransformerEmbedder", "queries": "torch", "dims": 384}


SERVER_CHILD = f"""
TORCH_MODULES = {TORCH_MODULES!r}
""" + """
import json, sys
import httpx
from policykb.server import create_app_for_server
from tests.support.servers import serve

app = create_app_for_server()
with serve(app, timeout_s=120) as url:
    found = httpx.post(url + "/search", json={"query": "cybersecurity policy", "k": 5},
                       timeout=120)
    asked = httpx.post(url + "/ask", json={"question": "What does the cybersecurity policy "
                                           "require?"}, timeout=120)
    khmer = httpx.post(url + "/ask", json={"question": "ផែនការរដ្ឋាភិបាលឌីជីថល"}, timeout=120)
print(json.dumps({"statuses": [found.status_code, asked.status_code, khmer.status_code],
                  "search": found.json(), "ask": asked.json(),
                  "loaded": [m for m in TORCH_MODULES if m in sys.modules]}))
"""


def test_server_answers_without_importing_torch(sample_services: Any, graph_cache: Path,
                                                tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(sample_services.settings.data_dir, data)
    (data / "index" / "sentence_vectors.sqlite3").unlink(missing_ok=True)  # /ask embeds them
    seen = run_child(SERVER_CHILD, {"POLICYKB_DATA_DIR": str(data),
                                    "POLICYKB_ONNX_CACHE_DIR": str(graph_cache),
                                    "POLICYKB_OCR_ENABLED": "false"})
    assert seen["statuses"] == [200, 200, 200]
    assert seen["loaded"] == []
    assert "cybersecurity" in json.dumps(seen["search"]).lower()
    assert "cybersecurity" in json.dumps(seen["ask"]).lower()


EXIT_CHILD = """
import json, threading, time
from core.settings import get_settings
from index.onnx_embedder import OnnxEmbedder, build_serving_embedder
model = build_serving_embedder(get_settings())
assert isinstance(model, OnnxEmbedder)
def embed_forever():
    while True:
        try:
            model.embed_batch(["digital government " * 100] * 16)
        except RuntimeError:
            return
threading.Thread(target=embed_forever, daemon=True).start()
time.sleep(1.0)
print(json.dumps({"exiting": True}))
"""


def test_exit_while_a_daemon_thread_embeds(graph_cache: Path) -> None:
    """The interpreter waits for the pass in flight instead of aborting in ONNX Runtime."""
    for _ in range(3):
        assert run_child(EXIT_CHILD, {"POLICYKB_ONNX_CACHE_DIR": str(graph_cache)}) \
            == {"exiting": True}


def test_agreement_report(sample_services: Any, onnx_model: OnnxEmbedder) -> None:
    texts = [c.text for c in sample_services.catalog.iter_chunks()][:40]
    report = onnx_model.encoder_agreement(texts)
    assert report is not None and report["texts"] == 40
    assert report["max_abs_diff"] < 1e-5 and report["min_cosine"] > 0.9999
