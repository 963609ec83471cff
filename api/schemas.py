"""Request and response models of the HTTP API (separate from the storage records). The shared
request pieces are in ``api/request_fields.py``, POST /ask's models in ``api/answer_schemas.py``;
both stay importable from here."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, StrictBool

from api.answer_schemas import (
    MAX_HISTORY_ANSWER_CHARS,
    AlternateOut,
    AnswerOut,
    AnswerSentenceOut,
    AskRequestIn,
    CarriedDocumentOut,
    CitationOut,
    ClosestDocumentOut,
    ConversationOut,
    HistoryCitationIn,
    HistoryTurnIn,
)
from api.request_fields import (
    MAX_PAGE,
    NOT_BLANK,
    RequestModel,
    SearchFiltersIn,
    json_integers,
    one_of_required,
)

__all__ = ["MAX_HISTORY_ANSWER_CHARS", "MAX_PAGE", "NOT_BLANK", "AlternateOut", "AnswerOut",
           "AnswerSentenceOut", "AskRequestIn", "CarriedDocumentOut", "CitationOut",
           "ClosestDocumentOut", "ConversationOut", "DocumentDetail", "DocumentSummary",
           "Health", "HistoryCitationIn", "HistoryTurnIn", "HitOut", "PageText",
           "RelatedRequestIn", "RequestModel", "ScoresOut", "SearchFiltersIn",
           "SearchRequestIn", "SearchResponseOut", "TwinOut", "json_integers",
           "one_of_required"]


class WarmStatus(BaseModel):
    sentences: str = Field(..., description="pending, running, done or failed.")
    embedded: int | None = Field(None, description="Sentences this warm-up embedded; null to a "
                                 "caller who may not read every collection.")
    seconds: float | None = Field(None, description="How long the warm-up ran (so far).")
    done_after_s: float | None = Field(None, description="When it ended, in seconds after the "
                                       "app was built.")


class Health(BaseModel):
    status: str
    documents: int | None = Field(..., description="Documents the caller may read; null to an "
                                  "anonymous caller when reads need a key.")
    chunks: int | None = Field(..., description="Their passages; null like `documents`.")
    version: str
    generative: bool = Field(False, description="Whether POST /ask accepts mode=generative "
                             "(an OpenAI-compatible endpoint is configured).")
    warm: WarmStatus | None = Field(None, description="The server's background warm-up of "
                                    "evidence-sentence vectors (null when none runs); until it is "
                                    "done /ask embeds the sentences it misses per request.")


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    doc_type: str
    language: str
    issuing_body: str | None = None
    country: str | None = Field(None, description="Jurisdiction code: KH, SG, VN, IN, IN-KL.")
    country_name: str | None = None
    date: str | None = None
    period: str | None = None
    n_pages: int
    n_chunks: int
    ocr_pages: list[int] = Field(default_factory=list)
    version: int = Field(1, description="1 at the first ingest, +1 each time its content changed.")


class DocumentDetail(DocumentSummary):
    source: str
    metadata: dict[str, Any] = Field(default_factory=dict)


class PageText(BaseModel):
    doc_id: str
    page: int
    text: str
    method: str
    label: str | None = Field(None, description="The page number printed on the page.")


class SearchRequestIn(RequestModel):
    query: str = Field(..., min_length=1, pattern=NOT_BLANK,
                       description="Khmer or English; at most "
                       "POLICYKB_MAX_QUERY_CHARS characters (the schema's maxLength).")
    k: int = Field(10, ge=1, le=100, description="Show every passage until this many pages "
                   "are shown, then each further document's best, until this many documents.")
    per_doc: int | None = Field(None, ge=1, le=50, description="At most this many passages "
                                "per document (default: no cap).")
    filters: SearchFiltersIn = Field(default_factory=SearchFiltersIn)
    rerank: StrictBool | None = Field(None, description="Use the configured reranker "
                                      "(default: if any).")

    _numbers = json_integers("k", "per_doc")


class RelatedRequestIn(RequestModel):
    model_config = one_of_required("text", "doc_id")

    text: str | None = Field(None, max_length=50_000, pattern=NOT_BLANK,
                             description="A draft paragraph, any length.")
    doc_id: str | None = Field(None, min_length=1, description="Or: an indexed document ...")
    page: int | None = Field(None, ge=1, le=MAX_PAGE, description="... and its page.")
    k: int = Field(10, ge=1, le=100)
    per_doc: int = Field(2, ge=1, le=50)
    filters: SearchFiltersIn = Field(default_factory=SearchFiltersIn)

    _numbers = json_integers("page", "k", "per_doc")


class ScoresOut(BaseModel):
    fused: float
    sparse: float | None = None
    sparse_rank: int | None = None
    dense: float | None = None
    dense_rank: int | None = None
    rerank: float | None = None


class TwinOut(BaseModel):
    doc_id: str
    chunk_id: str
    title: str
    language: str
    page: int
    snippet: str


class HitOut(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    doc_type: str
    language: str
    doc_language: str
    date: str | None
    issuing_body: str | None
    country: str | None = None
    country_name: str | None = None
    page: int
    start: int = Field(..., description="Character offset of the passage in the page text.")
    end: int
    heading: str
    text: str
    snippet: str
    highlights: list[tuple[int, int]] = Field(..., description="Spans inside `snippet`.")
    scores: ScoresOut
    twins: list[TwinOut] = Field(default_factory=list)
    more_in_document: int = 0
    page_label: str | None = Field(None, description="The page number printed on the page "
                                   "(\"12\", \"iv\"); `page` is the PDF position.")


class SearchResponseOut(BaseModel):
    query: str
    language: str
    expansions: list[str]
    hits: list[HitOut]
    took_ms: float
    dense_used: bool
    glossary_coverage: float = Field(0.0, description="Share of the question the glossary "
                                     "could carry into the other language (0-1).")
