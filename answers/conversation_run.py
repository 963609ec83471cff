"""Running a resolved question: the first attempt that finds an answer, marked with what the
conversation made of the question.

Kept apart from ``conversation.py``: resolving decides, this runs (and streams) the answer.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import fields

from answers.conversation_types import AnswerInContext, Attempt, Resolution
from answers.events import AnswerEvent, DoneEvent, StartEvent
from answers.types import Answer


def first_found(resolution: Resolution,
                run: Callable[[Attempt], Iterator[AnswerEvent]]) -> Iterator[AnswerEvent]:
    """The events of the first attempt whose answer is found (the last attempt's otherwise),
    with the answer marked with what the conversation made of the question. Lazy: nothing is
    searched until the first event is asked for; an attempt is judged by its ``start`` event,
    so the chosen one still streams."""
    started = time.perf_counter()
    for n, attempt in enumerate(resolution.attempts, 1):
        events = run(attempt)
        first = next(events)
        if n == len(resolution.attempts) or (isinstance(first, StartEvent) and first.found):
            break
    for event in itertools.chain([first], events):
        if isinstance(event, DoneEvent):
            answer = in_context(event.answer, resolution, attempt)
            answer.took_ms = (time.perf_counter() - started) * 1000  # every attempt's time
            event = DoneEvent(answer)
        yield event


def in_context(answer: Answer, resolution: Resolution, used: Attempt) -> AnswerInContext:
    """``answer`` as the answer to the question asked, saying how it was resolved."""
    values = {f.name: getattr(answer, f.name) for f in fields(Answer)}
    values["question"] = resolution.question
    return AnswerInContext(**values, conversation=resolution.context(used))
