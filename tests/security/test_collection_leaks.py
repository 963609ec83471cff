"""The collection leak suite (issue #16): for a reader key WITHOUT access to the restricted
``cabinet`` collection, every HTTP path is called with queries that would match the restricted
text (the exact phrase in English and Khmer, a Khmer query reaching an English phrase through
the glossary, a public document whose twin is restricted, related passages of an open document
paraphrasing a restricted one, the alignment of a plan only the restricted policy supports) and
nothing of it appears: no text, id, title, count, twin link, evidence or unaddressed strategy.
The same calls with a key naming ``cabinet`` find it, so each check could fail.

Run against the embedded chromadb, a real ``chroma run`` server, and two API workers
(``tests/security/conftest.py``); the corpus is ``tests/security/leak_corpus.py``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.security.leak_corpus import (
    DIRECTIVE_ID,
    EXACT_EN,
    EXACT_KM,
    GLOSSARY_KM,
    PLAN_ID,
    PUBLIC_IDS,
    QUESTION,
    RESTRICTED_IDS,
    RUMOUR_ID,
    TWIN_EN,
    TWIN_KM_ID,
)
from tests.security.leak_stack import (
    Stack,
    leaked,
    ndjson_events,
    same_as_unknown,
    sse_events,
    wait_for_job,
)

pytestmark = pytest.mark.slow  # three stacks, each ingesting and serving for real

#: query -> the restricted document a key with access must find through it
SEARCHES = {EXACT_EN: DIRECTIVE_ID, EXACT_KM: TWIN_KM_ID, GLOSSARY_KM: DIRECTIVE_ID,
            TWIN_EN: TWIN_KM_ID}


def ids_in(body: dict[str, Any]) -> set[str]:
    """Every document id a search response names: hits and their twins."""
    return ({h["doc_id"] for h in body["hits"]}
            | {t["doc_id"] for h in body["hits"] for t in h.get("twins", [])})


def clean(stack: Stack, response: Any, expect: int = 200) -> Any:
    assert response.status_code == expect, response.text[:500]
    assert leaked(stack, response) == [], (stack.mode, response.request.url)
    return response


@pytest.mark.parametrize("query", list(SEARCHES))
def test_search_never_shows_the_restricted_collection(stack: Stack, query: str) -> None:
    body = {"query": query, "k": 20}
    hidden = clean(stack, stack.call("POST", "/search", json=body)).json()
    assert not ids_in(hidden) & set(RESTRICTED_IDS)
    # a collections filter narrows what the key may read, never widens it
    asked = clean(stack, stack.call("POST", "/search", json={
        **body, "filters": {"collections": ["cabinet"]}})).json()
    assert asked["hits"] == []
    found = stack.call("POST", "/search", "cabinet", json=body)
    assert found.status_code == 200 and SEARCHES[query] in ids_in(found.json()), found.text[:800]
    assert leaked(stack, found)


def test_twin_link_to_a_restricted_translation(stack: Stack) -> None:
    """The public English notice is found by both; only the key with access sees its twin."""
    body = {"query": TWIN_EN, "k": 20}
    reader = stack.call("POST", "/search", json=body).json()
    hit = next(h for h in reader["hits"] if h["doc_id"] == "rice_terminal_en.txt")
    assert [t["doc_id"] for t in hit["twins"]] == []
    cabinet = stack.call("POST", "/search", "cabinet", json=body).json()
    assert TWIN_KM_ID in ids_in(cabinet)


def test_related_passages_of_an_open_document(stack: Stack) -> None:
    for body in ({"doc_id": RUMOUR_ID, "k": 20}, {"doc_id": RUMOUR_ID, "page": 1, "k": 20},
                 {"text": "sealed encrypted record book of the ministers' meeting notes in a "
                          "guarded strong room", "k": 20}):
        hidden = clean(stack, stack.call("POST", "/related", json=body)).json()
        assert not ids_in(hidden) & set(RESTRICTED_IDS)
        found = stack.call("POST", "/related", "cabinet", json=body).json()
        assert DIRECTIVE_ID in ids_in(found), found
    restricted = {"doc_id": DIRECTIVE_ID, "page": 1}
    same_as_unknown(stack, stack.call("POST", "/related", json=restricted), "/related",
                    DIRECTIVE_ID, "POST", json=restricted)
    assert stack.call("POST", "/related", "cabinet", json=restricted).status_code == 200


def test_ask_and_its_stream(stack: Stack) -> None:
    follow_up = {"question": "What about its timeline?", "history": [{
        "question": QUESTION, "answer": "It is kept sealed.",
        "citations": [{"doc_id": DIRECTIVE_ID, "page": 1}]}]}
    for body in ({"question": QUESTION}, {"question": EXACT_KM}, follow_up):
        answer = clean(stack, stack.call("POST", "/ask", json=body)).json()
        assert not {c["doc_id"] for c in answer["citations"]} & set(RESTRICTED_IDS)
        stream = clean(stack, stack.call("POST", "/ask/stream", json=body))
        assert sse_events(stream.text)[-1] == "done"
    found = stack.call("POST", "/ask", "cabinet", json={"question": QUESTION}).json()
    assert DIRECTIVE_ID in {c["doc_id"] for c in found["citations"]}, found
    stream = stack.call("POST", "/ask/stream", "cabinet", json={"question": QUESTION})
    assert DIRECTIVE_ID in stream.text


def test_alignment_results_and_exports(stack: Stack) -> None:
    body = {"doc_id": PLAN_ID}
    report = clean(stack, stack.call("POST", "/alignment", json=body))
    mine = report.json()["result_id"]
    assert report.json()["mechanisms"]  # the plan was aligned, against the open policy only
    for fmt in ("json", "md", "csv", "docx"):
        clean(stack, stack.call("GET", f"/alignment/results/{mine}?format={fmt}"))
        clean(stack, stack.call("POST", "/alignment", json={**body, "format": fmt}))
    events = ndjson_events(clean(stack, stack.call("POST", "/alignment/stream", json=body)).text)
    assert events[-1]["event"] == "result"

    found = stack.call("POST", "/alignment", "cabinet", json=body)
    assert found.status_code == 200 and leaked(stack, found), found.text[:800]
    theirs = found.json()["result_id"]
    unknown = stack.call("GET", "/alignment/results/" + "0" * 32)
    by_id = stack.call("GET", f"/alignment/results/{theirs}")
    assert by_id.status_code == unknown.status_code == 404
    assert by_id.text.replace(theirs, "X") == unknown.text.replace("0" * 32, "X")
    md = stack.call("GET", f"/alignment/results/{theirs}?format=md", "cabinet")
    assert md.status_code == 200 and leaked(stack, md)
    streamed = stack.call("POST", "/alignment/stream", "cabinet", json=body)
    assert ndjson_events(streamed.text)[-1]["event"] == "result" and leaked(stack, streamed)

    plan = {"doc_id": DIRECTIVE_ID}  # a restricted document named as the plan
    same_as_unknown(stack, stack.call("POST", "/alignment", json=plan), "/alignment",
                    DIRECTIVE_ID, "POST", json=plan)
    assert stack.call("POST", "/alignment", "cabinet", json=plan).status_code != 404


def test_plan_coverage(stack: Stack) -> None:
    """The coverage view across plans lists no restricted strategy, not even unaddressed."""
    for query in ("", f"doc_ids={PLAN_ID}&"):
        for fmt in ("json", "md", "csv"):
            clean(stack, stack.call("GET", f"/alignment/coverage?{query}format={fmt}"))
    found = stack.call("GET", f"/alignment/coverage?doc_ids={PLAN_ID}", "cabinet")
    assert found.status_code == 200 and leaked(stack, found), found.text[:800]
    path = f"/alignment/coverage?doc_ids={DIRECTIVE_ID}"
    same_as_unknown(stack, stack.call("GET", path), path, DIRECTIVE_ID)


def test_documents_pages_files_and_versions(stack: Stack) -> None:
    listed = clean(stack, stack.call("GET", "/documents")).json()
    assert {d["doc_id"] for d in listed} >= set(PUBLIC_IDS)
    assert not {d["doc_id"] for d in listed} & set(RESTRICTED_IDS)
    assert set(RESTRICTED_IDS) <= {d["doc_id"] for d in
                                   stack.call("GET", "/documents", "cabinet").json()}
    for doc_id in RESTRICTED_IDS:
        for path in (f"/documents/{doc_id}", f"/documents/{doc_id}/pages/1",
                     f"/documents/{doc_id}/file", f"/documents/{doc_id}/versions",
                     f"/documents/{doc_id}/versions/1/pages/1",
                     f"/documents/{doc_id}/versions/diff"):
            same_as_unknown(stack, stack.call("GET", path), path, doc_id)
            if not path.endswith("/diff"):  # one version only: nothing to diff
                assert stack.call("GET", path, "cabinet").status_code == 200, path
        encoded = f"/documents/{quote(doc_id)}/pages/1"
        assert stack.call("GET", encoded).status_code == 404


def test_policies_health_and_feedback(stack: Stack) -> None:
    clean(stack, stack.call("GET", "/policies"))
    assert leaked(stack, stack.call("GET", "/policies", "cabinet"))

    anonymous = stack.call("GET", "/health", "anonymous")  # reads need a key: no counts
    assert anonymous.status_code == 200 and anonymous.json()["documents"] is None
    for who in ("reader", "cabinet", "admin"):
        health = stack.call("GET", "/health", who)
        assert health.status_code == 200
        seen = stack.call("GET", "/documents", who).json()
        assert health.json()["documents"] == len(seen), (who, health.json())
    assert (stack.call("GET", "/health").json()["documents"]
            < stack.call("GET", "/health", "cabinet").json()["documents"])

    record = {"question": QUESTION, "answer": "Sealed.", "rating": "up",
              "citations": [{"doc_id": DIRECTIVE_ID, "page": 1}]}
    for who in ("reader", "cabinet"):
        posted = stack.call("POST", "/feedback", who, json={**record, "id": f"leak-{who}-1"})
        assert posted.status_code == 201, posted.text
    assert "leak-reader-1" not in stack.call("GET", "/feedback").text
    assert "leak-cabinet-1" in stack.call("GET", "/feedback", "cabinet").text


def test_writes_and_job_listings(stack: Stack) -> None:
    """Editors write only where their key says; a job in a restricted collection is invisible
    to an editor who cannot read it. Runs last: it adds a restricted document."""
    name = f"cabinet_minutes_{stack.mode}.txt"
    stack.markers.append(name)
    upload = {"files": {"file": (name, b"Minutes sealed in the quartzfeather ledger.\n",
                                 "text/plain")}, "data": {"collection": "cabinet"}}
    refused = stack.call("POST", "/documents", "editor", **upload)
    assert refused.status_code == 403 and "'cabinet'" in refused.text, refused.text
    accepted = stack.call("POST", "/documents", "cabinet_editor", **upload)
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]
    assert job_id not in clean(stack, stack.call("GET", "/jobs?limit=500", "editor")).text
    assert stack.call("GET", f"/jobs/{job_id}", "editor").status_code == 404
    done = wait_for_job(stack, job_id, "cabinet_editor")
    assert done["state"] == "done", done
    assert job_id in stack.call("GET", "/jobs?limit=500", "cabinet_editor").text
    assert job_id not in clean(stack, stack.call("GET", "/jobs?limit=500", "editor")).text
    assert name not in stack.call("GET", "/documents").text
    assert name in stack.call("GET", "/documents", "cabinet").text

    same_as_unknown(stack, stack.call("DELETE", f"/documents/{name}", "editor"),
                    f"/documents/{name}", name, "DELETE", "editor")
    into_open = stack.call("DELETE", f"/documents/{PUBLIC_IDS[0]}", "cabinet_editor")
    assert into_open.status_code == 403 and "'public'" in into_open.text
    public = stack.call("POST", "/documents", "cabinet_editor", files={
        "file": (f"open_note_{stack.mode}.txt", b"An open note.\n", "text/plain")})
    assert public.status_code == 403 and "'public'" in public.text
