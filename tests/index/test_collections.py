"""Collections enforced where the data is read: a real ingest (real khmer-nltk, MiniLM and
embedded chromadb) of a corpus in ``public`` and the restricted ``cabinet`` and ``annex``
(tests/support/collection_corpus.py), searched with different allowed sets."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from core.errors import InvalidFieldError
from core.settings import Settings
from index.catalog import Catalog
from index.filters import vector_where
from index.search_types import SearchFilters, SearchResponse
from index.sparse import SparseIndex, SparseRow
from policykb.services import Services
from tests.support.collection_corpus import (
    BROADBAND,
    NOTICE_KM,
    SECRET_EN,
    SECRET_EN_WORD,
    SECRET_KM,
    SECRET_TITLE,
    write_collection_corpus,
)

RESTRICTED = {"cabinet_memo.md", "notice_en_7.md", "tower_annex.md", "memo_copy.md"}
QUERIES = [SECRET_EN, SECRET_EN_WORD, SECRET_KM, SECRET_TITLE, "warehouse Kampot election",
           "secret storage moved before the vote", "Kampot កំពត", "internet អ៊ីនធឺណិត"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("collections")
    paths = write_collection_corpus(root / "corpus")
    settings = Settings(data_dir=root / "data", ocr_enabled=False,
                        glossary_path=paths["glossary"], _env_file=None)
    services = Services(settings, model=embedder)
    assert not services.ingestor.ingest([paths["main"]]).failed
    assert not services.ingestor.ingest([paths["flagged"]], collection="cabinet").failed
    return {"services": services, "paths": paths, "root": root}


def _search(services: Services, query: str, allowed: list[str] | None) -> SearchResponse:
    return services.searcher.search(query, k=10, filters=SearchFilters(collections=allowed))


def _leaks(response: SearchResponse) -> list[str]:
    """Everything of a restricted document a response shows: ids, twin links, words."""
    found = []
    for hit in response.hits:
        if hit.doc_id in RESTRICTED:
            found.append(f"hit {hit.doc_id}")
        found += [f"twin {t.doc_id}" for t in hit.twins if t.doc_id in RESTRICTED]
        text = f"{hit.title} {hit.text} {hit.snippet} {' '.join(t.snippet for t in hit.twins)}"
        if SECRET_EN_WORD in text.lower() or SECRET_KM in text:
            found.append(f"text in {hit.doc_id}")
    found += [f"expansion {e}" for e in response.expansions if SECRET_EN_WORD in e.lower()]
    return found


# -- the data model ------------------------------------------------------------------------


def test_each_document_is_in_the_most_specific_collection_named(corpus: dict[str, Any]) -> None:
    catalog = corpus["services"].catalog
    by_id = {d.doc_id: d.collection for d in catalog.documents()}
    assert by_id == {
        "broadband_policy.md": "public", "notice_km_7.md": "public",  # nothing named: public
        "cabinet_memo.md": "cabinet",  # its sidecar
        "notice_en_7.md": "cabinet",  # the folder's manifest
        "tower_annex.md": "cabinet",  # --collection
        "memo_copy.md": "annex",  # its sidecar wins over --collection
    }
    listed = {c.name: c for c in catalog.collections()}
    assert {n: (c.restricted, c.documents) for n, c in listed.items()} == {
        "public": (False, 2), "cabinet": (True, 3), "annex": (True, 1)}  # new names: restricted
    assert listed["cabinet"].chunks >= 3
    assert catalog.open_collections() == {"public"}
    assert catalog.collection_of("notice_en_7.md") == "cabinet"
    assert catalog.collection_of("nope.md") is None


def test_vectors_and_sparse_rows_carry_the_collection(corpus: dict[str, Any]) -> None:
    services = corpus["services"]
    chunks = services.catalog.chunks_of("cabinet_memo.md")
    rows = services.store.rows([c.chunk_id for c in chunks])
    assert rows and all(meta["collection"] == "cabinet" for _, _, meta in rows)
    index = services.sparse.current()
    row = index.row_of(chunks[0].chunk_id)
    assert row is not None and index.columns["collection"][row] == "cabinet"


# -- search with an allowed set -------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES)
def test_public_readers_never_see_restricted_text_ids_or_twins(corpus: dict[str, Any],
                                                               query: str) -> None:
    response = _search(corpus["services"], query, ["public"])
    assert _leaks(response) == []
    assert all(h.doc_id in {"broadband_policy.md", "notice_km_7.md"} for h in response.hits)


def test_the_same_searches_find_the_restricted_documents_with_access(corpus: dict[str, Any]) -> None:
    services = corpus["services"]
    for query in (SECRET_EN, SECRET_KM, SECRET_TITLE):
        found = {h.doc_id for h in _search(services, query, ["public", "cabinet"]).hits}
        assert "cabinet_memo.md" in found, query
        assert "memo_copy.md" not in found  # annex is not allowed
    both = _search(services, "internet អ៊ីនធឺណិត", None).hits
    notice = next(h for h in both if h.doc_id == "notice_km_7.md")
    assert [t.doc_id for t in notice.twins] == ["notice_en_7.md"]  # the twin link exists...
    public = _search(services, "internet អ៊ីនធឺណិត", ["public"]).hits
    assert [t.doc_id for t in next(h for h in public if h.doc_id == "notice_km_7.md").twins] == []


def test_related_passages_obey_the_allowed_set(corpus: dict[str, Any]) -> None:
    searcher = corpus["services"].searcher
    everything = searcher.related(NOTICE_KM, exclude_doc_id="notice_km_7.md")
    assert "notice_en_7.md" in {h.doc_id for h in everything.hits}
    public = searcher.related(NOTICE_KM, exclude_doc_id="notice_km_7.md",
                              filters=SearchFilters(collections=["public"]))
    assert {h.doc_id for h in public.hits} <= {"broadband_policy.md"}
    assert _leaks(public) == []


def test_an_empty_allowed_set_finds_nothing_and_asks_chromadb_nothing(corpus: dict[str, Any]) -> None:
    searcher = corpus["services"].searcher
    for query in (SECRET_EN, "broadband", SECRET_KM):
        assert _search(corpus["services"], query, []).hits == []
    assert searcher.related(BROADBAND, filters=SearchFilters(collections=[])).hits == []
    with pytest.raises(ValueError, match="no collection"):
        vector_where(SearchFilters(collections=[]))


def test_results_and_query_vectors_are_cached_per_allowed_set(corpus: dict[str, Any]) -> None:
    services = corpus["services"]
    first = _search(services, "zephyrine ledgers warehouse", ["public"])
    wider = _search(services, "zephyrine ledgers warehouse", ["cabinet", "public"])
    again = _search(services, "zephyrine ledgers warehouse", ["public"])
    assert "cabinet_memo.md" in {h.doc_id for h in wider.hits}
    assert [h.chunk_id for h in again.hits] == [h.chunk_id for h in first.hits]
    assert _leaks(again) == []
    scopes = {scope for scope, text in services.searcher._query_vector._vectors
              if text == "zephyrine ledgers warehouse"}
    assert scopes == {"public", "cabinet,public"}


def test_dense_clause_keeps_vectors_written_before_collections() -> None:
    """Vectors of an older index have no ``collection`` key and are all public: with public
    allowed the clause excludes the others rather than listing the allowed ones."""
    public = vector_where(SearchFilters(collections=["public"]), {"public", "cabinet"})
    assert public == {"collection": {"$nin": ["cabinet"]}}
    assert vector_where(SearchFilters(collections=["public"]), {"public"}) is None
    assert vector_where(SearchFilters(collections=["cabinet"]), {"public", "cabinet"}) == {
        "collection": {"$in": ["cabinet"]}}


# -- moving a document, bad names -----------------------------------------------------------


def test_reingesting_an_unchanged_file_into_another_collection_moves_it(
        tmp_path: Path, embedder: Any) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "draft_plan.md").write_text(
        "# Draft plan\n\nThe quillwort programme trains cable technicians in every district.\n",
        encoding="utf-8")
    services = Services(Settings(data_dir=tmp_path / "data", ocr_enabled=False,
                                 _env_file=None), model=embedder)
    ingestor, catalog = services.ingestor, services.catalog

    def status(collection: str | None) -> str:
        report = ingestor.ingest([folder], collection=collection)
        return report.outcomes[0].status

    def found(allowed: list[str]) -> set[str]:
        return {h.doc_id for h in _search(services, "quillwort programme", allowed).hits}

    assert status(None) == "indexed"
    assert found(["public"]) == {"draft_plan.md"}
    assert status("drafts") == "indexed"  # same bytes, another collection: stored again
    assert catalog.collection_of("draft_plan.md") == "drafts"
    assert found(["public"]) == set() and found(["drafts"]) == {"draft_plan.md"}
    chunk_ids = [c.chunk_id for c in catalog.chunks_of("draft_plan.md")]
    assert {m["collection"] for _, _, m in services.store.rows(chunk_ids)} == {"drafts"}
    assert status("drafts") == "unchanged"
    assert status("public") == "indexed"  # and back
    assert found(["public"]) == {"draft_plan.md"}
    assert status(None) == "unchanged"  # public named or not: the same file hash
    assert len(services.store.all_ids()) == len(catalog.all_chunk_ids())  # no stale vectors


def test_a_bad_collection_name_is_refused_naming_the_sidecar_or_flag(
        tmp_path: Path, services: Services) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\nSome text about towers.\n", encoding="utf-8")
    (folder / "a.md.meta.yaml").write_text("collection: Top Secret!\n", encoding="utf-8")
    report = services.ingestor.ingest([folder])
    assert report.failed
    reason = report.outcomes[0].reason or ""
    assert "a.md.meta.yaml" in reason and "collection" in reason
    with pytest.raises(InvalidFieldError, match="collection"):
        services.ingestor.ingest([folder], collection="../etc")


# -- an index written before collections ----------------------------------------------------


def test_an_older_catalog_reads_as_public_and_migrates_on_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    old = Catalog(path)  # today's schema minus what collections added
    old.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE IF EXISTS collections")
        if "collection" in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}:
            conn.execute("ALTER TABLE documents DROP COLUMN collection")
        conn.execute(
            "INSERT INTO documents (doc_id, source, root, file_hash, title, doc_type, language, "
            "metadata, n_pages, n_chunks, ocr_pages, ingested_at) "
            "VALUES ('old.md', 'old.md', '/r', 'h', 'Old', 'policy', 'en', '{}', 1, 1, '[]', 0)")
        conn.execute("INSERT INTO chunks VALUES ('c1', 'old.md', 0, 1, 0, 4, '', 'en', 'text', 'text')")
    catalog = Catalog(path)
    assert catalog.get_document("old.md").collection == "public"  # type: ignore[union-attr]
    assert catalog.open_collections() == {"public"}
    assert [(c.name, c.restricted, c.documents, c.chunks) for c in catalog.collections()] == [
        ("public", False, 1, 1)]
    assert [r[-1] for r in catalog.sparse_rows()] == ["public"]
    columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(documents)")}
    assert "collection" not in columns  # reading never altered it
    catalog.set_meta("touched", "1")  # the first write migrates
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT collection FROM documents").fetchall() == [("public",)]
        assert conn.execute("SELECT name, restricted FROM collections").fetchall() == [
            ("public", 0)]
    assert catalog.set_collection_access("drafts", restricted=True)
    assert not catalog.set_collection_access("drafts", restricted=True)  # nothing changed
    assert catalog.set_collection_access("drafts", restricted=False)
    assert catalog.open_collections() == {"public", "drafts"}


def test_a_sparse_index_saved_before_collections_loads_as_public(tmp_path: Path) -> None:
    index = SparseIndex.build([SparseRow("c1", "digit govern", "a.md", "en", "en", "policy",
                                         "", 0)], generation="7")
    index.save(tmp_path / "bm25")
    data = json.loads((tmp_path / "bm25" / "columns.json").read_text(encoding="utf-8"))
    data["format"] = 3
    del data["columns"]["collection"]
    (tmp_path / "bm25" / "columns.json").write_text(json.dumps(data), encoding="utf-8")
    loaded = SparseIndex.load(tmp_path / "bm25")
    assert loaded is not None and list(loaded.columns["collection"]) == ["public"]


# -- the learned lexicon ---------------------------------------------------------------------


def test_the_lexicon_learns_only_from_open_collections(corpus: dict[str, Any]) -> None:
    services = corpus["services"]
    catalog = services.catalog
    restricted = services.update_lexicon(force=True)
    assert restricted is not None and restricted.twin_pairs == 0  # its English twin is cabinet's
    try:
        catalog.set_collection_access("cabinet", restricted=False)
        opened = services.update_lexicon(force=True)
        assert opened is not None and opened.twin_pairs == 1
    finally:
        catalog.set_collection_access("cabinet", restricted=True)
        services.update_lexicon(force=True)
    learned = [p for p in services.lexicon.learned() if SECRET_EN_WORD in p.en]
    assert learned == []


def test_copying_an_index_keeps_collections(corpus: dict[str, Any], tmp_path: Path) -> None:
    """A snapshot (what backups write) carries the collections table and column."""
    target = tmp_path / "copy.sqlite3"
    corpus["services"].catalog.snapshot_to(target)
    copy = Catalog(target)
    assert {c.name: c.restricted for c in copy.collections()} == {
        "public": False, "cabinet": True, "annex": True}
    assert copy.collection_of("cabinet_memo.md") == "cabinet"
    copy.close()


# -- jobs carry the collection of their upload ------------------------------------------------


def test_upload_jobs_carry_their_collection_and_old_queues_migrate(tmp_path: Path) -> None:
    from ingest.jobs import JobQueue
    from ingest.upload_jobs import resume_untracked
    from ingest.uploads import UploadStore

    path = tmp_path / "jobs.sqlite3"
    with sqlite3.connect(path) as conn:  # a queue written before collections
        conn.execute("CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT "
                     "NULL UNIQUE, kind TEXT NOT NULL, file_name TEXT, doc_id TEXT, state TEXT "
                     "NOT NULL, stage TEXT NOT NULL DEFAULT '', done INTEGER NOT NULL DEFAULT 0, "
                     "total INTEGER NOT NULL DEFAULT 0, error TEXT, result TEXT, submitted_by "
                     "TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, "
                     "heartbeat_at REAL, owner TEXT, owner_pid INTEGER, attempts INTEGER NOT "
                     "NULL DEFAULT 0)")
        conn.execute("INSERT INTO jobs (job_id, kind, state, created_at) "
                     "VALUES ('old1', 'delete', 'done', '2026-01-01')")
    queue = JobQueue(path)
    assert queue.get("old1").collection is None  # type: ignore[union-attr]
    job = queue.submit("ingest", file_name="a.md", doc_id="a.md", collection="cabinet")
    assert queue.get(job.job_id).collection == "cabinet"  # type: ignore[union-attr]
    assert job.to_dict()["collection"] == "cabinet"

    uploads = UploadStore(tmp_path / "uploads")
    uploads.root.mkdir()
    (uploads.root / "secret.md").write_text("# S\n\nText.\n", encoding="utf-8")
    (uploads.root / "secret.md.meta.yaml").write_text("collection: cabinet\n", encoding="utf-8")
    (uploads.root / "plain.md").write_text("# P\n\nText.\n", encoding="utf-8")
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    resumed = {j.file_name: j.collection for j in resume_untracked(uploads, catalog, queue)}
    assert resumed == {"secret.md": "cabinet", "plain.md": "public"}
