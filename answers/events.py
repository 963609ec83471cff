"""The events of an answer given sentence by sentence, typed, and their one wire format.

Both answerers yield these (``start``, ``note``, ``sentence``... then ``done`` with the whole
answer); ``POST /ask/stream`` sends each as a server-sent event (:func:`to_sse`) and
``POST /ask`` keeps only the answer of the last one (:func:`final_answer`). A stream that
fails half-way ends with an :class:`ErrorEvent` that names the error's class only: the
exception's text may hold paths or URLs of the server, which belong in its log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from answers.types import Answer, Citation
from core.errors import PolicyKBError


@dataclass(frozen=True)
class _Event:
    type: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass(frozen=True)
class StartEvent(_Event):
    """The answer's language and mode, and whether the evidence answers the question."""

    language: str
    mode: str
    found: bool
    type: ClassVar[str] = "start"


@dataclass(frozen=True)
class NoteEvent(_Event):
    """A caveat to show above the answer (e.g. the evidence is in the other language)."""

    text: str
    type: ClassVar[str] = "note"


@dataclass(frozen=True)
class SentenceEvent(_Event):
    """One sentence of the answer with the citations it carries."""

    text: str
    citations: list[Citation]
    type: ClassVar[str] = "sentence"


@dataclass(frozen=True)
class DoneEvent(_Event):
    """The whole answer, shaped like ``POST /ask``'s response; always the last event."""

    answer: Answer
    type: ClassVar[str] = "done"


@dataclass(frozen=True)
class ErrorEvent(_Event):
    """The stream failed after it started; ``error`` is the exception's class name."""

    error: str
    detail: str
    type: ClassVar[str] = "error"

    @classmethod
    def of(cls, exc: BaseException) -> ErrorEvent:
        """Domain errors are written for users and are said as they are; anything else is
        named by its class only (its text may hold internals: it goes to the log)."""
        name = type(exc).__name__
        if isinstance(exc, PolicyKBError):
            return cls(error=name, detail=str(exc))
        return cls(error=name, detail=f"{name}: the answer could not be completed "
                                      "(the details are in the server's log)")


AnswerEvent = StartEvent | NoteEvent | SentenceEvent | DoneEvent | ErrorEvent


def sentence_event(text: str, citation_ids: Iterable[int],
                   citations: Iterable[Citation]) -> SentenceEvent:
    """The event of a sentence citing ``citation_ids`` among the answer's ``citations``."""
    wanted = set(citation_ids)
    return SentenceEvent(text, [c for c in citations if c.id in wanted])


def answer_events(answer: Answer) -> Iterator[AnswerEvent]:
    """A finished answer as a stream of events: its start, its note, one per sentence (the
    not-found message as one sentence), then the whole answer."""
    yield StartEvent(answer.language, answer.mode, answer.found)
    if answer.note:
        yield NoteEvent(answer.note)
    for sentence in answer.sentences:
        yield sentence_event(sentence.text, sentence.citations, answer.citations)
    if not answer.found:
        yield SentenceEvent(answer.answer, [])
    yield DoneEvent(answer)


def final_answer(events: Iterable[AnswerEvent]) -> Answer:
    """The answer of the ``done`` event that ends ``events`` (consuming them all)."""
    last: AnswerEvent | None = None
    for event in events:
        last = event
    if not isinstance(last, DoneEvent):
        raise RuntimeError(f"the answer events ended with {last!r}, not a done event")
    return last.answer


def to_sse(event: AnswerEvent) -> str:
    """The one wire format of an event: a server-sent event named by its type, JSON data."""
    data = json.dumps(event.to_dict(), ensure_ascii=False)
    return f"event: {event.type}\ndata: {data}\n\n"
