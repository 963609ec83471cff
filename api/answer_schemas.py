"""Request and response models of POST /ask: the question, the conversation so far, and the
cited answer (split from ``api/schemas.py``, which re-exports them)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from answers.conversation import MAX_TURNS
from api.request_fields import MAX_PAGE, NOT_BLANK, RequestModel, SearchFiltersIn, json_integers


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
    passage_start: int | None = Field(None, description="Where the passage the quote comes "
                                      "from starts in the page text (null for registry items).")
    passage_end: int | None = None


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
