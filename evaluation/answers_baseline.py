"""The naive peer of PolicyKB's answers: what a user gets from LlamaIndex's default retriever
with no answer step at all, the top passage shown as the answer and cited as its page.

It reuses the ``VectorStoreIndex`` of :class:`evaluation.baselines.LlamaIndexBaseline` (same
page texts, same MiniLM), so the retrieval baseline and the answer baseline are the same system.
It never declines: a plain retriever always has a top passage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evaluation.baselines import LlamaIndexBaseline


@dataclass(frozen=True)
class PassageCitation:
    doc_id: str
    page: int


@dataclass(frozen=True)
class PassageAnswer:
    """Shaped like ``answers.types.Answer`` where the scorer reads it."""

    found: bool
    answer: str
    citations: list[PassageCitation] = field(default_factory=list)


class TopPassageAnswerer:
    """``answer(question)``: the first node of ``index.as_retriever()`` (LlamaIndex's defaults)."""

    name = "LlamaIndex top passage"

    def __init__(self, baseline: LlamaIndexBaseline) -> None:
        self._retriever = baseline.index.as_retriever()

    @classmethod
    def over_pages(cls, pages: list[Any], embedder: Any) -> TopPassageAnswerer:
        return cls(LlamaIndexBaseline(pages, embedder))

    def answer(self, question: str) -> PassageAnswer:
        nodes = self._retriever.retrieve(question)
        if not nodes:
            return PassageAnswer(False, "")
        top = nodes[0].node
        return PassageAnswer(True, top.get_content(),
                             [PassageCitation(top.metadata["doc_id"], int(top.metadata["page"]))])
