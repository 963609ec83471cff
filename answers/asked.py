"""What kind of fact a question asks for, and which sentences state it.

One object built from the question, so the answerer weighs, gates and orders sentences by the
same reading: "how many strategies" counts strategies ("10 strategies", not "Strategy 5:"),
"when" prefers a day of a month to a bare year, "who" wants a person, and the question's own
numbers and bodies answer nothing (``answers/parts.py`` holds the rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from answers.parts import (
    asks_for,
    asks_kinds,
    asks_when,
    counted_noun,
    counts,
    counts_the_whole,
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

    @classmethod
    def of(cls, question: str) -> AskedFacts:
        return cls(tuple(asks_kinds(question)), known_facts(question), counted_noun(question),
                   asks_when(question), asks_money(question), asks_for(question) == "number",
                   counted_by_classifier(question))

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

    def says_when(self, chosen: Sequence[EvidenceSentence]) -> bool:
        """For a question asking when, whether the answer says it: one of its leading
        sentences (scored at least ``WHEN_SHARE`` of the best) names a time. "When was the
        Cybercrime Law adopted?" answered by a policy's list of laws still to be drafted names
        none: the documents do not say, and the answer must not pretend they do; a weak
        fourth sentence from another item that mentions "three working days" does not make it
        an answer. Always true for other questions."""
        if not self.when or not chosen:
            return True
        best = max(s.score for s in chosen)
        return any(names_time(s.text) for s in chosen if s.score >= WHEN_SHARE * best)

    def says_money(self, chosen: Sequence[EvidenceSentence]) -> bool:
        """For a question asking how much money, whether one of the answer's leading
        sentences (as for "when") names an amount: a footnote's page number or an action's
        row does not say what the policy costs. Always true for other questions."""
        if not self.money or not chosen:
            return True
        best = max(s.score for s in chosen)
        return any(names_money(s.text) for s in chosen if s.score >= WHEN_SHARE * best)

    def says_count(self, chosen: Sequence[EvidenceSentence]) -> bool:
        """For a "how many" question, whether one of the leading sentences gives a count
        (``states_count``): the day a census's results are announced counts nobody."""
        if not self.count or not chosen:
            return True
        best = max(s.score for s in chosen)
        return any(states_count(s.text, self.known, self.count_unit) for s in chosen
                   if s.score >= WHEN_SHARE * best)

    def says_what_is_asked(self, chosen: Sequence[EvidenceSentence]) -> bool:
        """Whether the answer states the time, the amount of money or the count the question
        asks for."""
        return self.says_when(chosen) and self.says_money(chosen) and self.says_count(chosen)

    def lead(self, chosen: Sequence[EvidenceSentence]) -> list[EvidenceSentence]:
        """``chosen`` with the sentence that states the fact best first: one that counts what
        is asked, else a day of a month for "when", else any that states the kind asked."""
        leading = [s for s in chosen if self.counted_by(s.text)] \
            or [s for s in chosen if "date" in self.kinds and gives_day(s.text)] \
            or [s for s in chosen if self.stated_by(s.text)]
        if not leading:
            return list(chosen)
        return [leading[0], *(s for s in chosen if s is not leading[0])]
