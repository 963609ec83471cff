"""`policykb bench --quick` end to end: ingests the sample corpus, grows it 10×, serves it over
loopback, and writes the Markdown report and its charts. Its duration is not asserted: speed is
the benchmark's own subject, and the report measures it."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.support.paths import REPO


@pytest.mark.slow
def test_bench_quick_writes_report_and_charts(tmp_path):
    out = tmp_path / "docs" / "benchmarks.md"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "POLICYKB_DATA_DIR": str(tmp_path / "unused")}
    proc = subprocess.run([sys.executable, "-m", "policykb", "bench", "--quick", "--out", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    for section in ("## Machine", "## Ingestion", "## Query latency over HTTP",
                    "## Memory, cold start and the dense floor", "## Side by side", "## Targets",
                    "## Charts"):
        assert section in text, section
    assert re.search(r"Embedding floor .*\*\*\d+\.\d+ s\*\*", text)
    assert re.search(r"embedding floor: \*\*\d+\.\d+×\*\*", text)
    assert re.search(r"\| 1× \| [\d,]+ \| `/search` \| 8 \| \d+ \| 0 \| [\d.]+ \| [\d.]+ \|", text)
    assert re.search(r"\| 10× \| [\d,]+ \| `/ask` \| 1 \| \d+ \| 0 \|", text)
    assert "0 analysis calls, 0 texts embedded" in text
    assert re.search(r"\| 10× \| [\d,]+ \| \d+ \| \d+\.\d \|", text)  # RSS and cold start
    for chart in ("latency_vs_size", "ingest_breakdown", "quality_vs_baselines"):
        png = out.parent / "bench" / f"{chart}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", chart

    # every target has a row with its measured value, and the latency limits are explained
    assert re.search(r"\| `/search` p95 ≤ 50 ms, 8 clients, 1×.*\| [\d.]+ ms \| (yes|\*\*no\*\*) \|", text)
    assert re.search(r"\| server peak RSS ≤ 1\.5 GB at real size.*\| [\d,]+ MB \| (yes|\*\*no\*\*) \|", text)
    assert "### What limits the latency targets" in text and "Little's law" in text
