"""Turning chosen evidence into the answer a reader sees: sentences ordered by document and
position, each document and section introduced by name, citations numbered in order of
appearance, the other language's version as ``alternates``, and the closest documents of a
declined question.
"""

from __future__ import annotations

from answers.display import folded, shown
from answers.naming import lead, page_text
from answers.notices import NOT_FOUND, OTHER_LANGUAGE_NOTE
from answers.sections import Section, SectionLookup
from answers.types import Alternate, Answer, AnswerSentence, Citation, ClosestDocument
from index.evidence import EvidenceSentence
from index.search_types import Hit


class SectionCache:
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
            sections: SectionCache | None = None, policies_first: bool = False,
            lead_first: bool = False) -> Answer:
    """Order the chosen sentences by document (best document first; registered policies
    first when the question asks which policy) and position, introduce each document and
    each section by name, number the citations in order of appearance, and note when the
    evidence is in the other language. With ``lead_first`` the first chosen sentence (the
    one that states the fact asked for) opens the answer, before its document's others."""
    sections = sections or SectionCache(None)
    doc_order: dict[str, int] = {}
    for sentence in chosen:  # chosen is best-first
        doc_order.setdefault(sentence.hit.doc_id, len(doc_order))
    if policies_first:
        named = {s.hit.doc_id for s in chosen if sections.of(s) is not None}
        doc_order = {d: (0 if d in named else 1) * 100 + n for d, n in doc_order.items()}
    ordered = sorted(chosen, key=lambda s: (doc_order[s.hit.doc_id], s.hit.page, s.start))
    if lead_first and chosen and not policies_first:
        ordered = [chosen[0], *(s for s in ordered if s is not chosen[0])]
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    last_doc, last_where, last_page = "", "", -1
    for sentence in ordered:
        hit = sentence.hit
        citation = citation_of(sentence, len(citations) + 1)
        citations.append(citation)
        section = sections.of(sentence)
        where = section.name if section is not None else hit.heading
        source = None
        text = shown(sentence)
        if text.casefold() == folded(hit.title).casefold():
            pass  # a headline that is its document's title names itself
        elif hit.doc_id != last_doc or where != last_where:
            title = section.policy_title if section is not None else hit.title
            source = lead(title, section, hit.heading, page_text(hit, language),
                          with_title=hit.doc_id != last_doc)
            if hit.doc_id == last_doc and hit.page == last_page \
                    and source == f"({page_text(hit, language)})":
                source = None  # "(p. 1): ..." again names nothing new: same document and page
        last_doc, last_where, last_page = hit.doc_id, where, hit.page
        sentences.append(AnswerSentence(f"{source}: {text}" if source else text, [citation.id],
                                        sentence.language, source=source))
    evidence_languages = {s.language for s in sentences}
    note = None
    other = "en" if language == "km" else "km"
    if language not in evidence_languages and other in evidence_languages:
        # (a Vietnamese decree's own sentence is not "evidence in Khmer only")
        note = OTHER_LANGUAGE_NOTE.get((language, other))
    elif len(evidence_languages - {"mixed"}) > 1:
        note = OTHER_LANGUAGE_NOTE.get((language, "mixed"))
    text = " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
    return Answer(question=question, language=language, mode="extractive", found=True,
                  answer=text, sentences=sentences, citations=citations, note=note)


def citation_of(sentence: EvidenceSentence, number: int) -> Citation:
    hit = sentence.hit
    return Citation(id=number, doc_id=hit.doc_id, title=hit.title, page=hit.page,
                    start=sentence.start, end=sentence.end, quote=sentence.text,
                    language=sentence.language, doc_type=hit.doc_type,
                    page_label=hit.page_label,
                    passage_start=min(hit.start, sentence.start),
                    passage_end=max(hit.end, sentence.end))


def twins(chosen: list[EvidenceSentence], evidence: list[EvidenceSentence],
          dropped: list[EvidenceSentence], most: int = 2) -> list[EvidenceSentence]:
    """The other language's version of the answer: the best sentence of each translation
    (twin) of a cited passage, else the other-language sentences the language lead left out."""
    twin_chunks = {t.chunk_id for s in chosen for t in s.hit.twins}
    cited = {s.hit.twin_key for s in chosen if s.hit.twin_key != s.hit.doc_id}
    languages = {s.language for s in chosen} | {"mixed"}
    found = [s for s in evidence if s.language not in languages
             and (s.hit.chunk_id in twin_chunks or (s.hit.twin_key in cited
                                                    and s.hit.twin_key != s.hit.doc_id))]
    best: dict[str, EvidenceSentence] = {}
    others = found or [s for s in dropped if s.language not in languages]
    for sentence in sorted(others, key=lambda s: -s.score):
        best.setdefault(sentence.hit.chunk_id, sentence)
    return list(best.values())[:most]


def alternate(sentence: EvidenceSentence) -> Alternate:
    return Alternate(shown(sentence), citation_of(sentence, 0), sentence.language)


def closest(hits: list[Hit], n: int = 3) -> list[ClosestDocument]:
    """The documents of the best hits, once each: where a declined question might look."""
    seen: dict[str, ClosestDocument] = {}
    for hit in hits:
        if hit.doc_id not in seen:
            seen[hit.doc_id] = ClosestDocument(hit.doc_id, hit.title, hit.page)
    return list(seen.values())[:n]


def declined(question: str, language: str, hits: list[Hit], lacking: list[str] | None,
             notes: dict[str, str], took_ms: float) -> Answer:
    """The answer that declines: the fixed notice, the closest documents, and (``lacking``)
    the key entities no evidence mentions, named in ``notes``' sentence."""
    note = notes[language].format(entity=", ".join(lacking)) if lacking else None
    return Answer(question=question, language=language, mode="extractive", found=False,
                  answer=NOT_FOUND[language], closest_documents=closest(hits), note=note,
                  took_ms=took_ms)
