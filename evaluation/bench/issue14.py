"""Every target of issue #14 (speed where people wait), each with the value this run measured
and whether it was met; a target this run did not measure is listed as such, never dropped."""

from __future__ import annotations

from typing import Any

INGEST_OVER_FLOOR = 1.2
OCR_SPEEDUP = 1.8
REINGEST_CLI_S = 2.0
ASK_P50_1_CLIENT_MS = 150.0
ASK_P95_32_CLIENTS_MS = 1500.0
ALIGN_WARM_S = 3.0
DOWNLOAD_S = 0.2      # "instant": the result already shown, no recompute
FIRST_PROGRESS_S = 2.0
MIXED_CLIENTS = 32


def row(target: str, value: str | None, met: bool) -> dict[str, Any]:
    """One table row; ``value`` None = not measured in this run (and so not met)."""
    return {"target": f"{target} (#14)", "value": value or "not measured", "met":
            bool(met) and value is not None}


def _level(size: dict[str, Any] | None, endpoint: str, clients: int) -> dict[str, Any] | None:
    levels = (size or {}).get("levels", [])
    return next((lv for lv in levels if lv["endpoint"] == endpoint and lv["clients"] == clients),
                None)


def ingest_targets(ing: dict[str, Any]) -> list[dict[str, Any]]:
    """Ingest excluding OCR against the embedding floor, the OCR pool, the CLI re-ingest."""
    ratio = ing.get("ratio_total_to_floor")
    ocr = (ing.get("ocr_sample") or {}).get("speedup")
    cli = ((ing.get("reingest") or {}).get("cli") or {}).get("wall_s")
    return [
        row(f"total ingest (excl. OCR) / embedding floor ≤ {INGEST_OVER_FLOOR}×",
            None if ratio is None else f"{ratio:.2f}×",
            ratio is not None and ratio <= INGEST_OVER_FLOOR),
        row(f"OCR pool ≥ {OCR_SPEEDUP}× faster than one page at a time (same scanned pages, "
            "empty cache, same run)", None if ocr is None else f"{ocr:.2f}×",
            ocr is not None and ocr >= OCR_SPEEDUP),
        row(f"`policykb ingest` of the unchanged corpus ≤ {REINGEST_CLI_S:.0f} s (child process, "
            "no model load)", None if cli is None else f"{cli:.2f} s",
            cli is not None and cli <= REINGEST_CLI_S),
    ]


def ask_targets(real: dict[str, Any]) -> list[dict[str, Any]]:
    """``/ask`` for one client, under the 32-client mixed load (the issue's wording), and
    under 32 clients all sending ``/ask`` (stricter: reported beside it)."""
    one = _level(real, "/ask", 1)
    mixed = _level(real, "mixed", MIXED_CLIENTS)
    other = next((lv for lv in real.get("levels", []) if lv["endpoint"] == "mixed"), None)
    ask_mixed = ((mixed or {}).get("endpoints") or {}).get("/ask")
    only = _level(real, "/ask", MIXED_CLIENTS)
    rows = [row(f"`/ask` p50 ≤ {ASK_P50_1_CLIENT_MS:.0f} ms, 1 client, 1×, caches off",
                None if one is None else f"{one['p50_ms']} ms",
                one is not None and one["p50_ms"] <= ASK_P50_1_CLIENT_MS)]
    value: str | None = None
    if mixed is not None and ask_mixed is not None:
        value = (f"{ask_mixed['p95_ms']:,.0f} ms ({ask_mixed['requests']} `/ask` of "
                 f"{mixed['requests']} requests, {mixed['mix']})")
        met = ask_mixed["p95_ms"] <= ASK_P95_32_CLIENTS_MS and ask_mixed["errors"] == 0
    else:
        seen = ((other or {}).get("endpoints") or {}).get("/ask")
        if other is not None and seen is not None:
            value = (f"not measured at {MIXED_CLIENTS} clients (this run: {other['clients']} "
                     f"clients, p95 {seen['p95_ms']} ms)")
        met = False
    rows.append(row(f"`/ask` p95 ≤ {ASK_P95_32_CLIENTS_MS / 1000:.1f} s, {MIXED_CLIENTS} "
                    "closed-loop clients, mixed `/ask` + `/search`, 1×, caches off", value, met))
    rows.append(row(f"`/ask` p95 ≤ {ASK_P95_32_CLIENTS_MS / 1000:.1f} s, {MIXED_CLIENTS} clients "
                    "all sending `/ask` (stricter than the issue's mixed load)",
                    None if only is None else f"{only['p95_ms']:,.0f} ms",
                    only is not None and only["p95_ms"] <= ASK_P95_32_CLIENTS_MS))
    return rows


def alignment_targets(a: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The seed plan aligned over HTTP on a warm server, downloads, streamed progress."""
    a = a or {}
    warm = a.get("warm_median_s")
    downloads = a.get("download_s") or {}
    slowest = max(downloads.values()) if downloads else None
    first = (a.get("stream") or {}).get("first_progress_s")
    return [
        row(f"alignment of the seed plan ≤ {ALIGN_WARM_S:.0f} s over HTTP, warm server (median)",
            None if warm is None else f"{warm:.2f} s", warm is not None and warm <= ALIGN_WARM_S),
        row(f"download of the result shown is instant (every format ≤ {DOWNLOAD_S} s, no "
            "recompute)", None if slowest is None else f"slowest {slowest:.3f} s",
            slowest is not None and slowest <= DOWNLOAD_S),
        row(f"a streamed alignment shows its first progress event ≤ {FIRST_PROGRESS_S:.0f} s",
            None if first is None else f"{first:.3f} s",
            first is not None and first <= FIRST_PROGRESS_S),
    ]


def warm_row(real: dict[str, Any]) -> dict[str, Any]:
    """Not a target: that the latency rows were measured in steady state (the server's
    background sentence-vector warm-up had ended before the load began)."""
    warm = real.get("warm") or {}
    if warm.get("timed_out"):
        value = (f"still {warm.get('sentences')} after the {warm.get('bound_s'):.0f} s bound: "
                 "measured with the warm-up running")
    elif warm.get("after_start_s") is not None:
        value = (f"sentence vectors warmed {warm['after_start_s']:.0f} s after start "
                 f"({warm.get('sentences')}); /ask embeds misses lazily until then")
    else:
        value = f"warm-up state {warm.get('sentences', 'not reported')}"
    return {"target": "latency measured after the server's sentence-vector warm-up ended",
            "value": value, "met": warm.get("sentences") == "done" and not warm.get("timed_out")}
