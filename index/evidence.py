"""Evidence sentences: the retrieved passages cut into sentences (and priority-action table
rows and programme sessions, each one unit) with exact page offsets, scored against the question (lexical overlap of analysed terms, weighted by idf, plus
dense similarity where the embedder reads the sentence's language)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from index.query import AnalyzedQuery
from index.search_types import Hit
from index.table_rows import MAX_ROW_CHARS, TableRow, find_rows
from ingest.heading_lines import is_heading_unit
from ingest.khmer.script import BASE_CLASS
from ingest.language import detect_language
from ingest.schedule import Session, find_sessions
from ingest.sentences import EVIDENCE_SENTENCE_CHARS

if TYPE_CHECKING:
    from ingest.analysis import Analyzer

_HAS_LETTER = re.compile(f"[A-Za-z{BASE_CLASS}]")
#: a bulleted or numbered line: an item of a list however short ("- Digital design")
_LIST_ITEM = re.compile(r"^(?:[-*•▪●]|\(?\d{1,2}[.)])\s+\S")
#: the shortest list item kept as a unit ("- AI" is too short to say anything alone)
MIN_ITEM_CHARS = 8
#: a unit read whole by its structure: a priority-action table row or a programme session
Structured = TableRow | Session


@dataclass
class EvidenceSentence:
    hit: Hit
    start: int  # offsets into the page text
    end: int
    text: str  # the exact span of the page: what a citation quotes
    language: str
    terms: frozenset[str]
    context_terms: frozenset[str] = frozenset()  # from the heading path the sentence sits under
    lexical: float = 0.0
    dense: float = 0.0
    score: float = 0.0
    row: Structured | None = None  # set when the unit is a whole table row or session
    display: str = ""  # what an answer shows: whitespace folded, a row read as its columns

    def __post_init__(self) -> None:
        if not self.display:
            self.display = self.row.display() if self.row else " ".join(self.text.split())


def evidence_units(text: str, split: Callable[[str], list[tuple[int, int]]],
                   min_chars: int = 25, max_chars: int = EVIDENCE_SENTENCE_CHARS,
                   ) -> list[tuple[int, int, Structured | None]]:
    """The evidence units of a passage as ``(start, end, row)`` offsets into ``text``:
    each row of a priority-action table and each session of a programme whole (``row``
    set), and the sentences outside them (cut where one starts or ends), without headings,
    numbers-only or too short or long pieces (a bulleted or numbered list item may be as short
    as ``MIN_ITEM_CHARS``: "- Digital design" is one of the subjects a list question asks)."""
    rows: list[tuple[int, int, Structured]] = [*find_rows(text)]
    if not rows:
        rows = [*find_sessions(text)]
    units: list[tuple[int, int, Structured | None]] = [(s, e, r) for s, e, r in rows
                                                       if e - s <= MAX_ROW_CHARS]
    bounds = sorted({p for s, e, _ in rows for p in (s, e)})
    for start, end in split(text):
        edges = [start, *(b for b in bounds if start < b < end), end]
        for lo, hi in zip(edges, edges[1:], strict=False):
            if any(s <= lo and hi <= e for s, e, r in rows if isinstance(r, TableRow)):
                continue  # inside a row: the row is the unit
            # inside a session the sentences stay units too: "who gave the keynote?" is
            # answered by its label and name alone, "who moderated the open data panel?"
            # by the whole session (``select`` never takes both)
            while lo < hi and text[lo].isspace():
                lo += 1
            while hi > lo and text[hi - 1].isspace():
                hi -= 1
            piece = text[lo:hi]
            shortest = MIN_ITEM_CHARS if _LIST_ITEM.match(piece) else min_chars
            if not (shortest <= len(piece) <= max_chars) or not _HAS_LETTER.search(piece):
                continue
            if is_heading_unit(piece):
                continue  # a heading says what follows, it does not answer anything
            units.append((lo, hi, None))
    return sorted(units, key=lambda u: u[0])


def sentences_of(hits: Sequence[Hit], split: Callable[[str], list[tuple[int, int]]],
                 analyzer: Analyzer, min_chars: int = 25,
                 max_chars: int = EVIDENCE_SENTENCE_CHARS) -> list[EvidenceSentence]:
    """Every usable sentence (or table row) of the passages, located exactly in its page,
    with its terms by the ``analyzer`` the question's terms came from."""
    out: list[EvidenceSentence] = []
    for hit in hits:
        headline = _headline_terms(hit.title, analyzer) if hit.doc_type == "news" else frozenset()
        for s, e, row, language, terms, context, display in _analysed_units(
                hit.text, hit.heading, split, analyzer, min_chars, max_chars):
            out.append(EvidenceSentence(hit, hit.start + s, hit.start + e, hit.text[s:e],
                                        language, terms, context | (headline - terms),
                                        row=row, display=display))
    return out


@lru_cache(maxsize=4096)
def _headline_terms(title: str, analyzer: Analyzer) -> frozenset[str]:
    """A news item's headline is the heading of each of its sentences: the body says "the
    five codes above" where the headline says "common codes *1201#, ...", and a question
    asks in the headline's words. Counted like a heading path (half weight)."""
    return frozenset(analyzer.analyze(title)) if title else frozenset()


def prepare(passages: Iterable[tuple[str, str]], split: Callable[[str], list[tuple[int, int]]],
            analyzer: Analyzer, min_chars: int = 25, max_chars: int = EVIDENCE_SENTENCE_CHARS) -> int:
    """Analyse passages given as ``(text, heading)`` ahead of the questions that will
    retrieve them (the server's background warm-up), exactly as :func:`sentences_of` does."""
    n = 0
    for text, heading in passages:
        n += len(_analysed_units(text, heading, split, analyzer, min_chars, max_chars))
    return n


_Unit = tuple[int, int, "Structured | None", str, frozenset[str], frozenset[str], str]


@lru_cache(maxsize=8192)
def _analysed_units(text: str, heading: str, split: Callable[[str], list[tuple[int, int]]],
                    analyzer: Analyzer, min_chars: int, max_chars: int) -> tuple[_Unit, ...]:
    """A passage's units with their language and terms, computed once per passage text in
    a process: analysing Khmer sentences (khmer-nltk) was most of /ask's time once the
    sentence vectors were stored. The analyser and splitter are part of the key. The display
    text is kept too: folding it per request cost more than the rest of building a unit."""
    context = frozenset(analyzer.analyze(heading)) if heading else frozenset()
    units: list[_Unit] = []
    for s, e, row in evidence_units(text, split, min_chars, max_chars):
        piece = text[s:e]
        terms = frozenset(analyzer.analyze(piece))
        display = row.display() if row else " ".join(piece.split())
        units.append((s, e, row, str(detect_language(piece)), terms, context - terms, display))
    return tuple(units)


def embedding_text(heading: str, text: str, row: Structured | None = None) -> str:
    """What is embedded for a unit: its heading path, then the sentence (a row as its
    columns). One function, so stored vectors (``index/sentence_vectors.py``) match."""
    body = row.display() if row else text
    return f"{heading}\n{body}" if heading else body


def embedding_texts(passages: Iterable[tuple[str, str]],
                    split: Callable[[str], list[tuple[int, int]]],
                    readable: frozenset[str]) -> Iterator[str]:
    """The texts :func:`score_sentences` may embed for passages given as ``(text,
    heading)``: every unit in a language the embedder reads (what warming stores)."""
    for text, heading in passages:
        for s, e, row in evidence_units(text, split):
            if str(detect_language(text[s:e])) in readable:
                yield embedding_text(heading, text[s:e], row)


#: the other of the two languages the glossary joins
_OTHER = {"en": "km", "km": "en"}


def score_sentences(sentences: list[EvidenceSentence], query: AnalyzedQuery,
                    idf: Callable[[str], float], embed: Callable[[list[str]], np.ndarray] | None,
                    query_vector: np.ndarray | None, readable: frozenset[str],
                    passage_rank: dict[str, int], max_embedded: int = 24,
                    unknown_idf: float = 8.0,
                    given: Mapping[str, frozenset[str]] | None = None) -> None:
    """Fills ``lexical``, ``dense`` and ``score`` in place.

    lexical: the idf-weighted share of the question's terms (or of their translation, for a
    sentence in the other language) that the sentence contains. dense: cosine similarity
    to the question for languages the embedder reads; elsewhere the lexical score stands in.
    ``given``: per document, terms its every sentence counts as holding: the words of a
    document's name when the question names it ("What does the Digital Economy and Society
    Policy Framework say about e-commerce?" is answered by the sentence about e-commerce, not
    by the one that repeats the framework's name). A "mixed" sentence that holds the
    question only through the translation is re-labelled the other language.
    """
    given = given or {}
    own = {t: idf(t) or unknown_idf for t in set(query.terms)}  # a word no document has
    other = {t: idf(t) or unknown_idf for t in set(query.translated_terms)}  # counts fully
    own_total, other_total = sum(own.values()) or 1.0, sum(other.values()) or 1.0
    def weight(weights: dict[str, float], sentence: EvidenceSentence) -> float:
        # a term in the sentence's heading counts half: "Strategy 2: Cybersecurity capacity
        # building" is what the sentences under it are about, but less directly
        held = given.get(sentence.hit.doc_id, frozenset())
        return sum(w if t in sentence.terms or t in held
                   else 0.5 * w if t in sentence.context_terms else 0.0
                   for t, w in weights.items())

    groups = [[{t: idf(t) or unknown_idf for t in alternative} for alternative in group]
              for group in query.translated_groups]
    # the translation only speaks for the part of the question the glossary recognised (of
    # the words that carry a topic, when the query knows them)
    coverage = query.coverage if query.content_coverage is None else query.content_coverage
    if len(groups) == 1:
        # one recognised name ("Kampong Cham") among unrecognised words ("price of rice"): a
        # sentence naming it shows the place is in the index, not that the fact is
        coverage *= coverage
    for sentence in sentences:
        a = weight(own, sentence) / own_total
        if groups:
            b = _grouped_share(groups, sentence, weight) * coverage
        else:
            b = weight(other, sentence) / other_total * coverage if other else 0.0
        sentence.lexical = max(a, b)
        if sentence.language == "mixed" and b > a and query.language in _OTHER:
            # a Khmer sentence with English glosses in brackets ("បន្ទប់កុំព្យូទ័រ (Computer
            # Lab)") that holds an English question only through its translation is Khmer
            # evidence: it must not lead as if in the question's language
            sentence.language = _OTHER[query.language]
    readable_sentences = sorted((s for s in sentences if s.language in readable),
                                key=lambda s: -s.lexical)[:max_embedded]
    if embed is not None and query_vector is not None and readable_sentences:
        vectors = embed([embedding_text(s.hit.heading, s.text, s.row)
                         for s in readable_sentences])
        for sentence, vector in zip(readable_sentences, vectors, strict=True):
            sentence.dense = float(np.dot(vector, query_vector))
    for sentence in sentences:
        if sentence.language not in readable or query_vector is None:
            sentence.dense = sentence.lexical
        prior = 1.0 / (1.0 + 0.15 * passage_rank.get(sentence.hit.chunk_id, 10))
        # Evidence in the question's language is preferred; the other language must be
        # clearly better to be chosen.
        language_factor = 1.0 if sentence.language in (query.language, "mixed") else 0.75
        sentence.score = language_factor * (0.5 * sentence.lexical + 0.4 * sentence.dense + 0.1 * prior)


def _grouped_share(groups: list[list[dict[str, float]]], sentence: EvidenceSentence,
                   weight: Callable[[dict[str, float], EvidenceSentence], float]) -> float:
    """The idf-weighted share of the translated concepts a sentence holds, each concept
    credited by its best alternative: a sentence says "Ministry of Interior" or "MoI", never
    both, and must not lose for the one it does not say."""
    held = total = 0.0
    for alternatives in groups:
        sizes = [sum(a.values()) or 1.0 for a in alternatives]
        importance = max(sizes)
        held += importance * max(weight(a, sentence) / size
                                 for a, size in zip(alternatives, sizes, strict=True))
        total += importance
    return held / total if total else 0.0


def select(sentences: list[EvidenceSentence], max_sentences: int = 4, max_chars: int = 900,
           redundancy: float = 0.5) -> list[EvidenceSentence]:
    """Greedy selection of the best sentences that do not repeat each other (nor overlap
    in the page: a programme session and a sentence inside it)."""
    chosen: list[EvidenceSentence] = []
    used = 0
    for sentence in sorted(sentences, key=lambda s: -s.score):
        if len(chosen) >= max_sentences or used + len(sentence.text) > max_chars and chosen:
            continue
        if any(_jaccard(sentence.terms, c.terms) > redundancy or _overlap(sentence, c)
               for c in chosen):
            continue
        chosen.append(sentence)
        used += len(sentence.text)
    return chosen


def _overlap(a: EvidenceSentence, b: EvidenceSentence) -> bool:
    return (a.hit.doc_id, a.hit.page) == (b.hit.doc_id, b.hit.page) \
        and a.start < b.end and b.start < a.end


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
