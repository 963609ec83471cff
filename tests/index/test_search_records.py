"""The searcher reads documents and page labels once per index generation, and each chunk once
per request (``index/search_records.py``); on the real stack, a new generation is seen."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from core.models import ChunkRecord, DocumentRecord
from index.search_records import Chunks, SearchRecords
from index.searcher import Searcher
from tests.support.corpora import CORPUS, CYBER, build_services, write_fixture_corpus

QUESTION = "cybersecurity training for civil servants"
RENAMED = "Cybersecurity Capacity Building Policy, second edition"


class CountingCatalog:
    """The real catalog, counting what the searcher asks of it (and which chunk ids)."""

    def __init__(self, catalog: Any) -> None:
        self.catalog = catalog
        self.calls: Counter[str] = Counter()
        self.chunk_ids: list[Counter[str]] = []

    def chunks_by_ids(self, chunk_ids: Iterable[str]) -> dict[str, ChunkRecord]:
        ids = list(chunk_ids)
        self.calls["chunks_by_ids"] += 1
        self.chunk_ids[-1].update(ids)
        return self.catalog.chunks_by_ids(ids)

    def documents_by_ids(self, doc_ids: Iterable[str]) -> dict[str, DocumentRecord]:
        self.calls["documents_by_ids"] += 1
        return self.catalog.documents_by_ids(doc_ids)

    def page_labels(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
        self.calls["page_labels"] += 1
        return self.catalog.page_labels(keys)


def counting_searcher(services: Any) -> tuple[Searcher, CountingCatalog]:
    real = services.searcher
    catalog = CountingCatalog(services.catalog)
    searcher = Searcher(embedder=real.embedder, store=real.store, catalog=catalog,
                        sparse=real.sparse, analyzer=real.analyzer, translate=real.translate,
                        result_cache_size=0)
    return searcher, catalog


@pytest.fixture
def services(tmp_path: Path, embedder: Any) -> Any:
    corpus = write_fixture_corpus(tmp_path / "corpus")
    services = build_services(tmp_path / "data", embedder)
    assert not services.ingestor.ingest([corpus]).failed
    services.corpus = corpus
    yield services
    services.catalog.close()


def test_documents_and_labels_are_read_once_per_generation(services: Any) -> None:
    searcher, catalog = counting_searcher(services)
    questions = [QUESTION, "personal data protection", "5G spectrum licence fees", QUESTION]
    for question in questions:
        catalog.chunk_ids.append(Counter())
        response = searcher.search(question)
        assert response.hits
        for hit in response.hits:  # what the records say is what the catalog says
            assert hit.title == services.catalog.get_document(hit.doc_id).title
    assert catalog.calls["documents_by_ids"] == 1
    assert catalog.calls["page_labels"] == 1
    # each request reads its chunks, and none twice (a question naming a jurisdiction
    # reads its candidates for that list and for the hits)
    for asked in catalog.chunk_ids:
        assert asked and max(asked.values()) == 1
    named = "Does Cambodia train civil servants in cybersecurity?"
    catalog.chunk_ids.append(Counter())
    assert searcher.search(named).hits
    assert max(catalog.chunk_ids[-1].values()) == 1


def test_a_new_generation_shows_the_new_title(services: Any) -> None:
    searcher, catalog = counting_searcher(services)
    catalog.chunk_ids.append(Counter())
    before = searcher.search(QUESTION)
    assert any(h.doc_id == CYBER and h.title != RENAMED for h in before.hits)
    path = services.corpus / CYBER
    path.write_text(CORPUS[CYBER].replace(
        "title: National Cybersecurity Capacity Building Policy", f"title: {RENAMED}"),
        encoding="utf-8")
    assert not services.ingestor.ingest([services.corpus]).failed
    catalog.chunk_ids.append(Counter())
    after = searcher.search(QUESTION)
    assert [h.title for h in after.hits if h.doc_id == CYBER][:1] == [RENAMED]
    assert catalog.calls["documents_by_ids"] == 2  # read again for the new generation


def test_a_document_missing_from_the_records_is_read_from_the_catalog(services: Any) -> None:
    """A request that read an older generation still shows a document written since."""
    catalog = CountingCatalog(services.catalog)
    records = SearchRecords(catalog)
    found = records.documents("g1", [], [CYBER])  # the generation's records know no document
    assert found[CYBER].title == services.catalog.get_document(CYBER).title
    assert catalog.calls["documents_by_ids"] == 2  # the (empty) records, then the document
    assert records.documents("g1", [CYBER], ["no/such/document.md"]) == {}


def test_chunks_are_read_once_and_orphans_dropped(services: Any) -> None:
    catalog = CountingCatalog(services.catalog)
    catalog.chunk_ids.append(Counter())
    chunks = Chunks(catalog)
    ids = [c.chunk_id for c in services.catalog.chunks_of(CYBER)]
    assert list(chunks.get([*ids, "orphan-00001"])) == ids
    assert list(chunks.get(reversed(ids))) == list(reversed(ids))
    assert catalog.calls["chunks_by_ids"] == 1
    assert catalog.chunk_ids[0]["orphan-00001"] == 1
