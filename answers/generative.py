"""Generative answers from any OpenAI-compatible chat endpoint (llama.cpp, vLLM, Ollama),
through llama-index's LLM abstraction — held to the numbered evidence.

The model sees only the retrieved passages, numbered; every sentence it writes must cite
them as [n]. Sentences without a valid citation are dropped (and reported), never shown as
fact. When nothing verifiable remains, the extractive answer is given instead.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence

from answers.conversation import Turn
from answers.events import (
    AnswerEvent,
    DoneEvent,
    SentenceEvent,
    StartEvent,
    final_answer,
    sentence_event,
)
from answers.extractive import NOT_FOUND, ExtractiveAnswerer
from answers.types import Answer, AnswerSentence, Citation
from index.search_types import Hit, SearchFilters
from ingest.analysis import Analyzer
from ingest.language import detect_language

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = """You answer questions about Cambodian government policy documents.
Use ONLY the numbered evidence passages you are given. Every sentence you write must end with
the number of the passage that supports it in square brackets, like [1] or [2][3].
Do not use any knowledge that is not in the evidence. If the evidence does not answer the
question, reply with exactly: NOT_FOUND
Answer in {language}, in at most five sentences.
Earlier turns of the conversation, if any, only say what the question refers to ("its", "that
policy"): never cite them, only the numbered evidence of the last message."""

#: The conversation the model sees: the last turns, each answer cut to this many characters.
PROMPT_TURNS = 4
PROMPT_ANSWER_CHARS = 1200

_MARKER = re.compile(r"\[(\d{1,3})\]")
_SPACE_BEFORE_STOP = re.compile(r"\s+([.!?;:។៕])")
_LANGUAGE_NAMES = {"en": "English", "km": "Khmer"}
UNVERIFIED_NOTE = ("The language model's answer could not be verified against the documents; "
                   "this is the extractive answer instead.")


def build_messages(question: str, language: str, hits: list[Hit],
                   history: Sequence[Turn] = ()) -> list[dict[str, str]]:
    """System prompt, the last turns of the conversation (their old [n] markers removed: they
    point at evidence the model no longer sees), then the evidence and the question."""
    evidence = "\n\n".join(
        f"[{n}] ({hit.title}, page {hit.page})\n{hit.text}" for n, hit in enumerate(hits, 1))
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT.format(language=_LANGUAGE_NAMES[language])}]
    for turn in history[-PROMPT_TURNS:]:
        messages.append({"role": "user", "content": turn.question})
        if turn.answer:
            answer = _MARKER.sub("", turn.answer)[:PROMPT_ANSWER_CHARS].strip()
            messages.append({"role": "assistant", "content": answer})
    messages.append(
        {"role": "user", "content": f"Evidence:\n\n{evidence}\n\nQuestion: {question}"})
    return messages


class GenerativeAnswerer:
    """Wraps a chat model; ``chat(messages) -> str`` and ``stream(messages) -> Iterator[str]``."""

    def __init__(self, extractive: ExtractiveAnswerer, chat: Callable[[list[dict[str, str]]], str],
                 stream: Callable[[list[dict[str, str]]], Iterator[str]] | None,
                 split_sentences: Callable[[str], list[tuple[int, int]]], *, passages: int = 6) -> None:
        self.extractive = extractive
        self.chat = chat
        self.stream = stream
        self.split_sentences = split_sentences
        self.passages = passages

    def answer(self, question: str, filters: SearchFilters | None = None, *,
               history: Sequence[Turn] = (), asked: str | None = None) -> Answer:
        return final_answer(self.events(question, filters, streaming=False, history=history,
                                        asked=asked))

    def events(self, question: str, filters: SearchFilters | None = None,
               streaming: bool = True, *, history: Sequence[Turn] = (),
               asked: str | None = None) -> Iterator[AnswerEvent]:
        """``question`` is what is searched (a follow-up resolved against the conversation);
        the model reads ``asked`` (the user's own words, default ``question``) after the
        previous turns, ``history``."""
        started = time.perf_counter()
        base = self.extractive.answer(question, filters)
        language = base.language
        if not base.found:  # too weak to ask a model about: it would only invent
            base.mode = "generative"
            yield StartEvent(language, "generative", False)
            yield SentenceEvent(base.answer, [])
            yield DoneEvent(base)
            return
        hits = self.extractive.searcher.search(question, k=self.passages, filters=filters,
                                               per_doc=3).hits
        messages = build_messages(asked or question, language, hits, history)
        yield StartEvent(language, "generative", True)
        # citations are matched with the analyser the passages were found with
        checker = _Checker(hits, self.split_sentences, self.extractive.searcher.analyzer)
        if streaming and self.stream is not None:
            buffer = ""
            for delta in self.stream(messages):
                buffer += delta
                complete, buffer = _complete_sentences(buffer, self.split_sentences)
                for text in complete:
                    event = checker.check(text)
                    if event:
                        yield event
            tail = buffer
        else:
            tail = self.chat(messages)
        if tail.strip() == "NOT_FOUND" and not checker.sentences:
            answer = Answer(question=question, language=language, mode="generative", found=False,
                            answer=NOT_FOUND[language], closest_documents=base.closest_documents)
        else:
            for text in _all_sentences(tail, self.split_sentences):
                event = checker.check(text)
                if event:
                    yield event
            answer = checker.result(question, language)
            if not answer.sentences:
                answer = base
                answer.mode = "generative"
                answer.note = UNVERIFIED_NOTE
                answer.dropped_sentences = checker.dropped
                for sentence in answer.sentences:
                    yield sentence_event(sentence.text, sentence.citations, answer.citations)
        answer.took_ms = (time.perf_counter() - started) * 1000
        yield DoneEvent(answer)


class _Checker:
    """Validates each generated sentence's citations and resolves them to exact spans."""

    def __init__(self, hits: list[Hit], split: Callable[[str], list[tuple[int, int]]],
                 analyzer: Analyzer) -> None:
        self.hits = hits
        self.split = split
        self.analyzer = analyzer
        self.sentences: list[AnswerSentence] = []
        self.citations: list[Citation] = []
        self.by_evidence: dict[tuple[int, int, int], int] = {}
        self.dropped: list[str] = []

    def check(self, raw: str) -> SentenceEvent | None:
        text = raw.strip()
        if not text:
            return None
        numbers = [int(n) for n in _MARKER.findall(text)]
        bare = _SPACE_BEFORE_STOP.sub(r"\1", _MARKER.sub("", text)).strip()
        if not numbers or any(n < 1 or n > len(self.hits) for n in numbers) or not bare:
            self.dropped.append(text)
            return None
        ids = [self._cite(n, bare) for n in dict.fromkeys(numbers)]
        sentence = AnswerSentence(bare, ids, str(detect_language(bare)))
        self.sentences.append(sentence)
        return sentence_event(bare, ids, self.citations)

    def _cite(self, n: int, claim: str) -> int:
        """The sentence of passage n that shares most terms with the claim: its exact span."""
        hit = self.hits[n - 1]
        claim_terms = set(self.analyzer.analyze(claim))
        best, best_overlap = (0, len(hit.text)), -1
        for s, e in self.split(hit.text):
            overlap = len(claim_terms & set(self.analyzer.analyze(hit.text[s:e])))
            if overlap > best_overlap:
                best, best_overlap = (s, e), overlap
        key = (n, *best)
        if key not in self.by_evidence:
            citation = Citation(id=len(self.citations) + 1, doc_id=hit.doc_id, title=hit.title,
                                page=hit.page, start=hit.start + best[0], end=hit.start + best[1],
                                quote=hit.text[best[0]:best[1]], language=hit.language,
                                doc_type=hit.doc_type, page_label=hit.page_label,
                                passage_start=hit.start, passage_end=hit.end)
            self.citations.append(citation)
            self.by_evidence[key] = citation.id
        return self.by_evidence[key]

    def result(self, question: str, language: str) -> Answer:
        text = " ".join(f"{s.text} " + "".join(f"[{i}]" for i in s.citations) for s in self.sentences)
        return Answer(question=question, language=language, mode="generative",
                      found=bool(self.sentences), answer=text, sentences=self.sentences,
                      citations=self.citations, dropped_sentences=self.dropped)


def _complete_sentences(buffer: str, split: Callable[[str], list[tuple[int, int]]]) -> tuple[list[str], str]:
    """Sentences that are certainly finished (all but the last), and the unfinished rest."""
    spans = split(buffer)
    if len(spans) < 2:
        return [], buffer
    done = [buffer[s:e] for s, e in spans[:-1]]
    return done, buffer[spans[-1][0]:]


def _all_sentences(text: str, split: Callable[[str], list[tuple[int, int]]]) -> list[str]:
    return [text[s:e] for s, e in split(text)]
