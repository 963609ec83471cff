"""Three access leftovers of issue #16, over real HTTP (uvicorn on 127.0.0.1, real chromadb and
MiniLM): ``GET /auth/me`` says what the key may read now, the audit log names the collection
of a document, page or file read, and ``/health`` gives an anonymous caller no counts once
reads need a key."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.servers import serve

PUBLIC = "# Ferry timetable notice\n\nThe Kampong Cham ferry leaves every hour from the river pier.\n"
SEALED = ("# Cabinet minutes\n\nThe cabinet agreed in closed session to move the lantern archive "
          "to Kep.\n\n## Follow-up\n\nThe archive clerk reports back in March.\n")
PUBLIC_ID, SEALED_ID = "ferry_notice.md", "cabinet_minutes.md"
KEYS = {"reader": ("reader", ""), "cabinet": ("reader", "cabinet"), "admin": ("admin", "")}


def build(root: Path, embedder: Any, read_access: str) -> Any:
    """Services over ``root/data``: one public and one restricted (``cabinet``) document."""
    from core.settings import Settings
    from policykb.services import Services

    for folder, name, text in (("open", PUBLIC_ID, PUBLIC), ("sealed", SEALED_ID, SEALED)):
        (root / folder).mkdir(parents=True)
        (root / folder / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None,
                        rate_limit_per_minute=0, read_access=read_access)
    services = Services(settings, model=embedder)
    assert not services.ingestor.ingest([root / "open"]).failed
    assert not services.ingestor.ingest([root / "sealed"], collection="cabinet").failed
    assert services.catalog.open_collections() == {"public"}  # cabinet was created restricted
    return services


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[dict[str, Any]]:
    """``POLICYKB_READ_ACCESS=keys``: reads need a key; a reader, a cabinet reader, an admin."""
    from api.app import create_app

    services = build(tmp_path_factory.mktemp("leftovers"), embedder, "keys")
    secrets = {who: services.keys.create(role, who, scope)[1] for who, (role, scope) in KEYS.items()}
    ids = {who: services.keys.verify(s).key_id for who, s in secrets.items()}
    with serve(create_app(services.settings, services)) as base:
        yield {"base": base, "services": services, "ids": ids,
               "log": services.settings.data_dir / "audit" / "audit.jsonl",
               "headers": {who: {"Authorization": f"Bearer {s}"} for who, s in secrets.items()}}
    services.catalog.close()


def get(stack: dict[str, Any], path: str, who: str = "anonymous") -> httpx.Response:
    headers = stack["headers"].get(who, {})
    return httpx.get(f"{stack['base']}{path}", headers=headers, timeout=30)


# -- /health --------------------------------------------------------------------------------


def test_health_answers_anonymous_callers_without_counts_when_reads_need_a_key(
        keyed: dict[str, Any]) -> None:
    for headers in ({}, {"Authorization": "Bearer pkb_forged_0123456789"}, {"Authorization": "x"}):
        health = httpx.get(f"{keyed['base']}/health", headers=headers, timeout=30)
        assert health.status_code == 200  # liveness: a bad key is not refused here either
        body = health.json()
        assert body["status"] == "ok" and body["documents"] is None and body["chunks"] is None
        assert not any(isinstance(v, int) and not isinstance(v, bool) for v in body.values())
    assert httpx.head(f"{keyed['base']}/health").status_code == 200
    assert get(keyed, "/documents").status_code == 401  # reads do need a key here


def test_health_counts_what_each_key_may_read(keyed: dict[str, Any]) -> None:
    counts = {}
    for who in KEYS:
        health = get(keyed, "/health", who).json()
        readable = get(keyed, "/documents", who).json()
        assert health["documents"] == len(readable), (who, health)
        counts[who] = (health["documents"], health["chunks"])
    assert counts["reader"][0] == 1 and counts["cabinet"][0] == counts["admin"][0] == 2
    assert 0 < counts["reader"][1] < counts["cabinet"][1] == counts["admin"][1]


def test_health_counts_open_collections_while_reads_are_open_and_none_after_the_first_key(
        tmp_path: Path, embedder: Any) -> None:
    from api.app import create_app

    services = build(tmp_path, embedder, "auto")  # open until the first key exists
    with serve(create_app(services.settings, services)) as base:
        assert httpx.get(f"{base}/health").json()["documents"] == 1  # the public document
        assert httpx.get(f"{base}/auth/me").json() == {
            "key_id": None, "role": None, "reads_open": True, "collections": [],
            "can_read": ["public"]}
        services.keys.create("admin", "ops")  # reads close now
        closed = httpx.get(f"{base}/health")
        assert closed.status_code == 200 and closed.json()["documents"] is None
    services.catalog.close()


# -- /auth/me -------------------------------------------------------------------------------


def test_auth_me_names_the_key_collections_and_what_it_can_read_now(keyed: dict[str, Any]) -> None:
    me = {who: get(keyed, "/auth/me", who).json() for who in KEYS}
    assert me["reader"] == {"key_id": keyed["ids"]["reader"], "role": "reader",
                            "reads_open": False, "collections": [], "can_read": ["public"]}
    assert (me["cabinet"]["collections"], me["cabinet"]["can_read"]) == (
        ["cabinet"], ["cabinet", "public"])
    assert (me["admin"]["collections"], me["admin"]["can_read"]) == ([], "all")
    assert get(keyed, "/auth/me").status_code == 401  # reads need a key: so does this

    catalog = keyed["services"].catalog
    catalog.set_collection_access("drafts", restricted=False)  # opened: every reader, at once
    try:
        assert get(keyed, "/auth/me", "reader").json()["can_read"] == ["drafts", "public"]
        assert get(keyed, "/auth/me", "cabinet").json()["can_read"] == [
            "cabinet", "drafts", "public"]
    finally:
        catalog.set_collection_access("drafts", restricted=True)
    assert get(keyed, "/auth/me", "reader").json()["can_read"] == ["public"]


# -- the audit log --------------------------------------------------------------------------


def log_lines(log: Path) -> list[str]:
    """The audit log's lines so far (none before the first audited request wrote it)."""
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def records_after(log: Path, start: int, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
    """The first ``count`` records written after line ``start`` (each lands once its response
    is complete, so a moment after the client has it)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [json.loads(line) for line in log_lines(log)[start:]]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, found
            return found[:count]
        time.sleep(0.02)


def test_document_page_and_file_reads_record_the_document_collection(
        keyed: dict[str, Any]) -> None:
    log = keyed["log"]
    start = len(log_lines(log))
    calls = [(f"/documents/{SEALED_ID}", "cabinet", 200),
             (f"/documents/{SEALED_ID}/pages/1", "cabinet", 200),
             (f"/documents/{SEALED_ID}/file", "admin", 200),
             (f"/documents/{PUBLIC_ID}/pages/1", "reader", 200),
             (f"/documents/{SEALED_ID}/file", "reader", 404),  # unreadable: same as unknown
             (f"/documents/{SEALED_ID}/pages/9", "cabinet", 404),  # no such page: nothing read
             (f"/documents/{SEALED_ID}/versions", "cabinet", 200),
             (f"/documents/{SEALED_ID}/versions/1/pages/1", "cabinet", 200),
             (f"/documents/{SEALED_ID}/versions/diff?from=1&to=1", "cabinet", 200),
             (f"/documents/{SEALED_ID}/versions", "reader", 404),
             ("/documents", "cabinet", 200)]
    for path, who, status in calls:
        assert get(keyed, path, who).status_code == status, (path, who)
    records = records_after(log, start, len(calls))
    seen = [(r["action"], r["key_id"], r["status"], r.get("collection")) for r in records]
    ids = keyed["ids"]
    assert seen == [
        ("document_read", ids["cabinet"], 200, "cabinet"),
        ("page_read", ids["cabinet"], 200, "cabinet"),
        ("file_read", ids["admin"], 200, "cabinet"),
        ("page_read", ids["reader"], 200, "public"),
        ("file_read", ids["reader"], 404, None),  # a refusal names only the id asked for
        ("page_read", ids["cabinet"], 404, None),
        ("version_list", ids["cabinet"], 200, "cabinet"),
        ("version_page_read", ids["cabinet"], 200, "cabinet"),
        ("version_diff", ids["cabinet"], 200, "cabinet"),
        ("version_list", ids["reader"], 404, None),
        ("document_list", ids["cabinet"], 200, None)]
    assert records[4]["docs"] == [SEALED_ID] and records[4]["collections"] == ["public"]
    # a version read names the document, not "<id>/versions/1", and the version it read
    assert records[7]["docs"] == [SEALED_ID] and records[7]["version"] == 1
    assert records[6]["docs"] == [SEALED_ID] and "version" not in records[6]
