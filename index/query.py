"""From the user's question to what each retriever needs: terms, translations, dense texts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ingest.analysis import KHMER_STOP_WORDS
from ingest.khmer.normalize import search_key
from ingest.khmer.script import BASE_CLASS, KHMER_CLASS
from ingest.khmer.segment import tokenize_mixed
from ingest.language import detect_language

if TYPE_CHECKING:
    from ingest.analysis import Analyzer


@dataclass(frozen=True)
class Translation:
    """Other-language phrases for a text, and how much of the text they account for."""

    phrases: list[str]
    coverage: float  # 0..1: share of the text's content the glossary recognised
    #: the phrases by the stretch of text they translate: alternatives of one concept
    #: ("Ministry of Interior" | "MoI"), of which a sentence needs only one
    groups: list[list[str]] = field(default_factory=list)
    #: coverage of the words that carry a topic (Khmer stop words such as "តើ", "មាន",
    #: "ប៉ុន្មាន" left out, as English ones always are): how far a translated sentence
    #: answers the question. Fusion keeps ``coverage``, measured on the development set
    content_coverage: float | None = None


class Translator(Protocol):
    def __call__(self, text: str, source_lang: str) -> Translation: ...


_KHMER_LETTERS = re.compile(f"[{BASE_CLASS}]")
_EN_WORD = re.compile(r"[a-z0-9]+")


def glossary_translator(glossary: Any, analyzer: Analyzer) -> Translator:
    """Adapts the glossary to the searcher: phrases plus coverage.

    The phrases become the response's ``expansions``, shown to every caller: they come from
    the hand glossary and the learned lexicon, which learns from open collections only
    (``index/lexicon/learn.py``), so no expansion is a restricted document's word.

    Coverage lets fusion trust the translated evidence as much as the translation deserves:
    a question whose every concept is in the glossary can lean on English passages; one
    where only "province" was recognised must not be swamped by them. English coverage
    counts the words the ``analyzer`` searches on (its stop words carry no topic).
    """
    stop_words = analyzer.english_stop_words

    def translate(text: str, source_lang: str) -> Translation:
        matches = glossary.translate(text, source_lang)
        phrases = list(dict.fromkeys(p for m in matches for p in m.equivalents))
        keyed = search_key(text)
        covered = [False] * len(keyed)
        for match in matches:
            start, end = match.span
            covered[start:end] = [True] * (end - start)
        content = None
        if source_lang == "km":
            letters = {m.start() for m in _KHMER_LETTERS.finditer(keyed)}
            total, hit = len(letters), sum(covered[i] for i in letters)
            topical = letters - _function_letters(keyed, covered, analyzer)
            content = sum(covered[i] for i in topical) / len(topical) if topical else 0.0
        else:
            words = [m for m in _EN_WORD.finditer(keyed.lower()) if m.group() not in stop_words]
            total, hit = len(words), sum(covered[m.start()] for m in words)
        groups = [list(dict.fromkeys(m.equivalents)) for m in matches if m.equivalents]
        share = hit / total if total else 0.0
        return Translation(phrases, share, groups, share if content is None else content)

    return translate


def _function_letters(keyed: str, covered: list[bool], analyzer: Analyzer) -> set[int]:
    """The letters of Khmer stop words the glossary did not translate ("តើ", "មាន",
    "ប៉ុន្មាន": what "how many" is made of): like English stop words they carry no topic,
    so "how many mechanisms?" is wholly about "mechanism"."""
    out: set[int] = set()
    at = 0
    for token in tokenize_mixed(keyed, analyzer.segmenter):
        found = keyed.find(token, at)
        if found < 0:
            continue
        at = found + len(token)
        if token in KHMER_STOP_WORDS and not any(covered[found:at]):
            out.update(range(found, at))
    return out

_KHMER = re.compile(f"[{KHMER_CLASS}]")
_LATIN = re.compile("[A-Za-z]")


@dataclass
class AnalyzedQuery:
    text: str
    language: str
    terms: list[str]
    translations: list[str] = field(default_factory=list)
    translated_terms: list[str] = field(default_factory=list)
    dense_text: str | None = None
    coverage: float = 0.0
    #: the translated terms as alternatives per concept: each group is a list of
    #: alternatives, each alternative the terms of one phrase (``Translation.groups``)
    translated_groups: list[list[list[str]]] = field(default_factory=list)
    content_coverage: float | None = None  # ``Translation.content_coverage``
    #: the question's abbreviations the corpus defines, with their long forms
    #: (``index/abbreviations``)
    long_forms: dict[str, str] = field(default_factory=dict)


def analyze_query(text: str, translate: Translator | None, embedder_languages: frozenset[str],
                  analyzer: Analyzer) -> AnalyzedQuery:
    """The question's language, its terms (by the same ``analyzer`` that indexed the
    passages), its glossary translations and their terms, and what to embed."""
    language = str(detect_language(text))
    if language == "other":
        language = "km" if _KHMER.search(text) else "en"
    terms = analyzer.analyze(text)
    translations: list[str] = []
    groups: list[list[list[str]]] = []
    coverage = 0.0
    content_coverage: float | None = None
    if translate is not None:
        for source, script in (("km", _KHMER), ("en", _LATIN)):
            if script.search(text):
                result = translate(text, source)
                translations += result.phrases
                groups += [[analyzer.analyze(phrase) for phrase in group]
                           for group in result.groups]
                if source == language or (language == "mixed" and source == "km"):
                    coverage = result.coverage
                    content_coverage = result.content_coverage
    seen: set[str] = set(terms)
    translated_terms: list[str] = []
    for phrase in dict.fromkeys(translations):
        for term in analyzer.analyze(phrase):
            if term not in seen:
                seen.add(term)
                translated_terms.append(term)
    dense_text = _dense_text(text, language, translations, embedder_languages)
    return AnalyzedQuery(text, language, terms, list(dict.fromkeys(translations)),
                         translated_terms, dense_text, coverage,
                         [[a for a in g if a] for g in groups if any(g)], content_coverage)


def _dense_text(text: str, language: str, translations: list[str],
                embedder_languages: frozenset[str]) -> str | None:
    """What to embed: the question itself where the model reads its language, else its
    English glossary rendering (MiniLM maps every Khmer word to [UNK]). Nothing for a blank
    question: its embedding would rank every passage by noise."""
    if not text.strip():
        return None
    if language in embedder_languages or "km" in embedder_languages:
        return text
    latin_part = " ".join(_KHMER.sub(" ", text).split())
    english = [t for t in translations if not _KHMER.search(t)]
    combined = " ".join([latin_part, *english]).strip()
    return combined or None
