"""An ingest with nothing to embed never loads the embedding model (nor imports torch).

The runs that matter are real ``policykb`` commands in a child process, as a user runs them:
the child reports which modules it imported and how often the ingest embedder was built. A
changed file in the same setup does load the model, so the check can fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from index.lazy_embedder import LazyEmbedder, configured_max_tokens
from tests.support.corpora import CORPUS, ingest_fixture_corpus

#: Runs the CLI in this process (as the ``policykb`` script does), one command per argument
#: list, and prints what each left behind as the last line of stdout.
_CHILD = """
import contextlib, io, json, sys
from index import embedder as models
from policykb.cli import app

loads = []
real_init = models.SentenceTransformerEmbedder.__init__
def counting_init(self, *args, **kwargs):
    loads.append(1)
    real_init(self, *args, **kwargs)
models.SentenceTransformerEmbedder.__init__ = counting_init
from index import onnx_embedder as onnx_models  # the torch-free embedder counts too
real_onnx_init = onnx_models.OnnxEmbedder.__init__
def counting_onnx_init(self, *args, **kwargs):
    loads.append(1)
    real_onnx_init(self, *args, **kwargs)
onnx_models.OnnxEmbedder.__init__ = counting_onnx_init

report = []
for command in json.loads(sys.argv[1]):
    code, out = 0, io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            app(command, standalone_mode=False)
    except SystemExit as exc:
        code = exc.code or 0
    report.append({"command": command[0], "exit": code, "output": out.getvalue(),
                   "torch": "torch" in sys.modules,
                   "sentence_transformers": "sentence_transformers" in sys.modules,
                   "loads": len(loads)})
print(json.dumps(report))
"""


def run_cli(data_dir: Path, commands: list[list[str]], cwd: Path) -> list[dict[str, Any]]:
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir), "POLICYKB_OCR_ENABLED": "false",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(commands)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def indexed(tmp_path: Path, embedder: Any) -> Path:
    """The fixture corpus ingested with the session's model (OCR off, as the child runs)."""
    ingest_fixture_corpus(tmp_path, embedder)
    return tmp_path


def test_unchanged_reingest_status_and_documents_do_not_load_the_model(indexed: Path) -> None:
    corpus, data = indexed / "corpus", indexed / "data"
    report = run_cli(data, [["ingest", str(corpus), "--json"], ["status", "--json"],
                            ["documents", "--json"]], cwd=indexed)

    for step in report:
        assert step["exit"] == 0, step
        assert not step["torch"] and not step["sentence_transformers"], step
        assert step["loads"] == 0, step
    summary = json.loads(report[0]["output"])
    assert summary["skipped_unchanged"] == len(CORPUS) - 1  # every file but the sidecar
    assert summary["files_indexed"] == 0 and summary["failed"] == []
    assert json.loads(report[1]["output"])["chunks"] > 0
    assert len(json.loads(report[2]["output"])) == summary["skipped_unchanged"]


@pytest.mark.slow  # the child loads MiniLM: 20-120 s on 2 busy cores
def test_a_changed_file_loads_the_model_once_and_is_indexed(indexed: Path) -> None:
    corpus, data = indexed / "corpus", indexed / "data"
    first = sorted(p for p in corpus.rglob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nA sentence added for this test.\n",
                     encoding="utf-8")

    (step,) = run_cli(data, [["ingest", str(corpus), "--json"]], cwd=indexed)

    assert step["exit"] == 0, step
    assert json.loads(step["output"])["files_indexed"] == 1
    # torch, or neither when the ONNX graph is exported (index/onnx_embedder.py)
    assert step["torch"] == step["sentence_transformers"]
    assert step["loads"] == 1


def test_lazy_embedder_builds_once_on_first_use(embedder: Any) -> None:
    builds: list[int] = []

    def build() -> Any:
        builds.append(1)
        return embedder

    lazy = LazyEmbedder(build, name=embedder.name, max_tokens=configured_max_tokens(None))
    assert lazy.max_tokens == embedder.max_tokens == 256  # read from the folder, not the model
    assert (lazy.loads, lazy.loaded, builds) == (0, False, [])
    assert lazy.count_tokens("digital government") == embedder.count_tokens("digital government")
    vectors = lazy.embed_batch(["cybersecurity training"], kind="passage")
    assert vectors.shape == (1, embedder.dimension) and lazy.dimension == embedder.dimension
    assert (lazy.loads, builds) == (1, [1])


def test_lazy_embedder_refuses_a_model_with_another_name(embedder: Any) -> None:
    lazy = LazyEmbedder(lambda: embedder, name="some-other-model")
    with pytest.raises(ValueError, match="some-other-model"):
        lazy.embed_batch(["text"])


def test_configured_max_tokens_reads_the_folder(tmp_path: Path) -> None:
    assert configured_max_tokens(tmp_path) is None  # no config: the model must be asked
    (tmp_path / "sentence_bert_config.json").write_text('{"max_seq_length": 512}')
    assert configured_max_tokens(tmp_path) == 512
    (tmp_path / "sentence_bert_config.json").write_text("not json")
    assert configured_max_tokens(tmp_path) is None

