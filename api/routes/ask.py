"""Cited answers: JSON, or a stream of server-sent events."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from answers.conversation import (
    Attempt,
    ConversationResolver,
    NamedDocument,
    TitleIndex,
    Turn,
    first_found,
)
from answers.events import AnswerEvent, DoneEvent, ErrorEvent, final_answer, to_sse
from answers.extractive import ExtractiveAnswerer
from answers.generative import GenerativeAnswerer
from api.audit import note
from api.auth import AccessDep, readable_ids
from api.deps import AnswererDep, CatalogDep, GeneratorDep, SettingsDep
from api.limits import check_query_length
from api.responses import ErrorOut, Responses
from api.routes.search import scoped_filters
from api.schemas import AnswerOut, AskRequestIn
from core.access import Access
from core.errors import ConflictError
from core.settings import Settings
from index.catalog import Catalog
from index.search_types import SearchFilters

logger = logging.getLogger(__name__)

router = APIRouter(tags=["answers"])

#: Per catalog (by path) and allowed set: the title terms of the documents a caller may read,
#: kept until the index changes (a follow-up never resolves to a document outside access).
_TITLES: dict[tuple[str, str], TitleIndex] = {}

_NO_LLM: Responses = {409: {"model": ErrorOut,
                            "description": "mode=generative, but no POLICYKB_LLM_URL."}}


def _events(body: AskRequestIn, settings: Settings, answerer: ExtractiveAnswerer,
            generator: Callable[[], GenerativeAnswerer | None],
            catalog: Catalog, access: Access) -> Iterator[AnswerEvent]:
    """The answer's events (lazily: nothing is searched until the first is asked for). With
    previous turns, the question is first resolved against them (answers/conversation.py)."""
    check_query_length(body.question, "question", settings)
    for n, turn in enumerate(body.history):
        check_query_length(turn.question, f"history.{n}.question", settings)
    filters = scoped_filters(body.filters, access)
    readable = readable_ids(catalog, access, (c.doc_id for t in body.history
                                              for c in t.citations))
    history = [Turn(t.question, t.answer or "",
                    tuple(c.doc_id for c in t.citations if c.doc_id in readable))
               for t in body.history]
    generative = generator() if body.mode == "generative" else None
    if body.mode == "generative" and generative is None:
        raise ConflictError("generative mode needs POLICYKB_LLM_URL "
                            "(an OpenAI-compatible endpoint); use mode=extractive")

    def run(attempt: Attempt) -> Iterator[AnswerEvent]:
        if generative is not None:
            return generative.events(attempt.question, attempt.filters, history=history,
                                     asked=body.question)
        return answerer.events(attempt.question, attempt.filters, asks=attempt.asks)

    if not history:
        return run(Attempt(body.question, filters, "as_asked"))
    return _resolved(answerer, catalog, body.question, history, filters, run, access)


def _resolved(answerer: ExtractiveAnswerer, catalog: Catalog, question: str,
              history: list[Turn], filters: SearchFilters,
              run: Callable[[Attempt], Iterator[AnswerEvent]],
              access: Access) -> Iterator[AnswerEvent]:
    """A generator, so that resolving (reading the catalog's titles) waits for the first event."""
    analyzer = answerer.searcher.analyzer
    titles = _TITLES.setdefault((str(catalog.path), access.cache_key()),
                                TitleIndex(analyzer.analyze))
    resolver = ConversationResolver.for_analyzer(
        analyzer, lambda: (NamedDocument(d.doc_id, d.title) for d in catalog.documents()
                           if access.allows(d.collection)),
        titles, catalog.generation())
    yield from first_found(resolver.resolve(question, history, filters), run)


@router.post("/ask", response_model=AnswerOut, responses=_NO_LLM)
def ask(body: AskRequestIn, request: Request, settings: SettingsDep, answerer: AnswererDep,
        generator: GeneratorDep, catalog: CatalogDep, access: AccessDep) -> AnswerOut:
    """An answer whose every sentence cites the exact span of a page; with `history`, a
    follow-up is answered about the conversation's subject."""
    answer = final_answer(_events(body, settings, answerer, generator, catalog, access))
    note(request, docs=[c.doc_id for c in answer.citations])  # the audit log (api/audit.py)
    return AnswerOut(**answer.to_dict())


@router.post("/ask/stream", responses={**_NO_LLM, 200: {"content": {"text/event-stream": {}},
             "description": "Events `start`, `note`, `sentence` (text + its citations), and "
                            "`done` (the whole answer, shaped like POST /ask's response); "
                            "`error` (its class name) if the answer fails half-way."}})
def ask_stream(body: AskRequestIn, request: Request, settings: SettingsDep,
               answerer: AnswererDep, generator: GeneratorDep,
               catalog: CatalogDep, access: AccessDep) -> StreamingResponse:
    """The same answer streamed as server-sent events, sentence by sentence."""
    events = _events(body, settings, answerer, generator, catalog, access)

    def sse() -> Iterator[str]:
        try:
            for event in events:
                if isinstance(event, DoneEvent):  # the cited documents, for the audit log
                    note(request, docs=[c.doc_id for c in event.answer.citations])
                yield to_sse(event)
        except Exception as exc:  # the stream has started: report in-band, not as a 500
            logger.exception("the answer stream (mode %s) failed", body.mode)
            yield to_sse(ErrorEvent.of(exc))

    return StreamingResponse(sse(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
