"""The API over real HTTP: health, document listing, page text, clean errors."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx

from api.app import create_app


def test_health_and_documents_over_http(tmp_path, settings, services, live_server):
    folder = tmp_path / "docs"
    (folder / "policies").mkdir(parents=True)
    (folder / "policies" / "plan.md").write_text(
        "---\ntitle: ICT Plan\n---\n# Mechanism 1\n\nTrain staff in cybersecurity.\n", encoding="utf-8")
    services.ingestor.ingest([folder])
    with live_server(create_app(settings, services)) as base:
        health = httpx.get(f"{base}/health").json()
        assert health["status"] == "ok" and health["documents"] == 1 and health["chunks"] >= 1
        docs = httpx.get(f"{base}/documents").json()
        assert [d["doc_id"] for d in docs] == ["policies/plan.md"]
        assert docs[0]["title"] == "ICT Plan"
        detail = httpx.get(f"{base}/documents/{quote('policies/plan.md')}").json()
        assert detail["source"] == "policies/plan.md"
        page = httpx.get(f"{base}/documents/{quote('policies/plan.md')}/pages/1").json()
        assert "cybersecurity" in page["text"]
        missing = httpx.get(f"{base}/documents/nope.md")
        assert missing.status_code == 404 and "nope.md" in missing.json()["detail"]
        openapi = httpx.get(f"{base}/openapi.json").json()
        assert "/documents" in openapi["paths"]


def test_original_file_is_served_safely(tmp_path, settings, services, live_server):
    import shutil

    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "english.pdf", folder / "english.pdf")
    (folder / "page.html").write_text("<html><body><h1>Plan</h1><p>Digital skills for officials."
                                      "</p><script>alert(1)</script></body></html>", encoding="utf-8")
    services.ingestor.ingest([folder])
    with live_server(create_app(settings, services)) as base:
        pdf = httpx.get(f"{base}/documents/english.pdf/file")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].startswith("inline")
        html = httpx.get(f"{base}/documents/page.html/file")
        assert html.status_code == 200
        assert html.headers["content-security-policy"] == "sandbox"  # its script cannot run here
        assert html.headers["content-disposition"].startswith("attachment")
        assert httpx.get(f"{base}/documents/{quote('../etc/passwd')}/file").status_code == 404
        assert httpx.get(f"{base}/health").json()["generative"] is False


def test_a_pdf_is_served_without_its_javascript(tmp_path, settings, services, live_server):
    """Issue #16, attack item 4: an uploaded PDF's OpenAction / document JavaScript must not run
    in a reader's browser viewer when a cited passage is opened."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def javascript(code: str) -> DictionaryObject:
        return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                 NameObject("/JS"): TextStringObject(code)})

    folder = tmp_path / "docs"
    folder.mkdir()
    writer = PdfWriter(clone_from=PdfReader(Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "english.pdf"))
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): DictionaryObject({
        NameObject("/Names"): ArrayObject([TextStringObject("init"),
                                           writer._add_object(javascript("app.alert('document');"))])})})
    writer._root_object[NameObject("/OpenAction")] = javascript("app.alert('open');")
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): javascript("app.alert('page');")})
    with (folder / "scripted.pdf").open("wb") as handle:
        writer.write(handle)
    original = (folder / "scripted.pdf").read_bytes()
    assert original.count(b"/JavaScript") >= 3  # the name tree key and three actions
    services.ingestor.ingest([folder])
    with live_server(create_app(settings, services)) as base:
        for _ in range(2):  # the second time from the cache
            served = httpx.get(f"{base}/documents/scripted.pdf/file")
            assert served.status_code == 200 and served.content.startswith(b"%PDF")
            assert b"/JavaScript" not in served.content and b"/JS " not in served.content
            (tmp_path / "served.pdf").write_bytes(served.content)
            reader = PdfReader(tmp_path / "served.pdf")
            assert len(reader.pages) == len(PdfReader(folder / "scripted.pdf").pages)
            assert "/OpenAction" not in reader.trailer["/Root"] and "/AA" not in reader.pages[0]
            assert reader.pages[0].extract_text() == PdfReader(folder / "scripted.pdf").pages[0].extract_text()
        assert (folder / "scripted.pdf").read_bytes() == original  # the stored original untouched
        plain = httpx.get(f"{base}/documents/scripted.pdf/file")
        assert plain.headers["content-type"] == "application/pdf"
