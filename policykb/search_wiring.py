"""Builds the search side's data for the container: the sparse index fed from the catalog, and
the reviewed glossary.

Kept apart from ``policykb.services`` so the container stays a list of lazy components.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from core.settings import Settings

if TYPE_CHECKING:
    from index.catalog import Catalog
    from index.glossary import Glossary
    from index.sparse import SparseIndexHolder, SparseRow

logger = logging.getLogger(__name__)


def build_sparse(settings: Settings, catalog: Catalog) -> SparseIndexHolder:
    """The BM25 index, rebuilt from the catalog's rows whenever its generation moves on."""
    from core.dates import date_key
    from index.sparse import SparseIndexHolder, SparseRow

    def rows() -> Iterator[SparseRow]:
        for chunk_id, terms, doc_id, lang, doc_lang, doc_type, body, date, country, coll in (
                catalog.sparse_rows()):
            yield SparseRow(chunk_id, terms, doc_id, lang, doc_lang, doc_type, body,
                            date_key(date), str(country or ""), str(coll))

    return SparseIndexHolder(settings.layout.sparse, catalog.generation, rows)


def build_glossary(settings: Settings) -> Glossary | None:
    """The reviewed Khmer-English glossary; None (with a warning) when the file is missing."""
    from index.glossary import Glossary
    from ingest.khmer.normalize import search_key

    path = settings.glossary_path
    if not path.exists():
        logger.warning("no glossary at %s: Khmer and English queries will not meet", path)
        return None
    return Glossary.load(path, key=search_key)
