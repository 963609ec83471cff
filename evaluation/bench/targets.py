"""The benchmark's targets, each with its measured value and whether it was met, and what
limits the latency ones (from the run's own numbers)."""

from __future__ import annotations

from typing import Any

from evaluation.bench import issue14


def fmt(x: float | None, nd: int = 1) -> str:
    return "n/a" if x is None else f"{x:,.{nd}f}"


def level(size: dict[str, Any], endpoint: str, clients: int) -> dict[str, Any] | None:
    """The load level of one endpoint at one number of clients, if it was measured."""
    return next((lv for lv in size["levels"] if lv["endpoint"] == endpoint and lv["clients"] == clients),
                None)


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with its value: issue #14's (marked "(#14)", each listed even when this run
    did not measure it) and the earlier ones still meaningful."""
    ing = r["ingest"]
    real0 = r["scale"][0]["nocache"]
    out = [*issue14.ingest_targets(ing), *issue14.ask_targets(real0),
           *issue14.alignment_targets(r.get("alignment")), issue14.warm_row(real0)]
    out.append({"target": "re-ingest of unchanged files does no analysis",
                "value": f"{ing['reingest']['analysis_calls']} calls",
                "met": ing["reingest"]["analysis_calls"] == 0})
    for size in r["scale"]:
        cs = size["nocache"]["cold_start_s"]
        out.append({"target": f"cold start ≤ 10 s ({size['factor']}×, {size['chunks']:,} chunks)",
                    "value": f"{cs:.1f} s", "met": cs <= 10})
    real = r["scale"][0]
    largest = r["scale"][-1]
    for size, limit in ((real, 50.0), *(((largest, 150.0),) if largest is not real else ())):
        lv = level(size["nocache"], "/search", 8)
        if lv is None:
            continue
        out.append({"target": f"`/search` p95 ≤ {limit:.0f} ms, 8 clients, {size['factor']}×, "
                              "reranker and caches off, 1 worker"
                              + (" (#14)" if size is real else ""),
                    "value": f"{lv['p95_ms']} ms", "met": lv["p95_ms"] <= limit})
    two = real.get("two_workers")
    lv2 = level(two, "/search", 8) if two else None
    if lv2 is not None:
        out.append({"target": "`/search` p95 ≤ 50 ms, 8 clients, 1×, caches off, 2 workers",
                    "value": f"{lv2['p95_ms']} ms", "met": lv2["p95_ms"] <= 50.0})
    cached = level(real.get("cache") or {"levels": []}, "/search", 8)
    if cached is not None:
        out.append({"target": "`/search` p95 ≤ 50 ms, 8 clients, 1×, result cache on (repeats)",
                    "value": f"{cached['p95_ms']} ms", "met": cached["p95_ms"] <= 50.0})
    out += search_targets(r)
    rss = real["nocache"]["peak_rss_mb"]
    out.append({"target": "server peak RSS ≤ 1.5 GB at real size (1 worker, through 32 /ask "
                          "clients)", "value": f"{rss:,.0f} MB", "met": rss <= 1536})
    out.append({"target": f"server peak RSS no worse than before ({RSS_BEFORE_MB:,} MB) (#14)",
                "value": f"{rss:,.0f} MB", "met": rss <= RSS_BEFORE_MB})
    cold = real["nocache"]["cold_start_s"]
    out.append({"target": f"cold start no worse than before ({COLD_START_BEFORE_S} s) (#14)",
                "value": f"{cold:.1f} s", "met": cold <= COLD_START_BEFORE_S})
    return out


# Issue #14: what the server cost before the search work; it must not get worse.
RSS_BEFORE_MB = 1287
COLD_START_BEFORE_S = 7.4
SEARCH_P50_1_CLIENT_MS = 15.0
SEARCH_CPU_OVER_FLOOR = 1.5


def search_targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue #14's `/search` targets at real size, caches off: one-client p50, the server's
    CPU per search as a ratio to the floor measured in the same run (query embedding + bare
    chromadb query), and the ONNX query vectors equal to the PyTorch ones."""
    floor = r.get("search_floor")
    real = r["scale"][0]["nocache"]
    out = []
    one = level(real, "/search", 1)
    if one is not None:
        out.append({"target": f"`/search` p50 ≤ {SEARCH_P50_1_CLIENT_MS:.0f} ms, 1 client, 1×, "
                              "caches off (#14)", "value": f"{one['p50_ms']} ms",
                    "met": one["p50_ms"] <= SEARCH_P50_1_CLIENT_MS})
    if floor and one is not None and one.get("server_cpu_ms") is not None:
        ratio = one["server_cpu_ms"] / floor["floor_ms"]
        out.append({"target": f"`/search` server CPU per request ≤ {SEARCH_CPU_OVER_FLOOR}× the "
                              "floor (query embedding + bare chromadb query, same run) (#14)",
                    "value": f"{one['server_cpu_ms']:.1f} ms / {floor['floor_ms']:.1f} ms = "
                             f"{ratio:.2f}×", "met": ratio <= SEARCH_CPU_OVER_FLOOR})
    agreement = (floor or {}).get("encoder_agreement")
    if agreement:
        out.append({"target": "ONNX query vectors = PyTorch vectors (cosine ≥ 0.9999 on "
                              f"{agreement['texts']} chunk texts)",
                    "value": f"min cosine {agreement['min_cosine']:.6f}, max abs diff "
                             f"{agreement['max_abs_diff']:.1e}",
                    "met": agreement["min_cosine"] >= 0.9999})
    return out


def limits(r: dict[str, Any]) -> list[str]:
    """What bounds the latency targets, from this run's own numbers (Little's law: with N
    closed-loop clients, mean latency = N / throughput)."""
    real = r["scale"][0]["nocache"]
    one = level(real, "/search", 1)
    eight = level(real, "/search", 8)
    if not one or not eight or not eight["throughput_rps"]:
        return []
    service_ms = 1000.0 / one["throughput_rps"]
    mean_ms = 8 * 1000.0 / eight["throughput_rps"]
    inproc = r["quality"]["PolicyKB"]["p50_ms"]
    cores = r["machine"]["nproc"] or 1
    need = 8 * 1000.0 / (50.0 * 0.6)  # p95 ≤ 50 ms needs a mean of roughly 30 ms or less
    return [
        f"- One client: a `/search` round trip takes {service_ms:.1f} ms of wall time "
        f"({one['throughput_rps']} req/s): query embedding by MiniLM on one core, BM25 over "
        "both languages, chromadb, fusion, snippets, then HTTP and JSON on both ends (the "
        f"search alone, in-process during the quality run: p50 {fmt(inproc)} ms).",
        f"- Eight closed-loop clients on {cores} cores reached {eight['throughput_rps']} req/s, "
        f"so each request waits for the others: mean {mean_ms:.0f} ms (Little's law), p95 "
        f"{eight['p95_ms']} ms. A p95 of 50 ms with 8 clients needs about {need:.0f} req/s, "
        f"i.e. under {1000.0 * cores / need:.1f} ms of CPU per request across server *and* load "
        "generator, which share the cores.",
        "- The limit is CPU per request, not the index: latency barely moves from 1× to 100× "
        "(BM25 and HNSW are sub-linear here), and repeated questions served from the result "
        "cache meet the target. Faster options exist and are not taken: an int8-quantised "
        "query encoder is 2.4× faster but its vectors drift from the fp32 passage vectors "
        "(cosine 0.91 on average, 0.74 at worst on the dev questions), which would need a "
        "re-embedded index and a new quality evaluation.",
        *_floor_lines(r, one),
    ]


def _floor_lines(r: dict[str, Any], one: dict[str, Any]) -> list[str]:
    floor = r.get("search_floor")
    if not floor or one.get("server_cpu_ms") is None:
        return []
    return [f"- The floor of one search in this run, in CPU time: query embedding "
            f"({floor['query_encoder']}) {floor['embed_cpu_ms']} ms + bare chromadb query for 50 "
            f"neighbours {floor['bare_chroma_k50_cpu_ms']} ms = {floor['floor_ms']} ms (wall "
            f"p50 {floor['embed_p50_ms']} + {floor['bare_chroma_k50_p50_ms']} ms); the server spent "
            f"{one['server_cpu_ms']} ms of CPU per `/search` with one client "
            f"({one['server_cpu_ms'] / floor['floor_ms']:.2f}× the floor); the rest is BM25 in "
            "the query's languages, fusion, snippets, the catalog, HTTP and JSON."]
