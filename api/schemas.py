"""Request and response models of the HTTP API (separate from the storage records)."""

from __future__ import annotations

import math
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from answers.conversation import MAX_TURNS
from ingest.identity.country import normalize_country

# Some character that is not whitespace. Written so that pydantic's Rust regex, Python's `re`
# and str.strip() agree (Python also counts \x1c-\x1f as whitespace; Unicode does not).
NOT_BLANK = r"[^\s\x1c-\x1f]"


#: The highest page number a request may name: pages are stored as SQLite integers (< 2**63),
#: and no document has more pages than this, so a larger one is a 422, never an overflow.
MAX_PAGE = 1_000_000


def _as_json_text(value: float) -> str:
    """How JSON extensions spell a non-finite number: the error echoes it as a string, since
    strict JSON (our responses) has no NaN."""
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


class RequestModel(BaseModel):
    """Base of every JSON request body. Python's json parses ``NaN``, ``Infinity`` and
    ``1e400``; pydantic's errors echo their input, which then could not be written as JSON
    (a 500). So any non-finite number fails first, as a 422 naming its field."""

    @model_validator(mode="wrap")
    @classmethod
    def _finite_numbers(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if bad := _non_finite(data):
            raise ValidationError.from_exception_data(cls.__name__, [
                {"type": "finite_number", "loc": loc, "input": _as_json_text(value)}
                for loc, value in bad])
        return handler(data)  # no NaN left: every error's input is valid JSON


def _non_finite(value: Any, loc: tuple[str | int, ...] = ()) -> list[tuple[Any, Any]]:
    """(location, value) of every NaN or infinity inside a parsed JSON body."""
    if isinstance(value, float) and not math.isfinite(value):
        return [(loc, value)]
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    return [found for key, item in items for found in _non_finite(item, (*loc, key))]


def _json_integer(value: Any) -> Any:
    """JSON Schema's integer: a number without a fraction (3 or 3.0), never true or "3",
    which pydantic's lax mode would take."""
    if isinstance(value, bool | str | bytes):
        raise ValueError("must be a JSON number, not a boolean or a string")
    return value


def json_integers(*fields: str) -> Any:
    """A before-validator making ``fields`` JSON Schema integers (a model attribute:
    ``_numbers = json_integers("k")``); the fields' own constraints still apply and show in
    the schema."""
    return field_validator(*fields, mode="before")(staticmethod(_json_integer))


def one_of_required(*fields: str) -> ConfigDict:
    """Say in the JSON schema that at least one of ``fields`` must be given (the route
    checks it: the model alone cannot)."""
    return ConfigDict(json_schema_extra={"anyOf": [
        {"required": [f], "properties": {f: {"type": "string"}}} for f in fields]})


class Health(BaseModel):
    status: str
    documents: int
    chunks: int
    version: str
    generative: bool = Field(False, description="Whether POST /ask accepts mode=generative "
                             "(an OpenAI-compatible endpoint is configured).")


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


class DocumentDetail(DocumentSummary):
    source: str
    metadata: dict[str, Any] = Field(default_factory=dict)


class PageText(BaseModel):
    doc_id: str
    page: int
    text: str
    method: str
    label: str | None = Field(None, description="The page number printed on the page.")


class SearchFiltersIn(BaseModel):
    languages: list[str] | None = Field(None, description="Passage languages: km, en, mixed.")
    doc_types: list[str] | None = Field(
        None, description="policy, law_regulation, meeting_record, news, plan_draft, other.")
    issuing_bodies: list[str] | None = None
    date_from: str | None = Field(None, description="ISO date or year, inclusive.",
                                  pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    date_to: str | None = Field(None, description="ISO date or year, inclusive.",
                                pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    doc_ids: list[str] | None = None
    countries: list[str] | None = Field(
        None, description="Jurisdiction codes or names (KH, SG, VN, IN, IN-KL; IN includes "
        "IN-KL). Documents of unknown country never match.")

    @field_validator("countries")
    @classmethod
    def _country_codes(cls, value: list[str] | None) -> list[str] | None:
        """Codes as stored: "Singapore" or "sg" mean SG."""
        return [normalize_country(v) or v.strip().upper() for v in value] if value else value


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


# -- answers --------------------------------------------------------------------------------


class HistoryCitationIn(BaseModel):
    doc_id: str = Field(..., min_length=1, max_length=1000)
    page: int | None = Field(None, ge=1, le=MAX_PAGE)

    _numbers = json_integers("page")


#: The longest previous answer a request may carry (the page cuts its answers to this).
MAX_HISTORY_ANSWER_CHARS = 4000


class HistoryTurnIn(BaseModel):
    question: str = Field(..., min_length=1, pattern=NOT_BLANK,
                          description="At most POLICYKB_MAX_QUERY_CHARS characters.")
    answer: str | None = Field(None, max_length=MAX_HISTORY_ANSWER_CHARS)
    citations: list[HistoryCitationIn] = Field(
        default_factory=list, max_length=50,
        description="The documents the answer cited: a follow-up is searched in them first.")


class AskRequestIn(RequestModel):
    question: str = Field(..., min_length=1, pattern=NOT_BLANK,
                          description="Khmer or English; at most "
                          "POLICYKB_MAX_QUERY_CHARS characters (the schema's maxLength).")
    mode: str = Field("extractive", pattern="^(extractive|generative)$",
                      description="`generative` needs POLICYKB_LLM_URL.")
    filters: SearchFiltersIn = Field(default_factory=SearchFiltersIn)
    history: list[HistoryTurnIn] = Field(
        default_factory=list, max_length=MAX_TURNS,
        description=f"The conversation's previous turns, oldest first (at most {MAX_TURNS}): "
        "a follow-up (\"What about its timeline?\") is answered about their subject.")


class CarriedDocumentOut(BaseModel):
    doc_id: str
    title: str


class ConversationOut(BaseModel):
    follow_up: bool
    reason: str = Field(..., description="Why the question was (not) read as a follow-up.")
    resolved_question: str = Field(..., description="What was searched.")
    strategy: str = Field(..., description="as_asked, filter (searched in the carried "
                          "documents) or expansion (the subject appended to the question).")
    subject: str = ""
    carried_documents: list[CarriedDocumentOut] = Field(
        default_factory=list, description="The documents the answer is about: "
        "\"Answering about: <title>\".")


class CitationOut(BaseModel):
    id: int
    doc_id: str
    title: str
    page: int
    start: int = Field(..., description="Offset of the quote in the page text.")
    end: int
    quote: str = Field(..., description="Exactly page_text[start:end].")
    language: str
    doc_type: str = ""
    page_label: str | None = Field(None, description="The page number printed on the page.")


class AnswerSentenceOut(BaseModel):
    text: str
    citations: list[int]
    language: str
    source: str | None = Field(None, description="Where the sentence comes from, when it opens "
                               "a new source (also at the start of `text`): \"<title>, "
                               "<Strategy 3: name> (p. 29)\".")


class AlternateOut(BaseModel):
    text: str
    citation: CitationOut
    language: str


class ClosestDocumentOut(BaseModel):
    doc_id: str
    title: str
    page: int


class AnswerOut(BaseModel):
    question: str
    language: str
    mode: str
    found: bool
    answer: str = Field(..., description="The sentences, each followed by its [n] markers.")
    sentences: list[AnswerSentenceOut]
    citations: list[CitationOut]
    note: str | None = None
    closest_documents: list[ClosestDocumentOut]
    dropped_sentences: list[str] = Field(
        default_factory=list, description="Generated sentences dropped for lacking a valid citation.")
    alternates: list[AlternateOut] = Field(
        default_factory=list, description="The same facts in the other language (the question's "
        "language leads the answer), each with its exact citation.")
    took_ms: float
    conversation: ConversationOut | None = Field(
        None, description="How a follow-up was resolved (requests with `history`).")
