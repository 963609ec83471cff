"""The coverage view as CSV: one row per strategy × plan (a strategy no plan reaches says so
on each of its rows; with no plans, one row per strategy). UTF-8 with a byte-order mark, so
spreadsheet programs read Khmer right."""

from __future__ import annotations

import csv
import io
from typing import Any

HEADER = ["policy_doc_id", "policy", "strategy_id", "strategy", "hand_entered", "plan_doc_id",
          "plan_title", "verdict", "score", "mechanism", "addressed_by_any_plan"]


def to_csv(view: dict[str, Any]) -> str:
    title_of = {p["doc_id"]: p["title"] for p in view["plans"]}
    unaddressed = set(view["unaddressed"]) | set(view.get("unaddressed_hand_entered", []))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for s in view["strategies"]:
        lead = [s["policy_doc_id"] or "", s["policy_title"], s["strategy_id"], s["title"],
                "yes" if s["hand_entered"] else "no"]
        addressed = "no" if s["strategy_id"] in unaddressed else "yes"
        for c in s["plans"] or [None]:
            plan = [c["doc_id"], title_of[c["doc_id"]], c["verdict"], c["score"],
                    c["mechanism"] or ""] if c else ["", "", "", "", ""]
            writer.writerow([*lead, *plan, addressed])
    return out.getvalue()


def csv_bytes(view: dict[str, Any]) -> bytes:
    return to_csv(view).encode("utf-8-sig")
