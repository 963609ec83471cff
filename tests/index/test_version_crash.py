"""A crash while a new version is being stored loses neither the current version nor its
history: `policykb ingest` SIGKILLs itself between the vector write and the catalog commit
(``POLICYKB_FAULT_AFTER_VECTORS=1``, ``ingest/faults.py``), then a normal run finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from index.catalog import Catalog
from index.versions import VersionStore
from tests.support.crash import assert_whole, inspect_index
from tests.support.paths import REPO

V1 = "# Ferry Plan\n\n## Goal 1: Piers\n\nRebuild the river piers at Kampong Cham.\n"
V2 = "# Ferry Plan\n\n## Goal 1: Piers\n\nRebuild the river piers at Kratie and Stung Treng.\n"


def _ingest(folder: Path, data: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data), "POLICYKB_OCR_ENABLED": "false",
           "HF_HUB_OFFLINE": "1", **extra}
    return subprocess.run([sys.executable, "-m", "policykb", "ingest", str(folder)], env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=600)


def _state(data: Path) -> tuple[int, str, list[int]]:
    catalog = Catalog(data / "catalog.sqlite3")
    try:
        store = VersionStore(catalog)
        return (catalog.get_document("ferry.md").version, catalog.page("ferry.md", 1).text,
                [v.version for v in store.versions("ferry.md")])
    finally:
        catalog.close()


@pytest.mark.slow
def test_a_crash_while_storing_version_two_keeps_version_one(tmp_path: Path):
    folder, data = tmp_path / "plans", tmp_path / "data"
    folder.mkdir()
    (folder / "ferry.md").write_text(V1, encoding="utf-8")
    assert _ingest(folder, data).returncode == 0

    (folder / "ferry.md").write_text(V2, encoding="utf-8")
    crashed = _ingest(folder, data, POLICYKB_FAULT_AFTER_VECTORS="1")
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr[-2000:]
    version, text, versions = _state(data)
    assert (version, versions) == (1, [1]) and "Kampong Cham" in text  # v1 whole, no archive
    state = inspect_index(data)
    assert_whole(state)
    assert state["orphan_vectors"] > 0  # v2's vectors, stored before the kill, never shown

    assert _ingest(folder, data).returncode == 0  # the next run finishes the job
    version, text, versions = _state(data)
    assert (version, versions) == (2, [1, 2]) and "Kratie" in text
    catalog = Catalog(data / "catalog.sqlite3")
    assert "Kampong Cham" in VersionStore(catalog).pages("ferry.md", 1)[0].text
    catalog.close()
    state = inspect_index(data)
    assert_whole(state)
    assert state["orphan_vectors"] == 0
