"""Token counts for the chunker from a tokenizer of its own, not the embedding model's.

Why: ingest prepares the next files on a background thread (``ingest/prefetch.py``), so the
chunker counts tokens while the model embeds the current batch. A Hugging Face tokenizer is
one mutable object: sentence-transformers switches its truncation and padding on for every
batch, counting switches them off, and two threads doing that at once fail with "Already
borrowed" or tokenize with each other's settings. The model folder's ``tokenizer.json``
loaded again through ``tokenizers`` (what the fast tokenizer runs; no torch, no
transformers) gives the same counts: the ingest tests compare the chunks with the model's.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any


class PrivateTokenCounter:
    """``count(text)`` = the model's ``count_tokens`` (no special tokens, nothing cut), from
    ``tokenizer.json`` in ``model_path``, loaded on the first count (an unchanged re-ingest
    loads nothing), one tokenizer per thread."""

    def __init__(self, model_path: Path) -> None:
        self.tokenizer_file = Path(model_path) / "tokenizer.json"
        if not self.tokenizer_file.is_file():
            raise FileNotFoundError(f"no fast tokenizer to count chunk tokens: {self.tokenizer_file}")
        self._local = threading.local()

    def _tokenizer(self) -> Any:
        tokenizer = getattr(self._local, "tokenizer", None)
        if tokenizer is None:
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.tokenizer_file))
            tokenizer.no_truncation()
            tokenizer.no_padding()
            self._local.tokenizer = tokenizer
        return tokenizer

    def __call__(self, text: str) -> int:
        return len(self._tokenizer().encode(text, add_special_tokens=False).ids)
