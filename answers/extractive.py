"""Cited answers without a language model: the most relevant, non-redundant sentences of
the retrieved passages, grouped by document and introduced by where they come from (the
policy and strategy, or the document and heading), each citing its exact span.

It never writes a word of its own beyond fixed notices and the names of its sources. Before
composing it checks that the evidence can answer (``answers/gates.py``): strong enough (else
"not found" with the closest documents), about the question's key entities, in the question's
language when that language has it (the other language's sentences are kept as
``alternates``); each part of a two-part question gets a sentence (``answers/coverage.py``).
List questions ("what strategies does X have") and a policy's own front-matter statements
are answered from the document's structure first (``answers/direct_answers.py``). This module
only runs those steps in order.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from answers.ask_evidence import UsableEvidence
from answers.asked import AskedFacts
from answers.by_parts import SearchMemo, in_subject, with_parts
from answers.compose import SectionCache, alternate, compose, declined, twins
from answers.coverage import cover_kinds, cover_parts
from answers.deeper import DEEP_PASSAGES, DEEP_WORDS, inside
from answers.direct_answers import DirectAnswers
from answers.display import can_answer, display_text
from answers.entities import key_entities, place_kinds, set_aside, with_long_forms
from answers.enumeration import boost_items, items_asked, plural_asked
from answers.events import AnswerEvent, answer_events
from answers.focus import (
    named_document_terms,
    named_documents,
    names_given,
    only_named,
    prefer_jurisdiction,
    prefer_named,
    titled_documents,
    unsupported_countries,
    without_weak_sessions,
)
from answers.fragments import is_cut_by_page, is_sentence_tail, join_fragments
from answers.gates import (
    Strength,
    about_entities,
    beyond_entities,
    entity_terms,
    language_lead,
    share_of_words,
)
from answers.neighbours import with_neighbours
from answers.notices import COUNTRY_NOTE, ENTITY_NOTE, NOT_FOUND, OTHER_LANGUAGE_NOTE
from answers.opening import opening_sentences
from answers.page_texts import PageTexts
from answers.parts import (
    COUNT_WORDS,
    QUESTION_VERBS,
    question_parts,
)
from answers.policy_questions import (
    POLICY_BOOST,
    asks_which_policy,
    every_policy,
    prefer_registered,
    with_policy_passages,
)
from answers.roles import body_asked, role_weight
from answers.sections import SectionLookup
from answers.topic import unmentioned_topic
from answers.types import Answer
from index.evidence import EvidenceSentence, score_sentences
from index.search_types import Hit, SearchFilters
from index.searcher import Searcher
from index.sparse import SparseIndex
from ingest.language import asked_in

if TYPE_CHECKING:
    from index.glossary import Glossary

__all__ = ["NOT_FOUND", "OTHER_LANGUAGE_NOTE", "ExtractiveAnswerer", "compose", "display_text"]


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
        self.strength = Strength(searcher.embedder.languages, min_lexical, min_dense,
                                 sure_dense, sure_lexical)
        self.sections = sections
        self.glossary = glossary
        # words that frame a question, never what it asks about: "province" (ខេត្ត) is part
        # of a place's name, ចំនួន ("number") asks for a count, ធ្វើ ("do") asks what happened
        self.framing_terms = frozenset(
            t for word in (*place_kinds(glossary), *COUNT_WORDS, *QUESTION_VERBS)
            for t in searcher.analyzer.analyze(word))
        # each passage's lead-in and debris verdicts, once per index generation
        self.usable = UsableEvidence(split_sentences, searcher.analyzer)
        self.texts = PageTexts(searcher.catalog)
        self.direct = DirectAnswers(searcher, sections, passages)

    def answer(self, question: str, filters: SearchFilters | None = None,
               asks: str = "") -> Answer:
        """The answer to ``question``; ``asks``: the user's own words when the question
        searched also carries the conversation's subject (see ``Attempt.asks``)."""
        search = SearchMemo(self.searcher.search)  # the parts search as the whole did
        whole = self._answer(question, filters, asks, deep=False, search=search)
        parts = question_parts(question)
        # each part on its own too ("When and where was it held?": "When" alone asks nothing)
        if len(parts) > 1 and not asks_which_policy(question) \
                and all(self.searcher.analyze(part).terms for part in parts):
            return with_parts(question, whole, parts, [self._answer(
                part, filters, asks, deep=False, whole=question, search=search) for part in parts])
        return whole

    def _answer(self, question: str, filters: SearchFilters | None, asks: str,
                deep: bool, whole: str = "", search: Callable[..., Any] | None = None) -> Answer:
        """``deep``: the second look inside one document (``_look_deeper``), over its
        ``DEEP_PASSAGES`` best passages instead of the usual few per document; its answer
        stands only if the sentence stating the fact holds, in the question's language,
        ``DEEP_WORDS`` of the words the question asks with apart from its key entities and
        the document's title (the document is already theirs): "The State Government
        announced its first IT Policy in 1998." holds announce, first and policy; a list of
        laws naming "the Sub-decree on Digital Signatures (2018)" does not answer when the
        digital security sub-decree was signed. ``whole``: the whole question when
        ``question`` is one of its parts (``answers/by_parts.py``): the whole finds the
        passages and names the documents and entities, the part picks the sentences."""
        started = time.perf_counter()
        whole, search = whole or question, search or self.searcher.search
        query = self.searcher.analyze(question)
        query_whole = query if whole == question else self.searcher.analyze(whole)
        language = asked_in(question)
        listed = None if deep else self.direct.from_registry(question, query, language, filters)
        if listed is None:
            response = search(
                whole, k=DEEP_PASSAGES if deep else self.passages, filters=filters,
                per_doc=None if deep else 3, rerank=None)
            listed = None if deep else self.direct.from_headings(question, language,
                                                                 response.hits)
        if listed is not None:
            listed.took_ms = (time.perf_counter() - started) * 1000
            return listed
        hits = response.hits
        which_policy = self.sections is not None and asks_which_policy(question)
        named = named_documents(whole, query_whole.translations, self.sections)
        if which_policy or named:
            hits = with_policy_passages(search, whole, hits, filters, named)
        hits, ranks = with_neighbours(hits, self.searcher.catalog)
        index = self.sparse()
        facts = AskedFacts.of(question)
        kinds, known, stating = facts.kinds, facts.known, facts.stated_by
        items = items_asked(question)
        evidence = units = self.usable(hits, index.generation,
                                       facts.counted_in_lead_in if facts.counted else None,
                                       lead_ins=items is None)
        if not which_policy:  # a which-policy answer may name its section by the heading
            evidence = list(filter(can_answer(question, query.terms, "date" in kinds,
                                              items is not None), evidence))
        # sentences are compared with the question and the long forms of its abbreviations:
        # the model cannot know "CADT" is the "Cambodia Academy of Digital Technology"
        long_forms = "; ".join(query.long_forms.values())
        # what the question sets aside ("besides the laws adopted in 2019") found its pages,
        # but a sentence is not scored for naming it
        scored = query if (narrowed := set_aside(question)) == question \
            else self.searcher.analyze(" ".join(narrowed.split()))
        read_as = replace(scored, dense_text=f"{scored.dense_text} ({long_forms})") \
            if query.long_forms and scored.dense_text else scored
        titled = titled_documents(query_whole.terms, hits, self.searcher.analyzer.analyze)
        names = {**titled, **named_document_terms(whole, query_whole.translations, self.sections,
                                                  self.searcher.analyzer.analyze)}
        given = names_given(query_whole.terms, names)
        score_sentences(evidence, scored, index.idf, self.embed,
                        self.searcher.query_vector(read_as,
                                                   filters.collections if filters else None),
                        self.searcher.embedder.languages,
                        ranks,
                        unknown_idf=index.max_idf(),
                        given=given)
        sections = SectionCache(self.sections)
        for sentence in evidence:  # "how many", "when", "who": a sentence stating one answers
            sentence.score *= facts.weight(sentence.text)
        if body := body_asked(question):  # "who chairs X": the role tied to X, not a neighbour
            for sentence in evidence:
                sentence.score *= role_weight(body, sentence.text)
        most = boost_items(evidence, items) if items is not None else 4
        if which_policy:
            for sentence in evidence:
                if sections.of(sentence) is not None:
                    sentence.score *= POLICY_BOOST
        entities = with_long_forms(key_entities(whole, self.glossary), query_whole.long_forms)
        entity_words = entity_terms(entities, self.searcher.analyzer.analyze) | self.framing_terms
        pool, lacking = about_entities(evidence, entities, hits, self.strength,
                                       self.texts.document)
        if lacking:
            return self._not_found(question, language, response.hits, started,
                                   [e.text for e in lacking])
        if language == "en" and (off_topic := unmentioned_topic(
                whole, units, self.searcher.analyzer.analyze)):
            return self._not_found(question, language, response.hits, started, off_topic)
        if entities:
            asked = frozenset((*query.terms, *query.translated_terms)) - entity_words
            pool = beyond_entities(pool, asked, self.strength.readable,
                                   self.strength.sure_dense, stating)
        if asks:  # a follow-up carrying its subject: the subject's words answer nothing,
            # and they lift every sentence naming it closer to the question for the embedder
            own = self.searcher.analyze(asks)
            pool = beyond_entities(
                pool, frozenset((*own.terms, *own.translated_terms)) - self.framing_terms,
                self.strength.readable, math.inf, stating)
        if which_policy:
            pool = prefer_registered(pool, sections.of, self.strength)
            # "Which strategy of the Digital Government Policy ...": that policy's strategy,
            # not another policy's measure on the same topic
            pool = only_named(pool, named, self.strength)
        else:
            if missing := unsupported_countries(pool, whole, self.strength, bool(named)):
                return self._not_found(question, language, response.hits, started, missing,
                                       COUNTRY_NOTE)
            pool = prefer_named(pool, {d: words.intersection(query_whole.terms)
                                       for d, words in names.items()}, language, self.strength)
            pool = prefer_jurisdiction(pool, whole, self.strength)
        if whole != question and response.hits:  # a part: read in the whole's subject
            pool = in_subject(pool, response.hits[0], self.strength)
        # half a sentence the page break cut reads as a fragment
        pool = [s for s in pool if not is_cut_by_page(s, self._page_text)]
        pool, dropped = language_lead(pool, language, self.strength)
        plural = plural_asked(question) if items is None else None
        chosen = opening_sentences(
            question, pool, units, items, most, self.strength, self._page_text, stating,
            None if plural is None else (plural, lambda: self.usable(hits, index.generation)))
        if not chosen:
            return self._not_found(question, language, response.hits, started)
        chosen = without_weak_sessions(chosen)
        if which_policy:
            chosen = every_policy(chosen, pool, sections.of, most)
        parts = question_parts(question)
        if len(parts) > 1:
            chosen = cover_parts(parts, pool, chosen, self.searcher.analyzer.analyze,
                                 index.idf, index.max_idf())
        if kinds:
            chosen = cover_kinds(kinds, pool, chosen, known, page_pool=evidence,
                                 counted=facts.counted)
        if len(parts) == 1 and not facts.says_what_is_asked(chosen):  # a part may say it
            if not deep and (deeper := self._look_deeper(question, filters, asks, chosen,
                                                         started, whole)):
                return deeper
            return self._not_found(question, language, response.hits, started)
        # a cut sentence's other half may be a unit no answer uses alone (a title-case head
        # "On February 14-16, 2023, Telecommunication Regulator of Cambodia" | "(TRC), ...")
        chosen = join_fragments(chosen, units, self._page_text)
        # a tail too long to join with its head would be quoted as the fragment it is
        chosen = [s for s in chosen if not is_sentence_tail(s, self._page_text)] or chosen
        if items is None:  # the sentence that states the fact asked for leads
            chosen = facts.lead(chosen)
            if len(parts) == 1 and chosen[0].lexical >= self.strength.sure_lexical:
                # a lead that holds nearly all the question's words and states the fact is
                # the answer; a weaker lead keeps its company, which may hold the fact
                chosen = facts.without_stragglers(chosen)
        known_words = entity_words | frozenset(self.searcher.analyzer.analyze(chosen[0].hit.title))
        held = share_of_words(chosen[0], query, language, known_words)
        if deep and held < DEEP_WORDS:
            return self._not_found(question, language, response.hits, started)
        if not deep and facts.asks_a_fact and len(parts) == 1 and held < DEEP_WORDS and (
                deeper := self._look_deeper(question, filters, asks, chosen, started, whole)):
            # "How many policy measures ... for building digital government?": the executive
            # summary's "44 policy measures ... to build two foundations" states a count but
            # not of what is asked; page 86's "Building digital government consists of 35
            # measures" holds the question's words
            return deeper
        answer = compose(question, language, chosen, sections=sections,
                         policies_first=which_policy, lead_first=items is None)
        answer.alternates = [alternate(s) for s in twins(chosen, evidence, dropped)]
        answer.took_ms = (time.perf_counter() - started) * 1000
        return answer

    def events(self, question: str, filters: SearchFilters | None = None,
               asks: str = "") -> Iterator[AnswerEvent]:
        """The answer as a stream of events: one per sentence, then the whole answer."""
        yield from answer_events(self.answer(question, filters, asks))  # lazy, as streamed

    # -- steps -------------------------------------------------------------------------

    def _look_deeper(self, question: str, filters: SearchFilters | None, asks: str,
                     chosen: list[EvidenceSentence], started: float,
                     whole: str) -> Answer | None:
        """The answer from deeper inside the document the answer came from
        (``answers/deeper.py``), timed from the first look's ``started``; None when that
        look finds no more."""
        deeper = self._answer(question, inside(filters, chosen[0].hit.doc_id), asks, deep=True,
                              whole=whole)
        deeper.took_ms = (time.perf_counter() - started) * 1000
        return deeper if deeper.found else None

    def _page_text(self, doc_id: str, page: int) -> str | None:
        return self.texts.page(doc_id, page)

    @staticmethod
    def _not_found(question: str, language: str, hits: list[Hit], started: float,
                   lacking: list[str] | None = None,
                   notes: dict[str, str] = ENTITY_NOTE) -> Answer:
        return declined(question, language, hits, lacking, notes,
                        (time.perf_counter() - started) * 1000)
