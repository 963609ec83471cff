"""`policykb ingest --collection` and `policykb collections` as a user runs them: a new name is
created restricted and the ingest says so; the list shows access and counts; open and
restrict change it; a bad name is refused naming the option."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.layout import DataLayout
from index.catalog import Catalog
from tests.support.collection_corpus import write_collection_corpus
from tests.test_cli_search import cli_env


def policykb(*args: str, data_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policykb", *args], env=cli_env(data_dir),
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def listed(data_dir: Path, cwd: Path) -> dict[str, tuple[str, int]]:
    done = policykb("collections", "--json", data_dir=data_dir, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return {c["name"]: (c["access"], c["documents"]) for c in json.loads(done.stdout)}


def generation(data_dir: Path) -> str:
    """The index generation running servers key their caches by."""
    catalog = Catalog(DataLayout(data_dir).catalog)
    try:
        return catalog.generation()
    finally:
        catalog.close()


@pytest.mark.slow  # seven commands, one of them an ingest: about a minute
def test_ingest_into_a_collection_then_open_and_restrict_it(tmp_path: Path) -> None:
    paths = write_collection_corpus(tmp_path / "corpus")
    data = tmp_path / "data"

    ingest = policykb("ingest", str(paths["flagged"]), "--collection", "Cabinet",
                      data_dir=data, cwd=tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    out = " ".join(ingest.stdout.split())
    assert "new collection annex created RESTRICTED" in out  # the sidecar named it
    assert "new collection cabinet created RESTRICTED" in out  # the flag, lower-cased
    assert "policykb collections open cabinet" in out
    assert listed(data, tmp_path) == {"annex": ("restricted", 1), "cabinet": ("restricted", 1),
                                      "public": ("open", 0)}

    opened = policykb("collections", "open", "cabinet", data_dir=data, cwd=tmp_path)
    assert opened.returncode == 0 and "collection cabinet is open" in opened.stdout
    table = policykb("collections", data_dir=data, cwd=tmp_path)
    assert table.returncode == 0
    assert "cabinet\topen\t1\t1" in table.stdout.splitlines()  # name, access, docs, chunks
    again = policykb("collections", "open", "cabinet", data_dir=data, cwd=tmp_path)
    assert "(it already was)" in again.stdout
    before = generation(data)
    restricted = policykb("collections", "restrict", "cabinet", data_dir=data, cwd=tmp_path)
    assert restricted.returncode == 0, restricted.stderr
    assert listed(data, tmp_path)["cabinet"] == ("restricted", 1)
    assert generation(data) != before, "servers must drop responses cached while it was open"

    unchanged = policykb("ingest", str(paths["flagged"]), "--collection", "cabinet", "--json",
                         data_dir=data, cwd=tmp_path)
    summary = json.loads(unchanged.stdout)
    assert summary["skipped_unchanged"] == 2 and summary["collections_created_restricted"] == []


def test_bad_names_and_a_missing_index_are_refused_clearly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (tmp_path / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    bad = policykb("ingest", str(tmp_path / "a.md"), "--collection", "no/such", data_dir=data,
                   cwd=tmp_path)
    assert bad.returncode != 0 and "--collection" in bad.stderr and "no/such" in bad.stderr
    assert not (data / "catalog.sqlite3").exists()  # refused before anything was created
    missing = policykb("collections", data_dir=data, cwd=tmp_path)
    assert missing.returncode == 1 and "no index" in missing.stderr
    named = policykb("collections", "restrict", "Bad Name!", data_dir=data, cwd=tmp_path)
    assert named.returncode == 1 and "NAME" in named.stderr and "Bad Name!" in named.stderr
