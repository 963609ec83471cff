"""Evidence units built by hand for the answer unit tests: a passage (``Hit``) of text written
for the tests, cut into units at given phrases, with their terms from the real analyser."""

from __future__ import annotations

from index.evidence import EvidenceSentence
from index.search_types import Hit, ScoreBreakdown


def passage(text: str, doc_id: str = "policy/plan.txt", page: int = 3, start: int = 0,
            language: str = "en", title: str = "Provincial Data Plan 2025-2030") -> Hit:
    return Hit(chunk_id=f"{doc_id}#{page}#{start}", doc_id=doc_id, title=title,
               doc_type="policy", language=language, doc_language=language, date=None,
               issuing_body=None, page=page, start=start, end=start + len(text), heading="",
               text=text, snippet=text[:80], highlights=[], scores=ScoreBreakdown(fused=1.0))


def unit(hit: Hit, phrase: str, score: float = 0.5, language: str | None = None,
         terms: frozenset[str] = frozenset()) -> EvidenceSentence:
    """The unit of ``hit`` that is exactly ``phrase`` (it must occur in the passage)."""
    at = hit.text.index(phrase)
    sentence = EvidenceSentence(hit, hit.start + at, hit.start + at + len(phrase), phrase,
                                language or hit.language, terms or frozenset(phrase.lower().split()))
    sentence.score = score
    sentence.lexical = sentence.dense = score
    return sentence
