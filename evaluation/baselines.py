"""What a user would otherwise pick, run on the same ingested corpus for a fair comparison:
plain bm25s (its default tokenizer, no Khmer segmentation) and LlamaIndex's default
``VectorStoreIndex`` pipeline with the same MiniLM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.models import ChunkRecord, PageRecord


@dataclass(frozen=True)
class RankedPassage:
    doc_id: str
    page: int


class PlainBM25Baseline:
    """bm25s with its default tokenizer over the same chunk texts."""

    name = "bm25s (default tokenizer)"

    def __init__(self, chunks: list[ChunkRecord]) -> None:
        import bm25s

        self._chunks = chunks
        self._retriever = bm25s.BM25()
        self._retriever.index(bm25s.tokenize([c.text for c in chunks], show_progress=False),
                              show_progress=False)

    def search(self, query: str, k: int) -> list[RankedPassage]:
        import bm25s

        tokens = bm25s.tokenize([query], show_progress=False)
        if not tokens.vocab:
            return []
        docs, scores = self._retriever.retrieve(tokens, k=min(k, len(self._chunks)),
                                                show_progress=False)
        return [RankedPassage(self._chunks[int(i)].doc_id, self._chunks[int(i)].page)
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
