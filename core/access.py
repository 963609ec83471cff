"""Which collections a caller may read.

Every document belongs to one collection. Readers see the open collections plus those their
key names; admins and the command line see everything. The allowed set travels with a request
as an :class:`Access` and becomes a filter where the data is read (the sparse mask and the
chromadb ``where`` clause), so a restricted passage never enters ranking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import InvalidFieldError

DEFAULT_COLLECTION = "public"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

__all__ = ["DEFAULT_COLLECTION", "Access", "collection_name"]


def collection_name(value: str, field: str = "collection") -> str:
    """A valid collection name (lower-case letters, digits, ``-`` and ``_``; at most 64), or a
    clear error naming ``field``."""
    name = (value or "").strip().lower()
    if not _NAME.fullmatch(name):
        raise InvalidFieldError(
            f"`{field}` must be 1-64 lower-case letters, digits, '-' or '_', "
            f"starting with a letter or digit (got {value!r})")
    return name


@dataclass(frozen=True)
class Access:
    """The collections a caller may read; ``collections`` None means every collection."""

    collections: frozenset[str] | None = None

    @classmethod
    def everything(cls) -> Access:
        return cls(None)

    @classmethod
    def only(cls, collections: Iterable[str]) -> Access:
        return cls(frozenset(collections))

    @property
    def unrestricted(self) -> bool:
        return self.collections is None

    def allows(self, collection: str | None) -> bool:
        return self.collections is None or (collection or DEFAULT_COLLECTION) in self.collections

    def as_filter(self) -> list[str] | None:
        """The allowed set as a search filter value (sorted, so equal sets key caches equally)."""
        return None if self.collections is None else sorted(self.collections)

    def cache_key(self) -> str:
        return "*" if self.collections is None else ",".join(sorted(self.collections))
