"""Schemathesis against the app's own OpenAPI schema, over real HTTP (uvicorn on 127.0.0.1).

Every operation of ``/openapi.json`` is called with generated requests, valid and invalid,
and every response is checked: no 5xx, a documented status code, the documented content
type and a body matching the documented schema. Two runs:

* with an admin key: the routes do their work (search, ask, uploads, keys, jobs ...);
* with no key: every route but ``/health`` answers a documented 401 (or turns the request
  away before authentication: a path no route takes, a method it does not, a malformed body).

The app runs on its own copy of the sample corpus index (uploads, deletes and new keys land
there, never in the session's shared ``sample_services``), rate limit off. The run is bounded
and repeatable: a fixed number of examples per operation, derandomized, no example database.
A summary (operations x examples, status codes seen) is printed and written to
``test-output/fuzz.json``.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    unsupported_method,
)
from urllib3 import encode_multipart_formdata

from api.app import create_app
from core.settings import Settings
from policykb.services import Services
from tests.support.paths import OUTPUT_DIR, SAMPLE_CORPUS
from tests.support.servers import serve

EXAMPLES_WITH_KEY = 30  # per operation, fuzzing phase (the coverage phase adds its own cases)
EXAMPLES_WITHOUT_KEY = 8
REQUEST_TIMEOUT_S = 60

# operation label -> Counter of status codes, per run ("admin", "anonymous")
SEEN: dict[str, dict[str, Counter[int]]] = {"admin": defaultdict(Counter),
                                           "anonymous": defaultdict(Counter)}


def fuzz_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, ocr_enabled=False, rate_limit_per_minute=0,
                    max_upload_mb=1, _env_file=None)


# The schema is the app's own, built at collection (create_app touches no file until it
# serves); test_fuzz_summary checks the live server serves exactly this document.
_SCHEMA_ONLY = fuzz_settings(Path("fuzz-schema-only"))
OPENAPI = create_app(_SCHEMA_ONLY, Services(_SCHEMA_ONLY)).openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory, embedder) -> Iterator[tuple[str, str]]:
    """A real server on its own ingested copy of the sample corpus; yields (url, admin key)."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(SAMPLE_CORPUS, root / "sample")
    settings_ = fuzz_settings(root / "data")
    services = Services(settings_, model=embedder)
    report = services.ingestor.ingest([root / "sample"])
    assert not report.failed, report.summary()["failed"]
    _, secret = services.keys.create("admin", "fuzz")
    with serve(create_app(settings_, services)) as base:
        yield base, secret


@pytest.fixture(scope="module")
def session_http() -> Iterator[requests.Session]:
    with requests.Session() as http:
        yield http


_SETTINGS = dict(derandomize=True, database=None, deadline=None, print_blob=True,
                 suppress_health_check=list(HealthCheck))


# Schema-valid requests the app rightly refuses, for a reason no schema can state; for these
# operations schemathesis' "valid data is accepted" check is replaced by: accepted, or refused
# with exactly these (documented) statuses.
SEMANTIC_REFUSALS = {
    "POST /documents": {415, 422},  # a file type PolicyKB cannot read (by extension), empty file
    "POST /alignment": {422},  # a pasted text in which no mechanism can be found
    "POST /alignment/stream": {422},  # the same, before the stream starts
}


# `{doc_id:path}` lets a document id contain "/", so DELETE /documents/{doc_id} also serves
# /documents/x/file (document "x/file"): an OPTIONS there truthfully allows GET and DELETE,
# and a DELETE there is not a 405, which a schema of one-segment path parameters cannot say.
OVERLAPPING_PATHS = {"GET /documents/{doc_id}/file", "GET /documents/{doc_id}/pages/{page}"}
OVERLAPPING_PATHS |= {"GET /documents/{doc_id}/versions", "GET /documents/{doc_id}/versions/diff",
                      "GET /documents/{doc_id}/versions/{version}/pages/{page}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES_WITH_KEY, **_SETTINGS)
def test_fuzz_with_admin_key(case, fuzz_server, session_http):
    """Every operation, authenticated: no 5xx, responses as documented."""
    base, secret = fuzz_server
    response = case.call_and_validate(
        base_url=base, headers={"Authorization": f"Bearer {secret}"}, session=session_http,
        timeout=REQUEST_TIMEOUT_S, excluded_checks=excluded_checks(case))
    refusals = SEMANTIC_REFUSALS.get(case.operation.label)
    SEEN["admin"][case.operation.label][response.status_code] += 1
    if refusals and case.meta is not None and case.meta.generation.mode.is_positive:
        assert response.status_code < 400 or response.status_code in refusals | {404, 409}, (
            response.status_code, response.text)


def excluded_checks(case) -> list:
    label = case.operation.label
    return ([positive_data_acceptance] if label in SEMANTIC_REFUSALS else []) + (
        [allow_header_conformance, unsupported_method] if label in OVERLAPPING_PATHS else []) + (
        [negative_data_rejection] if only_undeclared_query(case) else [])


def only_undeclared_query(case) -> bool:
    """A "negative" case whose query holds a parameter the operation does not declare
    (`/jobs?limit=1&ifs1=null`), with nothing else negative but headers: FastAPI ignores an
    undeclared query parameter by design, and the Authorization header a negative case drops
    is the one every call here adds back, so "schema-violating request accepted" would be a
    false positive (it failed one full-suite run, after the response pool had captured a
    job). Declared parameters with invalid values are generated in cases of their own."""
    meta = case.meta
    if meta is None or not meta.is_negative_at(ParameterLocation.QUERY):
        return False
    negative = {loc for loc in meta.components if meta.is_negative_at(loc)}
    declared = {p.name for p in case.operation.query}
    return negative <= {ParameterLocation.QUERY, ParameterLocation.HEADER} \
        and any(key not in declared for key in (case.query or {}))


# Without a key: refused (401), or turned away before authentication by the router (404 for a
# path no route takes, e.g. a newline in an id; 405) or the body parser and limits.
ANONYMOUS_STATUSES = {400, 401, 404, 405, 413, 422}


@schema.parametrize()
@settings(max_examples=EXAMPLES_WITHOUT_KEY, **_SETTINGS)
def test_fuzz_without_key(case, fuzz_server, session_http):
    """Keys exist, so reads are closed too: every route but /health refuses, documented, and
    serves no data."""
    response = case.call_and_validate(base_url=fuzz_server[0], session=session_http,
                                      timeout=REQUEST_TIMEOUT_S,
                                      excluded_checks=excluded_checks(case))
    SEEN["anonymous"][case.operation.label][response.status_code] += 1
    if case.operation.path != "/health":
        assert response.status_code in ANONYMOUS_STATUSES, response.text
        if response.status_code == 404:
            assert response.json() == {"error": "NotFoundError", "detail": "Not Found"}, (
                response.text)


PLAN = ("Provincial Cyber Plan\n\nMechanism 1: Train provincial civil servants in "
        "cybersecurity and digital skills.\n\nMechanism 2: Set up an incident response "
        "team for the provincial government network.\n")


def test_known_good_requests(fuzz_server, session_http):
    """Generated ids rarely exist, so some operations only ever answered 404 above: here every
    operation gets one request that must succeed, on real ids, and its 2xx answer is checked
    against the schema the same way (body, content type, headers)."""
    base, secret = fuzz_server
    auth = {"Authorization": f"Bearer {secret}"}
    doc_ids = sorted(d["doc_id"] for d in session_http.get(f"{base}/documents", headers=auth,
                                                           timeout=30).json())
    doc = "national_cybersecurity_policy_en.md"
    assert doc in doc_ids and "news_headlines_km_en.txt#headline-7" in doc_ids

    def call(method: str, path: str, expect: int, **case_kwargs):
        case = schema[path][method].Case(**case_kwargs)
        response = case.call_and_validate(base_url=base, headers=auth, session=session_http,
                                          timeout=REQUEST_TIMEOUT_S)
        SEEN["admin"][case.operation.label][response.status_code] += 1
        assert response.status_code == expect, (method, path, response.text[:500])
        return response

    for path in ("/health", "/documents", "/policies", "/auth/me", "/keys", "/feedback", "/jobs"):
        call("GET", path, 200)
    call("GET", "/documents/{doc_id}", 200, path_parameters={"doc_id": doc})
    call("GET", "/documents/{doc_id}/pages/{page}", 200,
         path_parameters={"doc_id": doc, "page": 1})
    call("GET", "/documents/{doc_id}/file", 200, path_parameters={"doc_id": doc})
    call("GET", "/documents/{doc_id}/versions", 200, path_parameters={"doc_id": doc})
    call("GET", "/documents/{doc_id}/versions/{version}/pages/{page}", 200,
         path_parameters={"doc_id": doc, "version": 1, "page": 1})
    call("GET", "/documents/{doc_id}/versions/diff", 200, path_parameters={"doc_id": doc},
         query={"from": 1, "to": 1})  # the sample corpus has one version of each document
    call("POST", "/search", 200, body={"query": "cybersecurity training", "k": 5})
    call("POST", "/related", 200, body={"doc_id": doc, "page": 1, "k": 5})
    call("POST", "/ask", 200, body={"question": "How will civil servants be trained?"})
    call("POST", "/ask/stream", 200, body={"question": "How will civil servants be trained?"})
    aligned = call("POST", "/alignment", 200, body={"text": PLAN}).json()
    call("POST", "/alignment/stream", 200, body={"text": PLAN})
    call("GET", "/alignment/results/{result_id}", 200,
         path_parameters={"result_id": aligned["result_id"]})
    call("GET", "/alignment/coverage", 200, query={"doc_ids": "digital_government_plan_km.txt",
                                                   "format": "json"})
    call("POST", "/feedback", 201, body={"question": "q?", "answer": "a.", "rating": "up"})
    created = call("POST", "/keys", 201, body={"role": "reader", "name": "known good",
                                               "collections": ["cabinet"]}).json()
    call("DELETE", "/keys/{key_id}", 200, path_parameters={"key_id": created["key_id"]})
    form, content_type = encode_multipart_formdata([
        ("file", ("provincial_cyber_plan.md", PLAN.encode(), "text/markdown")),
        ("title", "Provincial Cyber Plan")])  # schemathesis would name the file "file"
    upload = call("POST", "/documents", 202, media_type="multipart/form-data", body=form,
                  headers={"Content-Type": content_type}).json()
    call("GET", "/jobs/{job_id}", 200, path_parameters={"job_id": upload["job_id"]})
    call("DELETE", "/documents/{doc_id}", 202,
         path_parameters={"doc_id": "news_headlines_km_en.txt#headline-7"})


def test_fuzz_summary(fuzz_server, capsys):
    """Both runs reached every operation of the schema the server serves; anonymous callers
    met the 401 on every protected one. The summary is printed and saved."""
    base, _ = fuzz_server
    assert requests.get(f"{base}/openapi.json", timeout=30).json() == OPENAPI
    operations = sorted(f"{method.upper()} {path}" for path, ops in OPENAPI["paths"].items()
                        for method in ops)
    summary: dict[str, dict] = {}
    for run, seen in SEEN.items():
        missing = [op for op in operations if not seen.get(op)]
        assert not missing, f"the {run} run never called {missing}"
        summary[run] = {
            "operations": len(seen),
            "requests": sum(sum(codes.values()) for codes in seen.values()),
            "status_codes": dict(sorted(sum(seen.values(), Counter()).items())),
            "per_operation": {op: dict(sorted(seen[op].items())) for op in operations},
        }
    assert not any(code >= 500 for seen in SEEN.values() for c in seen.values() for code in c)
    assert all(any(200 <= code < 300 for code in SEEN["admin"][op]) for op in operations)
    protected = [op for op in operations if op != "GET /health"]
    assert all(SEEN["anonymous"][op][401] for op in protected), SEEN["anonymous"]
    OUTPUT_DIR.mkdir(exist_ok=True)
    (OUTPUT_DIR / "fuzz.json").write_text(json.dumps(summary, indent=2))
    with capsys.disabled():
        print("\nschemathesis: responses per operation and status code (test-output/fuzz.json)")
        for run, data in summary.items():
            print(f"  {run}: {data['operations']} operations, {data['requests']} requests, "
                  f"status codes {data['status_codes']}")
            for op, codes in data["per_operation"].items():
                shown = ", ".join(f"{code}x{n}" for code, n in codes.items())
                print(f"    {op:<40} {shown}")
