"""Search and related passages."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.audit import note
from api.auth import AccessDep, readable_document
from api.deps import CatalogDep, SearcherDep, SettingsDep
from api.limits import check_query_length
from api.responses import not_found
from api.schemas import RelatedRequestIn, SearchFiltersIn, SearchRequestIn, SearchResponseOut
from core.access import Access
from core.errors import DocumentNotFoundError, InvalidFieldError
from core.models import pages_text
from index.search_types import SearchFilters, SearchResponse

router = APIRouter(tags=["search"])


def scoped_filters(filters: SearchFiltersIn, access: Access) -> SearchFilters:
    """The request's filters with the caller's allowed collections: a ``collections`` filter
    the caller gives narrows the allowed set, never widens it."""
    fields = filters.model_dump()
    asked, allowed = fields.pop("collections", None), access.as_filter()
    if asked is not None:
        allowed = sorted(set(asked) if allowed is None else set(asked) & set(allowed))
    return SearchFilters(**fields, collections=allowed)


@router.post("/search", response_model=SearchResponseOut)
def search(request: Request, body: SearchRequestIn, searcher: SearcherDep,
           settings: SettingsDep, access: AccessDep) -> Response:
    """Hybrid search in Khmer or English; hits come from both languages."""
    check_query_length(body.query, "query", settings)
    if not body.query.strip():  # min_length lets "   " through; it would match noise
        raise InvalidFieldError("`query` is blank")
    response = searcher.search(
        body.query, k=body.k, per_doc=body.per_doc, rerank=body.rerank,
        filters=scoped_filters(body.filters, access),
    )
    _audit(request, response)
    return _json(response)


@router.post("/related", response_model=SearchResponseOut,
             responses=not_found("document (or page)"))
def related(request: Request, body: RelatedRequestIn, searcher: SearcherDep,
            catalog: CatalogDep, access: AccessDep) -> Response:
    """Passages of other documents related to a pasted draft, or to a page of a document."""
    text = body.text
    exclude = None
    if body.doc_id:
        exclude = body.doc_id
        shown = body.doc_id if body.page is None else f"{body.doc_id}#page={body.page}"
        readable_document(catalog, access, body.doc_id, shown)
        if body.page is not None:
            page = catalog.page(body.doc_id, body.page)
            if page is None:
                raise DocumentNotFoundError(f"{body.doc_id}#page={body.page}")
            text = page.text
        else:
            pages = catalog.pages_of(body.doc_id)
            if not pages:
                raise DocumentNotFoundError(body.doc_id)
            text = pages_text(pages)
    if not text or not text.strip():
        raise InvalidFieldError("give `text`, or `doc_id` (and `page`)")
    response = searcher.related(
        text, k=body.k, per_doc=body.per_doc, exclude_doc_id=exclude,
        filters=scoped_filters(body.filters, access),
    )
    _audit(request, response)
    return _json(response)


def _audit(request: Request, response: SearchResponse) -> None:
    """The hits' documents for the audit log: without them its middleware keeps a copy of
    the ~50 KB body and parses it again to find them (``api/audit_middleware.py``)."""
    note(request, docs=[hit.doc_id for hit in response.hits])


def _json(response: SearchResponse) -> Response:
    """The response checked against its schema once, read straight from the dataclasses and
    written to JSON once. Returning the model would have FastAPI dump it to a dict, validate
    that again and encode it a third time: a few ms per search for ten hits with their text."""
    out = SearchResponseOut.model_validate(response, from_attributes=True)
    return Response(out.model_dump_json(), media_type="application/json")
