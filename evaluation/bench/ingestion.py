"""The ingestion part of the benchmark: stage times, the embedding floor, Khmer analysis alone,
OCR with its pool against the same pages one at a time, and a re-ingest of the unchanged
corpus (in-process, and as the ``policykb ingest`` command a user runs).

Measuring needs a look inside: which texts the model embedded (the floor replays them), how
long parsing took for files that needed OCR, how often the analyser ran. Each is a small
wrapper handed to the container as an override (``services(settings, model=..., loader=...,
readers=...)``), so the measured pipeline is wired exactly as in production and no live
object is patched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from core.settings import Settings
from evaluation.factory import ServicesFactory


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """``(fn(), seconds it took)``."""
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


class RecordingModel:
    """The embedding model, keeping every batch it is given while ``recording``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.batches: list[list[str]] = []
        self.recording = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # name, max_tokens, count_tokens, languages, ...

    def embed_batch(self, texts: list[str], kind: str = "passage") -> np.ndarray:
        if self.recording:
            self.batches.append(list(texts))
        return self.inner.embed_batch(texts, kind)


class TimedLoader:
    """The ingest loader: parse seconds of files that needed OCR are counted as OCR."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.ocr_seconds = 0.0
        self.ocr_pages = 0
        self.ocr_files: dict[Path, list[int]] = {}  # file -> its OCR'd page numbers

    def supports(self, path: Path) -> bool:
        return bool(self.inner.supports(path))

    def load(self, path: Path) -> Any:
        parsed, seconds = timed(lambda: self.inner.load(path))
        pages = sum(len(d.ocr_pages) for d in parsed)
        if pages:
            self.ocr_seconds += seconds
            self.ocr_pages += pages
            self.ocr_files[Path(path)] = [n for d in parsed for n in d.ocr_pages]
        return parsed


class CountingKey:
    """The chunk analyser (text -> BM25 terms), counting its calls."""

    def __init__(self, inner: Callable[[str], str]) -> None:
        self.inner = inner
        self.calls = 0

    def __call__(self, text: str) -> str:
        self.calls += 1
        return self.inner(text)


def bench_ingest(corpus: Path, data_dir: Path, ocr: bool,
                 services: ServicesFactory) -> tuple[dict[str, Any], Any]:
    """Ingest ``corpus`` into ``data_dir`` and measure it; returns the numbers and the
    container over the new index (for the quality and latency runs)."""
    settings = Settings(data_dir=data_dir, ocr_enabled=ocr)
    plain = services(settings)
    model = RecordingModel(plain.model)  # loaded before the clock starts (as a running server has it)
    loader = TimedLoader(plain.loader)
    key = CountingKey(plain.readers.search_key)
    built = services(settings, model=model, loader=loader, analyzer=plain.analyzer,
                     readers=replace(plain.readers, search_key=key))
    report = built.ingestor.ingest([corpus])
    summary = report.summary()
    sec = dict(report.seconds)
    batches = list(model.batches)

    # the embedding floor: the model alone, same texts, same batches, same process
    floor = 0.0
    for batch in batches:
        started = time.perf_counter()
        plain.model.embed_batch(batch, "passage")
        floor += time.perf_counter() - started
    analysis = _analysis_alone(built)

    # re-ingest of the unchanged corpus: must analyse (and embed) nothing
    key.calls = 0
    embedded_before = len(model.batches)
    again = built.ingestor.ingest([corpus])
    embedded = sum(len(b) for b in model.batches[embedded_before:])
    model.recording = False
    cli = reingest_cli(corpus, data_dir, ocr)
    pool = settings.ocr_workers or os.cpu_count() or 1
    ocr_sample = ocr_pool_sample(loader.ocr_files, settings, pool) if ocr else None

    ocr_s = loader.ocr_seconds
    # Files are prepared on a thread while batches embed, so OCR mostly runs beside the
    # model: only the time the run stood waiting on an OCR'd file's parse is left out
    # (serial: the whole parse of such files, as before). Its CPU contention stays in.
    ocr_excluded = sec.get("wait_ocr", ocr_s)
    total_ex_ocr = sec["total"] - ocr_excluded
    prepared = sec["parse"] + sec["chunk"]
    result = {
        "documents": summary["documents"], "pages": summary["pages"], "chunks": summary["chunks"],
        "files": summary["files_indexed"], "failed": len(summary["failed"]),
        # parse and chunk are the prefetch thread's wall time, embed and store the main
        # thread's; "wait" is the main thread idle for preparation, "overlap" the preparation
        # hidden behind embedding and storing, "other" the main thread's remainder
        "seconds": {"total": sec["total"], "parse": sec["parse"] - ocr_s, "ocr": ocr_s,
                    "chunk": sec["chunk"], "embed": sec["embed"], "store": sec["store"],
                    "wait": sec.get("wait", prepared), "wait_ocr": ocr_excluded,
                    "overlap": prepared - sec.get("wait", prepared),
                    "other": sec["total"] - sec.get("wait", prepared) - sec["embed"] - sec["store"]},
        "ocr_pages": loader.ocr_pages, "ocr_enabled": ocr, "ocr_workers": pool,
        "ocr_sample": ocr_sample,
        "ocr_serial_equivalent": (ocr_s * ocr_sample["speedup"]
                                  if ocr_sample and ocr_sample["speedup"] else None),
        "total_ex_ocr": total_ex_ocr,
        "embed_floor": floor, "embed_texts": sum(len(b) for b in batches),
        "ratio_total_to_floor": total_ex_ocr / floor if floor else None,
        "analysis": analysis,
        "reingest": {"seconds": again.seconds["total"], "unchanged": len(again.unchanged),
                     "analysis_calls": key.calls, "embedded_texts": embedded, "cli": cli},
    }
    return result, built


def reingest_cli(corpus: Path, data_dir: Path, ocr: bool) -> dict[str, Any]:
    """``policykb ingest <corpus>`` over the index just built, in a child process as a user
    runs it: wall time, peak memory (the model alone would add ~500 MB) and what it skipped."""
    script = Path(sys.executable).with_name("policykb")
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir),
           "POLICYKB_OCR_ENABLED": "true" if ocr else "false"}
    started = time.perf_counter()
    proc = subprocess.Popen([str(script), "ingest", str(corpus), "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=600)
    wall = time.perf_counter() - started
    try:
        summary = json.loads(out)
    except ValueError:
        summary = {}
    return {"wall_s": wall, "exit": proc.returncode, "unchanged": summary.get("skipped_unchanged"),
            "indexed": summary.get("files_indexed"), "stderr": err.decode("utf-8", "replace")[-300:]
            if proc.returncode else ""}


def ocr_pool_sample(ocr_files: dict[Path, list[int]], settings: Settings, pool: int,
                    pages: int = 4) -> dict[str, Any] | None:
    """The same scanned pages OCR'd one at a time and then by the pool, each with an empty
    cache (tesseract really runs): the in-run measure of what the pool gains."""
    from pypdf import PdfReader

    from ingest.loaders.ocr import TesseractOcr, page_fingerprint

    if not ocr_files:
        return None
    path, numbers = max(ocr_files.items(), key=lambda item: len(item[1]))
    reader = PdfReader(str(path))
    sample = [(n, page_fingerprint(reader.pages[n - 1])) for n in numbers[:pages]]
    seconds = {}
    for workers in (1, pool):
        with tempfile.TemporaryDirectory(prefix="policykb-ocr-bench-") as cache:
            ocr = TesseractOcr(Path(cache), languages=settings.ocr_languages, dpi=settings.ocr_dpi,
                               timeout_s=settings.ocr_timeout_s, workers=workers)
            texts, seconds[workers] = timed(partial(ocr.ocr_pages, path, sample))
            if not all(isinstance(t, str) for t in texts):
                return {"file": path.name, "pages": len(sample), "error": str(texts)}
    serial, parallel = seconds[1], seconds[pool]
    return {"file": path.name, "pages": len(sample), "workers": pool, "serial_s": serial,
            "parallel_s": parallel, "speedup": serial / parallel if parallel else None}


def _analysis_alone(services: Any) -> dict[str, Any]:
    """Khmer normalisation + segmentation alone, over what ingest analysed (heading + text),
    with cold caches and then warm."""
    from ingest import analysis
    from ingest.khmer import segment

    analyzer = services.analyzer
    texts = [f"{c.heading}\n{c.text}" for c in services.catalog.iter_chunks()]
    analyzer.clear_caches()
    for cached in (analysis._stem, segment._word_tokenize_cached):
        cached.cache_clear()
    _, cold = timed(lambda: [analyzer.to_key(t) for t in texts])
    _, warm = timed(lambda: [analyzer.to_key(t) for t in texts])
    chars = sum(len(t) for t in texts)
    return {"chars": chars, "texts": len(texts), "cold_s": cold, "warm_s": warm,
            "cold_chars_per_s": chars / cold if cold else 0.0,
            "warm_chars_per_s": chars / warm if warm else 0.0}
