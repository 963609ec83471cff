"""The registry for the current index and reviewed file, rebuilt only when either changes."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING

from alignment.registry.build import build_registry
from alignment.registry.models import PolicyRegistry
from index.generation import GenerationWatcher

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
        self.builds = 0
        self._watcher: GenerationWatcher[PolicyRegistry] = GenerationWatcher(
            self._build, lambda: (catalog.generation(), self._stamp()))

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.reviewed_path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def current(self) -> PolicyRegistry:
        return self._watcher.current()

    def _build(self, _version: Hashable) -> PolicyRegistry:
        registry = build_registry(self.catalog, self.reviewed_path)
        self.builds += 1
        return registry
