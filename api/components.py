"""What the API needs from the application's components, as a Protocol.

The container that builds them (``policykb.services.Services``) sits above the API; the API
names only the components it uses, so it never imports the composition root. Read-only
properties, so a lazily built component (a ``cached_property``) satisfies them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from alignment.aligner import Aligner
    from alignment.registry import RegistryCache
    from answers.extractive import ExtractiveAnswerer
    from answers.generative import GenerativeAnswerer
    from api.keys import KeyStore
    from core.settings import Settings
    from index.catalog import Catalog
    from index.embedder import SentenceTransformerEmbedder
    from index.glossary import Glossary
    from index.searcher import Searcher
    from index.sparse import SparseIndexHolder
    from index.vector_store import ChromaVectorStore
    from ingest.loaders.dispatch import LoaderTable
    from ingest.pipeline import Ingestor
    from ingest.writer import IndexWriter


class Components(Protocol):
    """The components an app serves from (``create_app(settings, components)``)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def catalog(self) -> Catalog: ...
    @property
    def keys(self) -> KeyStore: ...
    @property
    def searcher(self) -> Searcher: ...
    @property
    def answerer(self) -> ExtractiveAnswerer: ...
    @property
    def generator(self) -> GenerativeAnswerer | None: ...
    @property
    def aligner(self) -> Aligner: ...
    @property
    def registry(self) -> RegistryCache: ...
    @property
    def loader(self) -> LoaderTable: ...
    @property
    def ingestor(self) -> Ingestor: ...
    @property
    def index_writer(self) -> IndexWriter: ...
    # warmed up before the first request (api/app.py)
    @property
    def embedder(self) -> SentenceTransformerEmbedder: ...
    @property
    def sparse(self) -> SparseIndexHolder: ...
    @property
    def store(self) -> ChromaVectorStore: ...
    @property
    def glossary(self) -> Glossary | None: ...
