"""The benchmark's PNG charts: latency against index size, the ingest time breakdown, quality
beside the baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from evaluation.bench.targets import level


def charts(results: dict[str, Any], folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    sizes = results["scale"]
    chunks = [s["chunks"] for s in sizes]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for endpoint, style in (("/search", "-"), ("/ask", "--")):
        for n in results["plan"]["clients"]:
            p95 = [(level(s["nocache"], endpoint, n) or {}).get("p95_ms", np.nan) for s in sizes]
            ax.plot(chunks, p95, style, marker="o", label=f"{endpoint} p95, {n} client(s)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("p95 latency (ms), result cache off")
    ax.set_title("Latency vs corpus size (HTTP, loopback)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    written.append(folder / "latency_vs_size.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)

    ing = results["ingest"]["seconds"]
    parts = ["parse", "ocr", "chunk", "embed", "store", "other"]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    left = 0.0
    for part in parts:
        ax.barh(["PolicyKB ingest"], [ing[part]], left=left, label=part)
        left += ing[part]
    ax.barh(["embedding floor"], [results["ingest"]["embed_floor"]], color="grey", label="model alone")
    llama = results["quality"]["LlamaIndex"]["index_s"]
    ax.barh(["LlamaIndex index (embed only)"], [llama], color="tab:olive")
    ax.set_xlabel("seconds")
    ax.set_title("Ingest time breakdown")
    ax.legend(fontsize=7, ncol=4, loc="lower right")
    fig.tight_layout()
    written.append(folder / "ingest_breakdown.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)

    q = results["quality"]
    names = list(q)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar(names, [q[n]["ndcg"] or 0 for n in names], color=["tab:blue", "tab:orange", "tab:olive"])
    for i, n in enumerate(names):
        ax.text(i, (q[n]["ndcg"] or 0) + 0.01, f"{q[n]['ndcg'] or 0:.3f}", ha="center")
    ax.set_ylim(0, 1)
    ax.set_ylabel("nDCG@10 (dev set)")
    ax.set_title("Quality vs baselines (same corpus, same MiniLM)")
    fig.tight_layout()
    written.append(folder / "quality_vs_baselines.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)
    return written
