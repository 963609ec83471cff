"""POST /feedback and GET /feedback over real HTTP: stored, listed, limited, crash- and race-safe."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from tests.support.servers import serve

CITATION = {"id": 1, "doc_id": "policy/cyber_en.md", "title": "National Cybersecurity Policy",
            "page": 3, "start": 120, "end": 180, "quote": "Appoint a cybersecurity focal point.",
            "language": "en", "doc_type": "policy"}


def body(**overrides: Any) -> dict[str, Any]:
    base = {"question": "Which policies cover cybersecurity capacity building?",
            "answer": "Appoint a cybersecurity focal point. [1]", "mode": "extractive",
            "rating": "up", "citations": [CITATION]}
    return {**base, **overrides}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    """An empty index is enough: feedback does not touch the catalog."""
    from core.settings import Settings
    from policykb.services import Services

    services = Services(Settings(data_dir=tmp_path_factory.mktemp("feedback") / "data",
                                 ocr_enabled=False, _env_file=None), model=embedder)
    return create_app(services.settings, services)


@pytest.fixture(scope="module")
def server(app: Any) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture
def log(app: Any, tmp_path: Path) -> Iterator[Path]:
    """Each test writes its own log: <data_dir>/feedback.jsonl unless app.state says otherwise."""
    path = tmp_path / "feedback.jsonl"
    app.state.feedback_path = path
    yield path
    del app.state.feedback_path


@pytest.fixture
def base(server: str, log: Path) -> str:
    return server


def test_the_log_lives_in_the_data_directory_by_default(settings: Any, services: Any) -> None:
    with serve(create_app(settings, services)) as url:
        assert httpx.post(f"{url}/feedback", json=body()).status_code == 201
    assert (Path(settings.data_dir) / "feedback.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_feedback_is_stored_with_a_timestamp_and_listed(base: str, log: Path) -> None:
    response = httpx.post(f"{base}/feedback", json=body(ui_language="km"))
    assert response.status_code == 201
    stored = response.json()
    assert len(stored["id"]) >= 8 and stored["created_at"].endswith("+00:00")
    assert stored["rating"] == "up" and stored["citations"][0]["quote"] == CITATION["quote"]
    assert "doc_type" not in stored["citations"][0]  # only the fields evaluation needs

    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0]) == stored  # one JSON object per line

    httpx.post(f"{base}/feedback", json=body(rating="down", question="ការការពារទិន្នន័យ?"))
    listing = httpx.get(f"{base}/feedback").json()
    assert listing["total"] == 2 and listing["up"] == 1 and listing["down"] == 1
    assert [item["rating"] for item in listing["items"]] == ["down", "up"]  # newest first
    assert listing["items"][0]["question"] == "ការការពារទិន្នន័យ?"
    assert [i["rating"] for i in httpx.get(f"{base}/feedback?rating=up").json()["items"]] == ["up"]
    assert len(httpx.get(f"{base}/feedback?limit=1").json()["items"]) == 1


def test_a_later_record_with_the_same_id_supersedes_the_earlier(base: str, log: Path) -> None:
    first = httpx.post(f"{base}/feedback", json=body(id="answer-0001", rating="up")).json()
    assert first["id"] == "answer-0001"
    httpx.post(f"{base}/feedback", json=body(id="answer-0001", rating="down",
                                             comment="The first sentence is off topic."))
    listing = httpx.get(f"{base}/feedback").json()
    assert listing["total"] == 1 and listing["down"] == 1
    assert listing["items"][0]["comment"] == "The first sentence is off topic."
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2  # the history is kept


@pytest.mark.parametrize("bad", [
    {"rating": "meh"},
    {"question": ""},
    {"question": "q" * 2001},
    {"comment": "c" * 2001},
    {"answer": "a" * 20_001},
    {"mode": "oracle"},
    {"id": "../../etc"},
    {"unexpected": 1},
    {"citations": [CITATION] * 51},
    {"citations": [{**CITATION, "quote": "q" * 2001}]},
])
def test_invalid_or_oversized_feedback_is_refused(base: str, log: Path, bad: dict[str, Any]) -> None:
    response = httpx.post(f"{base}/feedback", json=body(**bad))
    assert response.status_code == 422, response.text
    assert not log.exists()


def test_a_torn_last_line_is_skipped_and_not_glued_to_the_next(base: str, log: Path) -> None:
    httpx.post(f"{base}/feedback", json=body(rating="up"))
    with log.open("ab") as handle:  # a crash in the middle of a write
        handle.write(b'{"id": "torn", "question": "half a reco')
    httpx.post(f"{base}/feedback", json=body(rating="down"))
    listing = httpx.get(f"{base}/feedback").json()
    assert listing["total"] == 2 and {i["rating"] for i in listing["items"]} == {"up", "down"}
    last = log.read_text(encoding="utf-8").splitlines()[-1]
    assert json.loads(last)["rating"] == "down"


def test_concurrent_posts_each_land_on_their_own_line(base: str, log: Path) -> None:
    errors: list[int] = []

    def post(n: int) -> None:
        response = httpx.post(f"{base}/feedback", json=body(comment=f"comment {n} " + "x" * 1500),
                              timeout=30)
        if response.status_code != 201:
            errors.append(response.status_code)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert sorted(int(r["comment"].split()[1]) for r in records) == list(range(24))
    assert httpx.get(f"{base}/feedback").json()["total"] == 24


def test_a_full_log_refuses_new_feedback(base: str, log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.routes import feedback

    monkeypatch.setattr(feedback, "MAX_LOG_BYTES", 2_000)
    assert httpx.post(f"{base}/feedback", json=body()).status_code == 201
    assert httpx.post(f"{base}/feedback", json=body(comment="c" * 1500)).status_code == 507
    assert httpx.get(f"{base}/feedback").json()["total"] == 1


def test_feedback_appears_in_the_openapi_schema(base: str) -> None:
    paths = httpx.get(f"{base}/openapi.json").json()["paths"]
    assert set(paths["/feedback"]) == {"get", "post"}


# -- who may write and read what (issue #16, attack item 3) ---------------------------------


@pytest.fixture
def keyed(app: Any, log: Path) -> Iterator[dict[str, Any]]:
    """Two reader keys and an admin key on the same app (creating a key closes anonymous
    reads in ``auto`` mode, so the keys are revoked afterwards)."""
    from api.keys import Role

    keys = app.state.services.keys
    made = {name: keys.create(role, f"feedback-{name}") for name, role in
            (("alice", Role.reader), ("bob", Role.reader), ("admin", Role.admin))}
    yield {name: {"Authorization": f"Bearer {secret}"} for name, (_, secret) in made.items()}
    for record, _ in made.values():
        keys.revoke(record.key_id)


def test_only_the_submitter_or_an_admin_may_overwrite_a_record(base: str, keyed: dict[str, Any]) -> None:
    alice, bob, admin = keyed["alice"], keyed["bob"], keyed["admin"]
    first = httpx.post(f"{base}/feedback", json=body(id="answer-0042"), headers=alice)
    assert first.status_code == 201 and first.json()["submitter"].startswith("key:")
    stolen = httpx.post(f"{base}/feedback", json=body(id="answer-0042", rating="down"), headers=bob)
    assert stolen.status_code == 403 and "another submitter" in stolen.json()["detail"]
    assert httpx.post(f"{base}/feedback", json=body(id="answer-0042", rating="down"),
                      headers=alice).status_code == 201
    assert httpx.post(f"{base}/feedback", json=body(id="answer-0042", comment="triaged"),
                      headers=admin).status_code == 201


def test_each_caller_lists_only_their_own_records_and_an_admin_all(base: str, keyed: dict[str, Any]) -> None:
    for n in range(3):
        httpx.post(f"{base}/feedback", json=body(question=f"alice {n}?"), headers=keyed["alice"])
    httpx.post(f"{base}/feedback", json=body(question="bob?"), headers=keyed["bob"])
    assert {i["question"] for i in httpx.get(f"{base}/feedback", headers=keyed["bob"]).json()["items"]} == {"bob?"}
    everyone = httpx.get(f"{base}/feedback", headers=keyed["admin"]).json()
    assert everyone["total"] == 4
    page = httpx.get(f"{base}/feedback?limit=2&offset=2", headers=keyed["admin"]).json()
    assert [i["question"] for i in page["items"]] == ["alice 1?", "alice 0?"]
    assert httpx.get(f"{base}/feedback?limit=10000", headers=keyed["admin"]).status_code == 422


def test_one_caller_cannot_fill_the_log_for_everyone(base: str, keyed: dict[str, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from api.routes import feedback

    monkeypatch.setattr(feedback, "MAX_SUBMITTER_BYTES", 5_000)
    big = body(comment="c" * 1900)
    statuses = [httpx.post(f"{base}/feedback", json=big, headers=keyed["alice"]).status_code
                for _ in range(4)]
    assert statuses[:2] == [201, 201] and statuses[-1] == 429
    assert httpx.post(f"{base}/feedback", json=big, headers=keyed["bob"]).status_code == 201


def test_anonymous_feedback_names_a_hash_of_the_address_not_the_address(base: str, log: Path) -> None:
    stored = httpx.post(f"{base}/feedback", json=body()).json()
    assert stored["submitter"].startswith("addr:") and "127.0.0.1" not in log.read_text(encoding="utf-8")


def test_bearer_auth_is_declared_as_a_security_scheme(base: str) -> None:
    schema = httpx.get(f"{base}/openapi.json").json()
    scheme = schema["components"]["securitySchemes"]["apiKey"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert schema["paths"]["/search"]["post"]["security"] == [{"apiKey": []}]
    assert schema["paths"]["/keys"]["get"]["security"] == [{"apiKey": []}]
    assert "security" not in schema["paths"]["/health"]["get"]


def test_api_docs_pages_load_their_assets_from_this_server(base: str) -> None:
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = httpx.get(f"{base}{page}").text
        assert "cdn.jsdelivr" not in html and "fonts.googleapis" not in html
        assert f"/docs-assets/{asset}" in html
        script = httpx.get(f"{base}/docs-assets/{asset}")
        assert script.status_code == 200 and len(script.content) > 100_000
