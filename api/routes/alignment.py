"""Policy alignment of a plan, meeting record or draft: JSON, Markdown, CSV or DOCX.

``POST /alignment`` computes the report, keeps it under a ``result_id`` and answers it;
``POST /alignment/stream`` does the same as NDJSON progress events then the result;
``GET /alignment/results/{result_id}?format=`` serves a download of a kept report without computing
it again. The work runs in its own bounded pool (``api/pools.py``, ``api/alignment_work.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from alignment.report import csv_bytes, to_docx, to_json, to_markdown
from alignment.results import RESULT_ID, ResultStore
from alignment.service import plan_mechanisms
from alignment.types import AlignmentReport
from api import alignment_work as runs
from api.auth import AccessDep, ReaderDep, readable_document
from api.deps import AlignerDep, CatalogDep, RegistryDep, SettingsDep
from api.pools import AlignmentResultsDep, ExpensiveWorkDep, WorkCancelled, WorkToken
from api.responses import ErrorOut, Responses, not_found
from api.schemas import NOT_BLANK, RequestModel, one_of_required
from core.access import Access
from core.errors import NotFoundError

router = APIRouter(tags=["alignment"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class AlignmentRequestIn(RequestModel):
    model_config = one_of_required("doc_id", "text")

    doc_id: str | None = Field(None, min_length=1,
                               description="An ingested plan, meeting record or draft ...")
    text: str | None = Field(None, max_length=200_000, pattern=NOT_BLANK,
                             description="... or its pasted text.")
    format: str = Field("json", pattern="^(json|md|csv|docx)$",
                        description="json (below), md (a report to paste into a review), csv "
                                    "(UTF-8 with BOM) or docx (a Word report to circulate).")


class TableRowOut(BaseModel):
    number: int
    action: str
    responsible: list[str]
    timeline: str


class EvidenceOut(BaseModel):
    doc_id: str
    page: int
    quote: str = Field(..., description="Exactly the page text from `start` to `end`.")
    start: int
    end: int
    title: str | None = None
    printed_page: str | None = Field(None, description="The page number printed on the page.")
    version: int | None = Field(None, description="The quoted document's version (1 = first ingest).")
    row: TableRowOut | None = Field(
        None, description="The priority-action table row the quote lies in, as its columns.")


class StrategyAlignmentOut(BaseModel):
    policy: str
    strategy: str
    score: float = Field(..., ge=0, le=1)
    verdict: str = Field(..., pattern="^(strong|partial|none)$")
    evidence: list[EvidenceOut]
    note: str | None = None


class MechanismOut(BaseModel):
    label: str
    text: str
    gap: bool = Field(..., description="No national strategy in the index supports it.")
    alignments: list[StrategyAlignmentOut] = Field(..., description="Best first.")


class UnaddressedOut(BaseModel):
    policy: str
    strategy: str


class AlignmentOut(BaseModel):
    result_id: str | None = Field(
        None, description="GET /alignment/results/{result_id}?format=md|csv|docx|json downloads this "
                          "report without computing it again.")
    document: str
    title: str | None = Field(None, description="The plan's title, when it is an indexed document.")
    date: str | None = Field(None, description="The day the report was made (YYYY-MM-DD).")
    mechanisms: list[MechanismOut]
    unaddressed: list[UnaddressedOut] = Field(
        ..., description="National strategies no mechanism of the plan addresses.")


_LIMITS: Responses = {
    422: {"description": "Invalid field, no mechanisms found in the plan, or more than "
                         "POLICYKB_ALIGNMENT_MAX_MECHANISMS of them."},
    429: {"model": ErrorOut, "description": "This key (or address) already has an alignment "
          "running (POLICYKB_ALIGNMENT_PER_CALLER), or the alignment pool is full; see "
          "`Retry-After`."},
    504: {"model": ErrorOut, "description": "Longer than POLICYKB_ALIGNMENT_DEADLINE_S; "
                                            "the work was stopped and discarded."},
}
_RESULT_HEADERS = {"X-Result-Id": {"description": "The report's id.",
                                   "schema": {"type": "string"}},
                   "Location": {"description": "GET it again: /alignment/results/{result_id}.",
                                "schema": {"type": "string"}}}


def render(report: AlignmentReport, fmt: str, result_id: str,
           results: ResultStore | None = None) -> Response:
    """The report in ``fmt``, with its id in ``X-Result-Id`` and ``Location`` (a DOCX
    written ahead by :func:`runs.render_docx_later` is taken from ``results``)."""
    headers = {"X-Result-Id": result_id, "Location": f"/alignment/results/{result_id}"}
    if fmt == "md":
        return PlainTextResponse(to_markdown(report), media_type="text/markdown; charset=utf-8",
                                 headers=headers)
    if fmt == "csv":
        return Response(csv_bytes(report), media_type="text/csv; charset=utf-8", headers=headers)
    if fmt == "docx":
        body = results.rendered(result_id, "docx") if results is not None else None
        return Response(body or to_docx(report), media_type=DOCX, headers={
            **headers, "Content-Disposition": 'attachment; filename="policy-alignment.docx"'})
    return JSONResponse({"result_id": result_id, **to_json(report)}, headers=headers)


async def _plan(body: AlignmentRequestIn, catalog: Any, settings: Any,
                access: Access) -> runs.Plan:
    """404/422 before any work is queued (a page read and a regex: the default pool); a plan
    in a collection the caller may not read is the same 404 as an unknown one."""
    if body.doc_id is not None:
        await run_in_threadpool(readable_document, catalog, access, body.doc_id)
    name, mechanisms = await run_in_threadpool(
        plan_mechanisms, catalog, body.doc_id, body.text, settings.alignment_max_mechanisms,
        access)
    return runs.Plan(name, mechanisms, body.doc_id, access)


@router.post("/alignment", response_model=AlignmentOut,
             responses={200: {"content": {"text/markdown": {}, "text/csv": {}, DOCX: {}},
                              "headers": _RESULT_HEADERS},
                        400: {"model": ErrorOut, "description": "Neither `doc_id` nor `text`."},
                        **not_found("document"), **_LIMITS})
async def alignment(request: Request, body: AlignmentRequestIn, caller: ReaderDep,
                    settings: SettingsDep, catalog: CatalogDep, aligner: AlignerDep,
                    registry: RegistryDep, work: ExpensiveWorkDep,
                    results: AlignmentResultsDep, access: AccessDep) -> Response:
    """For each mechanism of the plan: the national strategies it serves, with evidence."""
    plan = await _plan(body, catalog, settings, access)
    token = WorkToken(settings.alignment_deadline_s)
    future = runs.start(work, caller, token, plan, (catalog, aligner, registry))
    try:
        report = await runs.wait(request, work, future, token)
    except WorkCancelled:
        return Response(status_code=499)  # nobody is listening any more
    result_id = await run_in_threadpool(results.put, report, runs.owner_of(caller), access)
    if body.format != "docx":
        runs.render_docx_later(results, result_id, report)
    return await run_in_threadpool(render, report, body.format, result_id)


@router.post("/alignment/stream", responses={
    200: {"content": {"application/x-ndjson": {}},
          "description": "One JSON object a line: `{\"event\": \"progress\", \"done\": k, "
                         "\"total\": n, \"mechanism\": {label, text}}` before the first "
                         "mechanism and after each; then `{\"event\": \"result\", "
                         "\"result_id\", \"report\"}` (the report as POST /alignment "
                         "answers it), or `{\"event\": \"error\", \"error\", \"detail\", "
                         "\"status\"}` if it fails half-way (e.g. 504 past the deadline). "
                         "Closing the connection stops the work."},
    400: {"model": ErrorOut, "description": "Neither `doc_id` nor `text`."},
    **not_found("document"), **_LIMITS})
async def alignment_stream(body: AlignmentRequestIn, caller: ReaderDep, settings: SettingsDep,
                           catalog: CatalogDep, aligner: AlignerDep, registry: RegistryDep,
                           work: ExpensiveWorkDep, results: AlignmentResultsDep,
                           access: AccessDep) -> StreamingResponse:
    """The same alignment, its progress streamed mechanism by mechanism (``format`` is
    ignored: download a format from ``GET /alignment/results/{result_id}``)."""
    plan = await _plan(body, catalog, settings, access)
    token = WorkToken(settings.alignment_deadline_s)
    events, sink = runs.progress_queue()
    future = runs.start(work, caller, token, plan, (catalog, aligner, registry), sink)
    return StreamingResponse(
        runs.stream(work, future, token, events, results, runs.owner_of(caller), access),
        media_type="application/x-ndjson",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/alignment/results/{result_id}", response_model=AlignmentOut, responses={
    200: {"content": {"text/markdown": {}, "text/csv": {}, DOCX: {}}},
    **not_found("alignment result (unknown, expired, or made with another key)")})
async def alignment_result(result_id: str, caller: ReaderDep, results: AlignmentResultsDep,
                           access: AccessDep,
                           fmt: str = Query("json", alias="format",
                                            pattern="^(json|md|csv|docx)$")) -> Response:
    """A report computed before, in any format, without computing it again (only for a
    caller who may read every collection it was made with)."""
    report = None
    if RESULT_ID.match(result_id):
        report = await run_in_threadpool(results.get, result_id, runs.owner_of(caller), access)
    if report is None:
        raise NotFoundError(f"alignment result {result_id[:64]!r}: unknown, expired or made "
                            "with another key; run the alignment again")
    return await run_in_threadpool(render, report, fmt, result_id, results)
