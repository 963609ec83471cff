"""What kind of fact a question asks for, and which sentences state it.

One object built from the question, so the answerer weighs, gates and orders sentences by the
same reading: "how many strategies" counts strategies ("10 strategies", not "Strategy 5:"),
"when" prefers a day of a month to a bare year, "who" wants a person, and the question's own
numbers and bodies answer nothing (``answers/parts.py`` holds the rules).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from answers.counting import counted_noun, counts, counts_the_whole
from answers.parts import (
    asks_for,
    asks_kinds,
    asks_named_place,
    asks_when,
    gives_day,
    known_facts,
    names_time,
    states,
)
from answers.quantities import asks_money, counted_by_classifier, names_money, states_count
from index.evidence import EvidenceSentence

#: a sentence stating the kind of fact asked for (a number, a year) weighs this much more,
#: once per kind it states and once more when it counts what "how many" counts
FACT_BOOST = 1.15
#: a "when" is answered by a sentence scored at least this share of the answer's best
WHEN_SHARE = 0.75
#: after a lead that states the fact asked, the share of its score a further sentence of the
#: same document needs (``without_stragglers``)
SAME_DOCUMENT_SHARE = 0.6


@dataclass(frozen=True)
class AskedFacts:
    """The kinds of fact asked (``asks_kinds``), what the question states itself
    (``known_facts``) and what "how many" counts (``counted_noun``)."""

    kinds: tuple[str, ...]
    known: frozenset[str]
    counted: str | None
    when: bool = False  # asks for a point in time (``asks_when``)
    money: bool = False  # asks how much money (``asks_money``)
    count: bool = False  # asks how many or how much (``asks_for``: "number")
    count_unit: str | None = None  # the Khmer classifier it counts by (ប៉ុន្មាននាក់: នាក់)
    places: bool = False  # asks which provinces, cities or districts (``asks_named_place``)

    @classmethod
    def of(cls, question: str) -> AskedFacts:
        return cls(tuple(asks_kinds(question)), known_facts(question), counted_noun(question),
                   asks_when(question), asks_money(question), asks_for(question) == "number",
                   counted_by_classifier(question), asks_named_place(question))

    def stated_by(self, text: str) -> bool:
        """Whether ``text`` states a kind of fact the question asks for."""
        return any(states(kind, text, self.known) for kind in self.kinds)

    def counted_by(self, text: str) -> bool:
        """Whether ``text`` counts what a "how many" question counts."""
        return self.counted is not None and counts(self.counted, text)

    def counted_in_lead_in(self, text: str) -> bool:
        """Whether a lead-in states the count asked ("A total of 139 policy measures have been
        put in place ..., including:"), not only the size of the list it opens ("... with
        the following two strategies:", a part of the whole)."""
        return self.counted is not None and counts_the_whole(self.counted, text)

    def weight(self, text: str) -> float:
        """How much more a sentence weighs for the facts it states."""
        hits = sum(states(kind, text, self.known) for kind in self.kinds) + self.counted_by(text)
        return FACT_BOOST ** hits

    @property
    def asks_a_fact(self) -> bool:
        """Whether the question asks for a time, an amount, a count or named places."""
        return self.when or self.money or self.count or self.places

    def _leads_with(self, chosen: Sequence[EvidenceSentence], states_it: Callable[[str], bool],
                    on_its_page: Callable[[str], bool] | None = None) -> bool:
        """Whether one of the answer's leading sentences (scored at least ``WHEN_SHARE`` of
        the best) states it: a weak fourth sentence from another item does not make an
        answer. ``on_its_page``: what a weaker sentence on the best one's page must also do to
        count (the inauguration page's "a total of approximately 1,800 people" counts the
        people asked about, however few of the question's words it repeats)."""
        lead = max(chosen, key=lambda s: s.score)
        page = (lead.hit.doc_id, lead.hit.page)
        return any(states_it(s.text) for s in chosen if s.score >= WHEN_SHARE * lead.score) \
            or on_its_page is not None and any(
                states_it(s.text) and on_its_page(s.text) for s in chosen
                if (s.hit.doc_id, s.hit.page) == page)

    def says_when(self, chosen: Sequence[EvidenceSentence]) -> bool:
        """For a question asking when, whether the answer names a time. "When was the
        Cybercrime Law adopted?" answered by a policy's list of laws still to be drafted names
        none: the documents do not say, and the answer must not pretend they do. Always true
        for other questions."""
        return not self.when or not chosen or self._leads_with(chosen, names_time)

    def says_what_is_asked(self, chosen: Sequence[EvidenceSentence]) -> bool:
        """Whether the answer states what the question asks for when it asks for a time, an
        amount of money (a footnote's page number does not say what a policy costs), a count
        (the day a census's results are announced counts nobody; ``count_unit``: the Khmer
        classifier) or named provinces ("nine priority provinces" names none)."""
        if not chosen:
            return True
        checks = ((self.money, names_money, None),
                  (self.count, lambda text: states_count(text, self.known, self.count_unit),
                   self.counted_by),
                  (self.places, lambda text: states("place", text, self.known), None))
        return self.says_when(chosen) and all(
            self._leads_with(chosen, check, on_page) for asked, check, on_page in checks if asked)

    def without_stragglers(self, chosen: Sequence[EvidenceSentence]) -> list[EvidenceSentence]:
        """Once the lead states a fact of the kind asked, the far weaker sentences of its own
        document after it (under ``SAME_DOCUMENT_SHARE`` of its score) that state no asked
        kind: "When did Kerala announce its first IT policy?" is the one sentence with 1998,
        not three more about the policy's marketing group. Other documents' sentences stay:
        when the lead is wrong (a committee of the same name's family), they may hold the
        answer."""
        if not chosen or not self.kinds or not self.stated_by(chosen[0].text):
            return list(chosen)
        lead = chosen[0]
        return [lead, *(s for s in chosen[1:]
                        if s.hit.doc_id != lead.hit.doc_id or self.stated_by(s.text)
                        or s.score >= SAME_DOCUMENT_SHARE * lead.score)]

    def lead(self, chosen: Sequence[EvidenceSentence]) -> list[EvidenceSentence]:
        """``chosen`` with the sentence that states the fact best first: one that counts what
        is asked, else a day of a month for "when", else any that states the kind asked."""
        leading = [s for s in chosen if self.counted_by(s.text)] \
            or [s for s in chosen if "date" in self.kinds and gives_day(s.text)] \
            or [s for s in chosen if self.stated_by(s.text)]
        if not leading:
            return list(chosen)
        return [leading[0], *(s for s in chosen if s is not leading[0])]
