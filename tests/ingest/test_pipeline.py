"""The ingestion pipeline on the real stack: MiniLM, chromadb, SQLite catalog, real loaders."""

from __future__ import annotations

import shutil
from pathlib import Path

from policykb.services import Services
from tests.support.paths import SAMPLE_CORPUS

EN_POLICY = """---
title: Test Digital Skills Policy
date: 2023-05-01
---
# Goal 1: Digital skills for all

Strategy 1: Train civil servants in cybersecurity. The ministry will run courses every year.
Capacity building is a priority for every province.

Strategy 2: Build community technology centres in high schools.

1- Provide computer labs.
2- Provide internet access.
"""

KM_NOTE = "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍ បានរៀបចំវគ្គបណ្តុះបណ្តាលសន្តិសុខឌីជីថល។ មន្ត្រីរាជការចំនួន ២០ នាក់ បានចូលរួម។\n"


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "policy_en.md").write_text(EN_POLICY, encoding="utf-8")
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "note_km.txt").write_text(KM_NOTE, encoding="utf-8")
    return folder


class CountingEmbedder:
    """Wraps the real embedder to count how many texts were embedded."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.texts = 0

    def embed_batch(self, texts, kind="passage"):
        self.texts += len(texts)
        return self.inner.embed_batch(texts, kind=kind)

    def __getattr__(self, item):
        return getattr(self.inner, item)


def snapshot(services):
    docs = [(d.doc_id, d.file_hash, d.n_chunks) for d in services.catalog.documents()]
    chunks = sorted((c.chunk_id, c.text) for c in services.catalog.iter_chunks())
    return docs, chunks, sorted(services.store.all_ids())


def test_ingest_folder_builds_catalog_and_vectors(tmp_path, services):
    corpus = write_corpus(tmp_path / "corpus")
    report = services.ingestor.ingest([corpus])
    assert not report.failed
    ids = {d.doc_id for d in services.catalog.documents()}
    assert ids == {"policy_en.md", "sub/note_km.txt"}
    assert services.store.all_ids() == services.catalog.all_chunk_ids()
    doc = services.catalog.get_document("policy_en.md")
    assert doc.title == "Test Digital Skills Policy"
    assert doc.date == "2023-05-01"
    assert doc.language == "en"
    assert services.catalog.get_document("sub/note_km.txt").language == "km"
    for chunk in services.catalog.iter_chunks():
        page = services.catalog.page(chunk.doc_id, chunk.page)
        assert page.text[chunk.start : chunk.end] == chunk.text  # exact offsets for quotes
    headings = [c.heading for c in services.catalog.chunks_of("policy_en.md")]
    assert any("Strategy 2" in h for h in headings)


def test_reingest_unchanged_does_no_embedding_and_is_identical(tmp_path, services, embedder):
    corpus = write_corpus(tmp_path / "corpus")
    services.ingestor.ingest([corpus])
    before = snapshot(services)
    counting = CountingEmbedder(embedder)
    again = Services(services.settings, model=counting)  # the same index, a counting model
    report = again.ingestor.ingest([corpus])
    assert counting.texts == 0
    assert len(report.unchanged) == 2 and not report.indexed
    assert snapshot(services) == before


def test_changed_file_replaces_its_chunks(tmp_path, services):
    corpus = write_corpus(tmp_path / "corpus")
    services.ingestor.ingest([corpus])
    old_ids = {c.chunk_id for c in services.catalog.chunks_of("policy_en.md")}
    (corpus / "policy_en.md").write_text(EN_POLICY + "\nStrategy 3: Protect personal data.\n",
                                         encoding="utf-8")
    report = services.ingestor.ingest([corpus])
    assert [o.source for o in report.indexed] == ["policy_en.md"]
    new_chunks = services.catalog.chunks_of("policy_en.md")
    assert any("personal data" in c.text for c in new_chunks)
    assert not old_ids & services.store.all_ids()
    assert services.store.all_ids() == services.catalog.all_chunk_ids()


def test_prune_removes_documents_whose_files_are_gone(tmp_path, services):
    corpus = write_corpus(tmp_path / "corpus")
    services.ingestor.ingest([corpus])
    (corpus / "sub" / "note_km.txt").unlink()
    report = services.ingestor.ingest([corpus])  # without --prune nothing is removed
    assert services.catalog.get_document("sub/note_km.txt") is not None
    report = services.ingestor.ingest([corpus], prune=True)
    assert [o.source for o in report.removed] == ["sub/note_km.txt"]
    assert services.catalog.get_document("sub/note_km.txt") is None
    assert services.store.all_ids() == services.catalog.all_chunk_ids()


def test_delete_needs_no_model(tmp_path, services):
    """Removing a document takes the catalog, the store and the lock: a container that only
    deletes never builds the model, the embedder or the ingestor (nor the chunker)."""
    corpus = write_corpus(tmp_path / "corpus")
    services.ingestor.ingest([corpus])
    generation = services.catalog.generation()
    fresh = Services(services.settings)  # no model handed in: building one would load MiniLM
    assert fresh.index_writer.delete(["policy_en.md"]) > 0
    assert not {"model", "embedder", "ingestor"} & set(fresh.__dict__)
    assert fresh.catalog.get_document("policy_en.md") is None
    assert fresh.store.all_ids() == fresh.catalog.all_chunk_ids() != set()
    assert fresh.catalog.generation() != generation  # other processes notice the change


def test_delete_then_reingest_restores(tmp_path, services):
    corpus = write_corpus(tmp_path / "corpus")
    services.ingestor.ingest([corpus])
    services.ingestor.delete(["policy_en.md"])
    assert services.catalog.get_document("policy_en.md") is None
    assert services.store.all_ids() == services.catalog.all_chunk_ids()
    services.ingestor.ingest([corpus])
    assert services.catalog.get_document("policy_en.md") is not None


def test_bad_inputs_are_reported_and_nothing_indexed_is_lost(tmp_path, services):
    corpus = write_corpus(tmp_path / "corpus")
    services.ingestor.ingest([corpus])
    before = snapshot(services)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "junk.pdf").write_bytes(b"\x00\xffnot a pdf at all" * 50)
    (bad / "latin1.txt").write_bytes("caf\xe9 na\xefve".encode("latin-1"))
    (bad / "good.txt").write_text("The ministry approved the digital skills plan.\n", encoding="utf-8")
    report = services.ingestor.ingest([bad, tmp_path / "missing-folder"])
    failed = {Path(o.path).name: o.reason for o in report.failed}
    assert set(failed) == {"empty.txt", "junk.pdf", "latin1.txt", "missing-folder"}
    for name, reason in failed.items():
        assert reason and (name in reason or name == "missing-folder")
    assert [o.source for o in report.indexed] == ["good.txt"]
    docs, chunks, vectors = snapshot(services)
    assert set(before[0]) <= set(docs)  # the earlier documents are all still there
    assert set(before[2]) <= set(vectors)


def test_sample_corpus_ingests_cleanly(tmp_path, services):
    sample = SAMPLE_CORPUS
    copy = tmp_path / "sample"
    shutil.copytree(sample, copy)
    report = services.ingestor.ingest([copy])
    assert not report.failed, report.summary()["failed"]
    langs = {d.language for d in services.catalog.documents()}
    assert {"en", "km"} <= langs
    assert any(d.doc_id.endswith("#headline-1") for d in services.catalog.documents())
