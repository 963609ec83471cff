"""Issue #14's mixed load: ``/ask`` measured while ``/search`` traffic shares the server, as
people use it (most requests are searches), rather than a wall of /ask requests alone."""

from __future__ import annotations

from typing import Any

from evaluation.bench.plan import Plan


def mix_label(p: Plan) -> str:
    return f"1 in {p.mixed_ask_every} requests `/ask`, the rest `/search`"


def mixed_level(url: str, texts: list[str], p: Plan, cpu_s: Any) -> dict[str, Any]:
    """``p.mixed_clients`` closed-loop clients for ``p.mixed_seconds``; request ``i`` of client
    ``c`` is ``/ask`` when ``(c + i) % p.mixed_ask_every == 0`` (the clients are staggered, so
    the share holds at every moment), else ``/search``; each walks the questions from its own
    offset. Percentiles per endpoint; ``server_cpu_ms`` per request of either kind."""
    from evaluation.load import Call, run_mixed_load

    def next_call(c: int, i: int) -> Call:
        text = texts[(c * 7 + i) % len(texts)]
        if (c + i) % p.mixed_ask_every == 0:
            return Call("/ask", "POST", "/ask", json={"question": text, "mode": "extractive"})
        return Call("/search", "POST", "/search", json={"query": text, "k": 10})

    cpu_before = cpu_s()
    res = run_mixed_load(url, next_call, p.mixed_clients, p.mixed_seconds,
                         request_timeout_s=p.load_timeout_s)
    summary = res.summary()
    summary["server_cpu_ms"] = round((cpu_s() - cpu_before) * 1000 / max(1, summary["requests"]), 2)
    summary["errors_sample"] = res.errors[:3]
    return {"endpoint": "mixed", "mix": mix_label(p), **summary}
