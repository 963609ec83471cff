"""Keys scoped to collections: the key store column and its migration, the CLI and the admin
API, what each role may read and write, and alignment results kept with the access they were
made with (no model or index needed: these run in a second or two)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from alignment.results import ResultStore
from alignment.types import AlignmentReport
from api.auth import Caller
from api.keys import KeyStore, Role
from core.access import Access
from core.errors import ForbiddenError, InvalidFieldError
from tests.support.crash_helpers import policykb_env

OPEN = {"public"}


def test_keys_carry_their_collections(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys.sqlite3")
    record, secret = store.create("reader", "cabinet desk", "Cabinet, drafts ,cabinet")
    assert record.collections == ("cabinet", "drafts")  # validated, lower-cased, de-duplicated
    verified = store.verify(secret)
    assert verified is not None and verified.collections == ("cabinet", "drafts")
    plain, plain_secret = store.create("reader")
    assert store.verify(plain_secret).collections == ()  # type: ignore[union-attr]
    assert {k.key_id: k.collections for k in store.list()} == {
        record.key_id: ("cabinet", "drafts"), plain.key_id: ()}
    with pytest.raises(InvalidFieldError, match="collections"):
        store.create("reader", "bad", ["cabinet", "../etc"])


def test_an_old_key_store_is_migrated_and_its_keys_read_open_collections_only(
        tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE api_keys (key_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT "
                 "NOT NULL, digest TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)")
    conn.execute("INSERT INTO api_keys VALUES ('0ld0ld00', 'old', 'reader', 'x', '2025', NULL)")
    conn.commit()
    conn.close()
    store = KeyStore(path)
    assert [(k.key_id, k.collections) for k in store.list()] == [("0ld0ld00", ())]
    _, secret = store.create("editor", "new", ["cabinet"])
    assert store.verify(secret).collections == ("cabinet",)  # type: ignore[union-attr]


def test_what_each_role_may_read_and_write() -> None:
    reader = Caller("k1", Role.reader, "127.0.0.1")
    scoped = Caller("k2", Role.reader, "127.0.0.1", ("cabinet",))
    editor = Caller("k3", Role.editor, "127.0.0.1")
    cabinet_editor = Caller("k4", Role.editor, "127.0.0.1", ("cabinet",))
    admin = Caller("k5", Role.admin, "127.0.0.1")
    anonymous = Caller(None, None, "127.0.0.1")
    assert reader.access(OPEN) == anonymous.access(OPEN) == Access.only({"public"})
    assert scoped.access(OPEN) == Access.only({"public", "cabinet"})
    assert admin.access(OPEN).unrestricted
    editor.check_write("public", OPEN)
    cabinet_editor.check_write("cabinet", OPEN)
    admin.check_write("anything", OPEN)
    with pytest.raises(ForbiddenError, match="'cabinet'"):
        editor.check_write("cabinet", OPEN)
    with pytest.raises(ForbiddenError, match="'public'"):
        cabinet_editor.check_write("public", OPEN)  # it writes only where its key says


def test_a_result_is_given_only_to_callers_who_may_read_what_it_was_made_with() -> None:
    store = ResultStore(None)
    report = AlignmentReport(document="plan", mechanisms=[], unaddressed=[], policies=[])
    wide = store.put(report, "", Access.only({"public", "cabinet"}))
    narrow = store.put(report, "", Access.only({"public"}))
    everything = store.put(report, "")
    assert store.get(wide, "", Access.only({"public"})) is None
    assert store.get(wide, "", Access.only({"public", "cabinet"})) is report
    assert store.get(wide, "", Access.everything()) is report
    assert store.get(narrow, "", Access.only({"public", "cabinet"})) is report
    assert store.get(everything, "", Access.only({"public", "cabinet"})) is None


def test_results_on_disk_keep_their_access(tmp_path: Path) -> None:
    report = AlignmentReport(document="plan", mechanisms=[], unaddressed=[], policies=[])
    result_id = ResultStore(tmp_path).put(report, "k", Access.only({"cabinet", "public"}))
    stored = json.loads((tmp_path / f"{result_id}.json").read_text(encoding="utf-8"))
    assert stored["access"] == ["cabinet", "public"]
    other_worker = ResultStore(tmp_path)
    assert other_worker.get(result_id, "k", Access.only({"public"})) is None
    assert other_worker.get(result_id, "k", Access.only({"public", "cabinet"})) is not None


def test_cli_creates_and_lists_scoped_keys(tmp_path: Path) -> None:
    data = tmp_path / "data"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "policykb", *args], env=policykb_env(data),
                              capture_output=True, text=True, timeout=120)

    created = run("keys", "create", "--role", "reader", "--collections", "cabinet,drafts")
    assert created.returncode == 0, created.stderr
    assert "open collections + cabinet, drafts" in " ".join(created.stderr.split())
    listed = json.loads(run("keys", "list", "--json").stdout)
    assert [row["collections"] for row in listed] == ["cabinet,drafts"]
    plain = run("keys", "list").stdout.splitlines()
    assert plain[0].split("\t")[-1] == "collections" and plain[1].endswith("\tcabinet,drafts")
    bad = run("keys", "create", "--role", "reader", "--collections", "Cab inet")
    assert bad.returncode != 0 and "collections" in bad.stderr and "Traceback" not in bad.stderr


def test_admin_api_creates_scoped_keys(tmp_path: Path, embedder: Any) -> None:
    from api.app import create_app
    from core.settings import Settings
    from policykb.services import Services
    from tests.support.servers import serve

    settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None,
                        rate_limit_per_minute=0)
    services = Services(settings, model=embedder)
    _, admin = services.keys.create("admin", "ops")
    headers = {"Authorization": f"Bearer {admin}"}
    with serve(create_app(settings, services)) as base:
        made = httpx.post(f"{base}/keys", headers=headers, timeout=30, json={
            "role": "reader", "name": "cabinet desk", "collections": ["cabinet"]})
        assert made.status_code == 201, made.text
        assert made.json()["collections"] == ["cabinet"]
        listed = httpx.get(f"{base}/keys", headers=headers, timeout=30).json()
        assert {k["name"]: k["collections"] for k in listed}["cabinet desk"] == ["cabinet"]
        bad = httpx.post(f"{base}/keys", headers=headers, timeout=30, json={
            "role": "reader", "collections": ["NOT OK!"]})
        assert bad.status_code == 422 and "collections" in bad.text
        reader = made.json()["key"]
        listed_docs = httpx.get(f"{base}/documents", timeout=30,
                                headers={"Authorization": f"Bearer {reader}"})
        assert listed_docs.status_code == 200
    from api.audit import AuditLog

    records = list(AuditLog.of(settings).records())
    reads = [r for r in records if r["action"] == "document_list"]
    assert reads and reads[0]["collections"] == ["cabinet", "public"]  # what it could read
