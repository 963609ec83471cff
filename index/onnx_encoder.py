"""The sentence-transformers forward pass (transformer, pooling, normalisation) in ONNX Runtime.

Why: a MiniLM query embedding costs about 13 ms through PyTorch and 5 ms through ONNX Runtime
on one core, most of the difference being PyTorch's per-operator dispatch on tiny inputs. The
graph is exported from the very model the index was embedded with, with the same fp32
weights, so its vectors equal the PyTorch ones (max abs difference ~1e-7, checked by
``tests/index/test_onnx_encoder.py`` and the benchmark) and nothing needs re-embedding.

The export runs once per model (``torch.onnx``, no network, no ``optimum``) and is cached
under a file name keyed by a hash of the model's path and files, so every worker and
every later start just loads it; a changed model gets a new file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["OnnxEncoder", "cached_graph", "default_cache_dir", "model_fingerprint",
           "onnx_runtime_available"]

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_SKIPPED_FILES = {"README.md", ".gitattributes"}
_export_lock = threading.Lock()


def onnx_runtime_available() -> bool:
    """Whether ``onnxruntime`` and the exporter's ``onnx`` can be imported."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def default_cache_dir() -> Path:
    """Where exported graphs live when no setting says otherwise (shared by data dirs)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policykb" / "onnx"


def model_fingerprint(model_path: Path) -> str:
    """A hash of the model's path, the exporter's version and each of its files' name, size
    and modification time: the cached graph is reused only for this very model. (Hashing
    the 90 MB of weights instead would add 0.2-0.5 s to every server start; a changed or
    reinstalled model has new sizes or times and simply gets a new export.)"""
    digest = hashlib.sha256(f"{model_path.resolve()}\0torch {_torch_version()}\0".encode())
    for file in sorted(p for p in model_path.rglob("*") if p.is_file()):
        if file.name in _SKIPPED_FILES:
            continue
        stat = file.stat()
        digest.update(f"{file.relative_to(model_path)}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                      .encode())
    return digest.hexdigest()[:20]


def _torch_version() -> str:
    """The installed torch's version, read from its package metadata: a server finds its
    cached graph without importing torch (equal to ``torch.__version__`` for pip wheels)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("torch")
    except PackageNotFoundError:  # no torch: nothing could have exported, no file will match
        return "absent"


def cached_graph(model_path: Path, cache_dir: Path) -> Path:
    """Where the exported graph of the model at ``model_path`` is (or will be) cached."""
    return cache_dir / f"{model_path.name}-{model_fingerprint(model_path)}.onnx"


class OnnxEncoder:
    """Embeds texts with an ONNX Runtime session built from a loaded SentenceTransformer.

    ``threads`` is the intra-op thread count of one pass: a server runs several passes at
    once (``index/inference.py``), so one thread each uses the cores without contention.
    """

    def __init__(self, st_model: Any, model_path: Path, cache_dir: Path, *,
                 max_tokens: int, threads: int = 1) -> None:
        import onnxruntime as ort

        self.path = self._exported(st_model, model_path, cache_dir)
        self._tokenizer = st_model.tokenizer
        self.max_tokens = max_tokens
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(self.path), options,
                                             providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit vectors for ``texts``, in order; batches of similar lengths pad little."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out: np.ndarray | None = None
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            vectors = self._run([texts[i] for i in rows])
            if out is None:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)

    def _run(self, texts: list[str]) -> np.ndarray:
        features = self._tokenizer(texts, padding=True, truncation=True,
                                   max_length=self.max_tokens, return_tensors="np")
        feeds = {name: np.asarray(features[name], dtype=np.int64) for name in self._inputs}
        return np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)

    @staticmethod
    def _exported(st_model: Any, model_path: Path, cache_dir: Path) -> Path:
        """The cached graph of this model, exported first when missing."""
        target = cached_graph(model_path, cache_dir)
        with _export_lock:
            if not target.exists():
                cache_dir.mkdir(parents=True, exist_ok=True)
                _export(st_model, target)
        return target


def _export(st_model: Any, target: Path) -> None:
    """Trace the whole SentenceTransformer (all its modules, so the model's own pooling and
    normalisation) into ``target``, written to a temporary name and renamed, so concurrent
    workers never load half a file."""
    import torch

    sample = st_model.tokenizer(["an example sentence", "a second, longer example sentence"],
                                padding=True, return_tensors="pt")
    names = [name for name in _INPUTS if name in sample]  # XLM-R models have no token types

    class _Forward(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(dict(zip(names, tensors, strict=True)))["sentence_embedding"]

    args = tuple(sample[name] for name in names)
    dynamic = {name: {0: "batch", 1: "tokens"} for name in names}
    dynamic["embedding"] = {0: "batch"}
    handle, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".onnx.part")
    os.close(handle)
    was_training = st_model.training
    st_model.eval()
    try:
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about shape-dependent branches
            torch.onnx.export(_Forward(st_model), args, tmp_name, input_names=names,
                              output_names=["embedding"], dynamic_axes=dynamic,
                              opset_version=17, dynamo=False)
        os.replace(tmp_name, target)
        logger.info("exported the query encoder to %s", target)
    finally:
        st_model.train(was_training)
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
