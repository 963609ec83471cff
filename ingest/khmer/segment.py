"""Khmer word segmentation, and tokenisation of mixed Khmer/Latin text.

Khmer is written without spaces between words (spaces mark phrases), so lexical search needs
a word segmenter. khmer-nltk's CRF model is used, but only through ``segment_khmer`` so that
another segmenter (anything matching ``Segmenter``) can replace it without touching callers.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from ingest.khmer.normalize import ZERO_WIDTH
from ingest.khmer.script import DIGIT_CLASS, KHMER_CLASS

__all__ = ["Segmenter", "segment_khmer", "tokenize_mixed"]

logger = logging.getLogger(__name__)

Segmenter = Callable[[str], list[str]]

#: Lines up to this length are memoised: queries and short lines repeat a lot.
_CACHE_MAX_CHARS = 256

_ZERO_WIDTH_TABLE = str.maketrans(dict.fromkeys(ZERO_WIDTH))
_SPACES_RE = re.compile(r"\s+")

# A Khmer run may contain inner spaces (phrase breaks) so the segmenter sees whole phrases;
# it never starts or ends with a space.
_KHMER_RUN_RE = re.compile(f"[{KHMER_CLASS}]+(?:\\s+[{KHMER_CLASS}]+)*")
# khmer-nltk glues numbers to the next word ("៥ឆ្នាំ"); Latin digits are split off, so are these.
_KHMER_DIGITS_RE = re.compile(f"[{DIGIT_CLASS}]+|[^{DIGIT_CLASS}]+")
# A word outside Khmer: letters, digits, underscore, plus combining accents (decomposed é).
_WORD_RE = re.compile(
    r"(?:\w|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)


_LOAD_LOCK = threading.Lock()
_loaded: Segmenter | None = None


def _khmernltk_word_tokenize() -> Segmenter:
    """Import khmer-nltk on first use only: import plus model load take about a second.

    Under a lock: the first Khmer queries of a fresh server arrive together, and khmer-nltk
    checks-then-loads its model and sklearn-crfsuite checks-then-opens its tagger with no
    lock of their own (two threads opening the tagger, one after the temp file is gone,
    was a 500)."""
    global _loaded
    if _loaded is None:
        with _LOAD_LOCK:
            if _loaded is None:
                _loaded = _load_khmernltk()
    return _loaded


def _load_khmernltk() -> Segmenter:
    from khmernltk import word_tokenize  # type: ignore[import-untyped]

    # khmer-nltk sets its own logger to DEBUG with a stream handler at import and logs
    # "Loaded model" at INFO on first use; keep its warnings, drop the noise.
    logging.getLogger("khmer-nltk").setLevel(logging.WARNING)
    word_tokenize("ខ្មែរ")  # loads the CRF model and opens its tagger
    _drop_model_tempfile()
    logger.debug("khmer-nltk loaded")
    return word_tokenize


def _drop_model_tempfile() -> None:
    """Unpickling khmer-nltk's sklearn-crfsuite model writes a 17 MB copy to a temp file that
    is only removed by a finaliser, which never runs at interpreter exit or after a kill: one
    leaked file per process. crfsuite reads the whole file into memory when the tagger opens,
    so it can go as soon as that has happened."""
    import sys

    # ``khmernltk.word_tokenize`` names both a module and the function the package exports.
    module = sys.modules.get("khmernltk.word_tokenize")
    model = getattr(module, "crf_model", None)
    cleanup = getattr(getattr(model, "modelfile", None), "cleanup", None)
    if getattr(model, "_tagger", None) is not None and cleanup is not None:
        cleanup()


def _word_tokenize(line: str) -> list[str]:
    return [token for token in _khmernltk_word_tokenize()(line) if not token.isspace()]


@lru_cache(maxsize=20_000)
def _word_tokenize_cached(line: str) -> tuple[str, ...]:
    return tuple(_word_tokenize(line))


def segment_khmer(text: str) -> list[str]:
    """Split Khmer text into words with khmer-nltk, dropping whitespace tokens.

    khmer-nltk silently deletes newlines (gluing the words on either side together) and
    treats zero-width spaces as hard cluster breaks, and it keeps tabs inside tokens; so the
    text is cut into lines, zero-width characters are removed and whitespace is collapsed
    before each line is tokenised. Punctuation such as ``។`` comes back as its own token.
    """
    tokens: list[str] = []
    for raw_line in text.splitlines():
        line = _SPACES_RE.sub(" ", raw_line.translate(_ZERO_WIDTH_TABLE)).strip()
        if not line:
            continue
        if len(line) <= _CACHE_MAX_CHARS:
            tokens.extend(_word_tokenize_cached(line))
        else:
            tokens.extend(_word_tokenize(line))
    return tokens


def _has_word_content(token: str) -> bool:
    """True unless the token is only punctuation or symbols (។, ៖, ៗ, ៛, ...)."""
    return any(unicodedata.category(ch)[0] in "LMN" for ch in token)


def tokenize_mixed(text: str, segmenter: Segmenter = segment_khmer) -> list[str]:
    """Split text into raw word tokens: Khmer runs via ``segmenter``, the rest on non-word chars.

    Used by the BM25 analyser, which does its own casing, stemming and stop words. Tokens that
    are pure punctuation (Khmer ``។`` or ``៖`` included) are dropped, as they are for Latin text,
    and Khmer digits are split from the word they are glued to, as Latin digits are.
    """
    text = text.translate(_ZERO_WIDTH_TABLE)  # a soft hyphen must not split a Latin word
    tokens: list[str] = []
    pos = 0
    for match in _KHMER_RUN_RE.finditer(text):
        tokens.extend(_WORD_RE.findall(text, pos, match.start()))
        for token in segmenter(match.group()):
            tokens.extend(t for t in _KHMER_DIGITS_RE.findall(token) if _has_word_content(t))
        pos = match.end()
    tokens.extend(_WORD_RE.findall(text, pos))
    return tokens
