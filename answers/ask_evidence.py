"""The usable evidence units of each retrieved passage, worked out once per index generation.

Why: deciding that a unit is page furniture (``is_debris``: link lists, letterheads, captions,
all-capitals lines) or a lead-in (``is_lead_in``) ran its regular expressions and Khmer
normalisation over every sentence of every retrieved passage on every /ask: the largest share
of an answer's own CPU once sentence vectors were stored. Both depend only on the sentence and
its passage (text and title), so a passage's verdicts are kept, keyed by what they depend on.
The values would stay right across generations; the cache is still dropped when the index
generation moves on, so memory holds only passages of the current index.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING

from answers.display import is_debris, is_lead_in
from answers.list_items import with_lead_ins
from index.evidence import EvidenceSentence, sentences_of
from index.generation import GenerationWatcher
from index.search_types import Hit

if TYPE_CHECKING:
    from ingest.analysis import Analyzer

_Key = tuple[str, str]  # (passage text, document title): all the verdicts read


class _Verdicts:
    """One generation's kept-unit flags per passage, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[_Key, tuple[bool, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: _Key) -> tuple[bool, ...] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: _Key, flags: tuple[bool, ...]) -> None:
        with self._lock:
            self._entries[key] = flags
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def usable(sentence: EvidenceSentence) -> bool:
    """Whether a unit may be evidence at all (neither a lead-in nor page furniture)."""
    return not is_lead_in(sentence) and not is_debris(sentence)


class UsableEvidence:
    """``sentences_of`` without lead-ins and debris, the verdicts computed once per passage
    per index generation (``size`` passages kept; 0 keeps none: every request decides).
    Thread-safe: a verdict computed twice by two requests is the same verdict."""

    def __init__(self, split: Callable[[str], list[tuple[int, int]]], analyzer: Analyzer,
                 size: int = 4096) -> None:
        self.split = split
        self.analyzer = analyzer
        self.size = size
        self.computed = 0  # passages judged (for tests and measurements)
        self._watcher: GenerationWatcher[_Verdicts] = GenerationWatcher(
            lambda _generation: _Verdicts(size))

    def verdicts(self, generation: Hashable) -> _Verdicts:
        return self._watcher.current(generation)

    def __call__(self, hits: Sequence[Hit], generation: Hashable,
                 readmit: Callable[[str], bool] | None = None,
                 lead_ins: bool = False) -> list[EvidenceSentence]:
        """The usable units of ``hits``; ``readmit``: a question's own reason to keep a unit
        the verdicts left out (a lead-in that states the count a "how many" question asks:
        "A total of 139 policy measures have been put in place ..., including:");
        ``lead_ins``: short list items quoted with their list's lead-in
        (``answers/list_items.py``; not for a list question, which reads its items)."""
        held = self.verdicts(generation)
        out: list[EvidenceSentence] = []
        for hit in hits:
            sentences = sentences_of([hit], self.split, self.analyzer)
            key = (hit.text, hit.title)
            flags = held.get(key) if self.size else None
            if flags is None or len(flags) != len(sentences):
                flags = tuple(usable(s) for s in sentences)
                self.computed += 1
                if self.size:
                    held.put(key, flags)
            keep = [kept or readmit is not None and readmit(s.text) and is_lead_in(s)
                    and not is_debris(s) for s, kept in zip(sentences, flags, strict=True)]
            out.extend(with_lead_ins(sentences, keep) if lead_ins
                       else (s for s, kept in zip(sentences, keep, strict=True) if kept))
        return out
