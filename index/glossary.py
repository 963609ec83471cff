"""Khmer/English glossary used to bridge cross-lingual search.

The offline embedding model knows no Khmer, so a Khmer question cannot reach an English
passage (or the reverse) by vector similarity alone. Translating the policy terms found in
a query through a curated glossary and adding their equivalents to the query bridges the
two languages for both the lexical and the semantic retriever.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.khmer.script import COENG, COMBINING_CLASS, KHMER_CLASS

__all__ = ["CATEGORIES", "Glossary", "GlossaryEntry", "GlossaryMatch"]

CATEGORIES = frozenset(
    {
        "institution",
        "ministry",
        "policy",
        "law",
        "technical",
        "governance",
        "economy",
        "education",
        "place",
        "title",
        "general",
        "learned",  # index/lexicon: learned from the user's twin documents, never from a file row
    }
)
LANGS = ("km", "en")

_KHMER = re.compile(f"[{KHMER_CLASS}]")
# Dropped before Khmer matching: Khmer has no word spaces, and writers (and the web) put
# ordinary or zero-width spaces between words inconsistently.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Dependent vowels, signs and the coeng: a match may neither start on one nor be followed
# by one, otherwise it would cut a written syllable in half (e.g. ចិន inside ចិន្តា).
_KM_DEPENDENT = re.compile(f"[{COMBINING_CLASS}]")
_EN_TOKEN = re.compile("[0-9A-Za-z\u00c0-\u024f]+")
_EN_ALLOWED_EXTRA = frozenset("’‘“”–—")
# Words ending in -s that are not plurals; folding them would make "new" match "news".
_NO_FOLD = frozenset({"news", "series", "species", "lens", "bus", "gas", "yes", "this", "its"})


@dataclass(frozen=True)
class GlossaryEntry:
    """One row of the glossary: a Khmer term, one English equivalent, its category."""

    km: str
    en: str
    category: str


@dataclass(frozen=True)
class GlossaryMatch:
    """A glossary term found in a text.

    ``span`` indexes the *keyed* text (``key(text)``), because that is what was searched;
    with the default key it is the text itself. ``equivalents`` lists every
    other-language variant recorded for the term, in file order.
    """

    term: str
    span: tuple[int, int]
    equivalents: tuple[str, ...]
    category: str


@dataclass
class _Group:
    """All rows whose source-language term has the same key (spelling variants merge)."""

    term: str
    category: str
    equivalents: list[str] = field(default_factory=list)

    def add(self, other: str) -> None:
        if other not in self.equivalents:
            self.equivalents.append(other)


def fold_english(token: str) -> str:
    """Lowercase and strip a simple plural, so "Ministries" finds "ministry"."""
    t = token.lower()
    if len(t) <= 3 or not t.endswith("s") or t in _NO_FOLD:
        return t
    if t.endswith("ies") and len(t) > 4:
        return t[:-3] + "y"
    if t.endswith(("sses", "xes", "zes", "ches", "shes")):
        return t[:-2]
    if t.endswith(("ss", "us", "is")):
        return t
    return t[:-1]


def _en_tokens(text: str) -> list[tuple[str, int, int]]:
    return [(fold_english(m.group()), m.start(), m.end()) for m in _EN_TOKEN.finditer(text)]


def _compact(text: str) -> tuple[str, list[int]]:
    """Drop spaces and zero-width characters, remembering where each kept char came from."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in _ZERO_WIDTH:
            continue
        chars.append(ch)
        where.append(i)
    return "".join(chars), where


def _is_english(s: str) -> bool:
    return (
        not _KHMER.search(s)
        and any(c.isascii() and c.isalnum() for c in s)
        and all(
            (c.isascii() and c.isprintable()) or c in _EN_ALLOWED_EXTRA or "\u00c0" <= c <= "\u024f"
            for c in s
        )
    )


def _longest(found: Iterable[tuple[int, int, _Group]]) -> list[tuple[int, int, _Group]]:
    """Keep a match unless it lies wholly inside a longer one (overlaps are kept)."""
    kept: list[tuple[int, int, _Group]] = []
    reach = -1
    for start, end, group in sorted(found, key=lambda m: (m[0], -m[1])):
        if end <= reach:
            continue
        kept.append((start, end, group))
        reach = end
    return kept


class Glossary:
    """Bilingual term list with fast longest-match lookup in either direction."""

    def __init__(self, entries: Iterable[GlossaryEntry], key: Callable[[str], str] = str.casefold):
        self.entries: tuple[GlossaryEntry, ...] = tuple(entries)
        self._key = key
        # Khmer terms are bucketed by their first two characters so translate() probes a
        # handful of candidates per position instead of scanning every term.
        km_groups: dict[str, _Group] = {}
        en_groups: dict[tuple[str, ...], _Group] = {}
        for e in self.entries:
            km_key, _ = _compact(key(e.km))
            en_key = tuple(tok for tok, _, _ in _en_tokens(key(e.en)))
            if km_key:
                km_groups.setdefault(km_key, _Group(e.km, e.category)).add(e.en)
            if en_key:
                en_groups.setdefault(en_key, _Group(e.en, e.category)).add(e.km)
        self._km: dict[str, list[tuple[str, _Group]]] = {}
        for km_key, group in km_groups.items():
            self._km.setdefault(km_key[:2], []).append((km_key, group))
        self._km_short = any(len(prefix) == 1 for prefix in self._km)
        self._en: dict[str, list[tuple[tuple[str, ...], _Group]]] = {}
        for en_key, group in en_groups.items():
            self._en.setdefault(en_key[0], []).append((en_key, group))

    @classmethod
    def load(cls, path: Path, key: Callable[[str], str] = str.casefold) -> Glossary:
        """Read and validate a ``km<TAB>en<TAB>category<TAB>note`` file.

        Fails loudly (ValueError naming file and line) because a silently skipped row
        would quietly weaken cross-lingual recall.
        """
        path = Path(path)
        lines = path.read_text(encoding="utf-8-sig").splitlines()

        def bad(lineno: int, problem: str) -> ValueError:
            return ValueError(f"{path}: line {lineno}: {problem}")

        header = [c.strip().lower() for c in lines[0].split("\t")] if lines else []
        if header[:2] != ["km", "en"]:
            raise bad(1, "missing header 'km<TAB>en<TAB>category<TAB>note'")
        entries: list[GlossaryEntry] = []
        seen: set[GlossaryEntry] = set()
        for lineno, line in enumerate(lines[1:], start=2):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = [c.strip() for c in line.split("\t")]
            if len(cols) < 2:
                raise bad(lineno, "expected at least 2 tab-separated columns (km, en)")
            km, en = cols[0], cols[1]
            category = cols[2] if len(cols) > 2 and cols[2] else "general"
            if not _KHMER.search(km):
                raise bad(lineno, f"Khmer column has no Khmer script: {km!r}")
            if not _is_english(en):
                raise bad(lineno, f"English column is empty or not Latin text: {en!r}")
            if category not in CATEGORIES:
                raise bad(lineno, f"unknown category {category!r}")
            entry = GlossaryEntry(km, en, category)
            if entry not in seen:
                seen.add(entry)
                entries.append(entry)
        return cls(entries, key)

    def __len__(self) -> int:
        return len(self.entries)

    def translate(self, text: str, source_lang: str) -> list[GlossaryMatch]:
        """Find the ``source_lang`` terms in ``text``, longest match first, in text order."""
        if source_lang not in LANGS:
            raise ValueError(f"source_lang must be 'km' or 'en', not {source_lang!r}")
        keyed = self._key(text)
        found = self._find_km(keyed) if source_lang == "km" else self._find_en(keyed)
        return [
            GlossaryMatch(g.term, (start, end), tuple(g.equivalents), g.category)
            for start, end, g in _longest(found)
        ]

    def translations(self, text: str, source_lang: str) -> list[str]:
        """Other-language phrases for every term in ``text``, deduplicated, in text order.

        This is the ``Translator`` the searcher expands queries with.
        """
        phrases = (p for m in self.translate(text, source_lang) for p in m.equivalents)
        return list(dict.fromkeys(phrases))

    def _find_km(self, keyed: str) -> list[tuple[int, int, _Group]]:
        compact, where = _compact(keyed)
        n = len(compact)
        found: list[tuple[int, int, _Group]] = []
        for i in range(n):
            if i and compact[i - 1] == COENG:
                continue
            bucket = self._km.get(compact[i : i + 2], [])
            if self._km_short:
                bucket = bucket + self._km.get(compact[i], [])
            for term, group in bucket:
                j = i + len(term)
                if compact.startswith(term, i) and not (j < n and _KM_DEPENDENT.match(compact[j])):
                    found.append((where[i], where[j - 1] + 1, group))
        return found

    def _find_en(self, keyed: str) -> list[tuple[int, int, _Group]]:
        tokens = _en_tokens(keyed)
        words = [t for t, _, _ in tokens]
        found: list[tuple[int, int, _Group]] = []
        for i, word in enumerate(words):
            for term, group in self._en.get(word, ()):
                j = i + len(term)
                if tuple(words[i:j]) == term:
                    found.append((tokens[i][1], tokens[j - 1][2], group))
        return found
