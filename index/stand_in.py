"""Dense evidence for passages the embedder cannot read.

MiniLM sees Khmer as [UNK]: a Khmer passage has no meaningful vector, so it is dropped from
the dense list and something must stand in for the dense evidence it cannot have, or it
would be outranked merely for being Khmer. Two things can:

* its translation. When the index holds the same document in a language the embedder reads
  (a twin), that translation's dense rank is real evidence about this passage's content:
  the Khmer article ranks where its English twin ranks, and not at all if the twin is not
  among the dense hits (the question is not about it).
* its own sparse rank, for a passage with no readable translation (a Khmer-only news item,
  a scanned decree): the best guess available, and what English questions about Khmer-only
  documents depend on.

The sparse-rank stand-in used to serve every unreadable passage. For an English question it
gave Khmer translations of English articles dense credit they had not earned, matched only
by the glossary's rendering of part of the question, and they crowded out English policy
pages that both retrievers agreed on.
"""

from __future__ import annotations

from typing import Any

from index.fusion import RankedList
from index.sparse import SparseIndex
from index.twins import translated_keys, twin_key

__all__ = ["stand_in_list"]


def stand_in_list(index: SparseIndex, sparse_hits: list[tuple[int, float]], dense_hits: list[Any],
                  readable: frozenset[str], weight: float,
                  collections: list[str] | None = None) -> RankedList:
    """The unreadable passages among ``sparse_hits``, each ranked by its translation's best
    rank in ``dense_hits`` (readable hits only) or, without a translation, by its own
    sparse rank."""
    translated = translated_keys(index, readable, collections)  # only translations one may read
    dense_rank: dict[str, int] = {}
    rank = 0
    for hit in dense_hits:
        if hit.metadata.get("language") in readable:
            rank += 1
            dense_rank.setdefault(twin_key(str(hit.metadata.get("doc_id", ""))), rank)
    languages, doc_ids = index.columns["language"], index.columns["doc_id"]
    keys: list[str] = []
    ranks: list[int] = []
    for sparse_rank, (row, _) in enumerate(sparse_hits, start=1):
        if languages[row] in readable:
            continue
        key = twin_key(str(doc_ids[row]))
        if key in translated:
            if key not in dense_rank:
                continue  # its translation is not among the dense hits: no dense evidence
            ranks.append(dense_rank[key])
        else:
            ranks.append(sparse_rank)
        keys.append(index.chunk_ids[row])
    return RankedList("dense_stand_in", keys, weight, ranks)
