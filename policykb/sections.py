"""The policy registry adapted to what answers ask of it (``answers.sections.SectionLookup``).

Answers may not import ``alignment/``; this adapter, built by the composition root, turns
registry nodes into sections and list items, and finds each item's heading in the page text
so that the list answer cites an exact span (a node keeps the page and offset its heading
starts at; nodes added by the reviewed file may have none, and are looked up by their words).
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from answers.sections import ListItem, PolicyRef, Section

if TYPE_CHECKING:
    from alignment.registry import Policy, PolicyRegistry, RegistryCache, RegistryNode
    from index.catalog import Catalog

_WORD = re.compile(r"\w+")
_ANCHOR = 5  # words of a title that must match in a row where no heading offset is known
_LABEL_WORDS = 8  # words a heading may carry before its title ("7.1-Strategic Goal 1:")


class RegistrySections:
    """``SectionLookup`` over the live registry (rebuilt when documents change)."""

    def __init__(self, registry: RegistryCache, catalog: Catalog) -> None:
        self.registry = registry
        self.catalog = catalog
        self._lock = threading.Lock()
        self._built_for: PolicyRegistry | None = None
        self._parents: dict[str, RegistryNode] = {}
        self._items: dict[tuple[str, str, str | None], list[ListItem]] = {}

    def _current(self) -> PolicyRegistry:
        registry = self.registry.current()
        with self._lock:
            if registry is not self._built_for:
                self._parents = {c.id: n for p in registry.policies for n in p.walk()
                                 for c in n.children}
                self._items = {}
                self._built_for = registry
        return registry

    def section(self, doc_id: str, page: int, offset: int | None = None) -> Section | None:
        registry = self._current()
        found = registry.node_for_page(doc_id, page, offset)
        if found is None:
            return None
        policy, node = found
        while node.level == "measure" and node.id in self._parents:
            node = self._parents[node.id]  # a measure is named by its strategy
        return Section(policy.id, policy.title, node.level, node.label, node.title,
                       node.page_start or page)

    def policies(self) -> list[PolicyRef]:
        out: list[PolicyRef] = []
        for policy in self._current().policies:
            if not policy.has_text or policy.doc_id is None:
                continue
            doc = self.catalog.get_document(policy.doc_id)
            names = (policy.title, policy.short_name, *((doc.title,) if doc else ()))
            out.append(PolicyRef(policy.id, policy.title, policy.doc_id,
                                 tuple(dict.fromkeys(n for n in names if n)),
                                 doc.title if doc else policy.title,
                                 tuple(policy.level_words.items())))
        return out

    def items(self, policy_id: str, level: str, within: str | None = None) -> list[ListItem]:
        registry = self._current()
        key = (policy_id, level, within)
        if key in self._items:
            return self._items[key]
        policy = registry.get(policy_id)
        if policy is None or policy.doc_id is None:
            return []
        scope = list(policy.walk())
        if within:
            root = next((n for n in scope if n.label.casefold() == within.casefold()), None)
            scope = list(root.walk()) if root is not None else []
        pages: dict[int, str] = {}
        items = [self._item(policy, node, pages) for node in scope if node.level == level]
        items = self._in_passages(policy.doc_id, items)
        with self._lock:
            self._items[key] = items
        return items

    def _in_passages(self, doc_id: str, items: list[ListItem]) -> list[ListItem]:
        """Each item with the passage its heading sits in: a citation card shows that
        passage around the heading, not the page's running header."""
        chunks = [(c.page, c.start, c.end) for c in self.catalog.chunks_of(doc_id)]
        return [_within(item, chunks) for item in items]

    def _item(self, policy: Policy, node: RegistryNode, pages: dict[int, str]) -> ListItem:
        assert policy.doc_id is not None
        parent = self._parents.get(node.id)
        candidates: list[tuple[int, int | None]] = []
        if node.spans:
            candidates.append((node.spans[0][0], node.spans[0][1]))
        if node.page_start is not None:
            last = node.page_end if node.page_end is not None else node.page_start
            candidates += [(p, None) for p in range(node.page_start, min(last, node.page_start + 2) + 1)]
        for page, offset in candidates:
            if page not in pages:
                record = self.catalog.page(policy.doc_id, page)
                pages[page] = record.text if record else ""
            span = locate(node.title, pages[page], offset)
            if span is None and offset is None:
                span = closest_lines(node.title, pages[page])
            if span is not None:
                start, end = span
                return ListItem(node.level, node.label, node.title, policy.doc_id, page, start,
                                end, pages[page][start:end], parent.label if parent else "")
        page = node.page_start or (candidates[0][0] if candidates else 0)
        return ListItem(node.level, node.label, node.title, policy.doc_id, page,
                        parent=parent.label if parent else "")


def _within(item: ListItem, chunks: list[tuple[int, int, int]]) -> ListItem:
    """The item with the bounds of the passage its heading starts in, if one does."""
    if not item.quote:
        return item
    for page, start, end in chunks:
        if page == item.page and start <= item.start < end:
            return replace(item, passage_start=min(start, item.start),
                           passage_end=max(end, item.end))
    return item


def locate(title: str, text: str, offset: int | None) -> tuple[int, int] | None:
    """The span of ``title`` in ``text``, word by word (case, spacing, line breaks and
    punctuation may differ). At a known heading ``offset`` the span starts there, label
    included; elsewhere the title's first words must appear in a row."""
    want = [w.casefold() for w in _WORD.findall(title)]
    if not want:
        return None
    if offset is not None:
        window = offset + 2 * len(title) + 200
        words = [(m.group().casefold(), m.start(), m.end())
                 for m in _WORD.finditer(text, offset, min(len(text), window))]
        for i in range(min(_LABEL_WORDS, len(words))):
            n = _matched(want, words, i)
            if n == len(want):
                return offset, words[i + n - 1][2]
        return None
    words = [(m.group().casefold(), m.start(), m.end()) for m in _WORD.finditer(text)]
    need = min(_ANCHOR, len(want))
    best: tuple[int, int] | None = None
    best_n = 0
    for i in range(len(words)):
        n = _matched(want, words, i)
        if n >= need and n > best_n:
            best, best_n = (words[i][1], words[i + n - 1][2]), n
            if n == len(want):
                break
    return best


def closest_lines(title: str, text: str, lines: int = 3,
                  share: float = 0.5) -> tuple[int, int] | None:
    """The run of up to ``lines`` lines holding most of the title's words (at least
    ``share`` of them): where the reviewed file reworded an item, the text that states it."""
    want = {w.casefold() for w in _WORD.findall(title) if len(w) > 3}
    if not want:
        return None
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    ends = [*(s - 1 for s in starts[1:]), len(text)]
    best: tuple[int, int] | None = None
    best_key = (share, -len(text) - 1)
    for i in range(len(starts)):
        for j in range(i, min(i + lines, len(starts))):
            found = {w.casefold() for w in _WORD.findall(text[starts[i]:ends[j]])} & want
            key = (len(found) / len(want), starts[i] - ends[j])  # then the shortest run
            if key > best_key:
                best, best_key = (starts[i], ends[j]), key
    if best is None:
        return None
    start, end = best
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _matched(want: list[str], words: list[tuple[str, int, int]], i: int) -> int:
    """How many of ``want`` match ``words`` from ``i`` on, in a row."""
    n = 0
    while n < len(want) and i + n < len(words) and words[i + n][0] == want[n]:
        n += 1
    return n
