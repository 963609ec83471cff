"""The alignment report as JSON (for tools), Markdown (for a consultant's review) or CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from alignment.aligner import PARTIAL, STRONG, AlignmentReport

_VERDICT_MARK = {"strong": "✅ strong", "partial": "◐ partial", "none": "✗ none found"}


def to_json(report: AlignmentReport) -> dict[str, Any]:
    """The documented shape: mechanisms with alignments sorted best first, then unaddressed."""
    return {
        "document": report.document,
        "mechanisms": [{
            "label": m.label, "text": m.text, "gap": m.gap,
            "alignments": [{
                "policy": a.policy, "strategy": a.strategy, "score": a.score,
                "verdict": a.verdict,
                "evidence": [{"doc_id": e.doc_id, "page": e.page, "quote": e.quote,
                              "start": e.start, "end": e.end} for e in a.evidence],
                **({"note": a.note} if a.note else {}),
            } for a in m.alignments],
        } for m in report.mechanisms],
        "unaddressed": [{"policy": u["policy"], "strategy": u["strategy"]} for u in report.unaddressed],
    }


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def to_markdown(report: AlignmentReport) -> str:
    lines = [f"# Policy alignment: {report.document}", "",
             f"Verdicts: **strong** (score ≥ {STRONG}), **partial** (≥ {PARTIAL}), **none found**. "
             "Scores combine the mechanism's closeness to the strategy's title and the best "
             "passage of the strategy's own section; every quote is cited by document and page.",
             "", "## Summary", "", "| # | Mechanism | Best match | Verdict | Score |",
             "|---|---|---|---|---|"]
    for m in report.mechanisms:
        best = m.alignments[0] if m.alignments else None
        match = f"{best.strategy} ({best.policy})" if best else "—"
        lines.append(f"| {m.label} | {_cell(m.text)} | {_cell(match)} | "
                     f"{_VERDICT_MARK[best.verdict] if best else '—'} | {best.score if best else ''} |")
    for m in report.mechanisms:
        lines += ["", f"## Mechanism {m.label}: {m.text}", ""]
        if m.gap:
            lines += ["**Gap:** no national strategy in the index supports this mechanism.", ""]
        for a in m.alignments:
            lines.append(f"- **{a.strategy}** — {a.policy}: {_VERDICT_MARK[a.verdict]} ({a.score})")
            if a.note:
                lines.append(f"  - _{a.note}_")
            for e in a.evidence:
                lines.append(f"  - > {_cell(e.quote)}  \n    — `{e.doc_id}`, p. {e.page}")
    lines += ["", "## National strategies the plan does not address", ""]
    lines += [f"- {u['strategy']} ({u['policy']})" for u in report.unaddressed] or ["- none"]
    untexted = [p for p in report.policies if not p["has_text"]]
    if untexted:
        lines += ["", "_Policies entered by hand, with no indexed text behind them: "
                  + "; ".join(p["title"] for p in untexted) + "._"]
    return "\n".join(lines) + "\n"


def to_csv(report: AlignmentReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["mechanism", "mechanism_text", "policy", "strategy", "score", "verdict",
                     "evidence_doc_id", "evidence_page", "evidence_quote"])
    for m in report.mechanisms:
        for a in m.alignments:
            first = a.evidence[0] if a.evidence else None
            writer.writerow([m.label, m.text, a.policy, a.strategy, a.score, a.verdict,
                             first.doc_id if first else "", first.page if first else "",
                             " ".join(first.quote.split()) if first else ""])
    return out.getvalue()
