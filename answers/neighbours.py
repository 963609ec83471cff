"""The passages beside the best ones, as extra evidence.

A chunk boundary can fall between the sentence that introduces a fact and the fact: the
search finds the chunk about "the status of digital government" or "the five levels" and
the figure or the third level sits in the next chunk of the same page, which ranks lower
(issue #12: "3,508 public services", "Level 3: Data-centric government"). The chunks right
before and after the best passages are read from the catalog (one query by id, no model
call; their sentence vectors are stored like every other) and scored with the rest, ranked
a little below the passage they sit beside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from index.search_types import Hit

__all__ = ["NEIGHBOUR_RANK_STEP", "with_neighbours"]

#: a neighbour counts as this many places below the passage it sits beside
NEIGHBOUR_RANK_STEP = 2
_ORDINAL_DIGITS = 5  # chunk ids end in "-00012" (``ingest/records.py``)


def _neighbour_ids(chunk_id: str, reach: int) -> list[str]:
    prefix, _, ordinal = chunk_id.rpartition("-")
    if not prefix or len(ordinal) != _ORDINAL_DIGITS or not ordinal.isdigit():
        return []
    n = int(ordinal)
    return [f"{prefix}-{m:0{_ORDINAL_DIGITS}d}"
            for d in range(1, reach + 1) for m in (n - d, n + d) if m >= 0]


def with_neighbours(hits: Sequence[Hit], catalog: Any, top: int = 3, reach: int = 1,
                    ) -> tuple[list[Hit], dict[str, int]]:
    """The hits followed by the ``reach`` chunks just before and after each of the ``top``
    best (on the same page or the next), and every passage's rank (a neighbour's is its passage's
    plus :data:`NEIGHBOUR_RANK_STEP`)."""
    ranks = {h.chunk_id: rank for rank, h in enumerate(hits)}
    wanted: dict[str, Hit] = {}
    for hit in hits[:top]:
        for chunk_id in _neighbour_ids(hit.chunk_id, reach):
            if chunk_id not in ranks and chunk_id not in wanted:
                wanted[chunk_id] = hit
    if not wanted:
        return list(hits), ranks
    records = catalog.chunks_by_ids(list(wanted))
    labels_of = getattr(catalog, "page_labels", None)
    keys = {(r.doc_id, r.page) for r in records.values()}
    labels = labels_of(keys) if callable(labels_of) else {}
    extra: list[Hit] = []
    for chunk_id, beside in wanted.items():
        record = records.get(chunk_id)
        if record is None or record.doc_id != beside.doc_id or abs(record.page - beside.page) > 1:
            continue
        extra.append(replace(beside, chunk_id=chunk_id, page=record.page, start=record.start,
                             end=record.end, heading=record.heading, text=record.text,
                             language=record.language,
                             snippet="", highlights=[], twins=[], more_in_document=0,
                             page_label=labels.get((record.doc_id, record.page))))
        ranks[chunk_id] = ranks[beside.chunk_id] + NEIGHBOUR_RANK_STEP
    return [*hits, *extra], ranks
