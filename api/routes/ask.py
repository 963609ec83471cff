"""Cited answers: JSON, or a stream of server-sent events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import StreamingResponse

from api.deps import ServicesDep
from api.limits import check_query_length
from api.responses import ErrorOut, Responses
from api.schemas import AnswerOut, AskRequestIn
from index.search_types import SearchFilters
from policykb.services import Services

router = APIRouter(tags=["answers"])

_NO_LLM: Responses = {409: {"model": ErrorOut,
                            "description": "mode=generative, but no POLICYKB_LLM_URL."}}


def _events(services: Services, body: AskRequestIn) -> Iterator[dict[str, Any]]:
    check_query_length(body.question, "question", services.settings)
    filters = SearchFilters(**body.filters.model_dump())
    if body.mode == "generative":
        if services.generator is None:
            raise HTTPException(status_code=409, detail="generative mode needs POLICYKB_LLM_URL "
                                "(an OpenAI-compatible endpoint); use mode=extractive")
        return services.generator.events(body.question, filters)
    return services.answerer.events(body.question, filters)


@router.post("/ask", response_model=AnswerOut, responses=_NO_LLM)
def ask(body: AskRequestIn, services: ServicesDep) -> AnswerOut:
    """An answer whose every sentence cites the exact span of a page."""
    events = list(_events(services, body))
    return AnswerOut(**events[-1]["answer"])


@router.post("/ask/stream", responses={**_NO_LLM, 200: {"content": {"text/event-stream": {}},
             "description": "Events `start`, `note`, `sentence` (text + its citations), and "
                            "`done` (the whole answer, shaped like POST /ask's response)."}})
def ask_stream(body: AskRequestIn, services: ServicesDep) -> StreamingResponse:
    """The same answer streamed as server-sent events, sentence by sentence."""
    events = _events(services, body)

    def sse() -> Iterator[str]:
        try:
            for event in events:
                yield f"event: {event['type']}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"
        except Exception as exc:  # the stream has started: report in-band, not as a 500
            error = {"type": "error", "detail": f"{type(exc).__name__}: {exc}"}
            yield f"event: error\ndata: {json.dumps(error)}\n\n"

    return StreamingResponse(sse(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
