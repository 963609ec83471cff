"""The index commands as a user runs them: ingest (summary, exit code), documents, status,
delete, and a clean error for a data directory that holds no index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def policykb(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir), "POLICYKB_OCR_ENABLED": "false"}
    return subprocess.run([sys.executable, "-m", "policykb", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def policykb_without_torch(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """``policykb ARGS``, then one more line on stdout: whether torch was imported."""
    script = ("import sys\nfrom policykb.cli import app\n"
              "try:\n    app(sys.argv[1:])\nexcept SystemExit as done:\n    code = done.code\n"
              "print('torch loaded:', 'torch' in sys.modules)\nsys.exit(code)\n")
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir), "POLICYKB_OCR_ENABLED": "false"}
    return subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True,
                          text=True, timeout=300)


def test_ingest_documents_status_delete(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "plans").mkdir(parents=True)
    (corpus / "plans" / "ict.md").write_text("---\ntitle: ICT Plan\n---\n# Mechanism 1\n\nTrain staff.\n",
                                            encoding="utf-8")
    (corpus / "note_km.txt").write_text("ក្រសួងបានរៀបចំវគ្គបណ្តុះបណ្តាលសន្តិសុខសាយប័រ។\n", encoding="utf-8")
    (corpus / "broken.pdf").write_bytes(b"not a pdf")
    data = tmp_path / "data"

    ingest = policykb("ingest", str(corpus), "--json", data_dir=data)
    assert ingest.returncode == 1, ingest.stderr  # one file failed: the exit code says so
    summary = json.loads(ingest.stdout)
    assert summary["documents"] == 2 and summary["files_indexed"] == 2 and summary["chunks"] >= 2
    assert [Path(f["path"]).name for f in summary["failed"]] == ["broken.pdf"]
    assert "broken.pdf" in summary["failed"][0]["reason"]

    (corpus / "broken.pdf").unlink()
    again = policykb("ingest", str(corpus), data_dir=data)
    assert again.returncode == 0 and "2 unchanged" in again.stdout

    docs = json.loads(policykb("documents", "--json", data_dir=data).stdout)
    assert sorted(d["doc_id"] for d in docs) == ["note_km.txt", "plans/ict.md"]
    status = json.loads(policykb("status", "--json", data_dir=data).stdout)
    assert status["documents"] == 2 and status["vectors"] == status["chunks"]
    assert status["by_language"] == {"en": 1, "km": 1}

    deleted = policykb_without_torch("delete", "plans/ict.md", data_dir=data)
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.splitlines()[-1] == "torch loaded: False"  # deleting loads no model
    missing = policykb("delete", "plans/ict.md", data_dir=data)
    assert missing.returncode == 1 and "plans/ict.md" in missing.stderr
    status = json.loads(policykb("status", "--json", data_dir=data).stdout)
    assert status["documents"] == 1 and status["vectors"] == status["chunks"]


def test_commands_refuse_a_directory_without_an_index(tmp_path):
    nowhere = tmp_path / "no-index-here"
    for command in (["documents"], ["status"], ["delete", "x.md"]):
        result = policykb(*command, data_dir=nowhere)
        assert result.returncode == 1
        assert "no index at" in result.stderr and "Traceback" not in result.stderr
    assert not nowhere.exists()  # nothing was created
