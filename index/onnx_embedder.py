"""A torch-free embedder: the cached ONNX graph of the model for queries *and* passages.

Why: a server used to load PyTorch and sentence-transformers (~500 MB resident, seconds of
imports) only to embed /ask's missing evidence sentences, alignment passages and uploads,
while its queries already ran in ONNX Runtime. The graph is the very model (same fp32
weights, its own pooling over the attention mask), so passage vectors equal PyTorch's
within 1e-5, padded batches included (``tests/index/test_onnx_embedder.py``), and the index
embedded by PyTorch stays valid. Tokenisation uses the model folder's ``tokenizer.json``
through the ``tokenizers`` library, which is what sentence-transformers' fast tokenizer runs.

``build_serving_embedder`` picks it when the graph is already exported; otherwise it builds
the PyTorch embedder, which exports the graph once (as ``policykb ingest`` does too).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import (
    PREFIXES,
    Kind,
    SentenceTransformerEmbedder,
    build_embedder,
    infer_family,
    infer_languages,
    model_threads,
    packaged_minilm_path,
    vector_agreement,
    windows_of,
)
from index.onnx_encoder import cached_graph, default_cache_dir, onnx_runtime_available

logger = logging.getLogger(__name__)

__all__ = ["OnnxEmbedder", "build_serving_embedder", "onnx_graph_ready"]


class _Passes:
    """Forward passes in flight, so the interpreter's exit waits for them: a daemon thread
    (the sentence warm-up) inside ``session.run`` when Python finalises is killed as it
    takes the GIL back, and ONNX Runtime aborts the process (seen: exit -6)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running = 0
        self._closing = False
        atexit.register(self.close)

    def __enter__(self) -> None:
        with self._cond:
            if self._closing:
                raise RuntimeError("the process is exiting: no more ONNX passes")
            self._running += 1

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    def close(self, timeout_s: float = 30.0) -> None:
        with self._cond:
            self._closing = True
            self._cond.wait_for(lambda: self._running == 0, timeout_s)


_passes = _Passes()


class OnnxEmbedder:
    """An ``Embedder`` over an exported graph; never imports torch or sentence-transformers.

    ``threads`` is the intra-op thread count of one pass (the server's inference queue runs
    one pass at a time per thread, ``index/inference.py``); ``tokens_per_pass`` bounds the
    padded tokens of one pass (see :meth:`embed_batch`).
    """

    query_encoder = "onnx"
    passage_encoder = "onnx"

    def __init__(self, graph: Path, model_path: Path, *, name: str, max_tokens: int,
                 family: str = "auto", languages: frozenset[str] | None = None,
                 batch_size: int = 32, tokens_per_pass: int = 2048, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer_file = model_path / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise FileNotFoundError(f"no fast tokenizer for the ONNX embedder: {tokenizer_file}")
        if not graph.is_file():
            raise FileNotFoundError(f"ONNX graph not exported yet: {graph}")
        self.path = model_path
        self.graph = graph
        self.name = name
        self.family = infer_family(str(model_path)) if family == "auto" else family
        if self.family not in PREFIXES:
            raise ValueError(f"unknown embedder family {self.family!r}; one of {sorted(PREFIXES)}")
        self.prefixes = PREFIXES[self.family]
        self.languages = languages or infer_languages(str(model_path))
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        # two tokenizers: counting and windows must see every token, batches are cut and padded
        self._counter = Tokenizer.from_file(str(tokenizer_file))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._batcher = Tokenizer.from_file(str(tokenizer_file))
        self._pad_id = int((self._batcher.padding or {}).get("pad_id", 0))
        self._batcher.no_padding()  # padded per pass, to that pass's longest text
        self._batcher.enable_truncation(max_tokens)
        self.tokens_per_pass = tokens_per_pass
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(graph), options,
                                             providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        self.dimension = int(self._run(self._batcher.encode_batch(["dimension probe"])).shape[1])
        logger.info("embedder %s in ONNX Runtime (%s prefixes, %d dims, no torch)", self.name,
                    self.family, self.dimension)

    def embed_batch(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        """Unit vectors for ``texts`` in order. Texts are tokenised once, sorted by length
        and run in passes of at most ``batch_size`` rows and ``tokens_per_pass`` padded
        tokens: ONNX Runtime keeps its largest pass's buffers for the process's life, so
        32 full 256-token passages at once would hold ~350 MB (measured; a cap of 2048
        tokens holds ~40-90 MB and pads less, so it is no slower)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prefix = self.prefixes.query if kind == "query" else self.prefixes.passage
        # sentence-transformers strips each text before tokenising: the same ids here
        encodings = self._batcher.encode_batch([(prefix + t).strip() for t in texts])
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        start = 0
        while start < len(order):
            longest = max(1, len(encodings[order[start]].ids))
            rows = order[start:start + max(1, min(self.batch_size, self.tokens_per_pass // longest))]
            out[rows] = self._run([encodings[i] for i in rows])
            start += len(rows)
        return out

    def _run(self, encodings: list[Any]) -> np.ndarray:
        """One forward pass over encodings padded to the longest (mask 0 on the padding: the
        graph's mean pooling divides by the mask, so padding changes nothing)."""
        width = max(len(e.ids) for e in encodings)
        columns = {name: np.zeros((len(encodings), width), dtype=np.int64)
                   for name in ("input_ids", "attention_mask", "token_type_ids")}
        columns["input_ids"][:] = self._pad_id
        for row, e in enumerate(encodings):
            n = len(e.ids)
            columns["input_ids"][row, :n] = e.ids
            columns["attention_mask"][row, :n] = e.attention_mask
            columns["token_type_ids"][row, :n] = e.type_ids
        feeds = {name: columns[name] for name in self._inputs}
        with _passes:
            vectors = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)  # normalize_embeddings=True
        return vectors / np.maximum(norms, 1e-12)

    def encoder_agreement(self, texts: list[str]) -> dict[str, float] | None:
        """How closely these vectors match PyTorch's on ``texts`` (passage side). Loads
        torch and the model: for benchmarks and checks, never called by a server."""
        if not texts:
            return None
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        torch_vectors = np.asarray(model.encode(
            [self.prefixes.passage + t for t in texts], batch_size=self.batch_size,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False),
            dtype=np.float32)
        onnx_vectors = self.embed_batch(texts, kind="passage")
        return vector_agreement(onnx_vectors, torch_vectors)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text], kind="query")[0]

    def count_tokens(self, text: str) -> int:
        """Tokens as the model counts them (without special tokens)."""
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def token_windows(self, text: str, window: int | None = None,
                      stride: int | None = None) -> list[str]:
        """Overlapping windows the model reads whole (as ``SentenceTransformerEmbedder``)."""
        offsets = self._counter.encode(text, add_special_tokens=False).offsets
        return windows_of(text, offsets, self.max_tokens, window, stride)


def onnx_graph_ready(settings: Any) -> Path | None:
    """The exported graph the settings' serving embedder would load, or ``None`` when the
    settings rule ONNX out (``query_encoder=torch``, a GPU device, no onnxruntime) or the
    graph has not been exported yet."""
    if getattr(settings, "query_encoder", "auto") == "torch":
        return None
    if getattr(settings, "device", "cpu") != "cpu" or not onnx_runtime_available():
        return None
    model_path = _model_path(settings)
    graph = cached_graph(model_path, getattr(settings, "onnx_cache_dir", None) or default_cache_dir())
    return graph if graph.is_file() else None


def build_serving_embedder(settings: Any) -> OnnxEmbedder | SentenceTransformerEmbedder:
    """The embedder of a serving process: torch-free ONNX when the graph is exported, else
    the PyTorch embedder (which exports it, for the next start). A broken graph or tokenizer
    is an error under ``query_encoder=onnx`` and a logged fallback under ``auto``."""
    from index.lazy_embedder import configured_max_tokens

    graph = onnx_graph_ready(settings)
    max_tokens = configured_max_tokens(getattr(settings, "embedder_path", None))
    if graph is None or max_tokens is None:
        if getattr(settings, "query_encoder", "auto") != "torch":
            logger.info("no exported ONNX graph for the embedder: loading torch (it exports one)")
        return build_embedder(settings)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    langs = getattr(settings, "embedder_languages", "auto")
    try:
        return OnnxEmbedder(
            graph, _model_path(settings),
            name=getattr(settings, "embedder_name", None) or "all-MiniLM-L6-v2",
            max_tokens=max_tokens, family=getattr(settings, "embedder_family", "auto"),
            languages=None if langs == "auto" else frozenset(
                x.strip() for x in langs.split(",") if x.strip()),
            batch_size=getattr(settings, "embed_batch_size", 32), threads=model_threads())
    except Exception as exc:
        if getattr(settings, "query_encoder", "auto") == "onnx":
            raise RuntimeError(f"ONNX embedder from {graph}: {exc}") from exc
        logger.warning("ONNX embedder unavailable (%s); loading torch", exc)
        return build_embedder(settings)


def _model_path(settings: Any) -> Path:
    configured = getattr(settings, "embedder_path", None)
    return Path(configured) if configured else packaged_minilm_path()
