"""Coverage across plans: ``GET /alignment/coverage?doc_ids=a,b&format=json|md|csv``.

Which national strategies no plan addresses and which plans overlap, for every plan/draft in
the index or the plans named. Each plan's cells are kept per index generation
(``alignment/coverage_cache.py``): when every plan is cached the answer is read, not
computed; otherwise the plans not cached are aligned in the alignment pool, with its limits
(one per caller, the deadline, stopped when the client leaves) — ``api/pools.py``.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from alignment.coverage_cache import CoverageCache, open_cache
from alignment.coverage_csv import csv_bytes
from alignment.coverage_md import to_markdown
from alignment.coverage_run import cached_coverage, compute_coverage, resolve_plan_ids
from api import alignment_work as runs
from api.auth import AccessDep, ReaderDep, readable_document, readable_ids
from api.deps import AlignerDep, CatalogDep, RegistryDep, SettingsDep
from api.pools import ExpensiveWorkDep, WorkCancelled, WorkToken
from api.responses import ErrorOut, not_found
from core.access import Access
from core.errors import DeadlineExceededError, InvalidFieldError
from index.catalog import Catalog

router = APIRouter(tags=["alignment"])
_CREATE = threading.Lock()


class CoverageCellOut(BaseModel):
    doc_id: str = Field(..., description="The plan.")
    verdict: str = Field(..., pattern="^(strong|partial|none)$")
    score: float = Field(..., ge=0, le=1)
    mechanism: str | None = Field(None, description="The plan's mechanism that serves the "
                                  "strategy best, as \"N: text\".")


class CoverageStrategyOut(BaseModel):
    policy_doc_id: str | None = Field(None, description="None for a hand-entered policy.")
    policy_id: str
    policy_title: str
    strategy_id: str
    title: str
    hand_entered: bool = Field(..., description="No indexed text: judged on its title alone.")
    plans: list[CoverageCellOut] = Field(..., description="One cell per plan, in plan order.")


class MechanismRefOut(BaseModel):
    label: str
    text: str


class CoveragePlanOut(BaseModel):
    doc_id: str
    title: str
    mechanisms: list[MechanismRefOut]
    note: str | None = Field(None, description="Why it was not aligned (no mechanisms found, "
                             "more than POLICYKB_ALIGNMENT_MAX_MECHANISMS).")


class OverlapOut(BaseModel):
    plans: list[str] = Field(..., min_length=2, max_length=2)
    strategies: list[str] = Field(..., description="Strategies both reach at partial or better.")


class CoverageCacheOut(BaseModel):
    plans_cached: int = Field(..., description="Plans read from the cache of this generation.")
    plans_aligned: int = Field(..., description="Plans aligned for this answer.")


class CoverageOut(BaseModel):
    plans: list[CoveragePlanOut]
    strategies: list[CoverageStrategyOut]
    unaddressed: list[str] = Field(..., description="Strategies with indexed text that no plan "
                                   "reaches at partial or better.")
    unaddressed_hand_entered: list[str] = Field(..., description="The same for hand-entered "
                                                "strategies (context).")
    overlaps: list[OverlapOut] = Field(..., description="Most shared strategies first.")
    generation: str = Field(..., description="The index generation the view was computed for.")
    date: str = Field(..., description="The day the view was made (YYYY-MM-DD).")
    cache: CoverageCacheOut


async def get_coverage_cache(request: Request, settings: SettingsDep,
                             aligner: AlignerDep) -> CoverageCache:
    """The app's coverage cache (memory of this worker, then disk shared by all workers)."""
    cache = getattr(request.app.state, "coverage_cache", None)
    if cache is None:
        with _CREATE:
            cache = getattr(request.app.state, "coverage_cache", None)
            if cache is None:
                cache = open_cache(settings.cache_dir, aligner.vectors.model)
                request.app.state.coverage_cache = cache
    return cache


CoverageCacheDep = Annotated[CoverageCache, Depends(get_coverage_cache)]


PARAMETERS = frozenset({"doc_ids", "format"})


def _check_parameters(request: Request) -> None:
    """A mistyped parameter (``?doc_id=``) would silently cover every plan: refuse it."""
    unknown = sorted(set(request.query_params) - PARAMETERS)
    if unknown:
        raise InvalidFieldError(f"unknown query parameter {unknown[0][:64]!r}: "
                                "GET /alignment/coverage takes doc_ids and format")


def _split(doc_ids: str | None) -> list[str]:
    return [d.strip() for d in (doc_ids or "").split(",") if d.strip()]


def _readable_plans(catalog: Catalog, access: Access, named: list[str]) -> list[str]:
    """The plans to cover among those the caller may read: a named plan it may not read is
    the same 404 as an unknown id; the default (every plan) leaves such plans out."""
    for doc_id in named:
        readable_document(catalog, access, doc_id)
    ids = resolve_plan_ids(catalog, named)
    if named or access.unrestricted:
        return ids
    readable = readable_ids(catalog, access, ids)
    return [d for d in ids if d in readable]


def _within(view: dict[str, Any], catalog: Catalog, access: Access) -> dict[str, Any]:
    """The view without the strategies of policies the caller may not read (cells are per
    strategy, so dropping them changes nothing else): not listed, not unaddressed, no overlap."""
    if access.unrestricted:
        return view
    docs = {s["policy_doc_id"] for s in view["strategies"] if s["policy_doc_id"]}
    shown = readable_ids(catalog, access, docs)
    known = set(catalog.documents_by_ids(docs))
    hidden = {s["strategy_id"] for s in view["strategies"]
              if s["policy_doc_id"] in known and s["policy_doc_id"] not in shown}
    overlaps = [{**o, "strategies": [x for x in o["strategies"] if x not in hidden]}
                for o in view["overlaps"]]
    return {**view, "strategies": [s for s in view["strategies"]
                                   if s["strategy_id"] not in hidden],
            "unaddressed": [x for x in view["unaddressed"] if x not in hidden],
            "unaddressed_hand_entered": [x for x in view["unaddressed_hand_entered"]
                                         if x not in hidden],
            "overlaps": sorted([o for o in overlaps if o["strategies"]],
                               key=lambda o: -len(o["strategies"]))}


def render(view: dict[str, Any], fmt: str) -> Response:
    if fmt == "md":
        return PlainTextResponse(to_markdown(view), media_type="text/markdown; charset=utf-8")
    if fmt == "csv":
        return Response(csv_bytes(view), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="plan-coverage.csv"'})
    return JSONResponse(view)


@router.get("/alignment/coverage", response_model=CoverageOut, responses={
    200: {"content": {"text/markdown": {}, "text/csv": {}}},
    **not_found("document (a plan named in `doc_ids`)"),
    422: {"model": ErrorOut, "description": "An invalid `format`, or an unknown query "
          "parameter (e.g. `doc_id` for `doc_ids`), named."},
    429: {"model": ErrorOut, "description": "This key (or address) already has an alignment "
          "running (POLICYKB_ALIGNMENT_PER_CALLER), or the alignment pool is full; see "
          "`Retry-After`."},
    504: {"model": ErrorOut, "description": "Longer than POLICYKB_ALIGNMENT_DEADLINE_S; the "
          "plans aligned so far are kept: ask again to continue."}})
async def coverage(request: Request, caller: ReaderDep, settings: SettingsDep,
                   catalog: CatalogDep, aligner: AlignerDep, registry: RegistryDep,
                   work: ExpensiveWorkDep, cache: CoverageCacheDep, access: AccessDep,
                   doc_ids: str | None = Query(
                       None, max_length=3000,
                       description="Comma-separated document ids of the plans to compare; "
                                   "default: every document of type plan_draft. A document "
                                   "of another type is allowed when named."),
                   fmt: str = Query("json", alias="format", pattern="^(json|md|csv)$",
                                    description="json (below), md (a report to read) or csv "
                                                "(UTF-8 with BOM, one row per strategy × plan).")
                   ) -> Response:
    """Across plans: the national strategies no plan addresses, each plan's best mechanism
    per strategy, and the plans that overlap."""
    _check_parameters(request)
    ids = await run_in_threadpool(_readable_plans, catalog, access, _split(doc_ids))
    view = await run_in_threadpool(cached_coverage, catalog, registry, cache, ids)
    if view is None:
        token = WorkToken(settings.alignment_deadline_s)

        def compute() -> dict[str, Any]:
            return compute_coverage(catalog, aligner, registry, cache, ids,
                                    max_mechanisms=settings.alignment_max_mechanisms,
                                    check=token.check)

        future = runs.start_counted(work, caller, compute)
        try:
            view = await runs.wait(request, work, future, token)
        except WorkCancelled:
            return Response(status_code=499)  # nobody is listening any more
        except DeadlineExceededError as exc:
            raise DeadlineExceededError(
                f"the coverage of {len(ids)} plans took longer than "
                f"{settings.alignment_deadline_s:g} s (POLICYKB_ALIGNMENT_DEADLINE_S) and was "
                "stopped; the plans aligned so far are kept: ask again to continue") from exc
    view = await run_in_threadpool(_within, view or {}, catalog, access)
    return await run_in_threadpool(render, view, fmt)
