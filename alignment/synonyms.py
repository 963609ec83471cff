"""Within-language synonyms, so a plan's wording meets a policy's: the plan says
"cybersecurity", the Digital Government Policy says "digital security"; one says "ICT", the
other "digital technology".

The bilingual glossary already knows most such pairs without saying so: two English phrases
that translate the same Khmer term (សន្តិសុខឌីជីថល = "digital security" = "cybersecurity") are
synonyms, and so are two Khmer terms with the same English equivalent. A short lexicon adds the
pairs the glossary does not link. Everyday words ("general" rows: security = safety, people =
population) are left out: they would widen every query instead of bridging a term.

A mechanism is then matched in several wordings: its own, and one per synonym of one of its
terms (``variants``); the aligner scores every wording and trusts a synonym's a little less.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import zip_longest
from typing import Any

from index.glossary import fold_english
from ingest.khmer.normalize import search_key

#: pairs a ministry plan and a national policy word differently that the glossary misses
LEXICON: tuple[tuple[str, ...], ...] = (
    ("ICT", "digital technology", "information technology"),
    ("cybersecurity", "digital security"),
    ("cyber security", "digital security"),
    ("human resources", "human capital"),
    ("human resource development", "human capital development"),
    ("knowledge sharing", "knowledge dissemination"),
)
SKIPPED_CATEGORIES = frozenset({"general", "title", "place"})
_EN_TOKEN = re.compile("[0-9a-z\u00c0-\u024f]+")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(fold_english(m.group()), m.start(), m.end())
            for m in _EN_TOKEN.finditer(text.casefold())]


def _phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(t for t, _, _ in _tokens(phrase))


class Synonyms:
    """Synonym wordings of a text, in its own language.

    ``glossary`` is ``index.glossary.Glossary`` (its ``entries``, and ``translate`` to find
    Khmer terms in unspaced Khmer text), loaded with the same ``key``; without one only the
    English lexicon applies. With ``analyze`` (the index's analyzer), a synonym that analyses
    to the same terms ("manage" for "management") is no new wording and is skipped.
    """

    def __init__(self, glossary: Any | None = None,
                 lexicon: Iterable[Sequence[str]] = LEXICON,
                 key: Callable[[str], str] = search_key,
                 analyze: Callable[[str], list[str]] | None = None) -> None:
        self.glossary = glossary
        self.key = key
        self.analyze = analyze
        english: dict[str, list[str]] = {}  # Khmer term -> its English phrases
        khmer: dict[tuple[str, ...], list[str]] = {}  # English phrase -> its Khmer terms
        for entry in getattr(glossary, "entries", ()):
            if entry.category in SKIPPED_CATEGORIES:
                continue
            english.setdefault(self._km_key(entry.km), []).append(entry.en)
            khmer.setdefault(_phrase_key(entry.en), []).append(entry.km)
        groups = [*english.values(), *(list(g) for g in lexicon)]
        self._en: dict[tuple[str, ...], list[str]] = {}
        for group in groups:
            for phrase in group:
                mine = _phrase_key(phrase)
                for other in group:
                    if mine and _phrase_key(other) != mine:
                        _add(self._en.setdefault(mine, []), other)
        self._en_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase_key in self._en:
            self._en_first.setdefault(phrase_key[0], []).append(phrase_key)
        self._km: dict[str, list[str]] = {}
        for terms in khmer.values():
            for term in terms:
                for other in terms:
                    if self._km_key(other) != self._km_key(term):
                        _add(self._km.setdefault(self._km_key(term), []), other)

    def _km_key(self, term: str) -> str:
        return "".join(self.key(term).split())

    def of(self, phrase: str, language: str) -> list[str]:
        """The synonyms of one phrase (a glossary or lexicon term) in its language."""
        if language == "km":
            return list(self._km.get(self._km_key(phrase), []))
        return list(self._en.get(_phrase_key(phrase), []))

    def variants(self, text: str, language: str, limit: int = 8) -> list[str]:
        """``text`` with one of its terms replaced by one of that term's synonyms, for up to
        ``limit`` wordings (the terms take turns, so every term gets its first synonyms)."""
        keyed = self.key(text)
        found: list[tuple[int, int, list[str]]] = []
        if language in ("en", "mixed"):
            found += self._english_terms(keyed)
        if language in ("km", "mixed") and self.glossary is not None:
            for match in self.glossary.translate(text, "km"):
                found.append((*match.span, self._km.get(self._km_key(match.term), [])))
        per_term = [[keyed[:start] + synonym + keyed[end:]
                     for synonym in self._new_wordings(keyed[start:end], synonyms)]
                    for start, end, synonyms in sorted(found) if synonyms]
        out: list[str] = []
        for turn in zip_longest(*per_term):
            for variant in turn:
                if variant is not None and variant != keyed and variant not in out:
                    out.append(variant)
        return out[:limit]

    def _new_wordings(self, term: str, synonyms: list[str]) -> list[str]:
        if self.analyze is None:
            return synonyms
        own = sorted(self.analyze(term))
        return [s for s in synonyms if sorted(self.analyze(s)) != own]

    def _english_terms(self, keyed: str) -> list[tuple[int, int, list[str]]]:
        """Lexicon and glossary phrases in ``keyed``, the longest where they overlap."""
        tokens = _tokens(keyed)
        words = [t for t, _, _ in tokens]
        found: list[tuple[int, int, list[str]]] = []
        reach = -1
        for i, word in enumerate(words):
            candidates = [k for k in self._en_first.get(word, ()) if tuple(words[i:i + len(k)]) == k]
            if not candidates:
                continue
            best = max(candidates, key=len)
            end = tokens[i + len(best) - 1][2]
            if end <= reach:
                continue
            found.append((tokens[i][1], end, self._en[best]))
            reach = end
        return found


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)
