"""The learned lexicon on disk: one SQLite file beside the index, holding the learned
pairs with their provenance and the per-pair segment cache that makes rebuilds incremental."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from index.lexicon.model import LearnedPair, Segment

__all__ = ["LexiconStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (pair TEXT PRIMARY KEY, stamp TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS learned (km TEXT NOT NULL, en TEXT NOT NULL, score REAL NOT NULL,
    count INTEGER NOT NULL, sources TEXT NOT NULL, PRIMARY KEY (km, en));
"""


class LexiconStore:
    """Reads and writes ``lexicon.sqlite3``; every write is one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path)
        conn.executescript(_SCHEMA)
        return conn

    def exists(self) -> bool:
        return self.path.exists()

    def stamp(self) -> tuple[int, int] | None:
        """Changes whenever the file is rewritten: readers reload on a new stamp."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def meta(self, key: str) -> str | None:
        if not self.exists():
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def cached_segments(self) -> dict[str, tuple[str, list[Segment]]]:
        """Segments per twin pair, with the stamp (the two files' hashes) they were made from."""
        if not self.exists():
            return {}
        with self._connect() as conn:
            rows = conn.execute("SELECT pair, stamp, data FROM segments").fetchall()
        return {pair: (stamp, [Segment(tuple(s[0]), tuple(s[1]), s[2]) for s in json.loads(data)])
                for pair, stamp, data in rows}

    def save(self, segments: dict[str, tuple[str, list[Segment]]], learned: Iterable[LearnedPair],
             fingerprint: str) -> None:
        rows = [(p.km, p.en, p.score, p.count, json.dumps(list(p.sources), ensure_ascii=False))
                for p in learned]
        with self._connect() as conn:
            conn.execute("DELETE FROM segments")
            conn.executemany("INSERT INTO segments VALUES (?, ?, ?)", [
                (pair, stamp, json.dumps([[s.km, s.en, s.source] for s in segs], ensure_ascii=False))
                for pair, (stamp, segs) in segments.items()])
            conn.execute("DELETE FROM learned")
            conn.executemany("INSERT INTO learned VALUES (?, ?, ?, ?, ?)", rows)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))

    def learned(self) -> list[LearnedPair]:
        if not self.exists():
            return []
        with self._connect() as conn:
            rows = conn.execute("SELECT km, en, score, count, sources FROM learned "
                                "ORDER BY score DESC, km").fetchall()
        return [LearnedPair(km, en, score, count, tuple(json.loads(sources)))
                for km, en, score, count, sources in rows]
