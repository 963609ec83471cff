"""Which documents are translations of each other: the bilingual material the lexicon
learns from.

A ministry publishes the same article in Khmer and English; the two files rarely say so.
Ids with a language marker (``..._en_12-post.md`` / ``..._km_12-post.md``) pair first; the
rest pair by content a translation cannot change: the same date and the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from index.twins import twin_key
from ingest.khmer.normalize import search_key

__all__ = ["DocumentText", "TwinPair", "find_twin_pairs", "numbers_in"]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class DocumentText:
    """What pairing needs of a document: its language, date and text."""

    doc_id: str
    language: str
    date: str | None
    text: str


@dataclass(frozen=True)
class TwinPair:
    """A Khmer document and its English translation, with how the pair was found."""

    km: DocumentText
    en: DocumentText
    evidence: str  # "id" or "date+numbers"


def numbers_in(text: str) -> frozenset[str]:
    """Numbers written in either script (Khmer digits fold to ASCII), separators dropped;
    single digits say nothing about identity and are left out."""
    found = (m.group().replace(",", "").replace(".", "") for m in _NUMBER.finditer(search_key(text)))
    return frozenset(n.lstrip("0") or "0" for n in found if len(n) > 1)


def find_twin_pairs(documents: Iterable[DocumentText], *, min_numbers: int = 3,
                    min_overlap: float = 0.6) -> list[TwinPair]:
    """Pairs of one Khmer and one English document: by id first, then by date and numbers.

    A content pair needs the same date, at least ``min_numbers`` shared numbers, and a
    Jaccard overlap of their numbers of at least ``min_overlap``; each document pairs once,
    best overlap first.
    """
    docs = [d for d in documents if d.language in ("km", "en")]
    pairs: list[TwinPair] = []
    by_key: dict[str, dict[str, DocumentText]] = {}
    for doc in docs:
        key = twin_key(doc.doc_id)
        if key != doc.doc_id:
            by_key.setdefault(key, {})[doc.language] = doc
    paired: set[str] = set()
    for group in by_key.values():
        if "km" in group and "en" in group:
            pairs.append(TwinPair(group["km"], group["en"], "id"))
            paired.update((group["km"].doc_id, group["en"].doc_id))
    rest = [d for d in docs if d.doc_id not in paired and d.date]
    numbers = {d.doc_id: numbers_in(d.text) for d in rest}
    candidates: list[tuple[float, DocumentText, DocumentText]] = []
    for km in (d for d in rest if d.language == "km"):
        for en in (d for d in rest if d.language == "en" and d.date == km.date):
            shared = numbers[km.doc_id] & numbers[en.doc_id]
            union = numbers[km.doc_id] | numbers[en.doc_id]
            if len(shared) >= min_numbers and len(shared) / len(union) >= min_overlap:
                candidates.append((len(shared) / len(union), km, en))
    for _, km, en in sorted(candidates, key=lambda c: (-c[0], c[1].doc_id, c[2].doc_id)):
        if km.doc_id not in paired and en.doc_id not in paired:
            pairs.append(TwinPair(km, en, "date+numbers"))
            paired.update((km.doc_id, en.doc_id))
    return sorted(pairs, key=lambda p: (p.km.doc_id, p.en.doc_id))
