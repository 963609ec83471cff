"""The policy registry: national policies -> goals -> strategies -> measures, with page ranges."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import AccessDep
from api.deps import CatalogDep, RegistryDep
from api.responses import ErrorOut
from core.errors import RegistryFileError

router = APIRouter(tags=["policies"])


class RegistryNodeOut(BaseModel):
    id: str = Field(..., description="'<policy id>:<level>-<number>', e.g. "
                    "'digital-government-policy-2022-2035:strategy-7'.")
    level: Literal["goal", "strategy", "measure"]
    label: str = Field(..., description="As the document numbers it: 'Strategic Goal 1', "
                       "'Strategy 7', 'Priority action 7.3', 'Policy measure 12'.")
    title: str
    doc_id: str | None
    page_start: int | None = Field(None, description="First PDF page (1-based) of its section.")
    page_end: int | None = Field(None, description="Last page: the node runs until the next node "
                                 "of the same or a higher level starts.")
    extra_pages: list[tuple[int, int]] = Field(
        default_factory=list, description="Other page ranges that belong to it, e.g. its rows "
        "in an annex matrix.")
    children: list[RegistryNodeOut] = Field(default_factory=list)


class PolicyCountsOut(BaseModel):
    goals: int
    strategies: int
    measures: int


class PolicyOut(BaseModel):
    id: str
    title: str
    short_name: str
    doc_id: str | None = Field(None, description="The indexed document it was extracted from.")
    period: str | None
    issuing_body: str | None
    has_text: bool = Field(..., description="False for policies entered by hand (or whose "
                           "document is not indexed): no text backs them.")
    note: str | None
    counts: PolicyCountsOut
    warnings: list[str] = Field(default_factory=list, description="Where extraction and the "
                                "reviewed file disagree, or something looks incomplete.")
    goals: list[RegistryNodeOut]


class PoliciesOut(BaseModel):
    policies: list[PolicyOut]


@router.get("/policies", response_model=PoliciesOut, responses={500: {
    "model": ErrorOut, "description": "The reviewed registry file is malformed (named)."}})
def list_policies(registry: RegistryDep, catalog: CatalogDep, access: AccessDep) -> PoliciesOut:
    """The policy registry, with per-policy counts of goals, strategies and measures; a
    policy extracted from a document the caller may not read is left out."""
    try:
        current = registry.current()
    except ValueError as exc:  # a malformed reviewed file: the message names file and key
        raise RegistryFileError(f"the policy registry cannot be built: {exc}") from exc
    data = current.to_dict()
    if not access.unrestricted:
        policies = data["policies"]
        docs = catalog.documents_by_ids(p["doc_id"] for p in policies if p["doc_id"])
        hidden = {d for d, doc in docs.items() if not access.allows(doc.collection)}
        data["policies"] = [p for p in policies if p["doc_id"] not in hidden]
    return PoliciesOut.model_validate(data)
