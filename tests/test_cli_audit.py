"""`policykb audit` as an admin runs it: filters over the current and rotated audit files."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.audit import AuditLog

NOW = datetime.now(UTC)  # reset by the fixture: "--since 5m" means 5 minutes before the test runs


def policykb(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "policykb", "audit", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def at(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """60 records, oldest first, over a log small enough to rotate several times: key a1 searches
    (even n), key b2 reads pages of report.pdf (odd n); one record per minute, the last now."""
    global NOW
    NOW = datetime.now(UTC)  # the suite may reach this test many minutes after collection
    data = tmp_path / "data"
    log = AuditLog(data / "audit", max_bytes=2000, keep=50)
    for n in range(60):
        record: dict[str, Any] = {"time": at(59 - n), "status": 200, "n": n}
        if n % 2 == 0:
            record |= {"key_id": "a1", "role": "reader", "action": "search",
                       "query_sha256": hashlib.sha256(f"query {n}".encode()).hexdigest(),
                       "docs": ["plan.md", "law.pdf"]}
        else:
            record |= {"key_id": "b2", "role": "reader", "action": "page_read",
                       "docs": ["report.pdf"], "page": n}
        log.append(record)
    assert len(log.files()) >= 3
    return data


def numbers(result: subprocess.CompletedProcess[str]) -> list[int]:
    assert result.returncode == 0, result.stderr
    return [r["n"] for r in json.loads(result.stdout)]


def test_filters_by_key_newest_first_across_rotated_files(data_dir: Path) -> None:
    assert numbers(policykb("--key", "a1", "--json", "--limit", "100", data_dir=data_dir)) == \
        list(range(58, -1, -2))
    assert numbers(policykb("--key", "b2", "--json", "--limit", "3", data_dir=data_dir)) == [59, 57, 55]
    assert numbers(policykb("--key", "nobody", "--json", data_dir=data_dir)) == []


def test_filters_by_document_action_time_and_query(data_dir: Path) -> None:
    assert numbers(policykb("--doc", "report.pdf", "--json", "--limit", "2", data_dir=data_dir)) == [59, 57]
    assert numbers(policykb("--doc", "law.pdf", "--action", "page_read", "--json",
                            data_dir=data_dir)) == []
    assert numbers(policykb("--since", "5m", "--json", data_dir=data_dir)) == [59, 58, 57, 56, 55]
    since = (NOW - timedelta(minutes=2, seconds=30)).strftime("%Y-%m-%dT%H:%M:%S")
    assert numbers(policykb("--since", since, "--json", data_dir=data_dir)) == [59, 58, 57]
    assert numbers(policykb("--query", "query 40", "--json", data_dir=data_dir)) == [40]
    assert len(numbers(policykb("--json", data_dir=data_dir))) == 50  # the default limit


def test_bad_options_are_named_and_an_empty_log_is_said(data_dir: Path, tmp_path: Path) -> None:
    bad_since = policykb("--since", "last tuesday", data_dir=data_dir)
    assert bad_since.returncode == 1 and "--since 'last tuesday'" in bad_since.stderr
    bad_action = policykb("--action", "hack", data_dir=data_dir)
    assert bad_action.returncode == 1 and "--action 'hack'" in bad_action.stderr
    assert "search" in bad_action.stderr
    empty = policykb(data_dir=tmp_path / "empty")
    assert empty.returncode == 0 and "no matching audit records" in empty.stdout


def test_piped_output_is_tab_separated_with_control_characters_escaped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    AuditLog(data / "audit", max_bytes=10**6, keep=2).append(
        {"time": at(0), "key_id": "k9", "role": "editor", "action": "upload", "status": 202,
         "docs": ["evil\x1b[31m\nname.md"], "target": "job1"})
    result = policykb(data_dir=data)
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0][:5] == ["time", "key", "role", "action", "status"]
    assert len(rows) == 2 and rows[1][1:5] == ["k9", "editor", "upload", "202"]
    assert rows[1][5] == "evil\\x1b[31m\\nname.md" and rows[1][7] == "job1"
    assert "\x1b" not in result.stdout
