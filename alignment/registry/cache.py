"""The registry for the current index and reviewed file, rebuilt only when either changes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from alignment.registry.build import build_registry
from alignment.registry.models import PolicyRegistry

if TYPE_CHECKING:
    from index.catalog import Catalog


class RegistryCache:
    """The registry for the catalog's current generation and the reviewed file's current
    version: rebuilt only when documents change or the reviewed file is edited.

    A malformed reviewed file raises ``RegistryFileError`` from ``current`` on every call
    until it is fixed; nothing broken is cached."""

    def __init__(self, catalog: Catalog, reviewed_path: Path) -> None:
        self.catalog = catalog
        self.reviewed_path = reviewed_path
        self._lock = threading.Lock()
        self._key: tuple[str, tuple[int, int] | None] | None = None
        self._registry: PolicyRegistry | None = None
        self.builds = 0

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.reviewed_path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def current(self) -> PolicyRegistry:
        key = (self.catalog.generation(), self._stamp())
        registry = self._registry
        if registry is not None and key == self._key:
            return registry
        with self._lock:
            if self._registry is not None and key == self._key:
                return self._registry
            registry = build_registry(self.catalog, self.reviewed_path)
            self._registry, self._key = registry, key
            self.builds += 1
            return registry
