"""Cited answers: JSON, or a stream of server-sent events."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from answers.events import AnswerEvent, ErrorEvent, final_answer, to_sse
from answers.extractive import ExtractiveAnswerer
from answers.generative import GenerativeAnswerer
from api.deps import AnswererDep, GeneratorDep, SettingsDep
from api.limits import check_query_length
from api.responses import ErrorOut, Responses
from api.schemas import AnswerOut, AskRequestIn
from core.errors import ConflictError
from core.settings import Settings
from index.search_types import SearchFilters

logger = logging.getLogger(__name__)

router = APIRouter(tags=["answers"])

_NO_LLM: Responses = {409: {"model": ErrorOut,
                            "description": "mode=generative, but no POLICYKB_LLM_URL."}}


def _events(body: AskRequestIn, settings: Settings, answerer: ExtractiveAnswerer,
            generator: Callable[[], GenerativeAnswerer | None]) -> Iterator[AnswerEvent]:
    """The answer's events (lazily: nothing is searched until the first is asked for)."""
    check_query_length(body.question, "question", settings)
    filters = SearchFilters(**body.filters.model_dump())
    if body.mode == "generative":
        generative = generator()
        if generative is None:
            raise ConflictError("generative mode needs POLICYKB_LLM_URL "
                                "(an OpenAI-compatible endpoint); use mode=extractive")
        return generative.events(body.question, filters)
    return answerer.events(body.question, filters)


@router.post("/ask", response_model=AnswerOut, responses=_NO_LLM)
def ask(body: AskRequestIn, settings: SettingsDep, answerer: AnswererDep,
        generator: GeneratorDep) -> AnswerOut:
    """An answer whose every sentence cites the exact span of a page."""
    answer = final_answer(_events(body, settings, answerer, generator))
    return AnswerOut(**answer.to_dict())


@router.post("/ask/stream", responses={**_NO_LLM, 200: {"content": {"text/event-stream": {}},
             "description": "Events `start`, `note`, `sentence` (text + its citations), and "
                            "`done` (the whole answer, shaped like POST /ask's response); "
                            "`error` (its class name) if the answer fails half-way."}})
def ask_stream(body: AskRequestIn, settings: SettingsDep, answerer: AnswererDep,
               generator: GeneratorDep) -> StreamingResponse:
    """The same answer streamed as server-sent events, sentence by sentence."""
    events = _events(body, settings, answerer, generator)

    def sse() -> Iterator[str]:
        try:
            for event in events:
                yield to_sse(event)
        except Exception as exc:  # the stream has started: report in-band, not as a 500
            logger.exception("the answer stream (mode %s) failed", body.mode)
            yield to_sse(ErrorEvent.of(exc))

    return StreamingResponse(sse(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
