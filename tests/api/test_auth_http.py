"""Access control and request limits over real HTTP (uvicorn on 127.0.0.1): keys and roles,
read-access modes, rate limiting, body / upload / query limits, CORS, keys hashed at rest, and
document downloads that cannot leave the document store."""

from __future__ import annotations

import hashlib
import http.client
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import APIRouter, Request

from api.app import create_app
from api.auth import RequireEditor
from api.keys import Role
from core.settings import Settings

SECRET_TEXT = "TOP-SECRET-OUTSIDE-THE-STORE"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def probe_router() -> APIRouter:
    """Editor-only routes standing in for the write endpoints (ingest, delete, uploads) that
    other modules add: one plain write and one that streams a multipart body and counts it."""
    router = APIRouter()

    @router.post("/probe/write")
    def write() -> dict[str, bool]:
        return {"written": True}

    @router.post("/probe/upload")
    async def upload(request: Request) -> dict[str, int]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return {"bytes": size}

    return router


@pytest.fixture
def server(tmp_path: Path, make_services: Callable[[Settings], Any]) -> Callable[..., Any]:
    """server(**settings) -> a context manager yielding (base URL, services) for a fresh data
    dir with those settings (and the editor-only probe routes)."""
    from tests.support.servers import serve

    @contextmanager
    def start(**overrides: Any) -> Iterator[tuple[str, Any]]:
        settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None,
                            **overrides)
        services = make_services(settings)
        app = create_app(settings, services)
        app.include_router(probe_router(), dependencies=[RequireEditor])
        app.state.upload_routes.add(("POST", "/probe/upload"))  # the body limit is per route
        with serve(app) as base:
            yield base, services

    return start


# -- keys and roles -------------------------------------------------------------------------


def test_reads_are_open_until_the_first_key_then_keys_and_roles_decide(server: Any) -> None:
    with server() as (base, services):
        # auto mode, no key yet: anyone may read, nobody may write or manage keys
        assert httpx.get(f"{base}/documents").status_code == 200
        assert httpx.get(f"{base}/auth/me").json() == {"key_id": None, "role": None,
                                                       "reads_open": True, "collections": [],
                                                       "can_read": ["public"]}
        anonymous_write = httpx.post(f"{base}/probe/write")
        assert anonymous_write.status_code == 401
        assert anonymous_write.headers["www-authenticate"].startswith("Bearer")
        assert httpx.get(f"{base}/keys").status_code == 401

        admin = services.keys.create(Role.admin, "ops")[1]
        # once a key exists: no key, a malformed header, a wrong key -> 401
        assert httpx.get(f"{base}/documents").status_code == 401
        assert httpx.get(f"{base}/documents", headers={"Authorization": admin}).status_code == 401
        wrong = admin[:-4] + ("AAAA" if not admin.endswith("AAAA") else "BBBB")
        refused = httpx.get(f"{base}/documents", headers=bearer(wrong))
        assert refused.status_code == 401 and "unknown or revoked" in refused.json()["detail"]
        assert httpx.get(f"{base}/health").status_code == 200  # probes stay open
        assert httpx.get(f"{base}/").status_code == 200  # so does the page (its sign-in)

        # the admin creates a reader and an editor over HTTP; the secret is shown once
        made = {}
        for role in ("reader", "editor"):
            created = httpx.post(f"{base}/keys", json={"role": role, "name": f"{role} one"},
                                 headers=bearer(admin))
            assert created.status_code == 201, created.text
            body = created.json()
            assert body["role"] == role and body["active"] is True
            assert body["key"].startswith(f"pkb_{body['key_id']}_")
            made[role] = body
        listing = httpx.get(f"{base}/keys", headers=bearer(admin)).json()
        assert {k["role"] for k in listing} == {"admin", "reader", "editor"}
        assert all("key" not in k for k in listing)  # never a secret in a listing
        reader, editor = made["reader"]["key"], made["editor"]["key"]

        # reader: reads; no writes (403), no key management (403)
        assert httpx.get(f"{base}/documents", headers=bearer(reader)).status_code == 200
        me = httpx.get(f"{base}/auth/me", headers=bearer(reader)).json()
        assert me == {"key_id": made["reader"]["key_id"], "role": "reader", "reads_open": False,
                      "collections": [], "can_read": ["public"]}
        assert httpx.post(f"{base}/probe/write", headers=bearer(reader)).status_code == 403
        forbidden = httpx.get(f"{base}/keys", headers=bearer(reader))
        assert forbidden.status_code == 403 and "admin" in forbidden.json()["detail"]
        # editor: writes, but manages no keys
        assert httpx.post(f"{base}/probe/write", headers=bearer(editor)).json() == {"written": True}
        assert httpx.get(f"{base}/keys", headers=bearer(editor)).status_code == 403
        assert httpx.post(f"{base}/keys", json={"role": "admin"},
                          headers=bearer(editor)).status_code == 403
        assert httpx.delete(f"{base}/keys/{made['reader']['key_id']}",
                            headers=bearer(editor)).status_code == 403
        # bad input to the admin routes names the field / the id
        bad_role = httpx.post(f"{base}/keys", json={"role": "owner"}, headers=bearer(admin))
        assert bad_role.status_code == 422 and "role" in bad_role.text
        missing = httpx.delete(f"{base}/keys/deadbeef", headers=bearer(admin))
        assert missing.status_code == 404 and "deadbeef" in missing.json()["detail"]

        # revocation takes effect on the very next request
        revoked = httpx.delete(f"{base}/keys/{made['reader']['key_id']}", headers=bearer(admin))
        assert revoked.status_code == 200 and revoked.json()["active"] is False
        assert httpx.get(f"{base}/documents", headers=bearer(reader)).status_code == 401
        assert httpx.get(f"{base}/auth/me", headers=bearer(reader)).status_code == 401
        assert httpx.get(f"{base}/documents", headers=bearer(editor)).status_code == 200


def test_open_reads_never_open_writes_and_keys_mode_closes_reads(server: Any) -> None:
    with server(read_access="open") as (base, services):
        services.keys.create(Role.admin)
        assert httpx.get(f"{base}/documents").status_code == 200  # a key exists; still open
        assert httpx.post(f"{base}/probe/write").status_code == 401
        assert httpx.post(f"{base}/keys", json={"role": "admin"}).status_code == 401
        # a key that is presented must be valid, even where none is needed
        assert httpx.get(f"{base}/documents", headers=bearer("pkb_x_y")).status_code == 401
    with server(read_access="keys") as (base, _):  # same data dir: the admin key exists
        assert httpx.get(f"{base}/documents").status_code == 401
        assert httpx.get(f"{base}/auth/me").status_code == 401


def test_keys_mode_with_no_key_at_all_refuses_reads(server: Any) -> None:
    with server(read_access="keys") as (base, services):
        assert not services.keys.any_active()
        assert httpx.get(f"{base}/documents").status_code == 401


def test_keys_are_stored_as_hashes_only(server: Any) -> None:
    with server() as (base, services):
        admin = services.keys.create(Role.admin)[1]
        created = httpx.post(f"{base}/keys", json={"role": "reader"}, headers=bearer(admin)).json()
        raw = services.settings.keys_path.read_bytes()
        for secret in (admin, created["key"]):
            assert secret.encode() not in raw
            # nor its random part: "pkb_<hex id>_<random>", and the random part (URL-safe
            # base64) may itself hold "_", so it is everything after the second underscore
            assert secret.split("_", 2)[2].encode() not in raw
            assert hashlib.sha256(secret.encode()).hexdigest().encode() in raw
        with sqlite3.connect(services.settings.keys_path) as conn:
            columns = [row[1] for row in conn.execute("PRAGMA table_info(api_keys)")]
        assert "digest" in columns and not {"key", "secret"} & set(columns)


# -- rate limiting --------------------------------------------------------------------------


def test_rate_limit_per_key_with_retry_after(server: Any) -> None:
    # 6 per minute = one token every 10 s: the bucket cannot refill during the test
    with server(rate_limit_per_minute=6, rate_limit_burst=3) as (base, services):
        first = services.keys.create(Role.reader)[1]
        second = services.keys.create(Role.reader)[1]
        for _ in range(3):
            assert httpx.get(f"{base}/documents", headers=bearer(first)).status_code == 200
        limited = httpx.get(f"{base}/documents", headers=bearer(first))
        assert limited.status_code == 429
        assert limited.headers["content-type"].startswith("application/json")
        retry = limited.headers["retry-after"]
        assert retry.isdigit() and 1 <= int(retry) <= 10
        assert "POLICYKB_RATE_LIMIT_PER_MINUTE" in limited.json()["detail"]
        assert limited.json()["error"] == "RateLimitedError"
        # another key has its own bucket; health and the page are never limited
        assert httpx.get(f"{base}/documents", headers=bearer(second)).status_code == 200
        for _ in range(5):
            assert httpx.get(f"{base}/health").status_code == 200
            assert httpx.get(f"{base}/static/app.js").status_code == 200
        assert httpx.get(f"{base}/documents", headers=bearer(first)).status_code == 429


def test_anonymous_callers_share_their_address_bucket_and_zero_means_unlimited(
        server: Any) -> None:
    with server(rate_limit_per_minute=6, rate_limit_burst=2) as (base, _):
        codes = [httpx.get(f"{base}/documents").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    with server(rate_limit_per_minute=0, rate_limit_burst=1) as (base, _):
        assert {httpx.get(f"{base}/documents").status_code for _ in range(15)} == {200}


# -- body, upload and query limits ----------------------------------------------------------


def test_oversized_bodies_get_413_naming_the_limit(server: Any) -> None:
    with server(max_body_kb=1, max_upload_mb=1) as (base, services):
        editor = services.keys.create(Role.editor)[1]
        big_query = {"query": "x" * 2000}
        declared = httpx.post(f"{base}/search", json=big_query, headers=bearer(editor))
        assert declared.status_code == 413
        assert "1 KB" in declared.json()["detail"]
        assert "POLICYKB_MAX_BODY_KB" in declared.json()["detail"]

        def chunks(total: int, size: int = 512) -> Iterator[bytes]:
            for start in range(0, total, size):
                yield b"x" * min(size, total - start)

        streamed = httpx.post(f"{base}/search", content=chunks(4096),
                              headers={**bearer(editor), "content-type": "application/json"})
        assert "content-length" not in streamed.request.headers  # really chunked
        assert streamed.status_code == 413 and "POLICYKB_MAX_BODY_KB" in streamed.text
        assert streamed.json()["error"] == "RequestTooLargeError"  # the shape of declared ones

        # multipart: the upload limit plus 1 MB of form overhead goes through ...
        ok = httpx.post(f"{base}/probe/upload", headers=bearer(editor),
                        files={"file": ("plan.pdf", b"%" * (1_900_000), "application/pdf")})
        assert ok.status_code == 200 and ok.json()["bytes"] > 1_900_000
        # ... a larger one does not, declared or streamed
        too_big = httpx.post(f"{base}/probe/upload", headers=bearer(editor),
                             files={"file": ("plan.pdf", b"%" * 2_200_000, "application/pdf")})
        assert too_big.status_code == 413
        assert "1 MB" in too_big.json()["detail"] and "POLICYKB_MAX_UPLOAD_MB" in too_big.text
        boundary = "policykb-test-boundary"
        streamed_upload = httpx.post(
            f"{base}/probe/upload", content=chunks(2_200_000, 64 * 1024),
            headers={**bearer(editor),
                     "content-type": f"multipart/form-data; boundary={boundary}"})
        assert streamed_upload.status_code == 413 and "POLICYKB_MAX_UPLOAD_MB" in streamed_upload.text
        # a small JSON body is untouched by any of it
        assert httpx.get(f"{base}/documents", headers=bearer(editor)).status_code == 200


def test_overlong_queries_get_422_naming_the_field(server: Any) -> None:
    with server() as (base, _):
        too_long = "ក" * 1001  # the default limit is 1000 characters (not bytes)
        for path, field in (("/search", "query"), ("/ask", "question"), ("/ask/stream", "question")):
            response = httpx.post(f"{base}{path}", json={field: too_long}, timeout=60)
            assert response.status_code == 422, (path, response.text)
            error = response.json()["detail"][0]
            assert error["loc"] == ["body", field]
            assert "POLICYKB_MAX_QUERY_CHARS" in error["msg"] and "1001" in error["msg"]
        at_limit = httpx.post(f"{base}/search", json={"query": "ក" * 1000}, timeout=60)
        assert at_limit.status_code == 200
        schemas = httpx.get(f"{base}/openapi.json").json()["components"]["schemas"]
        assert schemas["SearchRequestIn"]["properties"]["query"]["maxLength"] == 1000
        assert schemas["AskRequestIn"]["properties"]["question"]["maxLength"] == 1000


def test_the_query_limit_follows_the_setting(server: Any) -> None:
    with server(max_query_chars=20) as (base, _):
        assert httpx.post(f"{base}/search", json={"query": "a" * 21}).status_code == 422
        assert httpx.post(f"{base}/search", json={"query": "a" * 20}, timeout=60).status_code == 200
        schemas = httpx.get(f"{base}/openapi.json").json()["components"]["schemas"]
        assert schemas["SearchRequestIn"]["properties"]["query"]["maxLength"] == 20


# -- CORS ---------------------------------------------------------------------------------


PREFLIGHT = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type"}


def test_cors_is_closed_by_default(server: Any) -> None:
    with server() as (base, _):
        origin = {"Origin": "https://elsewhere.example"}
        preflight = httpx.options(f"{base}/search", headers={**origin, **PREFLIGHT})
        assert "access-control-allow-origin" not in preflight.headers
        assert preflight.status_code >= 400
        simple = httpx.get(f"{base}/documents", headers=origin)
        assert simple.status_code == 200 and "access-control-allow-origin" not in simple.headers


def test_cors_allows_exactly_the_configured_origins(server: Any) -> None:
    allowed = "https://intranet.example.gov.kh"
    with server(cors_origins=f"{allowed}, https://second.example") as (base, _):
        preflight = httpx.options(f"{base}/search", headers={"Origin": allowed, **PREFLIGHT})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == allowed
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        simple = httpx.get(f"{base}/documents", headers={"Origin": allowed})
        assert simple.headers["access-control-allow-origin"] == allowed
        assert "retry-after" in simple.headers["access-control-expose-headers"].lower()
        other = httpx.options(f"{base}/search",
                              headers={"Origin": "https://elsewhere.example", **PREFLIGHT})
        assert "access-control-allow-origin" not in other.headers
        other_get = httpx.get(f"{base}/documents", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other_get.headers


# -- document downloads stay inside the document store ---------------------------------------


def raw_get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET ``path`` byte for byte: httpx would normalise ``..`` segments away first."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_document_files_cannot_escape_the_document_store(tmp_path: Path, server: Any) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET_TEXT}\n", encoding="utf-8")
    store = tmp_path / "store"
    (store / "sub").mkdir(parents=True)
    (store / "sub" / "plan.txt").write_text("Digital skills plan for officials.\n", encoding="utf-8")
    (store / "notes..v2.txt").write_text("Minutes, second version.\n", encoding="utf-8")
    (store / "linked.txt").symlink_to(outside / "secret.txt")  # a link out of the store
    with server(read_access="keys") as (base, services):
        report = services.ingestor.ingest([store])
        assert not report.failed
        assert services.catalog.get_document("linked.txt") is None  # the walk ignored the link
        reader = services.keys.create(Role.reader)[1]
        auth = bearer(reader)
        # a legitimate file, and a legitimate id that merely contains ".."
        assert raw_get(base, "/documents/sub/plan.txt/file", auth)[0] == 200
        status, body = raw_get(base, "/documents/notes..v2.txt/file", auth)
        assert status == 200 and b"second version" in body
        attempts = [
            "/documents/..%2F..%2Fetc%2Fpasswd/file",
            "/documents/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd/file",
            "/documents/%2E%2E/%2E%2E/etc/passwd/file",
            "/documents/../../etc/passwd/file",
            "/documents/sub/../../outside/secret.txt/file",
            "/documents/sub%2F..%2F..%2Foutside%2Fsecret.txt/file",
            "/documents/%2Fetc%2Fpasswd/file",
            "/documents//etc/passwd/file",
            f"/documents/{(outside / 'secret.txt').as_posix()}/file",
            "/documents/..%5C..%5Coutside%5Csecret.txt/file",
            "/documents/linked.txt/file",  # not indexed: the link leads out of the store
            "/static/../../../etc/passwd",
            "/static/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        ]
        for path in attempts:
            status, body = raw_get(base, path, auth)
            assert status in (404, 400), (path, status)
            assert SECRET_TEXT.encode() not in body and b"root:" not in body, path
        # a catalog row tampered to point outside its root is refused just the same
        with sqlite3.connect(services.settings.catalog_path) as conn:
            conn.execute("UPDATE documents SET source = ? WHERE doc_id = ?",
                         ("../outside/secret.txt", "sub/plan.txt"))
        status, body = raw_get(base, "/documents/sub/plan.txt/file", auth)
        assert status == 404 and SECRET_TEXT.encode() not in body
        detail = json.loads(body)["detail"]
        assert str(outside) not in detail  # the error does not echo where the file would be
