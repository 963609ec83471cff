"""`policykb coverage` as a coordinator runs it, in a child process over an index of the
coverage fixture plans (``tests/alignment/coverage_fixture.py``): JSON to a file, then
Markdown and CSV read from the cache the first run left, and an unknown plan named."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.alignment.coverage_fixture import (
    PLAN_IDS,
    SECURITY_ID,
    SERVICES_ID,
    SKILLS_ID,
    STRATEGY,
    ingest_coverage_fixture,
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    path = tmp_path_factory.mktemp("cli-coverage")
    ingest_coverage_fixture(path, embedder).catalog.close()
    return path


def policykb(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "POLICYKB_DATA_DIR": str(root / "data"), "HF_HUB_OFFLINE": "1",
           "POLICYKB_REGISTRY_PATH": str(root / "policies.yaml"), "POLICYKB_OCR_ENABLED": "0"}
    return subprocess.run([sys.executable, "-m", "policykb", "coverage", *args], env=env,
                          capture_output=True, timeout=300)


@pytest.mark.slow  # four child processes, each loading the model: over a minute
def test_json_then_markdown_and_csv_from_the_cache(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "coverage.json"
    done = policykb(root, "--format", "json", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    said = " ".join(done.stdout.decode().split())  # rich wraps long lines
    assert "4 plans, 1 unaddressed strategies, 1 overlapping pairs" in said
    view = json.loads(out.read_text(encoding="utf-8"))
    assert [p["doc_id"] for p in view["plans"]] == PLAN_IDS
    assert view["unaddressed"] == [STRATEGY[3]]
    assert view["overlaps"] == [{"plans": [SERVICES_ID, SECURITY_ID], "strategies": [STRATEGY[2]]}]

    md = policykb(root, "--doc", SKILLS_ID, "--doc", SECURITY_ID)  # Markdown on stdout
    assert md.returncode == 0, md.stderr.decode()
    text = md.stdout.decode("utf-8")
    assert "## National strategies no plan addresses (2)" in text
    assert "**P1** ផែនការបណ្តុះបណ្តាលមន្ត្រី ២០២៦" in text

    csv_path = tmp_path / "coverage.csv"
    assert policykb(root, "--format", "csv", "-o", str(csv_path)).returncode == 0
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 6 * 4
    again = policykb(root, "--format", "json", "--doc", SKILLS_ID)
    assert json.loads(again.stdout)["cache"] == {"plans_cached": 1, "plans_aligned": 0}


def test_an_unknown_plan_is_named(tmp_path: Path) -> None:
    """Refused before any model is loaded (an empty index is enough to prove it)."""
    from core.settings import Settings
    from index.catalog import Catalog

    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    settings.catalog_path.parent.mkdir(parents=True)
    Catalog(settings.catalog_path).close()
    (tmp_path / "policies.yaml").write_text("version: 1\npolicies: []\n", encoding="utf-8")
    done = policykb(tmp_path, "--doc", "plans/missing.md")
    assert done.returncode == 1
    said = done.stderr.decode() + done.stdout.decode()
    assert "no indexed document with id 'plans/missing.md'" in " ".join(said.split())
    assert "Traceback" not in done.stderr.decode()
