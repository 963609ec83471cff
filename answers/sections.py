"""What an answer needs to know about a policy's structure, as a Protocol.

The registry of national policies (goals -> strategies -> measures, with pages) lives in
``alignment/``, which ``answers/`` must not import; the composition root hands in an adapter
(``policykb/sections.py``). Answers use it to name the strategy a sentence comes from and to
answer "what strategies does X have" straight from the policy's own headings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

LEVELS = ("goal", "strategy", "measure")


@dataclass(frozen=True)
class Section:
    """The registry node a passage sits in: ``Strategy 3: Digital security`` of a policy."""

    policy_id: str
    policy_title: str
    level: str  # goal | strategy | measure
    label: str  # "Strategy 3"
    title: str  # "Building and strengthening digital security infrastructure"
    page: int  # the page the node's heading is on

    @property
    def name(self) -> str:
        return f"{self.label}: {self.title}" if self.title else self.label


@dataclass(frozen=True)
class PolicyRef:
    """A policy the registry knows, with the names a question may call it by."""

    policy_id: str
    title: str
    doc_id: str | None
    names: tuple[str, ...] = ()  # title, short name, document title...
    doc_title: str = ""  # the indexed document's title, as citations show it
    #: the policy's own words for a level ("pillars" -> goal), checked before the usual ones
    level_words: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (level, words) pairs


@dataclass(frozen=True)
class ListItem:
    """One goal/strategy/measure, cited by the exact span of its heading in the page text
    (``quote == page_text[start:end]``); ``quote`` is empty when no span was found."""

    level: str
    label: str
    title: str
    doc_id: str
    page: int
    start: int = 0
    end: int = 0
    quote: str = ""
    parent: str = ""  # the label of the node it belongs to ("Strategy 3")
    passage_start: int | None = None  # the passage holding the heading (a card's context)
    passage_end: int | None = None


class SectionLookup(Protocol):
    """The policy registry, as answers see it."""

    def section(self, doc_id: str, page: int, offset: int | None = None) -> Section | None:
        """The deepest goal/strategy (a measure's strategy) covering that point of the text."""
        ...

    def policies(self) -> list[PolicyRef]:
        """Every policy with indexed text, for recognising it in a question."""
        ...

    def items(self, policy_id: str, level: str, within: str | None = None) -> list[ListItem]:
        """The policy's nodes of ``level`` in document order; ``within`` (a label such as
        "Strategy 3" or "Strategic Goal 1") keeps the ones under that node."""
        ...
