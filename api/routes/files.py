"""The original file behind a document, for the browser to open at a cited page.

The path comes from the catalog (the folder that was ingested plus the document's relative
path), never from the request, and must resolve inside that folder: no path traversal. A PDF
is served without its scripts (``api/pdf_scripts.py``).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.auth import AccessDep, readable_document
from api.deps import CatalogDep, SettingsDep
from api.pdf_scripts import pdf_without_scripts
from api.responses import not_found
from core.errors import DocumentNotFoundError

router = APIRouter(tags=["documents"])


@router.get("/documents/{doc_id:path}/file", response_class=FileResponse,
            responses={200: {"description": "The original file (PDF, DOCX, HTML, ...)."},
                       **not_found("document (or its file)")})
def document_file(doc_id: str, catalog: CatalogDep, settings: SettingsDep,
                  access: AccessDep) -> FileResponse:
    doc = readable_document(catalog, access, doc_id)
    root = Path(doc.root).resolve()
    path = (root / doc.source).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise DocumentNotFoundError(f"{doc_id} (its file is no longer at {doc.source})")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    # Only PDFs open inline; anything else (an ingested HTML page could carry scripts) is
    # served sandboxed, so it can never run on PolicyKB's origin.
    inline = media_type == "application/pdf"
    headers = {"X-Content-Type-Options": "nosniff"}
    served = path
    if inline:  # the viewer would run a PDF's own JavaScript (api/pdf_scripts.py)
        served = pdf_without_scripts(path, doc.file_hash, settings.layout.cache / "pdf-served")
    if not inline:
        headers["Content-Security-Policy"] = "sandbox"
    return FileResponse(served, media_type=media_type, filename=path.name, headers=headers,
                        content_disposition_type="inline" if inline else "attachment")
