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
