"""Each strategy's section of its policy: the chunks under it, their vectors and table rows.

Kept apart from ``aligner.py`` because it is built once per registry (one index generation)
and read by every mechanism of every plan; the Aligner caches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from alignment.registry.models import Policy, PolicyRegistry, RegistryNode
from alignment.table_rows import RowIndex
from core.models import ChunkRecord


@dataclass
class Sections:
    chunks: list[ChunkRecord]
    strategy_of: list[str]
    matrix: np.ndarray
    rows: RowIndex
    candidates: list[str] | None = None  # the texts ``prepare`` embeds (built when asked)


def build_sections(registry: PolicyRegistry, targets: list[tuple[Policy, RegistryNode]],
                   catalog: Any, store: Any) -> Sections:
    """Chunks of each strategy's section, with their stored vectors, and the policies' table
    rows."""
    owner = strategy_owner(targets)
    chunks: list[ChunkRecord] = []
    strategy_of: list[str] = []
    for doc_id in sorted({p.doc_id for p, _ in targets if p.has_text and p.doc_id}):
        for chunk in catalog.chunks_of(doc_id):
            # the chunk belongs where its middle is (its first characters may be the
            # heading marks just before the node's own span begins)
            found = registry.node_for_page(doc_id, chunk.page, (chunk.start + chunk.end) // 2)
            strategy = owner.get(found[1].id) if found else None
            if strategy is not None:
                chunks.append(chunk)
                strategy_of.append(strategy.id)
    vectors = store.vectors([c.chunk_id for c in chunks]) if chunks else {}
    dim = len(next(iter(vectors.values()))) if vectors else 0
    matrix = np.stack([vectors.get(c.chunk_id, np.zeros(dim, np.float32)) for c in chunks]) \
        if chunks else np.zeros((0, 0), np.float32)
    return Sections(chunks, strategy_of, matrix, RowIndex(registry.policies, catalog.pages_of))


def strategy_owner(targets: list[tuple[Policy, RegistryNode]]) -> dict[str, RegistryNode]:
    """Every node id -> the strategy (alignment target) it belongs to."""
    owner: dict[str, RegistryNode] = {}
    for _, node in targets:
        for inner in node.walk():
            owner[inner.id] = node
    return owner
