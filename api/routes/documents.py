"""Read access to the indexed documents and their page texts (the source a citation opens)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.auth import AccessDep, readable_document
from api.deps import CatalogDep
from api.responses import not_found
from api.schemas import MAX_PAGE, DocumentDetail, DocumentSummary, PageText
from core.errors import DocumentNotFoundError

router = APIRouter(tags=["documents"])


@router.get("/documents", response_model=list[DocumentSummary])
def list_documents(catalog: CatalogDep, access: AccessDep) -> list[DocumentSummary]:
    """The documents in the collections the caller may read."""
    return [DocumentSummary(**_with_country(d.to_dict())) for d in catalog.documents()
            if access.allows(d.collection)]


@router.get("/documents/{doc_id:path}/pages/{page}", response_model=PageText,
            responses=not_found("document page"))
def page_text(doc_id: str, page: int, catalog: CatalogDep, access: AccessDep) -> PageText:
    readable_document(catalog, access, doc_id, f"{doc_id}#page={page}")
    # a page past MAX_PAGE cannot exist (and >= 2**63 would overflow SQLite's integer)
    record = catalog.page(doc_id, page) if 1 <= page <= MAX_PAGE else None
    if record is None:
        raise DocumentNotFoundError(f"{doc_id}#page={page}")
    return PageText(doc_id=record.doc_id, page=record.page, text=record.text, method=record.method,
                    label=record.label)


@router.get("/documents/{doc_id:path}", response_model=DocumentDetail,
            responses=not_found("document"))
def get_document(doc_id: str, catalog: CatalogDep, access: AccessDep) -> DocumentDetail:
    doc = readable_document(catalog, access, doc_id)
    return DocumentDetail(**_with_country(doc.to_dict()))


def _with_country(fields: dict[str, Any]) -> dict[str, Any]:
    """The document's jurisdiction, kept in its metadata, as top-level fields (the search
    page's country select and filter read them)."""
    meta = fields.get("metadata") or {}
    return {**fields, "country": meta.get("country"), "country_name": meta.get("country_name")}
