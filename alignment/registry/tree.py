"""Raw extraction -> registry nodes: spans shown as page ranges, ids and positional labels."""

from __future__ import annotations

import re

from alignment.registry.extraction.raw import Extraction, RawNode
from alignment.registry.models import END, Level, Policy, RegistryNode, Span
from core.models import DocumentRecord
from ingest.khmer.script import DIGITS_TO_ASCII


def display_end(policy: Policy, p1: int, o1: int) -> int:
    """The last page a span really reaches: not a page it only touches before any content."""
    pages = sorted(policy.page_chars)
    if not pages:
        return p1
    if p1 > pages[-1]:
        p1 = pages[-1]
        o1 = END
    if o1 <= policy.first_content.get(p1, 0):
        earlier = [p for p in pages if p < p1]
        p1 = earlier[-1] if earlier else p1
    while p1 in policy.first_content and policy.first_content[p1] >= END and p1 > pages[0]:
        p1 -= 1  # a page with nothing but running headers
    return p1


def set_primary(policy: Policy, node: RegistryNode, span: Span) -> None:
    """Give the node its own section (the first span) and the page range shown for it."""
    node.spans = [span, *node.spans[1:]]
    node.page_start = span[0]
    node.page_end = max(span[0], display_end(policy, span[2], span[3]))


def _convert(policy: Policy, raw: RawNode) -> RegistryNode:
    level: Level = raw.level  # type: ignore[assignment]  # the parser only makes the three
    node = RegistryNode(id="", level=level, label=raw.label, title=raw.title,
                        doc_id=policy.doc_id, page_start=None, page_end=None,
                        key=raw.key, positional=raw.positional)
    end = raw.end or (raw.page, raw.offset)
    set_primary(policy, node, (raw.page, raw.offset, end[0], end[1]))
    node.children = [_convert(policy, child) for child in raw.children]
    return node


def renumber(policy: Policy) -> None:
    """Labels of measures numbered by position, and every id, after the tree changed."""
    word = policy.measure_word
    if policy.measure_labels == "continuous":
        for n, node in enumerate((m for m in policy.walk() if m.level == "measure"), 1):
            node.key, node.label = str(n), f"{word} {n}"
    else:
        for parent in policy.walk():
            for k, child in enumerate(parent.children, 1):
                if child.level == "measure" and child.positional:
                    child.key = f"{parent.key}.{k}"
                    child.label = f"{word} {child.key}"
    for node in policy.walk():
        node.id = f"{policy.id}:{node.level}-{node.key}"
        node.doc_id = policy.doc_id


def policy_from_extraction(doc: DocumentRecord, ext: Extraction, *, policy_id: str,
                           title: str, short_name: str, period: str | None,
                           issuing_body: str | None, note: str | None,
                           measure_word: str | None, measure_labels: str) -> Policy:
    """A policy whose tree is the document's extracted structure, ids and labels assigned."""
    policy = Policy(id=policy_id, title=title, short_name=short_name, doc_id=doc.doc_id,
                    period=period, issuing_body=issuing_body, has_text=True, note=note)
    policy.measure_word = measure_word or ext.measure_word
    policy.measure_labels = measure_labels
    policy.page_chars = dict(ext.page_chars)
    policy.first_content = dict(ext.first_content)
    policy.matrix = list(ext.matrix)
    policy.goals = [_convert(policy, raw) for raw in ext.nodes]
    policy.warnings.extend(ext.warnings)
    renumber(policy)
    return policy


def key_from_label(label: str, fallback: int) -> str:
    """The numbering key a label ends with ('Pentagon 2' -> '2', 'Strategy 3.4.1' -> '3.4.1');
    ``fallback`` (a position) when it has none."""
    m = re.search(r"([0-9]+(?:\.[0-9A-Za-z]+)*)\s*$", label.translate(DIGITS_TO_ASCII))
    return m.group(1) if m else str(fallback)
