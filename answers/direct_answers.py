"""Answers read straight off a document's structure, before any evidence is weighed: a
registered policy's list of goals, strategies or measures (``answers/lists.py``), its own
front-matter statement of who prepared or signed it (``answers/front_matter.py``), and the
numbered section headings of a document the registry does not hold
(``answers/numbered_lists.py``). Split from ``answers/extractive.py``, which runs them first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from answers.access import readable_policies
from answers.compose import SectionCache, compose
from answers.front_matter import asked_statement, front_matter_evidence
from answers.lists import list_answer, list_question
from answers.numbered_lists import MAX_PAGES, heading_list_answer
from answers.policy_questions import about_another_subject, allowed, policy_meant
from answers.sections import SectionLookup
from answers.types import Answer
from index.jurisdiction import DEFAULT_COUNTRY, countries_named
from index.query import AnalyzedQuery
from index.search_types import Hit, SearchFilters
from index.searcher import Searcher

__all__ = ["DirectAnswers"]


class DirectAnswers:
    """The structural answers of one answerer (its ``searcher``, registry ``sections`` and
    search depth ``passages``)."""

    def __init__(self, searcher: Searcher, sections: SectionLookup | None, passages: int) -> None:
        self.searcher = searcher
        self.sections = sections
        self.passages = passages

    def from_registry(self, question: str, query: AnalyzedQuery, language: str,
                      filters: SearchFilters | None) -> Answer | None:
        """A registered policy's list or front-matter statement, or None."""
        return self._list_answer(question, query, language, filters) \
            or self._front_matter_answer(question, query, language, filters)

    def from_headings(self, question: str, language: str, hits: Sequence[Hit]) -> Answer | None:
        """An English list question answered by the top document's numbered headings, when
        the registry does not hold that document (its own lists are the registry's)."""
        top = hits[0] if hits else None
        if language != "en" or top is None or self._registered(top.doc_id):
            return None
        return heading_list_answer(question, top.doc_id, top.title, self._page_texts)

    def _list_answer(self, question: str, query: AnalyzedQuery, language: str,
                     filters: SearchFilters | None) -> Answer | None:
        """A list question about a registered policy, answered from the registry. The policy
        is the one the question names, else the one the filters are on (a follow-up), else
        the document of the best search hits."""
        if self.sections is None:
            return None
        policies = readable_policies(self.sections.policies(), self.searcher.catalog, filters)
        asked = list_question(question, [pair for p in policies for pair in p.level_words])
        if asked is None:
            return None
        named = countries_named(question)
        if named and DEFAULT_COUNTRY not in named:
            return None  # the registry holds Cambodia's policies: "Singapore's pillars" are not theirs
        policy = policy_meant(question, query.translations, policies, filters)
        by_doc = {p.doc_id: p for p in policies}
        if policy is None:
            hits = self.searcher.search(question, k=self.passages, filters=filters, per_doc=3,
                                        rerank=None).hits
            policy = next((by_doc[h.doc_id] for h in hits[:3] if h.doc_id in by_doc), None)
            if policy is not None and language == "en" and about_another_subject(
                    query.terms, policy, self.searcher.analyzer.analyze):
                return None
        if policy is None or not allowed(policy, filters):
            return None
        # the level by this policy's own words ("pillars" are the framework's goals)
        asked = list_question(question, policy.level_words) or asked
        return list_answer(question, language, policy, asked, self.sections)

    def _front_matter_answer(self, question: str, query: AnalyzedQuery, language: str,
                             filters: SearchFilters | None) -> Answer | None:
        """"Who prepared <policy>?", "When was <policy> signed?": the policy's own statement,
        quoted from its front matter. The policy is the one the question names, else the one
        a follow-up's filters are on."""
        kind = asked_statement(question)
        if self.sections is None or kind is None:
            return None
        policies = readable_policies(self.sections.policies(), self.searcher.catalog, filters)
        policy = policy_meant(question, query.translations, policies, filters)
        if policy is None or not policy.doc_id or not allowed(policy, filters):
            return None
        sentence = front_matter_evidence(policy.doc_id, kind, self.searcher.catalog,
                                         self.searcher.analyzer.analyze_word)
        if sentence is None:
            return None
        return compose(question, language, [sentence], sections=SectionCache(self.sections))

    def _registered(self, doc_id: str) -> bool:
        return self.sections is not None and any(
            p.doc_id == doc_id for p in self.sections.policies())

    def _page_texts(self, doc_id: str) -> Iterator[tuple[int, str]]:
        """A document's pages (number, text), the first ``MAX_PAGES``, read only as far as
        the headings are looked for."""
        for number in range(1, MAX_PAGES + 1):
            record = self.searcher.catalog.page(doc_id, number)
            if record is None:
                return
            yield number, record.text
