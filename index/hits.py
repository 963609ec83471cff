"""A search result (and its twin in the other language) from a catalog chunk: the fields the
response shows and a snippet with the question's words highlighted (split from
``index/searcher.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.models import ChunkRecord, DocumentRecord
from index.search_types import Hit, ScoreBreakdown, Twin
from index.snippets import find_highlights, make_snippet
from index.twins import twin_key


def build_hit(chunk: ChunkRecord, doc: DocumentRecord, terms: list[str], scores: ScoreBreakdown,
              analyze_word: Callable[[str], Any]) -> Hit:
    """A chunk as a result, its snippet highlighting the question's ``terms``."""
    highlights = find_highlights(chunk.text, terms, analyze_word)
    snippet, snippet_spans, _ = make_snippet(chunk.text, highlights)
    return Hit(chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=doc.title,
               twin_key=twin_key(chunk.doc_id),
               doc_type=doc.doc_type, language=chunk.language, doc_language=doc.language,
               date=doc.date, issuing_body=doc.issuing_body, page=chunk.page,
               start=chunk.start, end=chunk.end, heading=chunk.heading, text=chunk.text,
               snippet=snippet, highlights=snippet_spans, scores=scores,
               country=doc.metadata.get("country") or None,
               country_name=doc.metadata.get("country_name") or None)


def build_twin(chunk: ChunkRecord, doc: DocumentRecord, terms: list[str],
               analyze_word: Callable[[str], Any]) -> Twin:
    """The same item in the other language, shown beside a hit with a shorter snippet."""
    highlights = find_highlights(chunk.text, terms, analyze_word)
    snippet, _, _ = make_snippet(chunk.text, highlights, 200)
    return Twin(doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=doc.title,
                language=chunk.language, page=chunk.page, snippet=snippet)
