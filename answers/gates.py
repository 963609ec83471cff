"""Whether the evidence can answer: strong enough, about the question's key entities, and in
the question's language when that language has it.

Retrieval always returns something; these checks decide between an answer and "not found"
and which evidence the answer may draw on. Lexical and dense scores only: no model call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from answers.entities import Entity, mentions
from index.evidence import EvidenceSentence
from index.jurisdiction import matches
from index.query import AnalyzedQuery
from index.search_types import Hit
from ingest.identity.country import normalize_country

#: a sentence naming every key entity of the question weighs this much more
ENTITY_BOOST = 1.1


@dataclass(frozen=True)
class Strength:
    """When the best sentence is strong enough to answer (set on the development questions
    and off-topic ones; see docs/answers.md)."""

    readable: frozenset[str]  # languages the embedder reads
    min_lexical: float = 0.4
    min_dense: float = 0.35
    sure_dense: float = 0.5
    sure_lexical: float = 0.8

    def enough(self, best: EvidenceSentence) -> bool:
        """Enough of the question's weight is in the sentence and, where the embedder can
        judge, the meaning agrees; or the meaning agrees strongly on its own; or nearly all
        of the question's weight is in the sentence (MiniLM can rate a sentence that holds
        every word of the question below 0.35)."""
        readable = best.language in self.readable
        if readable and best.dense >= self.sure_dense or best.lexical >= self.sure_lexical:
            return True
        return best.lexical >= self.min_lexical and (not readable or best.dense >= self.min_dense)


def strong_subset(pool: list[EvidenceSentence], keep: Callable[[EvidenceSentence], bool],
                  strength: Strength) -> list[EvidenceSentence]:
    """The sentences ``keep`` accepts, when one of them is strong enough to answer; else the
    pool as it was (a preference never empties an answer)."""
    kept = [s for s in pool if keep(s)]
    if not kept or not strength.enough(max(kept, key=lambda s: s.score)):
        return pool
    return kept


def _names(entity: Entity, texts: tuple[str, ...], hit: Hit) -> bool:
    """Whether the texts name the entity, or the passage is a document of the country the
    entity is (Singapore's Blueprint says "the Government", never "Singapore") or the
    entity issued it."""
    return mentions(entity, texts) is not False or _of_country(entity, hit) \
        or _issued_by(entity, hit)


def _of_country(entity: Entity, hit: Hit) -> bool:
    """Whether the entity is a country's own name and the passage a document of it (a city
    that places a text in a country, "Phnom Penh", is not named by every document of it)."""
    codes = frozenset(code for form in (entity.text, *entity.latin)
                      if (code := normalize_country(form)))
    return bool(codes) and hit.country is not None and matches(hit.country, codes)


#: how many of the best passages' documents are read whole for a year or figure
DOCUMENTS_READ = 3


def _in_their_documents(entity: Entity, hits: list[Hit],
                        document_text: Callable[[str], str] | None) -> bool:
    """Whether a year or figure the passages do not state is in their documents elsewhere:
    "the 2020 status study" of a policy whose retrieved pages on the study never repeat the
    year. Names are not looked for this way: the documents of any question hold most words."""
    if document_text is None or entity.kind != "number":
        return False
    documents = list(dict.fromkeys(h.doc_id for h in hits))[:DOCUMENTS_READ]
    return any(mentions(entity, (document_text(d),)) is True for d in documents)


def _issued_by(entity: Entity, hit: Hit) -> bool:
    """Whether the entity is the passage's issuing body: Singapore's IMDA signs its news item
    about an MOU with the TRC and never names itself in it. Only ever a yes: an English
    issuer says nothing of whether a Khmer passage names something."""
    return bool(hit.issuing_body) and mentions(entity, (str(hit.issuing_body),)) is True


def about_entities(evidence: list[EvidenceSentence], entities: list[Entity], hits: list[Hit],
                   strength: Strength, document_text: Callable[[str], str] | None = None,
                   ) -> tuple[list[EvidenceSentence], list[Entity]]:
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
               and not (foreign and e.kind == "name")
               and not any(_of_country(e, h) or _issued_by(e, h) for h in hits)
               and not _in_their_documents(e, hits, document_text)]
    if lacking:
        return [], lacking
    for sentence in evidence:
        if all(_names(e, (sentence.text,), sentence.hit) for e in entities):
            sentence.score *= ENTITY_BOOST
    # per passage, not per sentence: it reads the whole passage; a date, month or figure
    # also where its document's other passages found give it (a meeting record dates itself once,
    # in its first passage; the report made at it, three passages later, is still that
    # meeting's). Names stay per passage: most passages of a policy name Cambodia.
    by_document: dict[str, list[str]] = {}
    for hit in hits:
        by_document.setdefault(hit.doc_id, []).extend((hit.text, hit.heading, hit.title))
    names: dict[str, bool] = {}
    for s in evidence:
        if s.hit.chunk_id not in names:
            own = (s.hit.text, s.hit.heading, s.hit.title)
            document = (*own, *by_document.get(s.hit.doc_id, ()))
            names[s.hit.chunk_id] = all(
                _names(e, document if e.kind in ("number", "date") else own, s.hit)
                for e in entities)
    about = [s for s in evidence if names[s.hit.chunk_id]]
    if about and strength.enough(max(about, key=lambda s: s.score)):
        return about, []
    return evidence, []


#: languages whose words the analyzer and glossary can check (a Vietnamese decree's cannot)
CHECKABLE = frozenset({"en", "km", "mixed"})


def entity_terms(entities: list[Entity], analyze: Callable[[str], list[str]]) -> frozenset[str]:
    """The index terms of every form of the key entities (Latin and Khmer, the generic words
    of a glossary name included: asked ក្រសួងប្រៃសណីយ៍..., "ministry" is the name's, not a
    thing asked about it)."""
    return frozenset(t for e in entities for form in (*e.latin, *e.khmer, *e.forms, e.text)
                     for t in analyze(form))


def beyond_entities(pool: list[EvidenceSentence], asked: frozenset[str],
                    readable: frozenset[str], sure_dense: float = 1.0,
                    states_asked: Callable[[str], bool] = lambda _text: False,
                    ) -> list[EvidenceSentence]:
    """The sentences that hold something the question asks *about* its key entities.

    ``asked`` is the question's terms (and their translations) that are not a key entity's:
    for "What is the population of Battambang?" the population. A sentence holding none of
    them is kept only where the embedder reads it as close to the question (``sure_dense``)
    or it states the kind of fact asked (``states_asked``: an agenda's dateline answers
    "When was the conference held?" without the word "held"). A report sentence that names
    ASEAN and 2019 was read loosely close to "Where did the ASEAN foreign ministers meet in
    2019?" and answered it. Where the embedder cannot read (Khmer, with MiniLM) only words
    count: a Khmer news item that only names Battambang scored as half the question and was
    given as the answer. When the question is only its entities ("Who is Hun Manet?")
    nothing is asked beyond them. Words of a language the analyzer cannot check
    (Vietnamese) are not held against a sentence."""
    if not asked:
        return pool
    return [s for s in pool if asked & (s.terms | s.context_terms)
            or (s.dense >= sure_dense or states_asked(s.text) if s.language in readable
                else s.language not in CHECKABLE)]


#: The question's language leads only with evidence holding at least this share of what the
#: other language's best evidence holds of the question.
LEAD_COVERAGE = 0.85


def language_lead(pool: list[EvidenceSentence], language: str, strength: Strength
                  ) -> tuple[list[EvidenceSentence], list[EvidenceSentence]]:
    """The question's language leads: when it has evidence strong enough and not far
    behind the other language's, only that evidence is used; the other language's best
    sentences are returned too, as candidate alternates. When the other language's evidence
    holds clearly more of the question, scores about as well and has no twin among the
    question-language evidence, only it is used."""
    same = [s for s in pool if s.language in (language, "mixed")]
    other = sorted((s for s in pool if s.language not in (language, "mixed")),
                   key=lambda s: -s.score)
    if not same or not other:
        return pool, []
    best_same = max(same, key=lambda s: s.score)
    if not any(strength.enough(s) for s in same):
        # nothing in the question's language answers: the other language does, if it can
        # (an English question about a Khmer-only prakas), with its note
        return (other if any(strength.enough(s) for s in other) else pool), []
    if not strength.enough(best_same) or best_same.score < 0.6 * other[0].score:
        return pool, []
    # evidence that holds clearly less of the question does not lead: a Khmer census item
    # saying "strategic plan" without "Ministry of Interior" against the English record of
    # the ministry's strategic plan; the other language answers, with its note. A twin of
    # the other language's document still leads: it says the same in the question's words
    # (Khmer segmentation only makes its own share look smaller)
    twins = {s.hit.twin_key for s in same if s.hit.twin_key and s.hit.twin_key != s.hit.doc_id}
    if max(s.lexical for s in same) < LEAD_COVERAGE * max(s.lexical for s in other) \
            and other[0].score >= LEAD_COVERAGE * best_same.score \
            and other[0].hit.twin_key not in twins:
        return other, []
    return same, [s for s in other[:2] if strength.enough(s)]


# a document's number: digits with letters or a slash ("03/NQ-CP", "No. 105 ANK/BK", "57-NQ/TW")
_IDENTIFIER = re.compile(r"(?<![\w/])(?=[\w/-]*\d)(?=[\w/-]*[A-Za-z/])[\w]+(?:[/-][\w]+)+(?![\w/])")


_WHICH = re.compile(r"\b(?:which|what)\s+(?:\w+\s+)?(?:resolution|decree|law|sub-decree|prakas|"
                    r"decision|circular|directive|instrument|document)\b", re.IGNORECASE)


def identifiers(question: str) -> set[str]:
    """The document numbers a question cites ("Resolution 03/NQ-CP")."""
    return {m.group().casefold() for m in _IDENTIFIER.finditer(question)}


def identified(pool: list[EvidenceSentence], question: str,
               states_asked: Callable[[str], bool]) -> list[EvidenceSentence]:
    """Sentences that quote a document number the question cites and state the kind of fact
    it asks for (a date for "on what date was Resolution 03/NQ-CP issued"; another document
    number for "which resolution does 03/NQ-CP carry out"). They answer in
    any language: a Vietnamese decree's dateline shares no word with an English question
    but its number, and no embedder here reads it."""
    wanted = identifiers(question)
    if not wanted:
        return []
    asks_which = bool(_WHICH.search(question))

    def cites(text: str) -> bool:
        return any(w in text.casefold() for w in wanted)

    # the fact asked for in the sentence that cites the number; another document's number
    # anywhere in a passage (or document) that cites it
    return [s for s in pool if cites(s.text) and states_asked(s.text)
            or asks_which and bool(identifiers(s.text) - wanted)
            and (cites(s.hit.text) or cites(s.hit.title))]


def share_of_words(sentence: EvidenceSentence, query: AnalyzedQuery, language: str,
                   given: frozenset[str]) -> float:
    """The share of the question's terms, apart from the ``given`` ones (its key entities',
    framing and document-title words), that ``sentence`` holds with its heading; 0.0 in
    another language than the question's: the bar for a sentence found only by looking
    deeper into a document."""
    if sentence.language != language:
        return 0.0
    needed = set(query.terms) - given
    if not needed:
        return 1.0
    return len(needed & (sentence.terms | sentence.context_terms)) / len(needed)
