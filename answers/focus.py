"""A question that names a national policy is answered from that policy.

"How many priority actions does the Digital Government Policy have?" asked in Khmer retrieves
Khmer news items that mention the policy in passing, and they outscore the English policy's
own sentence that states the number (the question's language is preferred). The policy the
question names is known from the registry (its title, short name or document title, also
through the glossary translation of a Khmer question): its sentences are used alone when one
of them is strong enough, as for a key entity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from answers.conversation_titles import longest_common_run
from answers.gates import Strength, strong_subset
from answers.lists import named_policy
from answers.sections import SectionLookup
from index.evidence import EvidenceSentence
from index.jurisdiction import DEFAULT_COUNTRY, countries_named, matches, mentions, names_in
from index.search_types import Hit
from ingest.schedule import Session, opens_with_time_range

#: a sentence of the named document weighs this much more (it stays comparable with the
#: other language's sentences when the language lead decides)
NAMED_BOOST = 1.25
#: the named document's best sentence must score at least this share of the best of all
NEAR = 0.6


def named_documents(question: str, translations: Sequence[str],
                    sections: SectionLookup | None) -> set[str]:
    """The indexed documents of the registered policy the question names, if it names one."""
    if sections is None:
        return set()
    policies = [p for p in sections.policies() if p.doc_id]
    policy = named_policy(question, translations, policies)
    return {policy.doc_id} if policy is not None and policy.doc_id else set()


def named_document_terms(question: str, translations: Sequence[str],
                         sections: SectionLookup | None,
                         analyze: Callable[[str], list[str]]) -> dict[str, frozenset[str]]:
    """The words of each name of the registered policy the question names, per document:
    every sentence of that document counts as saying them (``score_sentences``' ``given``)."""
    if sections is None:
        return {}
    policies = [p for p in sections.policies() if p.doc_id]
    policy = named_policy(question, translations, policies)
    if policy is None or not policy.doc_id:
        return {}
    names = {policy.title, policy.doc_title, *policy.names} - {""}
    return {policy.doc_id: frozenset(t for name in names for t in analyze(name))}


#: a title's own name ends at its subtitle: "Govtech Conference 2024: Towards a Smart Government"
_SUBTITLE = re.compile(r"\s*(?::|\s[-–—|]\s)")
#: a name shorter than this (in index terms) is a word the question may use in passing
MIN_NAME_TERMS = 2


def titled_documents(question_terms: Sequence[str], hits: Iterable[Hit],
                     analyze: Callable[[str], list[str]]) -> dict[str, frozenset[str]]:
    """The retrieved documents whose own name (the title up to its subtitle) the question
    quotes whole, with that name's terms: "When was the GovTech Conference 2024 held?" asks
    about the conference's agenda, whose dateline shares only "2024" with the question, while
    a news item about another year's forum shares "held" and reads closer to MiniLM. A news
    headline is a sentence and is never quoted whole; a registered policy is found by the
    registry (``named_document_terms``) in either language."""
    named: dict[str, frozenset[str]] = {}
    seen: set[str] = set()
    for hit in hits:
        if hit.doc_id in seen or not hit.title:
            continue
        seen.add(hit.doc_id)
        name = analyze(_SUBTITLE.split(hit.title, maxsplit=1)[0])
        if len(name) >= MIN_NAME_TERMS and longest_common_run(question_terms, name) == len(name):
            named[hit.doc_id] = frozenset(name)
    return named


def names_given(question_terms: Sequence[str], named: Mapping[str, frozenset[str]]
                ) -> dict[str, frozenset[str]]:
    """The named documents whose name every sentence of them counts as saying
    (``score_sentences``' ``given``): the name is given so that the rest of the question
    decides. A question that is only the name ("What is the Digital Economy and Society
    Policy Framework?") has no rest: given, every sentence of the framework held the whole
    question, and a diagram label MiniLM rated close to the name opened the answer. Its
    sentences must then say the name themselves."""
    asked = set(question_terms)
    return {doc_id: terms for doc_id, terms in named.items() if not asked <= terms}


def prefer_named(pool: list[EvidenceSentence], names: Mapping[str, frozenset[str]],
                 language: str, strength: Strength) -> list[EvidenceSentence]:
    """The named documents' sentences (weighed more), when one of them is strong enough to
    answer and not far behind the best of all. ``names``: per named document, the words of
    its name the question uses.

    In the question's own language other documents' sentences that name the policy stay: the
    Digital Government Policy states the framework's total of 139 measures, a page the
    framework's own search may not reach. Sentences that do not name it go: asked what the
    Digital Government Policy says about cybersecurity, the framework's own cybersecurity
    measures outscored the policy's digital-security strategy on the word alone. When the
    named document is in the other language, only its sentences stay (the preference for the
    question's language would otherwise let a news item that names the policy outscore it)."""
    if not names or not pool:
        return pool
    for sentence in pool:
        if sentence.hit.doc_id in names:
            sentence.score *= NAMED_BOOST
    named = [s for s in pool if s.hit.doc_id in names]
    foreign = [s for s in named if s.language not in (language, "mixed")]
    best = max(foreign or named, key=lambda s: s.score, default=None)
    if best is None or not strength.enough(best) \
            or best.score < NEAR * max(s.score for s in pool):
        return pool
    if foreign:
        return foreign
    return [s for s in pool if s.hit.doc_id in names
            or any(words and words <= s.terms for words in names.values())]


def only_named(pool: list[EvidenceSentence], doc_ids: set[str],
               strength: Strength) -> list[EvidenceSentence]:
    """Only the named documents' sentences, when one of them is strong enough to answer:
    asked which strategy *of a named policy* covers a topic, another policy's measure on the
    same topic is no answer however well it scores."""
    return strong_subset(pool, lambda s: s.hit.doc_id in doc_ids, strength)


def prefer_jurisdiction(pool: list[EvidenceSentence], question: str,
                        strength: Strength) -> list[EvidenceSentence]:
    """Only the sentences of the country a question names, when it names another country
    than Cambodia alone and one of them is strong enough to answer.

    "What is the vision of Singapore's Digital Government Blueprint?" otherwise gets
    Cambodia's own vision first: the home policies say "vision" and "digital government" as
    often, and the retrieval's jurisdiction vote ranks passages, not sentences. A question
    naming Cambodia too (a comparison) keeps every country's sentences.
    """
    named = countries_named(question)
    if not named or DEFAULT_COUNTRY in named or not pool:
        return pool
    return strong_subset(pool, lambda s: matches(s.hit.country, named), strength)


def unsupported_countries(pool: list[EvidenceSentence], question: str,
                          strength: Strength, names_a_document: bool = False) -> list[str]:
    """The other countries a question names (without Cambodia), as it writes them, when no
    evidence is from one of their documents (a Vietnamese decree's sentences count, though
    no analyser here reads Vietnamese) and no sentence strong enough to answer names one:
    "What is the digital government policy of Thailand?" was answered with Cambodia's
    policy, and "What is Laos's national broadband plan?" with Cambodia's broadband figures.
    The index holds no such document, so the question is declined with the country named,
    like a place the corpus never mentions. A question that names an indexed document
    (``names_a_document``: "What does the Digital Government Policy say about the Republic
    of Korea?") asks what that document says of the country, not for the country's policy."""
    named = countries_named(question)
    if not named or DEFAULT_COUNTRY in named:
        return []
    # a country's policy or plan is one of its own documents; a Cambodian passage that
    # mentions it in passing (a cable "connecting Cambodia to Thailand") is not
    written = names_in(question, named)
    own_only = bool(_ASKS_INSTRUMENT.search(question)) and (
        not names_a_document or _owned_by(question, written))
    if any(matches(s.hit.country, named)
           or not own_only and strength.enough(s) and mentions(s.text, named) for s in pool):
        return []
    return written


def _owned_by(question: str, names: list[str]) -> bool:
    """Whether the question asks for the country's own instrument ("Korea's plan", "the
    digital government policy of Thailand", "...របស់ប្រទេសថៃ") rather than what a named
    document says about the country ("... say about the Republic of Korea?")."""
    text = question.replace("\u200b", "")
    for name in names:
        n = re.escape(name)
        if re.search(rf"{n}\s*['’]s\b", text, re.IGNORECASE) or re.search(
                rf"{_INSTRUMENT}(?:\s+\S+){{0,2}}\s+(?:of|in)\s+"
                rf"(?:the\s+)?(?:\w+\s+of\s+)?{n}", text, re.IGNORECASE) \
                or re.search(rf"របស់\s*(?:ប្រទេស)?\s*{n}", text):
            return True
    return False


_INSTRUMENT = (r"\b(?:polic(?:y|ies)|plans?|strateg(?:y|ies)|blueprints?|laws?|decrees?|"
               r"resolutions?|frameworks?|programmes?|programs?)\b")
_ASKS_INSTRUMENT = re.compile(rf"{_INSTRUMENT}|គោលនយោបាយ|ផែនការ|យុទ្ធសាស្ត្រ|ច្បាប់|ក្របខណ្ឌ",
                              re.IGNORECASE)


#: Another programme session joins a session answer only when it scores this share of it.
SESSION_FLOOR = 0.85


def without_weak_sessions(chosen: list[EvidenceSentence]) -> list[EvidenceSentence]:
    """A session answer ("Who moderated the open data panel?") without the other sessions of
    the agenda that merely fill the answer (the registration coffee, the opening ceremony):
    a session is read whole, so one that scores well below the answering one adds a block of
    unrelated names. Sentences that are not sessions are kept as chosen."""
    if not chosen or not _session_like(chosen[0]):
        return chosen
    best = chosen[0].score
    return [s for s in chosen
            if s is chosen[0] or not _session_like(s) or s.score >= SESSION_FLOOR * best]


def _session_like(unit: EvidenceSentence) -> bool:
    return isinstance(unit.row, Session) or opens_with_time_range(unit.text)
