"""Vectors of the texts an alignment compares a plan with (strategy titles and the sentences it
may quote), embedded once per index generation and kept in a file beside the index.

Why: a request used to embed up to 12 sentences for every strategy it shows (about 200 for
the seed plan, 3-4 s of the model on two cores), and the same sentences come back for every
plan. A vector depends only on the text and the model, so vectors are looked up by the text's
hash; the file is named after the model and the index generation, written atomically (the
workers and the CLI share it), and files of older generations are removed when a newer one is
written. Only the plan's own words are embedded per request.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

Embed = Callable[[list[str]], np.ndarray]
FILL_BATCH = 64


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class TextVectors:
    """``embed`` with a memory of what it has embedded, per index generation.

    ``use(generation)`` switches to a generation (loading its file if a worker or an earlier
    run wrote it); ``embed`` answers known texts from memory and embeds only the others;
    ``save`` writes the file when something new was embedded."""

    def __init__(self, embed: Embed, directory: Path | None = None, model: str = "model") -> None:
        self._embed = embed
        self.directory = directory
        self.model = re.sub(r"[^\w.-]+", "_", model) or "model"
        self.generation: str | None = None
        self.embedded = 0  # texts this process has embedded (not found in memory or on disk)
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        self._lock = threading.Lock()

    # -- the generation's file ----------------------------------------------------------
    def path(self, generation: str) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / f"{self.model}-g{generation}.npz"

    def use(self, generation: str) -> None:
        """Vectors of ``generation``: the file's, when there is one. Texts and vectors do not
        change with the generation, so what is in memory is kept too (a re-ingest of one
        document leaves every other policy's sentences as they were)."""
        with self._lock:
            if generation == self.generation:
                return
            self.generation = generation
            loaded = self._read(self.path(generation))
            self._vectors.update(loaded)
            self._dirty = bool(self._vectors) and len(loaded) < len(self._vectors)

    def _read(self, path: Path | None) -> dict[str, np.ndarray]:
        if path is None or not path.exists():
            return {}
        try:
            with np.load(path, allow_pickle=False) as data:
                return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError) as exc:  # a damaged file is rebuilt, not fatal
            logger.warning("ignoring the alignment vectors in %s: %s", path, exc)
            return {}

    def save(self) -> bool:
        """Write the generation's file if something new was embedded; True when written."""
        path = self.path(self.generation) if self.generation is not None else None
        with self._lock:
            if path is None or not self._dirty or not self._vectors:
                return False
            keys = list(self._vectors)
            matrix = np.stack([self._vectors[k] for k in keys]).astype(np.float32)
            self._dirty = False
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vectors-", suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, keys=np.array(keys), vectors=matrix)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only data directory: keep them in memory only
            Path(tmp).unlink(missing_ok=True)
            logger.warning("could not write the alignment vectors to %s: %s", path, exc)
            return False
        for old in path.parent.glob(f"{self.model}-g*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
        return True

    # -- vectors ------------------------------------------------------------------------
    def missing(self, texts: Iterable[str]) -> list[str]:
        return [t for t in dict.fromkeys(texts) if text_key(t) not in self._vectors]

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors of ``texts`` in order; only texts never seen are given to the model."""
        keys = [text_key(t) for t in texts]
        todo = self.missing(texts)
        if todo:
            self._add(todo, self._embed(todo))
        return np.stack([self._vectors[k] for k in keys]) if keys else self._embed(texts)

    def fill(self, texts: Iterable[str], should_stop: Callable[[], bool] = lambda: False) -> int:
        """Embed every text not yet known (shortest first, in batches, so padding is small
        and ``should_stop`` is checked often); how many were embedded."""
        todo = sorted(self.missing(texts), key=len)
        done = 0
        for start in range(0, len(todo), FILL_BATCH):
            if should_stop():
                break
            batch = todo[start:start + FILL_BATCH]
            self._add(batch, self._embed(batch))
            done += len(batch)
        return done

    def _add(self, texts: list[str], vectors: np.ndarray) -> None:
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._vectors[text_key(text)] = np.asarray(vector, dtype=np.float32)
            self.embedded += len(texts)
            self._dirty = True

    def __len__(self) -> int:
        return len(self._vectors)
