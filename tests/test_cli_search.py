"""`python -m policykb search` and `related` as a user runs them: a real subprocess, real index.

The two commands that load the models run concurrently (each pays ~6 s of torch start-up);
the error cases fail before any model is loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.support.corpora import SPECTRUM, TWIN_EN_ID, TWIN_KM_ID, WOMEN, ingest_fixture_corpus
from tests.support.paths import REPO


def cli_env(data_dir: Path | None = None) -> dict[str, str]:
    """The environment of a user's shell, pointed at ``data_dir``, OCR off, hub offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKB_")}
    env.update(POLICYKB_OCR_ENABLED="false", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    # this checkout's code, whatever `policykb` the interpreter has installed
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if data_dir is not None:
        env["POLICYKB_DATA_DIR"] = str(data_dir)
    return env


def start(args: Sequence[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """Start ``python -m policykb ARGS`` in ``cwd`` (outside the repository, so no
    developer .env is read)."""
    return subprocess.Popen([sys.executable, "-m", "policykb", *args], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")


def run(args: Sequence[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m policykb ARGS`` to completion."""
    process = start(args, env, cwd)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def one_line(text: str) -> str:
    """Rich wraps messages at 80 columns when not on a terminal."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    services = ingest_fixture_corpus(tmp_path_factory.mktemp("cli-index"), embedder)
    return services.settings.data_dir


@pytest.fixture(scope="module")
def searches(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both model-loading searches, run at once; parsed JSON keyed by name."""
    cwd = tmp_path_factory.mktemp("cwd")
    english = start(["--data-dir", str(index_dir), "search", "5G spectrum licence", "-k", "5",
                     "--json"], cli_env(index_dir), cwd)
    # the data dir from the environment only
    khmer_only = start(["search", "digital skills training", "--lang", "km", "-k", "20",
                        "--per-doc", "5", "--json"], cli_env(index_dir), cwd)
    results: dict[str, Any] = {}
    for name, process in (("english", english), ("khmer_only", khmer_only)):
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
        results[name] = json.loads(out)
    return results


def test_search_prints_json_hits_with_citations(searches: dict[str, Any], index_dir: Path) -> None:
    response = searches["english"]
    assert response["query"] == "5G spectrum licence" and response["language"] == "en"
    hits = response["hits"]
    assert 1 <= len(hits) <= 5
    assert SPECTRUM in [h["doc_id"] for h in hits[:3]]
    for hit in hits:
        assert hit["doc_id"] and not Path(hit["doc_id"]).is_absolute()
        assert isinstance(hit["page"], int) and hit["page"] >= 1
        assert hit["snippet"].strip("…") in hit["text"]
        assert hit["scores"]["fused"] > 0
    top = next(h for h in hits if h["doc_id"] == SPECTRUM)
    marked = {top["snippet"][s:e].lower() for s, e in top["highlights"]}
    assert {"5g", "spectrum", "licence"} <= marked


def test_search_lang_filter_is_respected(searches: dict[str, Any]) -> None:
    hits = searches["khmer_only"]["hits"]
    assert {h["doc_id"] for h in hits} >= {TWIN_KM_ID, WOMEN}
    for hit in hits:
        assert "km" in (hit["language"], hit["doc_language"]), hit["doc_id"]
        assert all(t["language"] == "km" for t in hit["twins"])
    shown = {d for h in hits for d in (h["doc_id"], *(t["doc_id"] for t in h["twins"]))}
    assert TWIN_EN_ID not in shown  # it matches "digital skills training" too, in English


@pytest.mark.parametrize("target", ["missing", "file"])
def test_search_without_an_index_fails_cleanly(tmp_path: Path, target: str) -> None:
    data_dir = tmp_path / "no-such-index"
    if target == "file":
        data_dir.write_text("not a folder", encoding="utf-8")
    result = run(["--data-dir", str(data_dir), "search", "cybersecurity", "--json"],
                 cli_env(), tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"no index at {data_dir}" in one_line(result.stderr)
    assert result.stdout == ""
    assert target == "file" or not data_dir.exists()  # searching does not create an index


@pytest.mark.parametrize("query", ["", "   "])
def test_search_with_an_empty_query_fails_cleanly(index_dir: Path, tmp_path: Path, query: str) -> None:
    result = run(["search", query, "--json"], cli_env(index_dir), tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "query is empty" in one_line(result.stderr)


def test_related_with_an_unreadable_draft_fails_cleanly(index_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "draft.txt"
    result = run(["related", str(missing), "--json"], cli_env(index_dir), tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"cannot read {missing}" in one_line(result.stderr)


def test_related_to_an_unknown_document_fails_cleanly(index_dir: Path, tmp_path: Path) -> None:
    result = run(["related", "--doc", "nope.md", "--json"], cli_env(index_dir), tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "nope.md" in one_line(result.stderr)
