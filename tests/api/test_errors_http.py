"""Every error answer has one body, ``{"error": <name>, "detail": ...}``, over real HTTP
(uvicorn on 127.0.0.1): domain errors with the status of api/errors.py's table, and the
framework's own (no such path, wrong method, failed validation) named the same way."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from api.errors import STATUS, error_name, status_of
from core import errors
from core.settings import Settings
from tests.support.servers import serve


@pytest.mark.parametrize(("error", "status"), [
    (errors.DocumentNotFoundError("x.md"), 404),
    (errors.KeyNotFoundError("no key"), 404),
    (errors.JobNotFoundError("no job"), 404),
    (errors.UnsupportedFormatError("x.exe", "no loader"), 422),  # a DocumentParseError
    (errors.BadFileNameError("bad name"), 422),  # an InvalidFieldError
    (errors.EmptyFileError("empty"), 422),
    (errors.NoMechanismsError("none"), 422),
    (errors.RegistryFileError("policies.yaml: policies[0].titel: unknown key"), 500),
    (errors.ConfigurationError("POLICYKB_X"), 500),
    (errors.IndexUnavailableError("down"), 503),
    (errors.RateLimitedError("slow down", retry_after=3), 429),
    (errors.ArchiveError("not an archive"), 400),  # no entry: the default
    (errors.PolicyKBError("give a document id or the text of a plan"), 400),
])
def test_the_table_gives_each_error_its_nearest_ancestors_status(error, status) -> None:
    assert status_of(error) == status


def test_every_domain_error_class_reaches_a_status_and_names_are_stable() -> None:
    classes = [c for c in vars(errors).values()
               if isinstance(c, type) and issubclass(c, errors.PolicyKBError)]
    assert len(classes) > 20  # the whole hierarchy lives in core/errors.py
    assert all(cls in vars(errors).values() for cls in STATUS)
    # framework errors are named after the first domain error listed for their status
    assert [error_name(s) for s in (400, 401, 403, 404, 413, 422, 429)] == [
        "MalformedRequestError", "NotAuthenticatedError", "ForbiddenError", "NotFoundError",
        "RequestTooLargeError", "InvalidFieldError", "RateLimitedError"]
    assert error_name(405) == "MethodNotAllowed"


def test_every_error_over_http_has_error_and_detail(tmp_path, make_services) -> None:
    settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None)
    services = make_services(settings)
    with serve(create_app(settings, services)) as base:
        # the framework's errors
        missing = httpx.get(f"{base}/no/such/path")
        assert (missing.status_code, missing.json()) == (
            404, {"error": "NotFoundError", "detail": "Not Found"})
        wrong = httpx.delete(f"{base}/health")
        assert wrong.status_code == 405 and wrong.json()["error"] == "MethodNotAllowed"
        assert "GET" in wrong.headers["allow"]
        invalid = httpx.post(f"{base}/search", json={"k": 5})
        assert invalid.status_code == 422 and invalid.json()["error"] == "InvalidFieldError"
        assert [issue["loc"] for issue in invalid.json()["detail"]] == [["body", "query"]]
        malformed = httpx.post(f"{base}/search", content=b"{not json",
                               headers={"content-type": "application/json"})
        assert malformed.status_code == 422 and malformed.json()["error"] == "InvalidFieldError"

        # domain errors raised by routes
        document = httpx.get(f"{base}/documents/nope.md")
        assert document.status_code == 404
        assert document.json() == {"error": "DocumentNotFoundError",
                                   "detail": "no indexed document with id 'nope.md'"}
        no_llm = httpx.post(f"{base}/ask", json={"question": "Who trains officials?",
                                                 "mode": "generative"})
        assert no_llm.status_code == 409 and no_llm.json()["error"] == "ConflictError"
        assert "POLICYKB_LLM_URL" in no_llm.json()["detail"]

        # who may do what
        anonymous = httpx.delete(f"{base}/documents/nope.md")
        assert anonymous.status_code == 401 and anonymous.json()["error"] == "NotAuthenticatedError"
        assert anonymous.headers["www-authenticate"] == 'Bearer realm="policykb"'
        admin = {"Authorization": f"Bearer {services.keys.create('admin', 'ops')[1]}"}
        reader = {"Authorization": f"Bearer {services.keys.create('reader', 'r')[1]}"}
        forbidden = httpx.get(f"{base}/jobs", headers=reader)
        assert forbidden.status_code == 403 and forbidden.json()["error"] == "ForbiddenError"
        job = httpx.get(f"{base}/jobs/0123abcd", headers=admin)
        assert (job.status_code, job.json()) == (
            404, {"error": "JobNotFoundError", "detail": "no job with id '0123abcd'"})
        key = httpx.delete(f"{base}/keys/deadbeef", headers=admin)
        assert key.status_code == 404 and key.json()["error"] == "KeyNotFoundError"

        # a refused upload: its error, and the connection closed (the body may be unread)
        not_multipart = httpx.post(f"{base}/documents", json={"file": "x"}, headers=admin)
        assert not_multipart.status_code == 415
        assert not_multipart.json()["error"] == "UnsupportedMediaTypeError"
        assert not_multipart.headers["connection"] == "close"
        exe = httpx.post(f"{base}/documents", files={"file": ("tool.exe", b"MZ")}, headers=admin)
        assert exe.status_code == 415 and ".exe" in exe.json()["detail"]
        empty = httpx.post(f"{base}/documents", files={"file": ("empty.md", b"")}, headers=admin)
        assert (empty.status_code, empty.json()["error"]) == (422, "EmptyFileError")
