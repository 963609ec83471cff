"""`policykb history` and `policykb diff` as a user runs them, on a Khmer document ingested
twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

V1 = """# ផែនការសេវាសាធារណៈ

## យន្តការទី១៖ ការចុះបញ្ជី

ដាក់ប្រព័ន្ធចុះបញ្ជីដីធ្លីតាមអនឡាញនៅគ្រប់ឃុំ។

## យន្តការទី២៖ ជំនួយការ

បង្កើតតុជំនួយការនៅទីរួមខេត្ត។
"""

V2 = """# ផែនការសេវាសាធារណៈ

## យន្តការទី១៖ ការចុះបញ្ជី

ដាក់ប្រព័ន្ធចុះបញ្ជីដីធ្លីតាមអនឡាញនៅគ្រប់ភូមិ។

## យន្តការទី៣៖ ការទូទាត់

ប្រជាពលរដ្ឋបង់ថ្លៃសេវាតាមធនាគារចល័ត។
"""


def policykb(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir), "POLICYKB_OCR_ENABLED": "false"}
    return subprocess.run([sys.executable, "-m", "policykb", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def test_history_and_diff_commands(tmp_path, settings, services):
    """Ingested in-process (the session's MiniLM); the commands run as a user runs them."""
    corpus, data = tmp_path / "corpus", settings.data_dir
    corpus.mkdir()
    plan = corpus / "services_km.md"
    plan.write_text(V1, encoding="utf-8")
    assert not services.ingestor.ingest([corpus]).failed
    plan.write_text(V2, encoding="utf-8")
    assert not services.ingestor.ingest([corpus]).failed

    listed = policykb("history", "services_km.md", data_dir=data)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()  # piped: tab-separated
    assert lines[0].split("\t")[:5] == ["version", "ingested at", "sha256", "pages", "title"]
    assert [line.split("\t")[0] for line in lines[1:]] == ["1", "2"]
    assert lines[2].split("\t")[-1] == "current" and lines[1].split("\t")[-1] == ""
    assert len(lines[1].split("\t")[2]) == 12 and lines[1].endswith("\t")
    as_json = json.loads(policykb("history", "services_km.md", "--json", data_dir=data).stdout)
    assert [(v["version"], v["current"]) for v in as_json] == [(1, False), (2, True)]

    md = policykb("diff", "services_km.md", "--no-alignment", data_dir=data)
    assert md.returncode == 0, md.stderr
    assert "version 1 → version 2" in md.stdout
    assert "1 added, 1 removed, 1 changed" in md.stdout
    assert "យន្តការទី៣៖ ការទូទាត់" in md.stdout and "ភូមិ" in md.stdout
    diff = json.loads(policykb("diff", "services_km.md", "--from", "1", "--to", "2",
                               "--format", "json", "--no-alignment", data_dir=data).stdout)
    sections = diff["sections"]
    assert [c["section"].rsplit(" > ", 1)[-1] for c in sections["removed"]] == [
        "យន្តការទី២៖ ជំនួយការ"]
    assert "alignment" not in diff

    for args, message in [(("history", "nope.md"), "nope.md"),
                          (("diff", "services_km.md", "--to", "5"), "no version 5"),
                          (("diff", "services_km.md", "--to", "1"), "no version before")]:
        failed = policykb(*args, data_dir=data)
        assert failed.returncode == 1 and message in failed.stderr, (args, failed.stderr)
        assert "Traceback" not in failed.stderr
