"""API keys over HTTP: an admin lists, creates and revokes them (``router``); any caller may
ask who the server takes them for (``me_router``: the web page checks a pasted key with it).

The secret of a new key is in the POST response only; the store keeps its SHA-256.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.audit import note
from api.auth import AccessDep, identify, reads_are_open
from api.deps import KeysDep, SettingsDep
from api.keys import ApiKey, Role
from api.responses import not_found
from api.schemas import RequestModel

router = APIRouter(prefix="/keys", tags=["keys"])
me_router = APIRouter(tags=["keys"])


class KeyOut(BaseModel):
    key_id: str = Field(..., description="Public id: in listings, logs and DELETE /keys/{key_id}.")
    name: str
    role: Role
    created_at: str = Field(..., description="UTC, ISO 8601.")
    revoked_at: str | None = None
    active: bool
    collections: list[str] = Field(default_factory=list, description="The restricted "
                                   "collections it reaches besides the open ones (an admin "
                                   "key: every collection).")

    @classmethod
    def of(cls, key: ApiKey) -> KeyOut:
        return cls(key_id=key.key_id, name=key.name, role=key.role, created_at=key.created_at,
                   revoked_at=key.revoked_at, active=key.active, collections=list(key.collections))


class KeyCreateIn(RequestModel):
    role: Role
    name: str = Field("", max_length=100, description="Who or what holds it (default: role-id).")
    collections: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]] = Field(
        default_factory=list, max_length=100,
        description="Restricted collections the key may read (an editor: write into); empty: "
                    "the open collections only. Lower-case letters, digits, '-' and '_'.")


class KeyCreatedOut(KeyOut):
    key: str = Field(..., description="The secret, for `Authorization: Bearer`: shown this once, "
                     "never stored.")


class WhoAmIOut(BaseModel):
    key_id: str | None = Field(..., description="None: no key was sent (reads are open).")
    role: Role | None
    reads_open: bool = Field(..., description="Whether reading needs no key right now.")
    collections: list[str] = Field(..., description="The restricted collections the key names "
                                   "(empty: none, or no key).")
    can_read: list[str] | Literal["all"] = Field(..., description="What the caller may read "
                                                 "right now: the open collections plus those "
                                                 "the key names (sorted); \"all\" for an "
                                                 "admin key.")


@router.get("", response_model=list[KeyOut])
def list_keys(keys: KeysDep) -> list[KeyOut]:
    """Every key, revoked ones included (never a secret)."""
    return [KeyOut.of(key) for key in keys.list()]


@router.post("", response_model=KeyCreatedOut, status_code=201)
def create_key(body: KeyCreateIn, request: Request, keys: KeysDep) -> KeyCreatedOut:
    """A new key; its secret is returned once."""
    record, secret = keys.create(body.role, body.name.strip(), body.collections)
    note(request, target=record.key_id)  # the audit log names the new key, never its secret
    return KeyCreatedOut(**KeyOut.of(record).model_dump(), key=secret)


@router.delete("/{key_id}", response_model=KeyOut, responses=not_found("active API key"))
def revoke_key(key_id: str, keys: KeysDep) -> KeyOut:
    """Revoke a key: every worker refuses it from the next request on."""
    return KeyOut.of(keys.revoke(key_id))


@me_router.get("/auth/me", response_model=WhoAmIOut)
def who_am_i(request: Request, settings: SettingsDep, keys: KeysDep,
              access: AccessDep) -> WhoAmIOut:
    """The key this request was made with (401 for an unknown or revoked one) and what it may
    read now: the open set is the catalog's at this moment, so a client learns at once when a
    collection is opened or restricted."""
    caller = identify(request, keys)
    return WhoAmIOut(key_id=caller.key_id, role=caller.role,
                     reads_open=reads_are_open(settings, keys),
                     collections=list(caller.collections),
                     can_read="all" if access.unrestricted else sorted(access.collections or ()))
