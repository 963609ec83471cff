"""The BM25 analyser: one object from text to index terms, for chunks and queries alike.

Khmer: normalised search key, spaces between Khmer letters removed (PDF extractors insert
them inside words), then word segmentation. English: lower-case, stop words dropped,
Snowball stemming. Any other script: lower-cased words.

The container builds one ``Analyzer`` and hands that same object to ingestion and to every
query-side user (query analysis, highlighting, evidence scoring, answers, alignment): terms
only match if both sides analysed them alike, so there is no second way to reach it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.khmer.normalize import search_key
from ingest.khmer.script import CONSONANT_CLASS, KHMER_CLASS, MARKS, char_class
from ingest.khmer.segment import Segmenter, segment_khmer, tokenize_mixed

#: Bump when analysis changes: it is part of every file's ingest fingerprint.
ANALYZER_VERSION = "4"

ENGLISH_STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    shall may might must which whose upon within without via etc per""".split()
)

# Function words and question words that carry no topic; folded like the text they meet.
# Question words matter for cross-language search: a Khmer question's "how many" must not
# make Khmer passages win over the English passage that answers it.
KHMER_STOP_WORDS = frozenset(
    search_key(word)
    for word in """និង នៃ ក្នុង ជា បាន ដែល នេះ នោះ ទៅ មក ពី ដល់ នឹង ក៏ ផង ដោយ សម្រាប់ ចំពោះ លើ ឬ
    ហើយ គឺ មាន របស់ ទាំង នូវ ត្រូវ ថា ៗ ផងដែរ តើ ណា ខ្លះ អ្វី ហេតុអ្វី ហេតុ បានជា អ្នកណា នរណា
    ប៉ុន្មាន យ៉ាងដូចម្តេច ដូចម្តេច យ៉ាងណា ពេលណា ឯណា ទីណា ដែរ ទេ ឬទេ អំពី គឺជា ដើម្បី ស្តីពី
    នៅ ទាំងអស់ មួយ ទៀត ដែរឬទេ បែបណា របៀប""".split()
)

_SPACE_INSIDE_KHMER = re.compile(f"(?<=[{KHMER_CLASS}]) +(?=[{KHMER_CLASS}])")
_KHMER_TOKEN = re.compile(f"[{KHMER_CLASS}]")
# dotted Khmer abbreviations: ក.ប.ទ. (MPTC), ម.ប.ស. (CTC), គ.ជ.អ.ប. Their letters' marks
# have never included ATTHACAN (U+17DD); admitting it now would change stored index terms.
_ABBREVIATION_MARKS = char_class(MARKS - {"\u17dd"})
_ABBREVIATED = f"[{CONSONANT_CLASS}][{_ABBREVIATION_MARKS}]*"
_KHMER_ABBREVIATION = re.compile(rf"(?:{_ABBREVIATED}\.){{2,}}(?:{_ABBREVIATED}\.?)?")


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


class Analyzer:
    """Text to BM25 terms. ``version`` goes into every file's ingest fingerprint, so an
    analyser that splits words differently (another ``segmenter``) must bring its own."""

    #: English words too common to search on (also what glossary coverage ignores).
    english_stop_words: frozenset[str] = ENGLISH_STOP_WORDS

    def __init__(self, segmenter: Segmenter = segment_khmer, version: str = ANALYZER_VERSION):
        self.segmenter = segmenter
        self.version = version
        # highlighting analyses every word of every snippet; the same words recur
        self._words = lru_cache(maxsize=100_000)(self._analyze_word)

    def analyze(self, text: str) -> list[str]:
        """Index terms for ``text``; queries and documents must go through this same object."""
        key = search_key(text)
        # an abbreviation is one term; segmented, it would be letters that match everything
        terms = [m.group().rstrip(".") for m in _KHMER_ABBREVIATION.finditer(key)]
        key = _SPACE_INSIDE_KHMER.sub("", _KHMER_ABBREVIATION.sub(" ", key))
        for token in tokenize_mixed(key, self.segmenter):
            if _KHMER_TOKEN.match(token):
                # a lone letter is segmentation debris, not a word
                if len(token) > 1 and token not in KHMER_STOP_WORDS:
                    terms.append(token)
                continue
            word = token.lower()
            if word in ENGLISH_STOP_WORDS or (len(word) == 1 and not word.isdigit()):
                continue
            terms.append(_stem(word) if word.isascii() and word.isalpha() else word)
        return terms

    def analyze_word(self, word: str) -> tuple[str, ...]:
        """``analyze`` for one word, cached."""
        return self._words(word)

    def to_key(self, text: str) -> str:
        """Terms joined by spaces: what the catalog stores per chunk so BM25 never re-segments."""
        return " ".join(self.analyze(text))

    def clear_caches(self) -> None:
        """Forget cached words (the benchmark times analysis cold)."""
        self._words.cache_clear()

    def _analyze_word(self, word: str) -> tuple[str, ...]:
        return tuple(self.analyze(word))
