"""Cited answers without a language model: the most relevant, non-redundant sentences of
the retrieved passages, grouped by document and introduced by where they come from (the
policy and strategy, or the document and heading), each citing its exact span.

It never writes a word of its own beyond fixed notices and the names of its sources. Before
composing it checks that the evidence can answer: strong enough (else "not found" with the
closest documents), about the question's key entities (a place, an institution, a year the
evidence never mentions means "not found" too), in the question's language when that language
has it (the other language's sentences are kept as ``alternates``), and covering each part
of a two-part question. List questions ("what strategies does X have") are answered from the
policy registry (``answers/lists.py``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from answers.entities import Entity, key_entities, mentions
from answers.events import (
    AnswerEvent,
    DoneEvent,
    NoteEvent,
    SentenceEvent,
    StartEvent,
    sentence_event,
)
from answers.lists import list_answer, list_question, named_policy
from answers.naming import lead, page_text
from answers.notices import ENTITY_NOTE, NOT_FOUND, OTHER_LANGUAGE_NOTE
from answers.parts import asks_for, numbers_in, question_parts, states
from answers.sections import PolicyRef, Section, SectionLookup
from answers.types import Alternate, Answer, AnswerSentence, Citation, ClosestDocument
from index.evidence import EvidenceSentence, score_sentences, select, sentences_of
from index.query import AnalyzedQuery
from index.search_types import Hit, SearchFilters
from index.searcher import Searcher
from index.sparse import SparseIndex

if TYPE_CHECKING:
    from index.glossary import Glossary

__all__ = ["NOT_FOUND", "OTHER_LANGUAGE_NOTE", "ExtractiveAnswerer", "compose", "display_text"]

_SPACES = re.compile(r"\s+")
# list bullets, PDF private-use bullet glyphs and Markdown heading marks at a sentence's start
_LEADING_MARKS = re.compile(r"^(?:[#\-*•▪●\uf000-\uf8ff]+\s*)+")
_WHICH_POLICY = re.compile(r"\b(?:which|what)\b(?:\s+\w+){0,3}\s+(?:polic(?:y|ies)|strateg(?:y|ies)"
                           r"|plans?|frameworks?)\b", re.IGNORECASE)
_KM_WHICH_POLICY = ("គោលនយោបាយណា", "គោលនយោបាយអ្វី", "យុទ្ធសាស្ត្រណា", "ផែនការណា")
#: a sentence of a registered policy's strategy weighs this much more for "which policy"
POLICY_BOOST = 1.3
#: a sentence stating the kind of fact asked for (a number, a year) weighs this much more
FACT_BOOST = 1.15
#: a sentence naming every key entity of the question weighs this much more
ENTITY_BOOST = 1.1


def shown(sentence: EvidenceSentence) -> str:
    """What the answer shows for an evidence unit: a priority-action table row read as its
    columns (action — responsible — timeline), any other sentence as its display text; the
    citation keeps the exact quote either way."""
    row = getattr(sentence, "row", None)
    return display_text(row.display() if row is not None else sentence.text)


def display_text(quote: str) -> str:
    """The quote as a sentence of the answer: whitespace folded, bullets dropped. The
    citation keeps the exact quote."""
    return _LEADING_MARKS.sub("", _SPACES.sub(" ", quote).strip()).replace("\uf0b7", "")


def asks_which_policy(question: str) -> bool:
    """"Which national policies cover X?": the answer must lead with the policy's name."""
    return bool(_WHICH_POLICY.search(question)) or any(w in question for w in _KM_WHICH_POLICY)


class ExtractiveAnswerer:
    """Composes an answer from evidence sentences; dependencies are passed in.

    ``sections`` (the policy registry, optional) names strategies and answers list
    questions; ``glossary`` (optional) lets the entity check see a Khmer place name in
    English evidence and the reverse."""

    def __init__(self, searcher: Searcher, sparse: Callable[[], SparseIndex],
                 embed: Callable[[list[str]], Any] | None,
                 split_sentences: Callable[[str], list[tuple[int, int]]],
                 *, passages: int = 8, min_lexical: float = 0.4, min_dense: float = 0.35,
                 sure_dense: float = 0.5, sure_lexical: float = 0.8,
                 sections: SectionLookup | None = None,
                 glossary: Glossary | None = None) -> None:
        self.searcher = searcher
        self.sparse = sparse
        self.embed = embed
        self.split_sentences = split_sentences
        self.passages = passages
        self.min_lexical = min_lexical
        self.min_dense = min_dense
        self.sure_dense = sure_dense
        self.sure_lexical = sure_lexical
        self.sections = sections
        self.glossary = glossary

    def answer(self, question: str, filters: SearchFilters | None = None) -> Answer:
        started = time.perf_counter()
        query = self.searcher.analyze(question)
        language = "km" if query.language == "km" else "en"
        listed = self._list_answer(question, query, language, filters)
        if listed is not None:
            listed.took_ms = (time.perf_counter() - started) * 1000
            return listed
        response = self.searcher.search(question, k=self.passages, filters=filters, per_doc=3,
                                        rerank=None)
        hits = response.hits
        which_policy = self.sections is not None and asks_which_policy(question)
        if which_policy:
            hits = self._with_policies(question, hits, filters)
        evidence = [s for s in sentences_of(hits, self.split_sentences, self.searcher.analyzer)
                    if not _lead_in(s)]
        index = self.sparse()
        score_sentences(evidence, query, index.idf, self.embed,
                        self.searcher.query_vector(query), self.searcher.embedder.languages,
                        {h.chunk_id: rank for rank, h in enumerate(hits)},
                        unknown_idf=index.max_idf())
        sections = _Sections(self.sections)
        kind, known = asks_for(question), numbers_in(question)
        for sentence in evidence:  # "how many", "when": a sentence with a figure answers
            if states(kind, sentence.text, known):
                sentence.score *= FACT_BOOST
        if which_policy:
            for sentence in evidence:
                if sections.of(sentence) is not None:
                    sentence.score *= POLICY_BOOST
        entities = key_entities(question, self.glossary)
        pool, lacking = self._about_entities(evidence, entities, hits)
        if lacking:
            return self._not_found(question, language, response.hits, started, lacking)
        pool, dropped = self._language_lead(pool, language)
        chosen = select(pool)
        if not chosen or not self._strong_enough(chosen[0]):
            return self._not_found(question, language, response.hits, started)
        parts = question_parts(question)
        if len(parts) > 1:
            chosen = self._cover_parts(parts, pool, chosen, index)
        answer = compose(question, language, chosen, sections=sections,
                         policies_first=which_policy)
        answer.alternates = [_alternate(s) for s in _twins(chosen, evidence, dropped)]
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

    # -- steps -------------------------------------------------------------------------

    def _list_answer(self, question: str, query: AnalyzedQuery, language: str,
                     filters: SearchFilters | None) -> Answer | None:
        """A list question about a registered policy, answered from the registry. The policy
        is the one the question names, else the one the filters are on (a follow-up), else
        the document of the best search hits."""
        asked = list_question(question)
        if asked is None or self.sections is None:
            return None
        policies = [p for p in self.sections.policies() if p.doc_id]
        policy = named_policy(question, query.translations, policies)
        by_doc = {p.doc_id: p for p in policies}
        if policy is None and filters is not None and filters.doc_ids:
            policy = next((by_doc[d] for d in filters.doc_ids if d in by_doc), None)
        if policy is None:
            hits = self.searcher.search(question, k=self.passages, filters=filters, per_doc=3,
                                        rerank=None).hits
            policy = next((by_doc[h.doc_id] for h in hits[:3] if h.doc_id in by_doc), None)
        if policy is None or not _allowed(policy, filters):
            return None
        return list_answer(question, language, policy, asked, self.sections)

    def _with_policies(self, question: str, hits: list[Hit],
                       filters: SearchFilters | None) -> list[Hit]:
        """The hits plus the best passages of policy documents: "which policy covers X" is
        answered by a policy even where news items rank above it (the question's vector is
        cached, so this costs no model call)."""
        if filters is not None and filters.doc_types and "policy" not in filters.doc_types:
            return hits
        narrowed = replace(filters or SearchFilters(), doc_types=["policy"])
        extra = self.searcher.search(question, k=6, filters=narrowed, per_doc=2,
                                     rerank=None).hits
        seen = {h.chunk_id for h in hits}
        return hits + [h for h in extra if h.chunk_id not in seen]

    def _about_entities(self, evidence: list[EvidenceSentence], entities: list[Entity],
                        hits: list[Hit]) -> tuple[list[EvidenceSentence], list[Entity]]:
        """The evidence that is about the question's key entities, and the entities no
        retrieved passage mentions at all (the question is then about something the index
        does not cover). Sentences that name the entities weigh more, and only passages that
        name them are used if one of them is strong enough."""
        if not entities or not evidence:
            return evidence, []
        everything = [t for h in hits for t in (h.title, h.heading, h.text)]
        readable = [t for h in hits if h.language in ("en", "km", "mixed")
                    for t in (h.title, h.heading, h.text)]
        # a name is not held against a best passage in a third language ("Việt Nam")
        foreign = hits[0].language not in ("en", "km", "mixed")
        lacking = [e for e in entities
                   if mentions(e, everything if e.kind == "number" else readable) is False
                   and not (foreign and e.kind == "name")]
        if lacking:
            return [], lacking
        for sentence in evidence:
            if all(mentions(e, (sentence.text,)) is not False for e in entities):
                sentence.score *= ENTITY_BOOST
        about = [s for s in evidence if all(
            mentions(e, (s.hit.text, s.hit.heading, s.hit.title)) is not False for e in entities)]
        if about and self._strong_enough(max(about, key=lambda s: s.score)):
            return about, []
        return evidence, []

    def _language_lead(self, pool: list[EvidenceSentence], language: str
                       ) -> tuple[list[EvidenceSentence], list[EvidenceSentence]]:
        """The question's language leads: when it has evidence strong enough and not far
        behind the other language's, only that evidence is used; the other language's best
        sentences are returned too, as candidate alternates."""
        same = [s for s in pool if s.language in (language, "mixed")]
        other = sorted((s for s in pool if s.language not in (language, "mixed")),
                       key=lambda s: -s.score)
        if not same or not other:
            return pool, []
        best_same = max(same, key=lambda s: s.score)
        if not self._strong_enough(best_same) or best_same.score < 0.6 * other[0].score:
            return pool, []
        return same, [s for s in other[:2] if self._strong_enough(s)]

    def _cover_parts(self, parts: list[str], pool: list[EvidenceSentence],
                     chosen: list[EvidenceSentence], index: SparseIndex,
                     most: int = 5) -> list[EvidenceSentence]:
        """Each part of the question gets the sentence that answers it best (its own words,
        the kind of fact it asks for, the whole question's score), unless one chosen already
        does. Lexical only: no extra model call."""
        analyzer = self.searcher.analyzer
        top = max((s.score for s in pool), default=1.0) or 1.0
        out = list(chosen)
        every = {t: index.idf(t) or index.max_idf() for t in analyzer.analyze(" ".join(parts))}
        for part in parts:
            own = set(analyzer.analyze(part))
            # the other parts' words count a little: "when does it end" is about "it"
            terms = {t: w if t in own else 0.3 * w for t, w in every.items()}
            total = sum(terms.values()) or 1.0
            kind, known = asks_for(part), numbers_in(part)

            def fit(s: EvidenceSentence, terms: dict[str, float] = terms, total: float = total,
                    kind: str | None = kind, known: frozenset[str] = known) -> float:
                share = sum(w for t, w in terms.items() if t in s.terms or t in s.context_terms)
                return (0.5 * share / total + 0.3 * states(kind, s.text, known)
                        + 0.2 * s.score / top)

            best = max(pool, key=fit)
            if any(fit(s) >= fit(best) * 0.9 for s in out):
                continue
            if len(out) >= most:
                out.pop()
            out.append(best)
        return out

    def _not_found(self, question: str, language: str, hits: list[Hit], started: float,
                   lacking: list[Entity] | None = None) -> Answer:
        note = None
        if lacking:
            note = ENTITY_NOTE[language].format(entity=", ".join(e.text for e in lacking))
        return Answer(question=question, language=language, mode="extractive", found=False,
                      answer=NOT_FOUND[language], closest_documents=_closest(hits), note=note,
                      took_ms=(time.perf_counter() - started) * 1000)

    def _strong_enough(self, best: EvidenceSentence) -> bool:
        """Enough of the question's weight is in the sentence and, where the embedder can
        judge, the meaning agrees; or the meaning agrees strongly on its own; or nearly all
        of the question's weight is in the sentence (MiniLM can rate a sentence that holds
        every word of the question below 0.35)."""
        readable = best.language in self.searcher.embedder.languages
        if readable and best.dense >= self.sure_dense or best.lexical >= self.sure_lexical:
            return True
        return best.lexical >= self.min_lexical and (not readable or best.dense >= self.min_dense)


class _Sections:
    """Section lookups for one answer, each asked once."""

    def __init__(self, lookup: SectionLookup | None) -> None:
        self.lookup = lookup
        self._seen: dict[tuple[str, int, int], Section | None] = {}

    def of(self, sentence: EvidenceSentence) -> Section | None:
        if self.lookup is None:
            return None
        key = (sentence.hit.doc_id, sentence.hit.page, sentence.start)
        if key not in self._seen:
            self._seen[key] = self.lookup.section(*key)
        return self._seen[key]


def compose(question: str, language: str, chosen: list[EvidenceSentence], *,
            sections: _Sections | None = None, policies_first: bool = False) -> Answer:
    """Order the chosen sentences by document (best document first; registered policies
    first when the question asks which policy) and position, introduce each document and
    each section by name, number the citations in order of appearance, and note when the
    evidence is in the other language."""
    sections = sections or _Sections(None)
    doc_order: dict[str, int] = {}
    for sentence in chosen:  # chosen is best-first
        doc_order.setdefault(sentence.hit.doc_id, len(doc_order))
    if policies_first:
        named = {s.hit.doc_id for s in chosen if sections.of(s) is not None}
        doc_order = {d: (0 if d in named else 1) * 100 + n for d, n in doc_order.items()}
    ordered = sorted(chosen, key=lambda s: (doc_order[s.hit.doc_id], s.hit.page, s.start))
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    last_doc, last_where = "", ""
    for sentence in ordered:
        hit = sentence.hit
        citation = Citation(id=len(citations) + 1, doc_id=hit.doc_id,
                            title=hit.title, page=hit.page, start=sentence.start,
                            end=sentence.end, quote=sentence.text, language=sentence.language,
                            doc_type=hit.doc_type, page_label=hit.page_label)
        citations.append(citation)
        section = sections.of(sentence)
        where = section.name if section is not None else hit.heading
        source = None
        text = shown(sentence)
        if text.casefold() == _SPACES.sub(" ", hit.title).strip().casefold():
            pass  # a headline that is its document's title names itself
        elif hit.doc_id != last_doc or where != last_where:
            title = section.policy_title if section is not None else hit.title
            source = lead(title, section, hit.heading, page_text(hit, language),
                          with_title=hit.doc_id != last_doc)
        last_doc, last_where = hit.doc_id, where
        sentences.append(AnswerSentence(f"{source}: {text}" if source else text, [citation.id],
                                        sentence.language, source=source))
    evidence_languages = {s.language for s in sentences}
    note = None
    if language not in evidence_languages:
        note = OTHER_LANGUAGE_NOTE.get((language, "en" if language == "km" else "km"))
    elif len(evidence_languages - {"mixed"}) > 1:
        note = OTHER_LANGUAGE_NOTE.get((language, "mixed"))
    text = " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
    return Answer(question=question, language=language, mode="extractive", found=True,
                  answer=text, sentences=sentences, citations=citations, note=note)


def _lead_in(sentence: EvidenceSentence) -> bool:
    """A sentence that only introduces what follows ("The priority actions are:") or repeats
    the document's title above its text says nothing by itself (a headline that is the
    whole passage does)."""
    text = _SPACES.sub(" ", sentence.text).strip()
    if text.endswith((":", "៖")):
        return True
    title = _SPACES.sub(" ", sentence.hit.title).strip()
    return text.casefold() == title.casefold() and len(sentence.hit.text.strip()) > 1.5 * len(text)


def _twins(chosen: list[EvidenceSentence], evidence: list[EvidenceSentence],
           dropped: list[EvidenceSentence], most: int = 2) -> list[EvidenceSentence]:
    """The other language's version of the answer: the best sentence of each translation
    (twin) of a cited passage, else the other-language sentences the language lead left out."""
    twins = {t.chunk_id for s in chosen for t in s.hit.twins}
    cited = {s.hit.twin_key for s in chosen if s.hit.twin_key != s.hit.doc_id}
    shown = {s.language for s in chosen} | {"mixed"}
    found = [s for s in evidence if s.language not in shown
             and (s.hit.chunk_id in twins or (s.hit.twin_key in cited
                                              and s.hit.twin_key != s.hit.doc_id))]
    best: dict[str, EvidenceSentence] = {}
    others = found or [s for s in dropped if s.language not in shown]
    for sentence in sorted(others, key=lambda s: -s.score):
        best.setdefault(sentence.hit.chunk_id, sentence)
    return list(best.values())[:most]


def _alternate(sentence: EvidenceSentence) -> Alternate:
    hit = sentence.hit
    citation = Citation(id=0, doc_id=hit.doc_id, title=hit.title, page=hit.page,
                        start=sentence.start, end=sentence.end, quote=sentence.text,
                        language=sentence.language, doc_type=hit.doc_type,
                        page_label=hit.page_label)
    return Alternate(shown(sentence), citation, sentence.language)


def _allowed(policy: PolicyRef, filters: SearchFilters | None) -> bool:
    """Whether the filters let the policy's document answer."""
    if filters is None or policy.doc_id is None:
        return True
    if filters.doc_ids and policy.doc_id not in filters.doc_ids:
        return False
    if filters.exclude_doc_ids and policy.doc_id in filters.exclude_doc_ids:
        return False
    if filters.doc_types and "policy" not in filters.doc_types:
        return False
    return not (filters.languages and "en" not in filters.languages)


def _closest(hits: list[Hit], n: int = 3) -> list[ClosestDocument]:
    seen: dict[str, ClosestDocument] = {}
    for hit in hits:
        if hit.doc_id not in seen:
            seen[hit.doc_id] = ClosestDocument(hit.doc_id, hit.title, hit.page)
    return list(seen.values())[:n]
