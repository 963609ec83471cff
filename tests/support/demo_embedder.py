"""A small deterministic embedder for fast unit tests of pure logic (no model is loaded).

It implements the ``index.embedder.Embedder`` protocol with a hashed bag of words: each word
adds ±1 to one of ``dimension`` buckets (blake2b, so the same text gives the same vector in
every process), and the vector is L2-normalised, so texts that share words have a positive
cosine and texts that share none are near 0. It understands nothing, so a test that needs
meaning (cross-language, paraphrase) must use the real packaged MiniLM instead.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from index.embedder import Kind

# A run of Khmer letters and signs is one word; elsewhere, letters and digits.
_WORD = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]+|[^\W_]+")


class DemoEmbedder:
    """Hashed bag of lower-cased words, L2-normalised; one token per word."""

    def __init__(self, dimension: int = 64, max_tokens: int = 256,
                 languages: frozenset[str] = frozenset({"en"}), name: str = "demo-bag-of-words"
                 ) -> None:
        self.name = name
        self.dimension = dimension
        self.max_tokens = max_tokens
        self.languages = languages
        self.calls: list[tuple[Kind, int]] = []  # (kind, batch size) of every embed_batch call

    def words(self, text: str) -> list[str]:
        return [w.casefold() for w in _WORD.findall(text)]

    def embed_batch(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        self.calls.append((kind, len(texts)))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in self.words(text):
                digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dimension
                vectors[row, bucket] += 1.0 if digest[4] & 1 else -1.0
            norm = float(np.linalg.norm(vectors[row]))
            if norm > 0:
                vectors[row] /= norm
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text], kind="query")[0]

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))
