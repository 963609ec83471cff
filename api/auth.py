"""Who is calling and what they may do: ``Authorization: Bearer KEY`` checked against the
key store, then the role the route needs.

Routers are given their requirement where the app includes them (``api/app.py``), so a new
route cannot be added to a router without it. Reading without a key is allowed only when
``settings.read_access`` says so; writing always needs a key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, NoReturn

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import CatalogDep, KeysDep, SettingsDep
from api.keys import KeyStore, Role
from core.access import Access
from core.errors import (
    DocumentNotFoundError,
    ForbiddenError,
    NotAuthenticatedError,
    RateLimitedError,
)
from core.models import DocumentRecord
from core.settings import Settings
from index.catalog import Catalog


@dataclass(frozen=True)
class Caller:
    """The authenticated key (``key_id`` None for an anonymous reader)."""

    key_id: str | None
    role: Role | None
    client: str  # the remote address: the rate-limit bucket for anonymous callers
    collections: tuple[str, ...] = ()  # the restricted collections the key names

    @property
    def bucket(self) -> str:
        return f"key:{self.key_id}" if self.key_id else f"ip:{self.client}"

    def access(self, open_collections: Iterable[str]) -> Access:
        """What this caller may read: an admin everything; anyone else the open collections
        plus those the key names."""
        if self.role is Role.admin:
            return Access.everything()
        return Access.only({*open_collections, *self.collections})

    def check_write(self, collection: str, open_collections: Iterable[str]) -> None:
        """403 naming ``collection`` unless this key may write into it: an admin anywhere, an
        editor into the collections its key names, or (a key naming none) the open ones."""
        if self.role is Role.admin:
            return
        allowed = set(self.collections) if self.collections else set(open_collections)
        if collection not in allowed:
            scope = (", ".join(self.collections) if self.collections
                     else "the open collections only")
            raise ForbiddenError(f"key {self.key_id} may not write into collection "
                                 f"{collection!r} (it may write into: {scope})")


def identify(request: Request, keys: KeyStore) -> Caller:
    """The caller behind the request; a presented key that is not valid is always a 401
    (never silently treated as anonymous)."""
    cached = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    client = request.client.host if request.client else "unknown"
    header = request.headers.get("authorization", "")
    caller = Caller(None, None, client)
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            _refuse_key(request, caller, "the Authorization header must read 'Bearer <API key>'")
        key = keys.verify(token.strip())
        if key is None:
            _refuse_key(request, caller, "unknown or revoked API key")
        caller = Caller(key.key_id, key.role, client, key.collections)
    request.state.caller = caller
    return caller


def _refuse_key(request: Request, anonymous: Caller, reason: str) -> NoReturn:
    """401 for a bad key, after taking a token from the client address's bucket: guessing
    keys must run into the same 429 as any other flood from that address."""
    rate_limit(request, anonymous)
    raise NotAuthenticatedError(reason)


def reads_are_open(settings: Settings, keys: KeyStore) -> bool:
    mode = settings.read_access
    if mode == "open":
        return True
    if mode == "keys":
        return False
    return not keys.any_active()


def rate_limit(request: Request, caller: Caller) -> None:
    """Take one token from the caller's bucket (``app.state.rate_limiter``; None = unlimited),
    once per request even when several requirements apply; 429 with Retry-After when empty."""
    limiter = getattr(request.app.state, "rate_limiter", None)
    if limiter is None or getattr(request.state, "rate_limited", False):
        return
    request.state.rate_limited = True
    wait = limiter.acquire(caller.bucket)
    if wait is not None:
        who = f"API key {caller.key_id}" if caller.key_id else f"client {caller.client}"
        raise RateLimitedError(f"too many requests from {who}; retry in {wait} s "
                               "(POLICYKB_RATE_LIMIT_PER_MINUTE)", retry_after=wait)


#: Declares ``Authorization: Bearer <API key>`` in /openapi.json (a security scheme on every
#: route that needs a key); the key itself is checked by :func:`identify`, which also refuses a
#: malformed header that this declaration would silently ignore.
_BEARER = HTTPBearer(auto_error=False, scheme_name="apiKey",
                     description="An API key: `policykb keys create --role reader|editor|admin`.")


def require(needed: Role):
    """A dependency that lets the request through only for a key of role ``needed`` or
    above (or anyone, for reads, when reads are open), within the caller's rate limit."""

    def check(request: Request, settings: SettingsDep, keys: KeysDep,
              _declared: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)] = None,
              ) -> Caller:
        caller = identify(request, keys)
        if caller.role is None:
            if not (needed is Role.reader and reads_are_open(settings, keys)):
                raise NotAuthenticatedError(
                    f"this needs an API key with role {needed.value} or above")
        elif not caller.role.allows(needed):
            raise ForbiddenError(f"this needs role {needed.value}; "
                                 f"key {caller.key_id} has role {caller.role.value}")
        rate_limit(request, caller)
        return caller

    check.__name__ = f"require_{needed.value}"
    return check


RequireReader = Depends(require(Role.reader))
RequireEditor = Depends(require(Role.editor))
RequireAdmin = Depends(require(Role.admin))
ReaderDep = Annotated[Caller, RequireReader]
EditorDep = Annotated[Caller, RequireEditor]
AdminDep = Annotated[Caller, RequireAdmin]


def caller_access(request: Request, keys: KeysDep, catalog: CatalogDep) -> Access:
    """The collections the caller may read, for routes that read documents. The open set is
    read from the catalog on every request (one small query), so ``policykb collections
    open|restrict`` takes effect at once in every worker."""
    cached = getattr(request.state, "access", None)
    if cached is not None:
        return cached
    access = identify(request, keys).access(catalog.open_collections())
    request.state.access = access
    return access


def open_collections(catalog: CatalogDep) -> set[str]:
    return set(catalog.open_collections())


AccessDep = Annotated[Access, Depends(caller_access)]
OpenCollectionsDep = Annotated[set[str], Depends(open_collections)]


def readable_document(catalog: Catalog, access: Access, doc_id: str,
                      shown_as: str | None = None) -> DocumentRecord:
    """The document, or the very 404 an unknown id gets when it is in a collection the caller
    may not read: its existence is not revealed (never a 403)."""
    doc = catalog.get_document(doc_id)
    if doc is None or not access.allows(doc.collection):
        raise DocumentNotFoundError(shown_as or doc_id)
    return doc


def readable_ids(catalog: Catalog, access: Access, doc_ids: Iterable[str]) -> set[str]:
    """Those of ``doc_ids`` that exist and that the caller may read."""
    wanted = list(dict.fromkeys(doc_ids))
    if not wanted:
        return set()
    found = catalog.documents_by_ids(wanted)
    return {d for d, doc in found.items() if access.allows(doc.collection)}
