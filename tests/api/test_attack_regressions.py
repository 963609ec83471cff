"""Security issue #16, items 6, 7 and 12 (HEAD /health), over real HTTP: every HTML page carries
the page's security headers, numbers JSON cannot hold (NaN, Infinity, 1e400) and page numbers
past SQLite's integers are a 4xx naming the field, never a 500."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from api.keys import Role
from api.routes.pages import CONTENT_SECURITY_POLICY
from core.settings import Settings
from tests.support.servers import serve

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder):
    from policykb.services import Services

    settings = Settings(data_dir=tmp_path_factory.mktemp("attack") / "data", ocr_enabled=False,
                        _env_file=None)
    services = Services(settings, model=embedder)
    admin = services.keys.create(Role.admin, "ops")[1]
    with serve(create_app(settings, services)) as base:
        yield base, {"Authorization": f"Bearer {admin}"}


@pytest.mark.parametrize("path", ["/", "/static/index.html"])
def test_every_html_page_has_the_security_headers(server, path) -> None:
    base, _ = server
    page = httpx.get(f"{base}{path}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_static_assets_keep_their_own_headers(server) -> None:
    base, _ = server
    page = httpx.get(f"{base}/")
    script = next(part.split('"')[0] for part in page.text.split('src="')[1:]
                  if part.split('"')[0].endswith(".js"))
    asset = httpx.get(f"{base}{script}" if script.startswith("/") else f"{base}/{script}")
    assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]
    assert asset.headers["x-content-type-options"] == "nosniff"
    assert asset.headers.get_list("x-content-type-options") == ["nosniff"]  # not twice
    assert "content-security-policy" not in asset.headers  # only HTML needs it


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
@pytest.mark.parametrize(("path", "body", "field"), [
    ("/search", b'{"query": "x", "k": %s}', "k"),
    ("/search", b'{"query": "x", "filters": {"doc_ids": [%s]}}', "doc_ids"),
    ("/ask", b'{"question": "x", "mode": %s}', "mode"),
    ("/related", b'{"text": "x", "per_doc": %s}', "per_doc"),
    ("/related", b'{"doc_id": "a.md", "page": %s}', "page"),
    ("/keys", b'{"role": "reader", "name": %s}', "name"),
    ("/feedback", b'{"question": "q", "answer": "a", "rating": "up", "citations": '
                  b'[{"page": %s}]}', "page"),
])
def test_non_finite_numbers_are_a_422_naming_the_field(server, number, path, body,
                                                       field) -> None:
    base, admin = server
    response = httpx.post(f"{base}{path}", content=body % number, headers={**JSON, **admin})
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["error"] == "InvalidFieldError"
    assert field in error["detail"][0]["loc"] and error["detail"][0]["type"] == "finite_number"


def test_a_non_finite_body_is_a_422(server) -> None:
    base, admin = server
    response = httpx.post(f"{base}/search", content=b"NaN", headers={**JSON, **admin})
    assert response.status_code == 422 and response.json()["error"] == "InvalidFieldError"


@pytest.mark.parametrize("page", [2**63, 2**63 - 1, 10**30, 1_000_001])
def test_page_numbers_past_any_document_are_a_4xx(server, page) -> None:
    base, admin = server
    text = httpx.get(f"{base}/documents/a.md/pages/{page}", headers=admin)
    assert (text.status_code, text.json()["error"]) == (404, "DocumentNotFoundError")
    related = httpx.post(f"{base}/related", json={"doc_id": "a.md", "page": page},
                         headers=admin)
    assert related.status_code == 422 and related.json()["error"] == "InvalidFieldError"
    assert related.json()["detail"][0]["loc"] == ["body", "page"]


def test_head_health_is_200_without_a_body(server) -> None:
    base, _ = server
    head = httpx.head(f"{base}/health")
    assert head.status_code == 200 and head.content == b""
    assert httpx.get(f"{base}/health").json()["status"] == "ok"  # GET unchanged
