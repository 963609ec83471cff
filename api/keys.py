"""API keys: created, listed and revoked by an admin; only their SHA-256 is stored.

A key reads ``pkb_<key_id>_<secret>``: ``key_id`` is public (listing, revoking, logs) and
the 256-bit random ``secret`` makes a plain SHA-256 enough at rest (no password stretching
is needed for a secret nobody chose). Every check reads the database, so a revocation takes
effect at once in every API worker.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from core.access import collection_name
from core.errors import ConfigurationError, InvalidFieldError, KeyNotFoundError

KEY_PREFIX = "pkb"


class Role(StrEnum):
    """What a key may do; each role includes the ones below it."""

    reader = "reader"  # search, ask, view documents
    editor = "editor"  # + ingest, delete, edit metadata
    admin = "admin"  # + keys, settings

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_RANK = {Role.reader: 0, Role.editor: 1, Role.admin: 2}


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    role: Role
    created_at: str
    revoked_at: str | None
    #: The restricted collections this key may read (and, for an editor, write into); empty:
    #: the open collections only. An admin reads and writes every collection regardless.
    collections: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, str | None]:
        return {"key_id": self.key_id, "name": self.name, "role": self.role.value,
                "collections": ",".join(self.collections),
                "created_at": self.created_at, "revoked_at": self.revoked_at,
                "active": "yes" if self.active else "no"}


def collection_names(values: str | Iterable[str] | None, field: str = "collections",
                     ) -> tuple[str, ...]:
    """Validated, de-duplicated, sorted collection names from ``a,b`` or a list (a clear
    error naming ``field`` for a bad one)."""
    if values is None:
        return ()
    items = values.split(",") if isinstance(values, str) else list(values)
    names = {collection_name(item, field) for item in items if str(item).strip()}
    if len(names) > 100:
        raise InvalidFieldError(f"`{field}` names {len(names)} collections; at most 100")
    return tuple(sorted(names))


def _from_column(value: str | None) -> tuple[str, ...]:
    return tuple(name for name in (value or "").split(",") if name)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _add_collections_column(conn: sqlite3.Connection) -> None:
    """The migration; another worker adding it at the same moment is not an error."""
    try:
        conn.execute("ALTER TABLE api_keys ADD COLUMN collections TEXT NOT NULL DEFAULT ''")
        conn.commit()
    except sqlite3.OperationalError as exc:
        if "duplicate column" not in str(exc):
            raise


class KeyStore:
    """The keys table in its own small SQLite file (``settings.keys_path``)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS api_keys (key_id TEXT PRIMARY KEY, name TEXT NOT NULL,"
                " role TEXT NOT NULL, digest TEXT NOT NULL, created_at TEXT NOT NULL,"
                " revoked_at TEXT)")
            columns = {row[1] for row in conn.execute("PRAGMA table_info(api_keys)")}
            if "collections" not in columns:  # a store from before collections: '' = none
                _add_collections_column(conn)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigurationError(f"cannot open the API key store {self.path}: {exc}") from exc
        return conn

    def create(self, role: Role | str, name: str = "",
               collections: str | Iterable[str] | None = None) -> tuple[ApiKey, str]:
        """A new key; the secret is returned once and never stored. ``collections`` (``a,b``
        or a list) are the restricted collections it may read besides the open ones."""
        role = Role(role)
        named = collection_names(collections)
        key_id = secrets.token_hex(4)
        secret = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKey(key_id, name or f"{role.value}-{key_id}", role, _now(), None, named)
        with self._connect() as conn:
            conn.execute("INSERT INTO api_keys (key_id, name, role, digest, created_at, "
                         "revoked_at, collections) VALUES (?, ?, ?, ?, ?, NULL, ?)",
                         (record.key_id, record.name, role.value, _digest(secret),
                          record.created_at, ",".join(named)))
        conn.close()
        return record, secret

    def list(self) -> list[ApiKey]:
        if not self.path.exists():
            return []
        with self._connect() as conn:
            rows = conn.execute("SELECT key_id, name, role, created_at, revoked_at, collections "
                                "FROM api_keys ORDER BY created_at, key_id").fetchall()
        conn.close()
        return [ApiKey(k, n, Role(r), c, v, _from_column(cs)) for k, n, r, c, v, cs in rows]

    def revoke(self, key_id: str) -> ApiKey:
        with self._connect() as conn:
            cur = conn.execute("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND "
                               "revoked_at IS NULL", (_now(), key_id))
            changed = cur.rowcount
        conn.close()
        if not changed:
            raise KeyNotFoundError(f"no active API key with id {key_id!r} (see `policykb keys list`)")
        return next(k for k in self.list() if k.key_id == key_id)

    def any_active(self) -> bool:
        if not self.path.exists():
            return False
        with self._connect() as conn:
            row = conn.execute("SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1").fetchone()
        conn.close()
        return row is not None

    def verify(self, presented: str) -> ApiKey | None:
        """The active key ``presented`` is, or None (unknown, malformed or revoked)."""
        parts = presented.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX or not self.path.exists():
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT key_id, name, role, created_at, revoked_at, digest, "
                               "collections FROM api_keys WHERE key_id = ?",
                               (parts[1],)).fetchone()
        conn.close()
        if row is None or row[4] is not None:
            return None
        if not hmac.compare_digest(row[5], _digest(presented)):
            return None
        return ApiKey(row[0], row[1], Role(row[2]), row[3], row[4], _from_column(row[6]))
