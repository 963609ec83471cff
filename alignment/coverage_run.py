"""Computing the coverage view: choose the plans, align each one not cached yet (reusing
``align_plan``), then lay the cells out (``alignment.coverage``).

The plans and the catalog are parameters, so a caller can restrict both (e.g. to the
collections an API key may read) before calling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from alignment.aligner import Aligner
from alignment.coverage import (
    PLAN_TYPES,
    PlanCoverage,
    build_coverage,
    plan_coverage,
    unaligned_plan,
)
from alignment.coverage_cache import CoverageCache
from alignment.registry.cache import RegistryCache
from alignment.service import align_plan, plan_mechanisms
from core.errors import DocumentNotFoundError, InvalidFieldError, NoMechanismsError
from index.catalog import Catalog

logger = logging.getLogger(__name__)

#: Called before each plan and between two mechanisms; raises to stop (deadline, client gone).
Check = Callable[[], None]


def default_plan_ids(catalog: Catalog) -> list[str]:
    """Every indexed document whose type is a plan or draft, by id."""
    return sorted(d.doc_id for d in catalog.documents() if d.doc_type in PLAN_TYPES)


def resolve_plan_ids(catalog: Catalog, doc_ids: Iterable[str] | None) -> list[str]:
    """The plans to cover: the ones named (each must be indexed; a document of another type
    is allowed when named), or by default every plan/draft. Duplicates are dropped."""
    named = list(dict.fromkeys(d.strip() for d in doc_ids or () if d.strip()))
    if not named:
        return default_plan_ids(catalog)
    known = catalog.documents_by_ids(named)
    for doc_id in named:
        if doc_id not in known:
            raise DocumentNotFoundError(doc_id)
    return named


def cached_coverage(catalog: Catalog, registry: RegistryCache, cache: CoverageCache,
                    doc_ids: list[str]) -> dict[str, Any] | None:
    """The coverage if every plan is cached for the current generation, else None (then it
    must be computed, in the alignment pool)."""
    current = registry.current()
    generation = catalog.generation()
    key = cache.key(generation, current)
    plans = []
    for doc_id in doc_ids:
        plan = cache.get(key, doc_id)
        if plan is None:
            return None
        plans.append(plan)
    return _finish(plans, current, generation, cached=len(plans), aligned=0)


def compute_coverage(catalog: Catalog, aligner: Aligner, registry: RegistryCache,
                     cache: CoverageCache, doc_ids: list[str], *,
                     max_mechanisms: int | None = None,
                     check: Check | None = None) -> dict[str, Any]:
    """Align every plan of ``doc_ids`` not cached yet (each kept as soon as it is done, so
    work stopped half-way is not lost), then build the view. A plan in which no mechanism is
    found, or with more than ``max_mechanisms``, is listed with a note."""
    current = registry.current()
    generation = catalog.generation()
    key = cache.key(generation, current)
    plans: list[PlanCoverage] = []
    cached = aligned = 0
    for doc_id in doc_ids:
        plan = cache.get(key, doc_id)
        if plan is not None:
            cached += 1
        else:
            if check is not None:
                check()
            plan = _align_one(catalog, aligner, registry, doc_id, max_mechanisms, check)
            cache.put(key, plan)
            aligned += 1
        plans.append(plan)
    return _finish(plans, current, generation, cached=cached, aligned=aligned)


def _align_one(catalog: Catalog, aligner: Aligner, registry: RegistryCache, doc_id: str,
               max_mechanisms: int | None, check: Check | None) -> PlanCoverage:
    record = catalog.get_document(doc_id)
    title = record.title if record and record.title else doc_id
    try:
        name, mechanisms = plan_mechanisms(catalog, doc_id, None, max_mechanisms)
    except NoMechanismsError as exc:
        return unaligned_plan(doc_id, title, str(exc))
    except InvalidFieldError as exc:  # more mechanisms than one alignment may take
        return unaligned_plan(doc_id, title, str(exc).removeprefix("doc_id: "))
    progress = (lambda *_: check()) if check is not None else None
    report = align_plan(catalog, aligner, registry, name, mechanisms, doc_id, progress)
    logger.info("coverage: aligned %s (%d mechanisms)", doc_id, len(mechanisms))
    return plan_coverage(doc_id, title, report)


def _finish(plans: list[PlanCoverage], registry: Any, generation: str, *, cached: int,
            aligned: int) -> dict[str, Any]:
    view = build_coverage(plans, registry, generation)
    view["date"] = date.today().isoformat()
    view["cache"] = {"plans_cached": cached, "plans_aligned": aligned}
    return view
