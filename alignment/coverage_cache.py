"""Each plan's coverage cells kept per index generation, so the coverage view is computed
once: the second call (from any worker, or the CLI) reads it instead of aligning every plan
again (a second or more of CPU per mechanism).

One small JSON file per plan under ``cache/alignment/coverage``, named after the model, the
index generation and the registry's strategies (a re-ingest or an edited reviewed file makes
a new name), written atomically; files of other generations are removed when one is written.
Per plan rather than per request, so a coverage of plans A, B and C reuses what a coverage
of A and B computed, and one stopped by its deadline continues where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from pathlib import Path

from alignment.coverage import PlanCoverage
from alignment.registry.models import PolicyRegistry

logger = logging.getLogger(__name__)


def _digest(text: str, size: int = 8) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=size).hexdigest()


def registry_fingerprint(registry: PolicyRegistry) -> str:
    """What the cells depend on besides the index: the strategies and their titles."""
    parts = [f"{p.id}|{p.has_text}|{n.id}|{n.title}"
             for p, n in registry.strategies(include_untexted=True)]
    return _digest("\n".join(parts))


class CoverageCache:
    """``get(key, doc_id)`` / ``put(key, plan)``, in memory and on disk; thread-safe.

    ``key(generation, registry)`` names a generation; ``hits`` and ``stored`` count what was
    read and written (tests prove a second call aligned nothing with them)."""

    def __init__(self, directory: Path | None, model: str = "model") -> None:
        self.directory = directory
        self.model = re.sub(r"[^\w.-]+", "_", model) or "model"
        self.hits = 0
        self.stored = 0
        self._memory: dict[tuple[str, str], PlanCoverage] = {}
        self._lock = threading.Lock()

    def key(self, generation: str, registry: PolicyRegistry) -> str:
        return f"{self.model}-g{generation}-{registry_fingerprint(registry)}"

    def path(self, key: str, doc_id: str) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / f"{key}-{_digest(doc_id, 12)}.json"

    def get(self, key: str, doc_id: str) -> PlanCoverage | None:
        with self._lock:
            found = self._memory.get((key, doc_id))
        if found is None:
            found = self._read(self.path(key, doc_id), doc_id)
            if found is None:
                return None
            with self._lock:
                self._memory[(key, doc_id)] = found
        with self._lock:
            self.hits += 1
        return found

    def put(self, key: str, plan: PlanCoverage) -> None:
        with self._lock:
            self._memory = {k: v for k, v in self._memory.items() if k[0] == key}
            self._memory[(key, plan.doc_id)] = plan
            self.stored += 1
        path = self.path(key, plan.doc_id)
        if path is not None:
            self._write(path, key, plan)

    def _read(self, path: Path | None, doc_id: str) -> PlanCoverage | None:
        if path is None or not path.exists():
            return None
        try:
            plan = PlanCoverage.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:  # rebuilt, not fatal
            logger.warning("ignoring the coverage cache file %s: %s", path, exc)
            return None
        return plan if plan.doc_id == doc_id else None  # a digest collision: recompute

    def _write(self, path: Path, key: str, plan: PlanCoverage) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".coverage-")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(plan.to_dict(), out, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only data directory: this process's memory has it
            logger.warning("could not keep the coverage of %s on disk: %s", plan.doc_id, exc)
            return
        for old in path.parent.glob(f"{self.model}-g*.json"):
            if not old.name.startswith(f"{key}-"):
                old.unlink(missing_ok=True)


def open_cache(cache_dir: Path, model: str) -> CoverageCache:
    """The coverage cache of a data directory (``settings.cache_dir``), shared by the API's
    workers and the CLI."""
    return CoverageCache(cache_dir / "alignment" / "coverage", model)
