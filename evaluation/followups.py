"""Follow-up questions on the real corpus: answered from the right document, before and after.

Each line of ``evaluation/dev/followups.jsonl`` is a pair: a full question (``first``), then a
follow-up that only makes sense after it (``follow_up``: "What about its timeline?"), and the
documents (``docs``) a right answer to the follow-up comes from. Over HTTP, as the page asks:

* *before*: the follow-up alone (what ``/ask`` did before it took the conversation);
* *after*: the follow-up with the first turn as ``history`` (its answer and citations).

A follow-up counts as answered from the right document when the answer is found and its first
citation (the best document's) is one of ``docs``.

    python -m evaluation.followups --data-dir /tmp/pkb-dev       # starts `policykb serve`
    python -m evaluation.followups --url http://127.0.0.1:8000   # or asks a running server
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from evaluation.jsonl import jsonl_objects
from evaluation.server_process import ServerProcess

FOLLOWUPS = Path(__file__).resolve().parent / "dev" / "followups.jsonl"
REQUIRED = ("id", "lang", "first", "follow_up", "docs")


@dataclass
class Pair:
    id: str
    lang: str
    first: str
    follow_up: str
    docs: list[str]


def load_pairs(path: Path = FOLLOWUPS) -> list[Pair]:
    """The pairs of ``path``; a line that is not a pair is an error naming the line and field."""
    pairs = []
    for n, row in jsonl_objects(path):
        missing = [k for k in REQUIRED if not row.get(k)]
        if missing:
            raise ValueError(f"{path}:{n}: missing {', '.join(missing)}")
        if not isinstance(row["docs"], list):
            raise ValueError(f"{path}:{n}: `docs` must be a list of document ids")
        pairs.append(Pair(**{k: row[k] for k in REQUIRED}))
    return pairs


def right_document(answer: dict[str, Any], docs: list[str]) -> bool:
    """Found, and the first citation (the best document's) is one of ``docs``."""
    return bool(answer["found"] and answer["citations"]
                and answer["citations"][0]["doc_id"] in docs)


def as_turn(question: str, answer: dict[str, Any]) -> dict[str, Any]:
    """A previous turn as the page sends it."""
    return {"question": question, "answer": answer["answer"][:4000],
            "citations": [{"doc_id": c["doc_id"], "page": c["page"]}
                          for c in answer["citations"]]}


def run(base: str, pairs: list[Pair]) -> dict[str, Any]:
    """Ask every pair before and after; per pair and totals (overall and by language)."""
    rows: list[dict[str, Any]] = []
    after_times: list[int] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        def ask(question: str, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
            response = client.post("/ask", json={"question": question, "history": history or []})
            response.raise_for_status()
            return dict(response.json())

        for pair in pairs:
            first = ask(pair.first)
            before = ask(pair.follow_up)
            started = time.perf_counter()
            after = ask(pair.follow_up, [as_turn(pair.first, first)])
            after_ms = round((time.perf_counter() - started) * 1000)
            after_times.append(after_ms)
            conversation = after.get("conversation") or {}
            rows.append({
                "id": pair.id, "lang": pair.lang, "follow_up": pair.follow_up,
                "before": right_document(before, pair.docs),
                "after": right_document(after, pair.docs),
                "after_doc": after["citations"][0]["doc_id"] if after["citations"] else None,
                "strategy": conversation.get("strategy"), "after_ms": after_ms,
            })
    totals: dict[str, Any] = {}
    for group in ("all", "en", "km"):
        chosen = [r for r in rows if group in ("all", r["lang"])]
        totals[group] = {"pairs": len(chosen), "before": sum(r["before"] for r in chosen),
                         "after": sum(r["after"] for r in chosen)}
    times = sorted(after_times)
    totals["after_ms_median"] = times[len(times) // 2] if times else 0
    return {"pairs": rows, "totals": totals}


def report(result: dict[str, Any]) -> str:
    lines = [f"{'id':4} {'lang':4} {'before':6} {'after':5} {'strategy':9} {'ms':>5} follow-up"]
    for r in result["pairs"]:
        lines.append(f"{r['id']:4} {r['lang']:4} {'yes' if r['before'] else 'no':6} "
                     f"{'yes' if r['after'] else 'no':5} {r['strategy'] or '-':9} "
                     f"{r['after_ms']:5} {r['follow_up']}")
    for group, t in result["totals"].items():
        if not isinstance(t, dict):
            lines.append(f"follow-up request time, median: {t} ms")
            continue
        lines.append(f"{group}: right document before {t['before']}/{t['pairs']}, "
                     f"after {t['after']}/{t['pairs']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--data-dir", type=Path, help="serve this index (read only) and ask it")
    where.add_argument("--url", help="ask a running server instead")
    parser.add_argument("--pairs", type=Path, default=FOLLOWUPS)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    pairs = load_pairs(args.pairs)
    if args.url:
        result = run(args.url, pairs)
    else:
        with ServerProcess(args.data_dir) as server:
            result = run(server.url, pairs)
    sys.stdout.write((json.dumps(result, ensure_ascii=False, indent=1) if args.json
                      else report(result)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
