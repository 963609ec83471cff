"""What a conversation is made of: previous turns, the documents it can carry, the attempts
to make, and the answer that says how its question was resolved.

Kept apart from ``conversation.py`` so the API and the generative answerer can name these
without the resolver's cue words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from answers.types import Answer
from index.search_types import SearchFilters


@dataclass(frozen=True)
class Turn:
    """A previous question, its answer, and the documents its citations named (in order)."""

    question: str
    answer: str = ""
    cited: tuple[str, ...] = ()


@dataclass(frozen=True)
class NamedDocument:
    """A document the resolver can recognise by its title."""

    doc_id: str
    title: str


@dataclass
class CarriedDocument:
    doc_id: str
    title: str


@dataclass
class Attempt:
    """One way to ask: the question as searched, with its filters."""

    question: str
    filters: SearchFilters
    strategy: str  # as_asked | filter | expansion
    #: the user's own words when ``question`` also carries the subject's: an answer must say
    #: something they ask, not only name the subject ("And its budget?" is not answered by
    #: the centre's functions, which only its name brought in)
    asks: str = ""


@dataclass
class Resolution:
    """What the resolver decided, and the attempts to make in order."""

    question: str
    follow_up: bool
    reason: str
    subject: str = ""
    carried_documents: list[CarriedDocument] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)

    def context(self, used: Attempt) -> dict[str, Any]:
        """The answer's ``conversation``: enough for the page to say what it answered about."""
        return {"follow_up": self.follow_up, "reason": self.reason,
                "resolved_question": used.question, "strategy": used.strategy,
                "subject": self.subject,
                "carried_documents": [asdict(d) for d in self.carried_documents]
                if used.strategy != "as_asked" else []}


@dataclass
class AnswerInContext(Answer):
    """An answer with what the conversation made of its question."""

    conversation: dict[str, Any] | None = None
