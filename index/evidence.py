"""Evidence sentences: the retrieved passages cut into sentences with exact page offsets,
scored against the question (lexical overlap of analysed terms, weighted by idf, plus
dense similarity where the embedder reads the sentence's language)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from index.query import AnalyzedQuery
from index.search_types import Hit
from ingest.khmer.script import BASE_CLASS
from ingest.language import detect_language
from ingest.structure import classify_line

if TYPE_CHECKING:
    from ingest.analysis import Analyzer

_HAS_LETTER = re.compile(f"[A-Za-z{BASE_CLASS}]")


@dataclass
class EvidenceSentence:
    hit: Hit
    start: int  # offsets into the page text
    end: int
    text: str
    language: str
    terms: frozenset[str]
    context_terms: frozenset[str] = frozenset()  # from the heading path the sentence sits under
    lexical: float = 0.0
    dense: float = 0.0
    score: float = 0.0


def sentences_of(hits: Sequence[Hit], split: Callable[[str], list[tuple[int, int]]],
                 analyzer: Analyzer, min_chars: int = 25,
                 max_chars: int = 700) -> list[EvidenceSentence]:
    """Every usable sentence of the passages, located exactly in its page, with its terms
    by the ``analyzer`` the question's terms came from."""
    out: list[EvidenceSentence] = []
    for hit in hits:
        context = frozenset(analyzer.analyze(hit.heading)) if hit.heading else frozenset()
        for s, e in split(hit.text):
            text = hit.text[s:e]
            if not (min_chars <= len(text) <= max_chars) or not _HAS_LETTER.search(text):
                continue
            if "\n" not in text.strip() and classify_line(text).kind == "heading":
                continue  # a heading says what follows, it does not answer anything
            terms = frozenset(analyzer.analyze(text))
            out.append(EvidenceSentence(hit, hit.start + s, hit.start + e, text,
                                        str(detect_language(text)), terms, context - terms))
    return out


def score_sentences(sentences: list[EvidenceSentence], query: AnalyzedQuery,
                    idf: Callable[[str], float], embed: Callable[[list[str]], np.ndarray] | None,
                    query_vector: np.ndarray | None, readable: frozenset[str],
                    passage_rank: dict[str, int], max_embedded: int = 24,
                    unknown_idf: float = 8.0) -> None:
    """Fills ``lexical``, ``dense`` and ``score`` in place.

    lexical: the idf-weighted share of the question's terms (or of their translation, for a
    sentence in the other language) that the sentence contains. dense: cosine similarity
    to the question for languages the embedder reads; elsewhere the lexical score stands in.
    """
    own = {t: idf(t) or unknown_idf for t in set(query.terms)}  # a word no document has
    other = {t: idf(t) or unknown_idf for t in set(query.translated_terms)}  # counts fully
    own_total, other_total = sum(own.values()) or 1.0, sum(other.values()) or 1.0
    def weight(weights: dict[str, float], sentence: EvidenceSentence) -> float:
        # a term in the sentence's heading counts half: "Strategy 2: Cybersecurity capacity
        # building" is what the sentences under it are about, but less directly
        return sum(w if t in sentence.terms else 0.5 * w if t in sentence.context_terms else 0.0
                   for t, w in weights.items())

    for sentence in sentences:
        a = weight(own, sentence) / own_total
        # the translation only speaks for the part of the question the glossary recognised
        b = weight(other, sentence) / other_total * query.coverage if other else 0.0
        sentence.lexical = max(a, b)
    readable_sentences = sorted((s for s in sentences if s.language in readable),
                                key=lambda s: -s.lexical)[:max_embedded]
    if embed is not None and query_vector is not None and readable_sentences:
        vectors = embed([f"{s.hit.heading}\n{s.text}" if s.hit.heading else s.text
                         for s in readable_sentences])
        for sentence, vector in zip(readable_sentences, vectors, strict=True):
            sentence.dense = float(np.dot(vector, query_vector))
    for sentence in sentences:
        if sentence.language not in readable or query_vector is None:
            sentence.dense = sentence.lexical
        prior = 1.0 / (1.0 + 0.15 * passage_rank.get(sentence.hit.chunk_id, 10))
        # Evidence in the question's language is preferred; the other language must be
        # clearly better to be chosen.
        language_factor = 1.0 if sentence.language in (query.language, "mixed") else 0.75
        sentence.score = language_factor * (0.5 * sentence.lexical + 0.4 * sentence.dense + 0.1 * prior)


def select(sentences: list[EvidenceSentence], max_sentences: int = 4, max_chars: int = 900,
           redundancy: float = 0.5) -> list[EvidenceSentence]:
    """Greedy selection of the best sentences that do not repeat each other."""
    chosen: list[EvidenceSentence] = []
    used = 0
    for sentence in sorted(sentences, key=lambda s: -s.score):
        if len(chosen) >= max_sentences or used + len(sentence.text) > max_chars and chosen:
            continue
        if any(_jaccard(sentence.terms, c.terms) > redundancy for c in chosen):
            continue
        chosen.append(sentence)
        used += len(sentence.text)
    return chosen


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
