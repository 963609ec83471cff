"""An embedder that loads its model on the first text it must embed or count.

Why: ``policykb ingest`` of an unchanged corpus hashes every file, finds each in the catalog
and stops; loading MiniLM (torch, sentence-transformers: ~8 s and 700 MB) for that was nearly
all of its time. The ingest pipeline needs only the model's ``name`` (in the file fingerprint)
and ``max_tokens`` (the chunker's limit) up front; both are known without the model: the name
from the settings, the limit from the model folder's ``sentence_bert_config.json``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import Embedder, Kind

logger = logging.getLogger(__name__)


def configured_max_tokens(model_path: str | Path | None) -> int | None:
    """``max_seq_length`` from the model folder's sentence-transformers config, without
    loading anything (``None`` when the folder does not say: the model must be asked)."""
    if model_path is None:
        from index.embedder import packaged_minilm_path

        model_path = packaged_minilm_path()
    config = Path(model_path) / "sentence_bert_config.json"
    try:
        value = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
    except (OSError, ValueError, AttributeError):
        return None
    return int(value) if isinstance(value, int) and value > 0 else None


class LazyEmbedder:
    """An ``Embedder`` whose model is built by ``build`` on first use, once, thread-safely.

    ``loads`` counts how many times the model was built (0 after a run that embedded
    nothing: tests and the benchmark check it).
    """

    def __init__(self, build: Callable[[], Embedder], *, name: str,
                 max_tokens: int | None = None) -> None:
        self._build = build
        self._inner: Embedder | None = None
        self._lock = threading.Lock()
        self._max_tokens = max_tokens
        self.name = name
        self.loads = 0

    @property
    def loaded(self) -> bool:
        return self._inner is not None

    @property
    def inner(self) -> Embedder:
        """The real embedder, built now if it was not yet."""
        if self._inner is None:
            with self._lock:
                if self._inner is None:
                    inner = self._build()
                    if inner.name != self.name:  # the fingerprint would lie about the vectors
                        raise ValueError(f"lazy embedder named {self.name!r} built a model named "
                                         f"{inner.name!r}")
                    self.loads += 1
                    self._inner = inner
        return self._inner

    @property
    def max_tokens(self) -> int:
        return self._max_tokens if self._max_tokens is not None else self.inner.max_tokens

    def embed_batch(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        return self.inner.embed_batch(texts, kind)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not forwarded: avoids recursion before __init__ ran
            raise AttributeError(name)
        return getattr(self.inner, name)  # dimension, languages, token_windows, ...
