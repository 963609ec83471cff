"""Paths through the product that no other test walks: OCR switched on through the pipeline and
the CLI (and off with ``--no-ocr``), and an index refusing a second embedding model.

Real tesseract (khm+eng, installed by `make system-deps`), the real packaged MiniLM, the CLI in
its own process as a user runs it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.crash_helpers import policykb
from tests.support.pdf_fixtures import PDF_FIXTURES, cer, source_pages

pytestmark = pytest.mark.slow  # tesseract on a page, and the CLI loading the model

# A phrase of the scanned page (tests/fixtures/pdf/image_only.txt): "digital economy development"
KHMER_QUERY = "ការអភិវឌ្ឍសេដ្ឋកិច្ចឌីជីថល"


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    """A folder holding one image-only PDF: a scan with no text layer at all."""
    folder = tmp_path / "scans"
    folder.mkdir()
    shutil.copy(PDF_FIXTURES / "image_only.pdf", folder / "image_only.pdf")
    return folder


def test_ocr_switched_on_in_the_settings_reads_a_scan_through_the_pipeline(
        tmp_path: Path, scans: Path, make_services) -> None:
    from core.settings import Settings

    services = make_services(Settings(data_dir=tmp_path / "data", ocr_enabled=True,
                                      _env_file=None))
    report = services.ingestor.ingest([scans])
    assert not report.failed, report.summary()["failed"]
    assert report.summary()["ocr_pages"] == {"image_only.pdf": [1]}
    (document,) = services.catalog.documents()
    assert document.ocr_pages == [1] and document.language == "km"
    page = services.catalog.page("image_only.pdf", 1)
    assert page.method == "ocr"
    assert cer(source_pages("image_only")[0], page.text) <= 0.25, page.text
    assert list(services.settings.cache_dir.glob("ocr/**/*.txt"))  # the next run reuses it
    hits = services.searcher.search(KHMER_QUERY, k=3).hits
    assert hits and hits[0].doc_id == "image_only.pdf" and hits[0].page == 1


def test_cli_ocr_flags_override_the_setting(tmp_path: Path, scans: Path, make_services) -> None:
    from core.settings import Settings

    data = tmp_path / "data"
    off = policykb("ingest", str(scans), "--no-ocr", "--json", data=data,
                   POLICYKB_OCR_ENABLED="true")
    assert off.returncode == 1, off.stderr[-3000:]
    summary = json.loads(off.stdout)
    assert summary["files_indexed"] == 0 and summary["ocr_pages"] == {}
    (failure,) = summary["failed"]
    assert "image_only.pdf" in failure["reason"]
    assert "no text could be extracted" in failure["reason"] and "OCR is off" in failure["reason"]

    on = policykb("ingest", str(scans), "--ocr", "--json", data=data, POLICYKB_OCR_ENABLED="false")
    assert on.returncode == 0, on.stderr[-3000:]
    summary = json.loads(on.stdout)
    assert summary["files_indexed"] == 1 and summary["ocr_pages"] == {"image_only.pdf": [1]}

    services = make_services(Settings(data_dir=data, _env_file=None))
    assert services.catalog.page("image_only.pdf", 1).method == "ocr"
    assert services.searcher.search(KHMER_QUERY, k=3).hits[0].doc_id == "image_only.pdf"


def test_an_index_refuses_a_second_embedding_model(tmp_path: Path, services) -> None:
    """The same index opened with another model would mix two vector spaces: every command
    refuses, names both models, and changes nothing."""
    from index.embedder import packaged_minilm_path

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.md").write_text("# Broadband Plan\n\nFibre reaches every district.\n",
                                    encoding="utf-8")
    assert not services.ingestor.ingest([corpus]).failed
    data = services.settings.data_dir
    before = (services.catalog.all_chunk_ids(), services.store.all_ids())
    other = tmp_path / "minilm-finetuned"  # a real model under another name
    other.symlink_to(packaged_minilm_path(), target_is_directory=True)
    (corpus / "note.md").write_text("# Note\n\nTowers on every hill.\n", encoding="utf-8")

    for command in (("ingest", str(corpus)), ("search", "fibre in every district")):
        result = policykb(*command, data=data, POLICYKB_EMBEDDER_PATH=str(other))
        assert result.returncode == 1, (command, result.stdout, result.stderr[-3000:])
        message = " ".join(result.stderr.split())
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        assert "built with embedder 'all-MiniLM-L6-v2', not 'minilm-finetuned'" in message
    assert (services.catalog.all_chunk_ids(), services.store.all_ids()) == before
    assert [d.doc_id for d in services.catalog.documents()] == ["plan.md"]
    assert services.searcher.search("fibre in every district").hits[0].doc_id == "plan.md"
