"""Builds the Aligner for the container: its passage embedder, its vector cache and synonyms.

Kept apart from ``policykb.services`` so the container stays a list of lazy components.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from alignment.aligner import Aligner
    from index.catalog import Catalog
    from index.embedder import SentenceTransformerEmbedder
    from index.glossary import Glossary
    from index.searcher import Searcher
    from index.vector_store import ChromaVectorStore
    from ingest.analysis import Analyzer


def build_aligner(settings: Settings, *, embedder: SentenceTransformerEmbedder,
                  searcher: Searcher, sparse: Callable[[], Any], catalog: Catalog,
                  store: ChromaVectorStore, glossary: Glossary | None,
                  analyzer: Analyzer) -> Aligner:
    """The Aligner with passage vectors cached under ``cache_dir/alignment`` per model."""
    from alignment.aligner import Aligner
    from alignment.precompute import TextVectors
    from alignment.synonyms import Synonyms
    from ingest.sentences import split_sentences

    def embed(texts: list[str]) -> Any:
        return embedder.embed_batch(texts, kind="passage")

    vectors = TextVectors(embed, settings.cache_dir / "alignment", model=settings.embedder_name)
    return Aligner(searcher, sparse, embed, split_sentences, catalog, store,
                   synonyms=Synonyms(glossary, analyze=analyzer.analyze), vectors=vectors)
