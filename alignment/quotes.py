"""The quotes that back a strategy: the best sentence of each of its best passages, an exact
span of the page text, cut at table-row boundaries so a quote never runs from one priority
action into the next, and carrying its row's columns when it lies in one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from alignment.table_rows import RowIndex
from alignment.types import EvidenceQuote
from core.models import ChunkRecord
from index.evidence import EvidenceSentence, score_sentences, sentences_of
from index.query import AnalyzedQuery
from index.search_types import Hit, ScoreBreakdown
from index.sparse import SparseIndex

Split = Callable[[str], list[tuple[int, int]]]
MAX_ROW_QUOTE = 700  # longer rows (a group's description run into them) keep the sentence


def best_quotes(chunks: list[ChunkRecord], query: AnalyzedQuery, query_vector: np.ndarray | None,
                *, split: Split, analyzer: Any, index: SparseIndex,
                embed: Callable[[list[str]], np.ndarray], readable: frozenset[str],
                rows: RowIndex | None = None) -> list[EvidenceQuote]:
    """One quote per passage (best first), scored like answer evidence: lexical overlap with
    the mechanism's terms and, where the embedder reads the sentence, dense similarity."""
    if not chunks:
        return []
    hits = [_as_hit(c) for c in chunks]
    sentences: list[EvidenceSentence] = []
    for hit in hits:
        sentences += sentences_of([hit], _row_split(split, rows, hit), analyzer)
    score_sentences(sentences, query, index.idf, embed, query_vector, readable,
                    {h.chunk_id: i for i, h in enumerate(hits)}, max_embedded=12,
                    unknown_idf=index.max_idf())
    quotes: list[EvidenceQuote] = []
    for hit in hits:
        own = [s for s in sentences if s.hit is hit]
        if not own:
            continue
        best = max(own, key=lambda s: 0.6 * s.dense + 0.4 * s.lexical)
        if any((q.doc_id, q.page, q.start) == (hit.doc_id, hit.page, best.start) for q in quotes):
            continue
        part = rows.row_at(hit.doc_id, hit.page, best.start, best.end) if rows else None
        if part is None:
            quotes.append(EvidenceQuote(hit.doc_id, hit.page, best.text, best.start, best.end))
        elif not any(q.row == part.row and q.doc_id == hit.doc_id for q in quotes):
            # a table row is quoted whole (its part of this page), not a sentence cut from it;
            # a second passage reaching the same row adds nothing
            text, start, end = (part.text, part.start, part.end) \
                if len(part.text) <= MAX_ROW_QUOTE else (best.text, best.start, best.end)
            quotes.append(EvidenceQuote(hit.doc_id, hit.page, text, start, end, part.row))
    return quotes


def candidate_texts(chunks: list[ChunkRecord], *, split: Split, analyzer: Any,
                    readable: frozenset[str], rows: RowIndex | None = None) -> list[str]:
    """Every text :func:`best_quotes` may give the embedder for these chunks (each readable
    sentence, under its heading, exactly as ``index.evidence.score_sentences`` words it): what
    ``alignment.precompute`` embeds once per index generation."""
    texts: list[str] = []
    for hit in (_as_hit(c) for c in chunks):
        for sentence in sentences_of([hit], _row_split(split, rows, hit), analyzer):
            if sentence.language in readable:
                texts.append(f"{hit.heading}\n{sentence.text}" if hit.heading else sentence.text)
    return texts


def _row_split(split: Split, rows: RowIndex | None, hit: Hit) -> Split:
    """``split``, with every sentence also cut where a table row of the page starts or ends
    (offsets are the chunk's own; pieces are trimmed of surrounding space)."""
    cuts = [c - hit.start for c in rows.cuts(hit.doc_id, hit.page, hit.start, hit.end)] \
        if rows else []
    if not cuts:
        return split

    def cut(text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for start, end in split(text):
            bounds = [start, *(c for c in cuts if start < c < end), end]
            for lo, hi in zip(bounds, bounds[1:], strict=False):
                piece = text[lo:hi]
                lo, hi = lo + len(piece) - len(piece.lstrip()), hi - (len(piece) - len(piece.rstrip()))
                if lo < hi:
                    out.append((lo, hi))
        return out

    return cut


def _as_hit(chunk: ChunkRecord) -> Hit:
    return Hit(chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title="", doc_type="policy",
               language=chunk.language, doc_language=chunk.language, date=None, issuing_body=None,
               page=chunk.page, start=chunk.start, end=chunk.end, heading=chunk.heading,
               text=chunk.text, snippet="", highlights=[], scores=ScoreBreakdown(fused=0.0))
