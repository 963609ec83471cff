"""A question with several parts: each part also asked on its own, its answer added where the
whole question's answer lacks it.

Scored as one, "Who chaired the committee that drafted the policy, and on what date was its
preface signed?" gets the sentences of its easier half, or a structural answer (the preface's
dateline) for that half alone. Asked on its own, each part gets everything a one-part question
gets: the front-matter and list answers, the check that a "when" is answered by a time and a
"how many" by a count, the sentence that states the fact leading. The whole question still
finds the passages and names the documents and entities (``ExtractiveAnswerer._answer``'s
``whole``), so "which minister directly led its drafting" is read in the policy the first
part names.

The whole question's answer stays first: it was read with every word of the question. Each
part adds the sentences of its own answer that state the kind of fact it asks and are not
quoted yet (its leading sentence when it asks no such kind). When the whole question finds no
answer, the parts' answers are the answer and a part none answers is named in a note; when no
part can be answered on its own, the question is declined ("How much will the Digital Park
cost, and where will it be built?" is not answered by the park's purpose).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import replace
from typing import Any

from answers.coverage import says
from answers.gates import Strength, strong_subset
from answers.notices import PART_NOTE
from answers.parts import asks_kinds, known_facts
from answers.types import Alternate, Answer, AnswerSentence, Citation
from index.evidence import EvidenceSentence
from index.search_types import Hit

__all__ = ["SearchMemo", "in_subject", "merge_answers", "stating_part", "with_parts"]


class SearchMemo:
    """One answer's searches, each run once: the parts search with the whole question, as the
    whole did (a search is most of an answer's time)."""

    def __init__(self, search: Callable[..., Any]) -> None:
        self.search = search
        self._done: dict[str, Any] = {}

    def __call__(self, text: str, **options: Any) -> Any:
        key = repr((text, sorted(options.items())))
        if key not in self._done:
            self._done[key] = self.search(text, **options)
        return self._done[key]


def with_parts(question: str, whole: Answer, parts: Sequence[str],
               part_answers: Sequence[Answer]) -> Answer:
    """The whole question's answer with what each answered part adds (``stating_part``); when
    the whole finds nothing, the answered parts, the others named in the note; when no part
    is answered, the declined answer."""
    took = whole.took_ms + sum(a.took_ms for a in part_answers)
    found = [a for a in part_answers if a.found]
    if not found:  # no part can be answered on its own: neither can the whole
        return replace(part_answers[0], question=question, took_ms=took) if whole.found \
            else replace(whole, took_ms=took)
    if whole.found:
        quoted = {_key(c) for c in whole.citations}
        extras = [stating_part(part, a, quoted) for part, a in zip(parts, part_answers, strict=True)
                  if a.found]
        merged = merge_answers(question, [whole, *extras], [whole.note] if whole.note else [])
        return replace(merged, took_ms=took)
    notes = [PART_NOTE[whole.language].format(part=part.strip())
             for part, a in zip(parts, part_answers, strict=True) if not a.found]
    notes += [a.note for a in found if a.note]
    return replace(merge_answers(question, found, notes), took_ms=took)


def in_subject(pool: list[EvidenceSentence], subject: Hit,
               strength: Strength) -> list[EvidenceSentence]:
    """A part's sentences from the whole question's best document (or its translation), when
    one of them can answer: "and who presided?" is asked of the meeting the question is
    about, not of another item where a minister presided."""
    return strong_subset(pool, lambda s: s.hit.twin_key == subject.twin_key
                         or s.hit.doc_id == subject.doc_id, strength)


def stating_part(part: str, answer: Answer, quoted: Set[tuple[str, int, int, int]] = frozenset(),
                 most: int = 2) -> Answer:
    """What a part's answer adds to an answer that already quotes ``quoted``: its sentences
    that state the kind of fact the part asks for and are not quoted yet ("how often":
    "every three to five years", when the answer already gives "every three years" of
    another review), at most ``most``; for a part that asks no such kind, its leading
    sentence."""
    kinds, known = asks_kinds(part), known_facts(part)
    if not kinds:
        return _only(answer, answer.sentences[:1])
    by_id = {c.id: c for c in answer.citations}
    stating = [s for s in answer.sentences
               if not any(_key(by_id[i]) in quoted for i in s.citations)
               and any(says(kind, _quote(answer, s), known) for kind in kinds)][:most]
    return _only(answer, stating)


def _key(citation: Citation) -> tuple[str, int, int, int]:
    return citation.doc_id, citation.page, citation.start, citation.end


def _quote(answer: Answer, sentence: AnswerSentence) -> str:
    """The quoted span of a sentence, without the source label its text may open with."""
    by_id = {c.id: c.quote for c in answer.citations}
    return " ".join(by_id.get(i, "") for i in sentence.citations)


def _only(answer: Answer, lead: list[AnswerSentence]) -> Answer:
    cited = {i for s in lead for i in s.citations}
    return replace(answer, sentences=lead, citations=[c for c in answer.citations if c.id in cited],
                   alternates=[])


def merge_answers(question: str, answers: Sequence[Answer], notes: Sequence[str]) -> Answer:
    """One answer from several, in order: citations renumbered, a quote given once."""
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    seen: dict[tuple[str, int, int, int], int] = {}
    for answer in answers:
        renumbered: dict[int, int] = {}
        for citation in answer.citations:
            key = _key(citation)
            if key not in seen:
                seen[key] = len(citations) + 1
                citations.append(replace(citation, id=seen[key]))
            renumbered[citation.id] = seen[key]
        for sentence in answer.sentences:
            ids = [renumbered[i] for i in sentence.citations]
            if any(ids == s.citations for s in sentences):
                continue  # the same quote, already given
            sentences.append(replace(sentence, citations=ids))
    cited = {i for s in sentences for i in s.citations}
    citations = [c for c in citations if c.id in cited]
    alternates: list[Alternate] = []
    for answer in answers:
        alternates += [a for a in answer.alternates if a.text not in {b.text for b in alternates}]
    unique_notes = list(dict.fromkeys(n for n in notes if n))
    return Answer(question=question, language=answers[0].language, mode=answers[0].mode,
                  found=True, answer=" ".join(f"{s.text} [{s.citations[0]}]" for s in sentences),
                  sentences=sentences, citations=citations, note=" ".join(unique_notes) or None,
                  alternates=alternates)
