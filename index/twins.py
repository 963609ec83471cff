"""Translations held as separate documents ("twins"): the same article in English and Khmer,
told apart only by a language marker in the path (``..._en_12-post.md`` / ``..._km_12-post.md``).

Grouping shows a twin beside the hit it translates; fusion lets a passage the embedder cannot
read borrow its translation's dense evidence (``index/stand_in.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.sparse import SparseIndex

__all__ = ["translated_keys", "twin_key"]

_LANG_MARKERS = re.compile(r"(?<=[_\-/.])(en|km|EN|KM)(?=[_\-/.])")


@lru_cache(maxsize=65_536)
def twin_key(doc_id: str) -> str:
    """Documents that differ only by a language marker in their path are translations."""
    return _LANG_MARKERS.sub("*", doc_id)


def translated_keys(index: SparseIndex, readable: frozenset[str],
                    collections: list[str] | None = None) -> frozenset[str]:
    """Twin keys of the documents with passages in a ``readable`` language, among the
    ``collections`` the caller may read (None: all): a document whose key is here has a
    translation the embedder can read. A translation in a collection the caller cannot read
    does not count, or a public passage would rank by a restricted twin's existence.
    Computed once per index and allowed set (an index is immutable; a new generation is a
    new object)."""
    cache: dict[tuple, frozenset[str]] = index.__dict__.setdefault("_translated", {})
    allowed = None if collections is None else tuple(sorted(collections))
    key = (readable, allowed)
    if key not in cache:
        doc_ids = index.columns["doc_id"]
        languages = index.columns["language"]
        rows = index.columns["collection"]
        marked = (str(d) for i, (d, lang) in enumerate(zip(doc_ids, languages, strict=True))
                  if lang in readable and (allowed is None or rows[i] in allowed))
        cache[key] = frozenset(twin_key(d) for d in set(marked) if twin_key(d) != d)
    return cache[key]
