"""Cited answers without a language model: the most relevant, non-redundant sentences of
the retrieved passages, ordered by document and position, each citing its exact span.

It never writes a word of its own beyond fixed notices: when the evidence is too weak it
says the indexed documents do not answer, and lists the closest documents.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from answers.events import (
    AnswerEvent,
    DoneEvent,
    NoteEvent,
    SentenceEvent,
    StartEvent,
    sentence_event,
)
from answers.types import Answer, AnswerSentence, Citation, ClosestDocument
from index.evidence import EvidenceSentence, score_sentences, select, sentences_of
from index.search_types import Hit, SearchFilters
from index.searcher import Searcher
from index.sparse import SparseIndex

NOT_FOUND = {
    "en": "The indexed documents do not answer this question.",
    "km": "ឯកសារដែលមានក្នុងប្រព័ន្ធ មិនឆ្លើយសំណួរនេះទេ។",
}
OTHER_LANGUAGE_NOTE = {
    ("km", "en"): "ភស្តុតាងសម្រាប់ចម្លើយនេះ មានតែជាភាសាអង់គ្លេសប៉ុណ្ណោះ។",
    ("en", "km"): "The evidence for this answer is in Khmer only.",
    ("km", "mixed"): "ភស្តុតាងខ្លះសម្រាប់ចម្លើយនេះ ជាភាសាអង់គ្លេស។",
    ("en", "mixed"): "Part of the evidence for this answer is in Khmer.",
}

_SPACES = re.compile(r"\s+")
# list bullets, PDF private-use bullet glyphs and Markdown heading marks at a sentence's start
_LEADING_MARKS = re.compile(r"^(?:[#\-*•▪●\uf000-\uf8ff]+\s*)+")


def display_text(quote: str) -> str:
    """The quote as a sentence of the answer: whitespace folded, bullets dropped. The
    citation keeps the exact quote."""
    return _LEADING_MARKS.sub("", _SPACES.sub(" ", quote).strip()).replace("\uf0b7", "")


class ExtractiveAnswerer:
    """Composes an answer from evidence sentences; dependencies are passed in."""

    def __init__(self, searcher: Searcher, sparse: Callable[[], SparseIndex],
                 embed: Callable[[list[str]], Any] | None,
                 split_sentences: Callable[[str], list[tuple[int, int]]],
                 *, passages: int = 8, min_lexical: float = 0.4, min_dense: float = 0.35,
                 sure_dense: float = 0.5) -> None:
        self.searcher = searcher
        self.sparse = sparse
        self.embed = embed
        self.split_sentences = split_sentences
        self.passages = passages
        self.min_lexical = min_lexical
        self.min_dense = min_dense
        self.sure_dense = sure_dense

    def answer(self, question: str, filters: SearchFilters | None = None) -> Answer:
        started = time.perf_counter()
        query = self.searcher.analyze(question)
        language = "km" if query.language == "km" else "en"
        response = self.searcher.search(question, k=self.passages, filters=filters, per_doc=3,
                                        rerank=None)
        hits = response.hits
        evidence = sentences_of(hits, self.split_sentences, self.searcher.analyzer)
        index = self.sparse()
        score_sentences(evidence, query, index.idf, self.embed,
                        self.searcher.query_vector(query), self.searcher.embedder.languages,
                        {h.chunk_id: rank for rank, h in enumerate(hits)},
                        unknown_idf=index.max_idf())
        chosen = select(evidence)
        if not chosen or not self._strong_enough(chosen[0]):
            return Answer(question=question, language=language, mode="extractive", found=False,
                          answer=NOT_FOUND[language],
                          closest_documents=_closest(response.hits),
                          took_ms=(time.perf_counter() - started) * 1000)
        answer = compose(question, language, chosen)
        answer.took_ms = (time.perf_counter() - started) * 1000
        return answer

    def events(self, question: str, filters: SearchFilters | None = None) -> Iterator[AnswerEvent]:
        """The answer as a stream of events: one per sentence, then the whole answer."""
        answer = self.answer(question, filters)
        yield StartEvent(answer.language, answer.mode, answer.found)
        if answer.note:
            yield NoteEvent(answer.note)
        for sentence in answer.sentences:
            yield sentence_event(sentence.text, sentence.citations, answer.citations)
        if not answer.found:
            yield SentenceEvent(answer.answer, [])
        yield DoneEvent(answer)

    def _strong_enough(self, best: EvidenceSentence) -> bool:
        """Enough of the question's weight is in the sentence and, where the embedder can
        judge, the meaning agrees; or the meaning agrees strongly on its own."""
        readable = best.language in self.searcher.embedder.languages
        if readable and best.dense >= self.sure_dense:
            return True
        return best.lexical >= self.min_lexical and (not readable or best.dense >= self.min_dense)


def compose(question: str, language: str, chosen: list[EvidenceSentence]) -> Answer:
    """Order the chosen sentences by document (best document first) and position, number
    their citations in order of appearance, and note when the evidence is in the other language."""
    doc_order: dict[str, int] = {}
    for sentence in chosen:  # chosen is best-first
        doc_order.setdefault(sentence.hit.doc_id, len(doc_order))
    ordered = sorted(chosen, key=lambda s: (doc_order[s.hit.doc_id], s.hit.page, s.start))
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for sentence in ordered:
        citation = Citation(id=len(citations) + 1, doc_id=sentence.hit.doc_id,
                            title=sentence.hit.title, page=sentence.hit.page, start=sentence.start,
                            end=sentence.end, quote=sentence.text, language=sentence.language,
                            doc_type=sentence.hit.doc_type)
        citations.append(citation)
        sentences.append(AnswerSentence(display_text(sentence.text), [citation.id],
                                        sentence.language))
    evidence_languages = {s.language for s in sentences}
    note = None
    if language not in evidence_languages:
        note = OTHER_LANGUAGE_NOTE.get((language, "en" if language == "km" else "km"))
    elif len(evidence_languages - {"mixed"}) > 1:
        note = OTHER_LANGUAGE_NOTE.get((language, "mixed"))
    text = " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
    return Answer(question=question, language=language, mode="extractive", found=True,
                  answer=text, sentences=sentences, citations=citations, note=note)




def _closest(hits: list[Hit], n: int = 3) -> list[ClosestDocument]:
    seen: dict[str, ClosestDocument] = {}
    for hit in hits:
        if hit.doc_id not in seen:
            seen[hit.doc_id] = ClosestDocument(hit.doc_id, hit.title, hit.page)
    return list(seen.values())[:n]
