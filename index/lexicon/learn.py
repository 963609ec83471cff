"""Build the learned lexicon from an index: find twin documents, align their paragraphs,
add the glossary's own rows as segments, train, store.

Incremental: a twin pair's segments are cached under the hashes of its two files, and the
model is retrained only when the set of segments (or the glossary) changed.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from index.catalog import Catalog
from index.glossary import GlossaryEntry, fold_english
from index.lexicon.model import LearnedPair, Segment, learn_pairs
from index.lexicon.pairs import DocumentText, TwinPair, find_twin_pairs
from index.lexicon.segments import align_paragraphs, paragraphs
from index.lexicon.store import LexiconStore
from ingest.analysis import ENGLISH_STOP_WORDS, Analyzer
from ingest.khmer.script import KHMER_CLASS

__all__ = ["LexiconReport", "build_lexicon", "segment_words"]

_KHMER = re.compile(f"[{KHMER_CLASS}]")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z\-]+")


@dataclass(frozen=True)
class LexiconReport:
    """What a build did, for the CLI and the ingest report."""

    twin_pairs: int
    pairs_by_id: int
    pairs_by_content: int
    segments: int
    segments_reused: int
    learned: int
    retrained: bool
    seconds: float


def segment_words(km_text: str, en_text: str, analyzer: Analyzer) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words the learner pairs: Khmer search terms (khmer-nltk words, normalised) and
    English words folded like the glossary folds them (plural → singular), stop words out."""
    km = tuple(t for t in analyzer.analyze(km_text) if len(t) >= 2 and _KHMER.match(t))
    en = tuple(fold_english(w) for w in (m.group() for m in _EN_WORD.finditer(en_text))
               if len(w) >= 3 and w.lower() not in ENGLISH_STOP_WORDS)
    return km, en


def _document_texts(catalog: Catalog) -> tuple[list[DocumentText], dict[str, str]]:
    """The open collections' Khmer and English documents. The lexicon serves every reader (its
    translations become query expansions any caller sees), so a word learned from a
    restricted document would leak it: restricted documents are never learned from, and
    restricting a collection drops its pairs at the next build."""
    docs, hashes = [], {}
    readable = catalog.open_collections()
    for record in catalog.documents():
        if record.language not in ("km", "en") or record.collection not in readable:
            continue
        text = "\n".join(page.text for page in catalog.pages_of(record.doc_id))
        docs.append(DocumentText(record.doc_id, record.language, record.date, text))
        hashes[record.doc_id] = record.file_hash
    return docs, hashes


def _pair_segments(pair: TwinPair, analyzer: Analyzer) -> list[Segment]:
    source = f"{pair.km.doc_id} | {pair.en.doc_id}"
    found = []
    for km, en in align_paragraphs(paragraphs(pair.km.text), paragraphs(pair.en.text)):
        km_words, en_words = segment_words(km, en, analyzer)
        if km_words and en_words:
            found.append(Segment(km_words, en_words, source))
    return found


def _glossary_segments(entries: Iterable[GlossaryEntry], analyzer: Analyzer) -> list[Segment]:
    found = []
    for entry in entries:
        km_words, en_words = segment_words(entry.km, entry.en, analyzer)
        if km_words and en_words:
            found.append(Segment(km_words, en_words, "glossary"))
    return found


def build_lexicon(catalog: Catalog, glossary: Iterable[GlossaryEntry], analyzer: Analyzer,
                  store: LexiconStore, *, force: bool = False) -> LexiconReport:
    """Learn term translations from the index's twins and the glossary; store them."""
    started = time.perf_counter()
    docs, hashes = _document_texts(catalog)
    pairs = find_twin_pairs(docs)
    cached = store.cached_segments()
    segments: dict[str, tuple[str, list[Segment]]] = {}
    reused = 0
    for pair in pairs:
        key = f"{pair.km.doc_id}\t{pair.en.doc_id}"
        stamp = f"{hashes[pair.km.doc_id]}:{hashes[pair.en.doc_id]}:{analyzer.version}"
        if key in cached and cached[key][0] == stamp and not force:
            segments[key] = cached[key]
            reused += 1
        else:
            segments[key] = (stamp, _pair_segments(pair, analyzer))
    glossary_segments = _glossary_segments(glossary, analyzer)
    digest = hashlib.sha256()
    for key in sorted(segments):
        digest.update(f"{key}\t{segments[key][0]}\n".encode())
    for segment in glossary_segments:
        digest.update(f"{segment.km}\t{segment.en}\n".encode())
    fingerprint = digest.hexdigest()
    retrain = force or store.meta("fingerprint") != fingerprint
    n_segments = sum(len(s) for _, s in segments.values()) + len(glossary_segments)
    if retrain:
        all_segments = [s for _, segs in segments.values() for s in segs] + glossary_segments
        learned: list[LearnedPair] = learn_pairs(all_segments)
        store.save(segments, learned, fingerprint)
    else:
        learned = store.learned()
    return LexiconReport(
        twin_pairs=len(pairs), pairs_by_id=sum(p.evidence == "id" for p in pairs),
        pairs_by_content=sum(p.evidence != "id" for p in pairs), segments=n_segments,
        segments_reused=reused, learned=len(learned), retrained=retrain,
        seconds=round(time.perf_counter() - started, 2))
