"""BM25 over the analysed search keys (bm25s), persisted beside the vector store.

bm25s cannot add or remove documents in place, so the index is rebuilt from the catalog's
stored terms whenever the catalog's generation moves on; terms are analysed once at ingest
(segmenting Khmer is the expensive part) and never again. Every process checks the
generation before a query, so several API workers stay in step with one ingest.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.access import DEFAULT_COLLECTION
from index.generation import GenerationWatcher

logger = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass(frozen=True)
class SparseRow:
    """One chunk as the sparse index sees it: its terms and what filters look at."""

    chunk_id: str
    terms: str
    doc_id: str
    language: str
    doc_language: str
    doc_type: str
    issuing_body: str
    date: int  # yyyymmdd, 0 when unknown
    country: str = ""  # jurisdiction code (KH, SG, IN-KL), "" when unknown
    collection: str = DEFAULT_COLLECTION  # who may read it (core/access.py)


_TEXT_COLUMNS = ("doc_id", "language", "doc_language", "doc_type", "issuing_body", "country",
                 "collection")
# 4: with the collection; 3 (columns without terms, with the country) predates collections, so
# every row of it is public and it is read as such (a read-only index is not rebuilt for it);
# formats 1 (a list of rows with their terms) and 2 (no country column) are rebuilt
_FORMAT = 4
_READABLE_FORMATS = {3: {"collection": DEFAULT_COLLECTION}, _FORMAT: {}}


class SparseIndex:
    """An immutable BM25 index over chunk terms, with per-chunk filter columns.

    Only the retriever and the filter columns are kept (not the terms: bm25s holds what it
    needs), so loading the index at start-up reads a few columns rather than every term of
    every chunk again (178,800 chunks: 154 MB of JSON before, a fraction now).
    """

    def __init__(self, retriever: object | None, chunk_ids: list[str],
                 columns: dict[str, np.ndarray], generation: str) -> None:
        self._retriever = retriever
        self.generation = generation
        self.chunk_ids = chunk_ids
        self._vocab: dict[str, int] = getattr(retriever, "vocab_dict", {}) or {}
        self.columns = columns

    @staticmethod
    def _columns(rows: list[SparseRow]) -> dict[str, np.ndarray]:
        columns = {name: np.array([getattr(r, name) for r in rows], dtype=object)
                   for name in _TEXT_COLUMNS}
        columns["date"] = np.array([r.date for r in rows], dtype=np.int64)
        return columns

    @classmethod
    def build(cls, rows: Iterable[SparseRow], generation: str) -> SparseIndex:
        import bm25s

        rows = list(rows)
        chunk_ids = [r.chunk_id for r in rows]
        if not rows:
            return cls(None, chunk_ids, cls._columns(rows), generation)
        retriever = bm25s.BM25()
        retriever.index([r.terms.split() for r in rows], show_progress=False)
        return cls(retriever, chunk_ids, cls._columns(rows), generation)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def row_of(self, chunk_id: str) -> int | None:
        if not hasattr(self, "_row_by_id"):
            self._row_by_id = {cid: i for i, cid in enumerate(self.chunk_ids)}
        return self._row_by_id.get(chunk_id)

    def document_frequency(self, term: str) -> int:
        """How many chunks contain ``term`` (used to weight glossary expansions)."""
        if self._retriever is None or term not in self._vocab:
            return 0
        scores = self._retriever.get_scores([term])  # type: ignore[attr-defined]
        return int(np.count_nonzero(scores))

    def idf(self, term: str) -> float:
        """Lucene-style idf of a term over chunks; 0 for terms no chunk contains."""
        cache = self.__dict__.setdefault("_idf_cache", {})
        if term not in cache:
            df = self.document_frequency(term)
            n = len(self.chunk_ids)
            cache[term] = float(np.log(1 + (n - df + 0.5) / (df + 0.5))) if df else 0.0
        return cache[term]

    def max_idf(self) -> float:
        """The idf a term would have if one chunk held it: what an unseen word weighs."""
        n = max(1, len(self.chunk_ids))
        return float(np.log(1 + (n - 1 + 0.5) / 1.5))

    def normalized_scores(self, terms: list[str], *, count_absent: bool = False) -> np.ndarray:
        """BM25 scores divided by the query's own weight (the sum of its terms' idf).

        A chunk that contains every query term once scores about 1 whatever the language or
        the number of terms, so scores from a Khmer query and from its English translation
        can be compared directly. With ``count_absent``, a term no chunk contains still
        weighs (as an unseen word, ``max_idf``): when the index lacks the rare words of a
        query ("submarine" rendered in Khmer), a chunk holding only its commonest word
        ("Cambodia") must not score as if it matched the whole query.
        """
        scores = np.zeros(len(self.chunk_ids), dtype=np.float32)
        if self._retriever is None:
            return scores
        reference = 0.0
        n = len(self.chunk_ids)
        for term in dict.fromkeys(terms):
            if term not in self._vocab:
                reference += self.max_idf() if count_absent else 0.0
                continue
            term_scores = np.asarray(self._retriever.get_scores([term]), dtype=np.float32)  # type: ignore[attr-defined]
            df = int(np.count_nonzero(term_scores))
            if df == 0:
                reference += self.max_idf() if count_absent else 0.0
                continue
            scores += term_scores
            reference += float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
        return scores / reference if reference > 0 else scores

    def top(self, scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, int(np.count_nonzero(scores)))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]

    # -- persistence ----------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write to a temporary sibling, then swap it in: readers never see half an index."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=folder.parent))
        try:
            if self._retriever is not None:
                self._retriever.save(str(tmp / "bm25"), show_progress=False)  # type: ignore[attr-defined]
            columns = {name: self.columns[name].tolist() for name in _TEXT_COLUMNS}
            columns["date"] = self.columns["date"].tolist()
            with (tmp / "columns.json").open("w", encoding="utf-8") as handle:
                json.dump({"format": _FORMAT, "generation": self.generation,
                           "chunk_ids": self.chunk_ids, "columns": columns},
                          handle, ensure_ascii=False)
            old = folder.with_name(folder.name + ".old")
            if folder.exists():
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, attempts: int = 3) -> SparseIndex | None:
        """The index saved in ``folder``, or None when there is none usable.

        Another process may swap a new index in while this one reads (``save`` renames whole
        folders): a read that straddles the swap shows up as columns and a retriever of
        different sizes, and is retried rather than trusted."""
        for _ in range(attempts):
            index = cls._load_once(folder)
            if index is None or index._consistent():
                return index
            logger.info("sparse index at %s changed while it was read; reading again", folder)
        return None

    def _consistent(self) -> bool:
        scores = getattr(self._retriever, "scores", None)
        if self._retriever is None or not isinstance(scores, dict):
            return True
        return int(scores.get("num_docs", len(self.chunk_ids))) == len(self.chunk_ids)

    @classmethod
    def _load_once(cls, folder: Path) -> SparseIndex | None:
        try:
            with (folder / "columns.json").open(encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("format") not in _READABLE_FORMATS:
                raise ValueError(f"format {data.get('format')}, not {_FORMAT}")
            chunk_ids = list(data["chunk_ids"])
            defaults = _READABLE_FORMATS[data["format"]]
            columns = {name: np.array(data["columns"][name] if name not in defaults
                                      else [defaults[name]] * len(chunk_ids), dtype=object)
                       for name in _TEXT_COLUMNS}
            columns["date"] = np.array(data["columns"]["date"], dtype=np.int64)
            if any(len(column) != len(chunk_ids) for column in columns.values()):
                raise ValueError("columns of different lengths")
            retriever = None
            if chunk_ids:
                import bm25s

                retriever = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
            return cls(retriever, chunk_ids, columns, str(data["generation"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.info("no usable sparse index at %s (%s); it will be rebuilt", folder, exc)
            return None


class SparseIndexHolder:
    """Keeps the process's sparse index in step with the catalog's generation."""

    def __init__(self, folder: Path, generation: Callable[[], str],
                 rows: Callable[[], Iterable[SparseRow]]) -> None:
        self.folder = folder
        self._rows = rows
        self._watcher: GenerationWatcher[SparseIndex] = GenerationWatcher(
            self._load_or_build, generation)

    def current(self, generation: str | None = None) -> SparseIndex:
        """The index of ``generation`` (read from the catalog when not given)."""
        return self._watcher.current(generation)

    def _load_or_build(self, wanted: Hashable) -> SparseIndex:
        """Another process may have saved this generation's index already; else build it."""
        loaded = SparseIndex.load(self.folder)
        if loaded is None or loaded.generation != wanted:
            loaded = SparseIndex.build(self._rows(), str(wanted))
            try:
                loaded.save(self.folder)
            except OSError as exc:  # a read-only data dir can still serve from memory
                logger.warning("could not persist the sparse index: %s", exc)
        return loaded
