"""``python -m policykb.latency --in-process``: CPU per computed search next to its floor, on
the real stack (the fixture corpus, real MiniLM and chromadb)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policykb.latency import in_process
from tests.support.corpora import ingest_fixture_corpus

QUESTIONS = ["cybersecurity training for civil servants", "5G spectrum licence fees",
             "personal data protection"]


def test_in_process_reports_cpu_per_computed_search_and_the_floor(
        tmp_path: Path, embedder: Any) -> None:
    services = ingest_fixture_corpus(tmp_path, embedder, search_cache_size=0)
    try:
        report = in_process(services, QUESTIONS, passes=2)
    finally:
        services.catalog.close()
    assert report["searches"] == 6
    assert report["cpu_ms_per_search"] > 0 and report["wall_ms_per_search"] > 0
    floor = report["floor"]
    assert floor["embed_cpu_ms"] > 0 and floor["bare_chroma_k50_cpu_ms"] > 0
    assert abs(floor["floor_ms"] - floor["embed_cpu_ms"] - floor["bare_chroma_k50_cpu_ms"]) < 0.02
    ratio = report["cpu_ms_per_search"] / floor["floor_ms"]
    assert abs(report["cpu_over_floor"] - ratio) < 0.02
    assert "vectors" not in floor  # the report is JSON
