"""From the user's question to what each retriever needs: terms, translations, dense texts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.analysis import analyze
from ingest.language import detect_language

Translator = Callable[[str, str], list[str]]  # (text, source_lang) -> phrases in the other language

_KHMER = re.compile("[\u1780-\u17ff]")
_LATIN = re.compile("[A-Za-z]")


@dataclass
class AnalyzedQuery:
    text: str
    language: str
    terms: list[str]
    translations: list[str] = field(default_factory=list)
    translated_terms: list[str] = field(default_factory=list)
    dense_text: str | None = None


def analyze_query(text: str, translate: Translator | None, embedder_languages: frozenset[str]) -> AnalyzedQuery:
    language = str(detect_language(text))
    if language == "other":
        language = "km" if _KHMER.search(text) else "en"
    terms = analyze(text)
    translations: list[str] = []
    if translate is not None:
        if _KHMER.search(text):
            translations += translate(text, "km")
        if _LATIN.search(text):
            translations += translate(text, "en")
    seen: set[str] = set(terms)
    translated_terms: list[str] = []
    for phrase in dict.fromkeys(translations):
        for term in analyze(phrase):
            if term not in seen:
                seen.add(term)
                translated_terms.append(term)
    dense_text = _dense_text(text, language, translations, embedder_languages)
    return AnalyzedQuery(text, language, terms, list(dict.fromkeys(translations)),
                         translated_terms, dense_text)


def _dense_text(text: str, language: str, translations: list[str],
                embedder_languages: frozenset[str]) -> str | None:
    """What to embed: the question itself where the model reads its language, else its
    English glossary rendering (MiniLM maps every Khmer word to [UNK])."""
    if language in embedder_languages or "km" in embedder_languages:
        return text
    latin_part = " ".join(_KHMER.sub(" ", text).split())
    english = [t for t in translations if not _KHMER.search(t)]
    combined = " ".join([latin_part, *english]).strip()
    return combined or None
