"""What a user would otherwise pick, run on the same ingested corpus for a fair comparison:
plain bm25s (its default tokenizer, no Khmer segmentation), LlamaIndex's default
``VectorStoreIndex`` pipeline with the same MiniLM, and the naive hybrid anyone sets up in
ten lines from those two (reciprocal rank fusion over page units)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from core.models import PageRecord

RRF_K = 60  # the constant of Cormack et al.; what every RRF tutorial uses


@dataclass(frozen=True)
class RankedPassage:
    doc_id: str
    page: int


class Passage(Protocol):
    """A unit a baseline indexes: a chunk or a whole page."""

    @property
    def doc_id(self) -> str: ...

    @property
    def page(self) -> int: ...

    @property
    def text(self) -> str: ...


class Baseline(Protocol):
    name: str

    def search(self, query: str, k: int) -> list[RankedPassage]: ...


class PlainBM25Baseline:
    """bm25s with its default tokenizer over the given passages (chunks or pages)."""

    name = "bm25s (default tokenizer)"

    def __init__(self, passages: Sequence[Passage]) -> None:
        import bm25s

        self._passages = list(passages)
        self._retriever = bm25s.BM25()
        self._retriever.index(bm25s.tokenize([p.text for p in self._passages],
                                             show_progress=False), show_progress=False)

    def search(self, query: str, k: int) -> list[RankedPassage]:
        import bm25s

        tokens = bm25s.tokenize([query], show_progress=False)
        if not tokens.vocab or not self._passages:
            return []
        docs, scores = self._retriever.retrieve(tokens, k=min(k, len(self._passages)),
                                                show_progress=False)
        return [RankedPassage(self._passages[int(i)].doc_id, self._passages[int(i)].page)
                for i, s in zip(docs[0], scores[0], strict=True) if s > 0]


class LlamaIndexBaseline:
    """``VectorStoreIndex.from_documents`` with its default splitter and in-memory store."""

    name = "LlamaIndex VectorStoreIndex (MiniLM)"

    def __init__(self, pages: list[PageRecord], embedder: Any) -> None:
        from llama_index.core import Document, VectorStoreIndex

        from index.llama_embedding import LlamaEmbeddingAdapter

        documents = [Document(text=p.text, metadata={"doc_id": p.doc_id, "page": p.page})
                     for p in pages if p.text.strip()]
        self.index = VectorStoreIndex.from_documents(
            documents, embed_model=LlamaEmbeddingAdapter(embedder), show_progress=False)

    def search(self, query: str, k: int) -> list[RankedPassage]:
        retriever = self.index.as_retriever(similarity_top_k=k)
        return [RankedPassage(n.node.metadata["doc_id"], int(n.node.metadata["page"]))
                for n in retriever.retrieve(query)]


class NaiveRRFBaseline:
    """bm25s over page units and LlamaIndex's default index over the same pages, each asked
    for ``k`` results and fused by reciprocal rank (k=60): the hybrid a drafter's colleague
    builds in ten lines, and the bar PolicyKB's English search has to clear."""

    name = "naive RRF (bm25s + LlamaIndex, pages)"

    def __init__(self, pages: list[PageRecord], embedder: Any = None, *,
                 vector: LlamaIndexBaseline | None = None) -> None:
        self._sparse = PlainBM25Baseline([p for p in pages if p.text.strip()])
        self._dense = vector if vector is not None else LlamaIndexBaseline(pages, embedder)

    def search(self, query: str, k: int) -> list[RankedPassage]:
        fused: dict[RankedPassage, float] = {}
        for ranked in (self._sparse.search(query, k), self._dense.search(query, k)):
            # LlamaIndex may split a long page into nodes: a page counts at its best rank
            for rank, page in enumerate(dict.fromkeys(ranked), start=1):
                fused[page] = fused.get(page, 0.0) + 1.0 / (RRF_K + rank)
        return sorted(fused, key=lambda p: -fused[p])[:k]


def standard_baselines(chunks: Sequence[Passage], pages: list[PageRecord],
                       embedder: Any) -> list[Baseline]:
    """What ``policykb eval --baselines`` runs beside PolicyKB: bm25s over the chunks,
    LlamaIndex over the pages, and their naive RRF hybrid (sharing LlamaIndex's vectors,
    which take the longest to build)."""
    vector = LlamaIndexBaseline(pages, embedder)
    return [PlainBM25Baseline(chunks), vector, NaiveRRFBaseline(pages, vector=vector)]
