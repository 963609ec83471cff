"""Printed page labels: the page numbers a drafter cites ("p. 12"), not PDF positions (24).

A PDF's own /PageLabels dictionary wins when it has one (it is what a viewer shows); otherwise
the numbers printed in the running header or footer are read (``ingest.furniture``: a number
that tracks the page position across the document), and pages without one (a full-page table,
a chapter opener) get the number their neighbours imply when both sides agree on the offset.
Roman-numbered front matter keeps its roman labels.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ingest.furniture import analyse_edges, roman_value, to_roman

logger = logging.getLogger(__name__)

Labels = list[str | None]


def pdf_page_labels(reader: Any) -> Labels | None:
    """The labels of the PDF's /PageLabels dictionary, None when it has none or it is damaged
    (pypdf would otherwise invent "1", "2", ... for every PDF)."""
    try:
        root = reader.trailer["/Root"]
        if "/PageLabels" not in root:
            return None
        labels = list(reader.page_labels)
    except Exception as exc:  # a broken number tree must not lose the document
        logger.info("unreadable /PageLabels: %s", exc)
        return None
    if len(labels) != len(reader.pages):
        return None
    return [str(label).strip() or None for label in labels]


def _value(printed: str) -> tuple[str, int] | None:
    if printed.isdigit():
        return "arabic", int(printed)
    value = roman_value(printed)
    return ("roman", value) if value is not None else None


def printed_page_labels(texts: Sequence[str]) -> Labels:
    """Each page's printed number (None when the document prints none for it)."""
    found: list[tuple[str, int] | None] = [
        _value(edges.number) if edges.number else None for edges in analyse_edges(texts)]
    labels: Labels = [_format(f) for f in found]
    known = [i for i, f in enumerate(found) if f is not None]
    for before, after in zip(known, known[1:], strict=False):
        a, b = found[before], found[after]
        assert a is not None and b is not None
        if after - before > 1 and a[0] == b[0] and a[1] - before == b[1] - after:
            for index in range(before + 1, after):
                labels[index] = _format((a[0], a[1] + index - before))
    return labels


def _format(found: tuple[str, int] | None) -> str | None:
    if found is None or found[1] <= 0:
        return None
    kind, value = found
    return to_roman(value) if kind == "roman" else str(value)


def page_labels(reader: Any, texts: Sequence[str]) -> tuple[Labels, str | None]:
    """(labels, where they came from: "pdf", "printed" or None when no page has one)."""
    labels = pdf_page_labels(reader)
    if labels is not None and any(labels):
        return labels, "pdf"
    labels = printed_page_labels(texts)
    return labels, ("printed" if any(labels) else None)
