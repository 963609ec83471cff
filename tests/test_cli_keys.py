"""`policykb keys create|list|revoke` as an operator runs them, on a data dir with no index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from api.keys import KeyStore, Role


def policykb(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "policykb", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_create_list_revoke_without_an_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    created = policykb("keys", "create", "--role", "admin", "--name", "ops desk", data_dir=data)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert created.stdout.strip() == key  # the key alone: KEY=$(policykb keys create ...) works
    assert key.startswith("pkb_") and len(key) > 40
    store = KeyStore(data / "keys.sqlite3")
    record = store.verify(key)
    assert record is not None and record.role is Role.admin and record.name == "ops desk"
    assert record.key_id in created.stderr and "keys.sqlite3" in created.stderr
    assert not (data / "catalog.sqlite3").exists()  # no index was created or needed

    reader = policykb("keys", "create", "--role", "READER", data_dir=data)
    assert reader.returncode == 0, reader.stderr
    reader_key = reader.stdout.strip().splitlines()[-1]
    reader_id = store.verify(reader_key).key_id

    listed = policykb("keys", "list", "--json", data_dir=data)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert sorted((r["role"], r["active"]) for r in rows) == [("admin", True), ("reader", True)]
    assert key not in listed.stdout and reader_key not in listed.stdout
    plain = policykb("keys", "list", data_dir=data)  # piped: tab-separated lines
    lines = plain.stdout.strip().splitlines()
    assert lines[0].split("\t") == ["key_id", "name", "role", "created", "revoked", "collections"]
    assert any(line.startswith(f"{reader_id}\t") and "\treader\t" in line for line in lines)

    revoked = policykb("keys", "revoke", reader_id, data_dir=data)
    assert revoked.returncode == 0 and reader_id in revoked.stdout
    assert store.verify(reader_key) is None  # effective at once
    assert store.verify(key) is not None
    after = {r["key_id"]: r for r in json.loads(policykb("keys", "list", "--json",
                                                         data_dir=data).stdout)}
    assert after[reader_id]["active"] is False and after[reader_id]["revoked_at"]


def test_errors_are_clean_messages_with_a_failing_exit_code(tmp_path: Path) -> None:
    data = tmp_path / "data"
    bad_role = policykb("keys", "create", "--role", "owner", data_dir=data)
    assert bad_role.returncode != 0
    assert "--role" in bad_role.stderr and "owner" in bad_role.stderr
    assert "Traceback" not in bad_role.stderr
    assert not (data / "keys.sqlite3").exists()

    nothing = policykb("keys", "revoke", "abcd1234", data_dir=data)
    assert nothing.returncode == 1 and "no API keys" in nothing.stderr
    assert not (data / "keys.sqlite3").exists()  # a mistyped --data-dir creates nothing

    assert policykb("keys", "create", "--role", "editor", data_dir=data).returncode == 0
    unknown = policykb("keys", "revoke", "abcd1234", data_dir=data)
    assert unknown.returncode == 1 and "abcd1234" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    missing_role = policykb("keys", "create", data_dir=data)
    assert missing_role.returncode != 0 and "--role" in missing_role.stderr


def test_an_empty_store_lists_nothing(tmp_path: Path) -> None:
    listed = policykb("keys", "list", "--json", data_dir=tmp_path / "data")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
