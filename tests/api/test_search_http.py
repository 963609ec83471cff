"""POST /search and POST /related over real HTTP (uvicorn on 127.0.0.1), on the real stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from tests.support.corpora import (
    CYBER,
    DATA,
    SPECTRUM,
    TWIN_EN_ID,
    TWIN_KM_ID,
    ingest_fixture_corpus,
)
from tests.support.servers import serve

HIT_FIELDS = {"chunk_id", "doc_id", "title", "doc_type", "language", "doc_language", "date",
              "issuing_body", "page", "start", "end", "heading", "text", "snippet", "highlights",
              "scores", "twins", "more_in_document", "country", "country_name", "page_label"}


@pytest.fixture(scope="module")
def api_services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    return ingest_fixture_corpus(tmp_path_factory.mktemp("http-index"), embedder)


@pytest.fixture(scope="module")
def base(api_services: Any) -> Iterator[str]:
    """One server for the module: the same context manager the ``live_server`` fixture gives."""
    with serve(create_app(api_services.settings, api_services)) as url:
        yield url


def post(base: str, path: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{base}{path}", json=body, timeout=60)


def test_search_returns_json_hits_with_citations(base: str, api_services: Any) -> None:
    response = post(base, "/search", {"query": "5G spectrum licence", "k": 5})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["query"] == "5G spectrum licence" and body["language"] == "en"
    assert body["dense_used"] is True
    hits = body["hits"]
    assert 1 <= len(hits) <= 5
    assert SPECTRUM in [h["doc_id"] for h in hits[:3]]
    for hit in hits:
        assert set(hit) == HIT_FIELDS
        page = api_services.catalog.page(hit["doc_id"], hit["page"])
        assert page.text[hit["start"] : hit["end"]] == hit["text"]
        assert hit["scores"]["fused"] > 0
        for start, end in hit["highlights"]:
            assert 0 <= start < end <= len(hit["snippet"])


def test_search_in_khmer_with_filters(base: str) -> None:
    body = post(base, "/search", {"query": "សិទ្ធិរបស់ប្រជាពលរដ្ឋលើទិន្នន័យផ្ទាល់ខ្លួន", "k": 5}).json()
    assert body["language"] == "km"
    assert "personal data" in body["expansions"]
    assert DATA in [h["doc_id"] for h in body["hits"][:3]]
    filtered = post(base, "/search", {"query": "digital skills training", "k": 20,
                                      "filters": {"languages": ["km"], "date_from": "2022",
                                                  "date_to": "2022-12-31"}}).json()
    assert [h["doc_id"] for h in filtered["hits"]] == [TWIN_KM_ID]


def test_search_shows_twins_together(base: str) -> None:
    hits = post(base, "/search", {"query": "community technology centres in high schools",
                                  "per_doc": 1}).json()["hits"]
    at = [i for i, h in enumerate(hits) if h["doc_id"] in (TWIN_EN_ID, TWIN_KM_ID)]
    assert len(at) == 2 and at[1] == at[0] + 1  # the translation follows the hit it translates
    lead, twin = hits[at[0]], hits[at[1]]
    assert [t["doc_id"] for t in lead["twins"]] == [twin["doc_id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": ""}, "query"),
        ({"query": "   "}, None),
        ({"query": "cybersecurity", "k": 0}, "k"),
        ({"query": "cybersecurity", "k": 101}, "k"),
        ({"query": "cybersecurity", "filters": {"date_from": "2023/01/01"}}, "date_from"),
        ({"query": "cybersecurity", "filters": {"date_to": "last year"}}, "date_to"),
        ({"k": 5}, "query"),
    ],
    ids=["empty", "blank", "k-zero", "k-too-big", "slash-date", "word-date", "no-query"],
)
def test_search_rejects_bad_requests_with_422(base: str, body: dict[str, Any], field: str | None) -> None:
    response = post(base, "/search", body)
    assert response.status_code == 422, response.text
    if field is not None:
        locations = [e["loc"] for e in response.json()["detail"]]
        assert any(loc[-1] == field for loc in locations), locations


def test_related_with_text(base: str) -> None:
    text = ("Draft: every ministry shall train its civil servants in cybersecurity and set up "
            "an incident response team to handle cyber attacks on government networks.")
    body = post(base, "/related", {"text": text, "k": 5}).json()
    assert body["hits"] and body["query"] == text
    assert CYBER in [h["doc_id"] for h in body["hits"][:3]]


def test_related_with_doc_id_and_page_excludes_that_document(base: str) -> None:
    whole = post(base, "/related", {"doc_id": CYBER, "k": 10}).json()
    page = post(base, "/related", {"doc_id": CYBER, "page": 1, "k": 10}).json()
    for body in (whole, page):
        shown = [d for h in body["hits"] for d in (h["doc_id"], *(t["doc_id"] for t in h["twins"]))]
        assert shown and CYBER not in shown


@pytest.mark.parametrize("body", [{"doc_id": "nope.md"}, {"doc_id": CYBER, "page": 9}],
                         ids=["unknown-doc", "unknown-page"])
def test_related_to_an_unknown_document_is_404(base: str, body: dict[str, Any]) -> None:
    response = post(base, "/related", body)
    assert response.status_code == 404
    error = response.json()
    assert error["error"] == "DocumentNotFoundError" and body["doc_id"] in error["detail"]


@pytest.mark.parametrize("body", [{}, {"text": "  \n "}, {"text": "x", "k": 0}])
def test_related_without_text_or_document_is_422(base: str, body: dict[str, Any]) -> None:
    assert post(base, "/related", body).status_code == 422


def test_openapi_documents_search_and_related(base: str) -> None:
    spec = httpx.get(f"{base}/openapi.json", timeout=30).json()
    schemas = spec["components"]["schemas"]
    for path, request in (("/search", "SearchRequestIn"), ("/related", "RelatedRequestIn")):
        operation = spec["paths"][path]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith(f"/{request}")
        assert "422" in operation["responses"]
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ok.endswith("/SearchResponseOut")
    assert {"query", "k", "per_doc", "filters", "rerank"} <= set(schemas["SearchRequestIn"]["properties"])
    assert schemas["SearchRequestIn"]["required"] == ["query"]
    assert {"text", "doc_id", "page", "k", "filters"} <= set(schemas["RelatedRequestIn"]["properties"])
    filters = schemas["SearchFiltersIn"]["properties"]
    assert {"languages", "doc_types", "issuing_bodies", "date_from", "date_to", "doc_ids"} <= set(filters)
    hit = schemas["HitOut"]["properties"]
    assert HIT_FIELDS <= set(hit)
