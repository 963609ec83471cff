"""The coverage view as Markdown, read by a ministry coordinator: the strategies no plan
addresses first, then the plans × strategies table grouped by policy, then the plans that
overlap. Plans are columns P1..Pn, named once in the list of plans (titles are too long for
a table header)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from alignment.types import PARTIAL, STRONG

MARK = {"strong": "✅ strong", "partial": "◐ partial", "none": "·"}


def _cell(text: str) -> str:
    return " ".join(str(text).replace("|", "\\|").split())


def _short(text: str, limit: int = 60) -> str:
    text = _cell(text).rstrip(" .")
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _by_policy(strategies: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for title, group in groupby(strategies, key=lambda s: s["policy_title"]):
        yield title, list(group)


def _dated(view: dict[str, Any]) -> str:
    generation = f"index generation {view['generation']}"
    return f" ({view['date']}, {generation})" if view.get("date") else f" ({generation})"


def to_markdown(view: dict[str, Any]) -> str:
    plans = view["plans"]
    column = {p["doc_id"]: f"P{i}" for i, p in enumerate(plans, 1)}
    title_of = {p["doc_id"]: p["title"] for p in plans}
    strategy = {s["strategy_id"]: s for s in view["strategies"]}
    lines = ["# Coverage of national strategies across plans", "",
             f"{len(plans)} plan{'' if len(plans) == 1 else 's'}, "
             f"{sum(not s['hand_entered'] for s in view['strategies'])} strategies with indexed "
             f"text{_dated(view)}. A plan addresses a strategy when one "
             f"of its mechanisms reaches **partial** (score ≥ {PARTIAL}) or **strong** "
             f"(≥ {STRONG}); its best mechanism is shown. Hand-entered strategies (no indexed "
             "text, judged on their titles alone) are context: they are never counted as "
             "unaddressed or as an overlap.", "", "## Plans", ""]
    if not plans:
        lines += ["No plans: no indexed document has the type plan_draft. Name the plans to "
                  "compare (`policykb coverage --doc DOC_ID ...`, `?doc_ids=a,b`).", ""]
    for p in plans:
        count = len(p["mechanisms"])
        lines.append(f"- **{column[p['doc_id']]}** {_cell(p['title'])} (`{p['doc_id']}`): "
                     + (f"_{p['note']}_" if p.get("note") else
                        f"{count} mechanism{'' if count == 1 else 's'}"))
        lines += [f"  - m{m['label']}: {_short(m['text'], 110)}" for m in p["mechanisms"]]
    lines += ["", f"## National strategies no plan addresses ({len(view['unaddressed'])})", ""]
    missing = [strategy[s] for s in view["unaddressed"]]
    for title, group in _by_policy(missing):
        lines += [f"**{_cell(title)}**", ""] + [f"- {_cell(s['title'])}" for s in group] + [""]
    if not missing:
        lines += ["- none: every strategy with indexed text is addressed by at least one plan", ""]
    hand = view.get("unaddressed_hand_entered", [])
    if hand:
        lines += ["_Hand-entered strategies no plan reaches either (context): "
                  + "; ".join(_cell(strategy[s]["title"]) for s in hand) + "._", ""]
    lines += _matrix(view["strategies"], plans, column)
    lines += ["", f"## Plans that overlap ({len(view['overlaps'])} pairs)", ""]
    for o in view["overlaps"]:
        a, b = o["plans"]
        shared = "; ".join(_cell(strategy[s]["title"]) for s in o["strategies"])
        lines.append(f"- **{column[a]}** ({_short(title_of[a])}) and **{column[b]}** "
                     f"({_short(title_of[b])}): {len(o['strategies'])} shared — {shared}")
    if not view["overlaps"]:
        lines.append("- none: no two plans address the same strategy")
    return "\n".join(lines) + "\n"


def _matrix(strategies: list[dict[str, Any]], plans: list[dict[str, Any]],
            column: dict[str, str]) -> list[str]:
    lines = ["## Plans × strategies", ""]
    if not plans:
        return lines + ["No plans to show.", ""]
    head = " | ".join(column[p["doc_id"]] for p in plans)
    for title, group in _by_policy(strategies):
        hand = " (entered by hand: titles only)" if group[0]["hand_entered"] else ""
        lines += [f"### {_cell(title)}{hand}", "", f"| Strategy | {head} |",
                  "|---|" + "---|" * len(plans)]
        for s in group:
            cells = []
            for c in s["plans"]:
                if c["verdict"] == "none":
                    cells.append("·")
                else:
                    label = (c["mechanism"] or "").split(":", 1)[0]
                    cells.append(f"{MARK[c['verdict']]} {c['score']:.2f} (m{label})")
            lines.append(f"| {_cell(s['title'])} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines + ["`·` none found; `(mN)` the plan's mechanism N (listed under Plans) that "
                    "serves the strategy best."]
