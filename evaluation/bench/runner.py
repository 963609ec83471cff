"""One benchmark run from start to report: ingest, quality, then each index size served."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from core.settings import Settings
from evaluation.bench.alignment import bench_alignment
from evaluation.bench.answers import bench_answers
from evaluation.bench.charts import charts
from evaluation.bench.ingestion import bench_ingest
from evaluation.bench.plan import QUERIES, REPO, machine, plan
from evaluation.bench.report import markdown
from evaluation.bench.serving import bare_dense, bench_quality, bench_search_floor, bench_size
from evaluation.bench.targets import targets
from evaluation.factory import ServicesFactory


def run(corpus: Path, out: Path, *, services: ServicesFactory, quick: bool = False,
        work_dir: Path | None = None, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the benchmark and write ``out`` (Markdown) and ``<out dir>/bench/*.png``;
    ``services`` builds the components (``policykb.services.Services``)."""
    from evaluation.metrics import load_queries
    from evaluation.synthetic import grow

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    started = time.perf_counter()
    p = plan(quick)
    if quick:
        corpus = REPO / "corpus" / "sample"
    if not corpus.exists():
        raise FileNotFoundError(f"no corpus at {corpus}")
    own_work = work_dir is None
    work = Path(tempfile.mkdtemp(prefix="policykb-bench-")) if work_dir is None else work_dir
    results: dict[str, Any] = {"machine": machine(), "corpus": str(corpus), "plan": p.__dict__}
    try:
        base = work / "x1"
        log(f"ingesting {corpus} (OCR {'on' if p.ocr else 'off'})")
        results["ingest"], built = bench_ingest(corpus, base, p.ocr, services)
        log(f"  {results['ingest']['chunks']} chunks, {results['ingest']['seconds']['total']:.1f} s; "
            "quality and baselines")
        results["quality"] = bench_quality(built)
        results["search_floor"] = bench_search_floor(built)
        log("answer benchmark (PolicyKB and LlamaIndex's top passage)")
        results["answers"] = bench_answers(built, quick)
        log("alignment over HTTP: cold, warm, downloads, stream, floor")
        results["alignment"] = bench_alignment(base, built)
        all_texts = [q.text for q in load_queries(QUERIES)]
        texts = all_texts[:24] if quick else all_texts
        vectors = list(built.embedder.embed_batch(all_texts[:40], kind="query"))
        results["scale"] = []
        for factor in p.sizes:
            data = base
            if factor > 1:
                log(f"growing the index {factor}×")
                data = work / f"x{factor}"
                grow(base, data, factor, services=services)
                _seed_sentence_vectors(base, data)
            stats = services(Settings(data_dir=data)).catalog.stats()
            log(f"  {factor}×: {stats['chunks']} chunks; bare chromadb, then HTTP load (cache off)")
            size: dict[str, Any] = {"factor": factor, "chunks": stats["chunks"],
                                    "documents": stats["documents"],
                                    "bare_chroma_ms": bare_dense(data, vectors)}
            warm = p.warm_timeout_s if factor == 1 else p.grown_warm_timeout_s
            size["nocache"] = bench_size(data, texts, p, cache=False, clients=p.clients,
                                         warm_timeout_s=warm, mixed=factor == 1)
            log(f"  {factor}×: sentence vectors {_warm_line(size['nocache']['warm'])}")
            if factor == 1 or not quick:
                log(f"  {factor}×: cache on, 8 clients")
                size["cache"] = bench_size(data, texts, p, cache=True, clients=[8],
                                           warm_timeout_s=warm)
            if factor == 1 and not quick:
                log("  1×: two workers, cache off, /search with 8 clients")
                size["two_workers"] = bench_size(data, texts, p, cache=False, clients=[8],
                                                 workers=2, endpoints=("/search",),
                                                 warm_timeout_s=warm)
            results["scale"].append(size)
            if factor > 1:
                shutil.rmtree(data, ignore_errors=True)
        results["wall_s"] = time.perf_counter() - started
        results["targets"] = targets(results)
        paths = charts(results, out.parent / "bench")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown(results, paths, out), encoding="utf-8")
        out.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
        log(f"wrote {out} and {len(paths)} charts in {results['wall_s']:.0f} s")
        return results
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)


def _seed_sentence_vectors(base: Path, grown: Path) -> None:
    """Give a grown index the real index's evidence-sentence vectors (keyed by text and
    model): its copies shuffle the same sentences, so its server's warm-up embeds only the
    sentences growth changed, as a re-ingest would."""
    name = "sentence_vectors.sqlite3"
    source = Settings(data_dir=base).layout.index / name
    if source.exists():
        target = Settings(data_dir=grown).layout.index / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)  # consistent even with a write-ahead log beside the file


def _warm_line(warm: dict[str, Any]) -> str:
    if warm.get("timed_out"):
        return f"still {warm.get('sentences')} after {warm.get('bound_s')} s (measured anyway)"
    return f"{warm.get('sentences')} {warm.get('after_start_s')} s after start"
