"""Who is calling and what they may do: ``Authorization: Bearer KEY`` checked against the
key store, then the role the route needs.

Routers are given their requirement where the app includes them (``api/app.py``), so a new
route cannot be added to a router without it. Reading without a key is allowed only when
``settings.read_access`` says so; writing always needs a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, NoReturn

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import KeysDep, SettingsDep
from api.keys import KeyStore, Role
from core.errors import ForbiddenError, NotAuthenticatedError, RateLimitedError
from core.settings import Settings


@dataclass(frozen=True)
class Caller:
    """The authenticated key (``key_id`` None for an anonymous reader)."""

    key_id: str | None
    role: Role | None
    client: str  # the remote address: the rate-limit bucket for anonymous callers

    @property
    def bucket(self) -> str:
        return f"key:{self.key_id}" if self.key_id else f"ip:{self.client}"


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
        caller = Caller(key.key_id, key.role, client)
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
