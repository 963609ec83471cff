"""Abbreviations the indexed documents define, so a question may use either form.

Policy texts define a name once and then use its letters: "Cambodia Academy of Digital
Technology (CADT)", "Cambodia Data Exchange (CamDX)". A drafter asks "How many students did
CADT train by 2021?" while the page that answers says "the Cambodia Academy of Digital
Technology has trained 500 students": BM25 finds the news items that say "CADT" instead.
The definitions are read from the open collections' text (a restricted document's names
never shape a public query), once per index generation, and a question's abbreviation adds
its long form's words to the English terms.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["AbbreviationIndex", "definitions", "open_texts"]

logger = logging.getLogger(__name__)

# "Long Form Of Words (ABBR)": up to 10 words before the brackets, the letters 2-10 long with
# at least two capitals ("CADT", "CamDX", "NiDA")
_DEFINED = re.compile(r"((?:[A-Z][\w&’'-]*\s+(?:(?:of|and|for|the|on|in|&)\s+){0,2}){1,10})"
                      r"\(\s*([A-Za-z][A-Za-z&]{1,9})\s*\)")
_CONNECTORS = frozenset({"of", "and", "for", "the", "on", "in", "&"})
_TOKEN = re.compile(r"\b[A-Za-z][A-Za-z&]{1,9}\b")


def definitions(text: str) -> Iterable[tuple[str, str]]:
    """``(abbreviation, long form)`` pairs the text defines: the shortest run of words before
    the brackets that starts with the abbreviation's first letter and holds its letters in
    order, each at a word start or inside a word (Schwartz and Hearst's rule): "Cambodia
    Academy of Digital Technology (CADT)", "Cambodia Data Exchange (CamDX)"."""
    for match in _DEFINED.finditer(text):
        abbreviation = match.group(2)
        if sum(c.isupper() for c in abbreviation) < 2:
            continue
        long_form = _long_form(match.group(1).split(), abbreviation)
        if long_form:
            yield abbreviation, long_form


def _long_form(words: list[str], abbreviation: str) -> str | None:
    most = min(len(abbreviation) + 5, 2 * len(abbreviation))
    for start in range(len(words) - 1, max(-1, len(words) - 1 - most), -1):
        first = words[start]
        if first.lower() in _CONNECTORS or first[0].lower() != abbreviation[0].lower():
            continue
        candidate = " ".join(words[start:])
        if _letters_in_order(abbreviation, candidate):
            return candidate
    return None


def _letters_in_order(abbreviation: str, long_form: str) -> bool:
    """Every letter of the abbreviation, right to left, found in the long form; the first
    one at the start of a word."""
    short, long = abbreviation.lower(), long_form.lower()
    at = len(long) - 1
    for i in range(len(short) - 1, -1, -1):
        letter = short[i]
        if not letter.isalnum():
            continue
        while at >= 0 and (long[at] != letter or (i == 0 and at > 0 and long[at - 1].isalnum())):
            at -= 1
        if at < 0:
            return False
        at -= 1
    return True


def open_texts(catalog: Any) -> Iterator[str]:
    """The chunk texts of the open collections' documents (a restricted document's names
    never shape a public query)."""
    readable = catalog.open_collections()
    docs = {d.doc_id for d in catalog.documents() if d.collection in readable}
    return (c.text for c in catalog.iter_chunks() if c.doc_id in docs)


class AbbreviationIndex:
    """The corpus's definitions, built when the index generation changes (``texts`` reads
    the open collections' chunk texts). Thread-safe.

    Reading every chunk costs ~0.1 s per 1,600 chunks, too much for the first question after
    an ingest at 100x the corpus; so the ingest builds the table (``Services.index_changed``)
    and writes it to ``path`` with its generation, and each server process reads that small
    file instead. A missing or stale file is rebuilt from the texts."""

    def __init__(self, texts: Callable[[], Iterable[str]], generation: Callable[[], str],
                 path: Path | None = None) -> None:
        self.texts = texts
        self.generation = generation
        self.path = path
        self._built: tuple[str, dict[str, str]] | None = None
        self._lock = threading.Lock()

    def expansions(self, question: str) -> dict[str, str]:
        """Each abbreviation of ``question`` the corpus defines, with its long form (unless
        the question spells that out too)."""
        table = self._table()
        found = {}
        folded = question.casefold()
        for token in dict.fromkeys(_TOKEN.findall(question)):
            long_form = table.get(token)
            if long_form and long_form.casefold() not in folded:
                found[token] = long_form
        return found

    def _table(self) -> dict[str, str]:
        generation = self.generation()
        built = self._built
        if built is not None and built[0] == generation:
            return built[1]
        with self._lock:
            if self._built is None or self._built[0] != generation:
                table = self._read(generation)
                if table is None:
                    table = self._build()
                    self._write(generation, table)
                self._built = (generation, table)
            return self._built[1]

    def _build(self) -> dict[str, str]:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for text in self.texts():
            for abbreviation, long_form in definitions(text):
                counts[abbreviation][long_form] += 1
        return {a: c.most_common(1)[0][0] for a, c in counts.items()}

    def _read(self, generation: str) -> dict[str, str] | None:
        if self.path is None:
            return None
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(saved, dict) or saved.get("generation") != generation \
                or not isinstance(saved.get("table"), dict):
            return None
        return {str(k): str(v) for k, v in saved["table"].items()}

    def _write(self, generation: str, table: dict[str, str]) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps({"generation": generation, "table": table},
                                          ensure_ascii=False), encoding="utf-8")
            os.replace(partial, self.path)  # readers see the old file or the new one
        except OSError:
            logger.warning("could not save the abbreviations to %s", self.path)
