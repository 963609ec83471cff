"""The BM25 analyser: one function from text to index terms, for chunks and queries alike.

Khmer: normalised search key, spaces between Khmer letters removed (PDF extractors insert
them inside words), then khmer-nltk segmentation. English: lower-case, stop words dropped,
Snowball stemming. Any other script: lower-cased words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ingest.khmer.normalize import search_key
from ingest.khmer.segment import Segmenter, segment_khmer, tokenize_mixed

Analyzer = Callable[[str], list[str]]

#: Bump when analysis changes: it is part of every file's ingest fingerprint.
ANALYZER_VERSION = "3"

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
    ហើយ គឺ មាន របស់ ទាំង នូវ ត្រូវ ថា ៗ ផងដែរ តើ ណា ខ្លះ អ្វី ហេតុអ្វី ហេតុ បានជា អ្នកណា
    ប៉ុន្មាន យ៉ាងដូចម្តេច ដូចម្តេច យ៉ាងណា ពេលណា ឯណា ទីណា ដែរ ទេ ឬទេ អំពី គឺជា ដើម្បី ស្តីពី
    នៅ ទាំងអស់ មួយ ទៀត ដែរឬទេ បែបណា របៀប""".split()
)

_KHMER_LETTER = "\u1780-\u17ff\u19e0-\u19ff"
_SPACE_INSIDE_KHMER = re.compile(f"(?<=[{_KHMER_LETTER}]) +(?=[{_KHMER_LETTER}])")
_KHMER_TOKEN = re.compile(f"[{_KHMER_LETTER}]")
# dotted Khmer abbreviations: ក.ប.ទ. (MPTC), ម.ប.ស. (CTC), គ.ជ.អ.ប.
_KHMER_ABBREVIATION = re.compile("(?:[\u1780-\u17a2][\u17b6-\u17d3]*\.){2,}(?:[\u1780-\u17a2][\u17b6-\u17d3]*\.?)?")


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def analyze(text: str, segmenter: Segmenter = segment_khmer) -> list[str]:
    """Index terms for ``text``; queries and documents must go through this same function."""
    key = search_key(text)
    # an abbreviation is one term; segmented, it would be letters that match everything
    terms = [m.group().rstrip(".") for m in _KHMER_ABBREVIATION.finditer(key)]
    key = _SPACE_INSIDE_KHMER.sub("", _KHMER_ABBREVIATION.sub(" ", key))
    for token in tokenize_mixed(key, segmenter):
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


@lru_cache(maxsize=100_000)
def analyze_word(word: str) -> tuple[str, ...]:
    """``analyze`` for one word, cached: highlighting analyses every word of every snippet."""
    return tuple(analyze(word))


def analyze_to_key(text: str) -> str:
    """Terms joined by spaces: what the catalog stores per chunk so BM25 never re-segments."""
    return " ".join(analyze(text))
