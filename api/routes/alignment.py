"""Policy alignment of a plan, meeting record or draft: JSON, Markdown or CSV."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from alignment.report import csv_bytes, to_docx, to_json, to_markdown
from alignment.service import align_document
from api.deps import AlignerDep, CatalogDep, RegistryDep
from api.responses import ErrorOut, not_found
from api.schemas import NOT_BLANK, RequestModel, one_of_required

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
    document: str
    title: str | None = Field(None, description="The plan's title, when it is an indexed document.")
    date: str | None = Field(None, description="The day the report was made (YYYY-MM-DD).")
    mechanisms: list[MechanismOut]
    unaddressed: list[UnaddressedOut] = Field(
        ..., description="National strategies no mechanism of the plan addresses.")


@router.post("/alignment", response_model=AlignmentOut,
             responses={200: {"content": {"text/markdown": {}, "text/csv": {}, DOCX: {}}},
                        400: {"model": ErrorOut, "description": "Neither `doc_id` nor `text`."},
                        **not_found("document"),
                        422: {"description": "Invalid field, or no mechanisms found in the plan."}})
def alignment(body: AlignmentRequestIn, catalog: CatalogDep, aligner: AlignerDep,
              registry: RegistryDep) -> Any:
    """For each mechanism of the plan: the national strategies it serves, with evidence."""
    report = align_document(catalog, aligner, registry, body.doc_id, body.text)
    if body.format == "md":
        return PlainTextResponse(to_markdown(report), media_type="text/markdown; charset=utf-8")
    if body.format == "csv":
        return Response(csv_bytes(report), media_type="text/csv; charset=utf-8")
    if body.format == "docx":
        return Response(to_docx(report), media_type=DOCX, headers={
            "Content-Disposition": 'attachment; filename="policy-alignment.docx"'})
    return to_json(report)
