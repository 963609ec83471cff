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
