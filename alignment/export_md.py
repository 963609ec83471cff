"""The alignment report as Markdown: a summary table, then per mechanism its strategies with
quoted, cited evidence (table rows shown as their columns), then the strategies nobody
addresses. Sections start "## Mechanism N: ..." so the report can be read back."""

from __future__ import annotations

from alignment.citations import cite, quoted
from alignment.types import PARTIAL, STRONG, AlignmentReport

VERDICT_MARK = {"strong": "✅ strong", "partial": "◐ partial", "none": "✗ none found"}


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def to_markdown(report: AlignmentReport) -> str:
    lines = [f"# Policy alignment: {report.document}", ""]
    if report.title or report.date:
        lines += [" · ".join(x for x in (report.title and f"Plan: {report.title}",
                                         report.date and f"Date: {report.date}") if x), ""]
    lines += [f"Verdicts: **strong** (score ≥ {STRONG}), **partial** (≥ {PARTIAL}), **none found**. "
              "Scores combine the mechanism's closeness to the strategy's title and the best "
              "passage of the strategy's own section; every quote is cited by document and page. "
              "Hand-entered strategies (no indexed text) are listed after those with evidence.",
              "", "## Summary", "", "| # | Mechanism | Best match | Verdict | Score |",
              "|---|---|---|---|---|"]
    for m in report.mechanisms:
        best = m.alignments[0] if m.alignments else None
        match = f"{best.strategy} ({best.policy})" if best else "—"
        lines.append(f"| {m.label} | {_cell(m.text)} | {_cell(match)} | "
                     f"{VERDICT_MARK[best.verdict] if best else '—'} | {best.score if best else ''} |")
    for m in report.mechanisms:
        lines += ["", f"## Mechanism {m.label}: {m.text}", ""]
        if m.gap:
            lines += ["**Gap:** no national strategy in the index supports this mechanism.", ""]
        for a in m.alignments:
            lines.append(f"- **{a.strategy}** — {a.policy}: {VERDICT_MARK[a.verdict]} ({a.score})")
            if a.note:
                lines.append(f"  - _{a.note}_")
            for e in a.evidence:
                lines.append(f"  - > {' '.join(quoted(e).split())}  \n"
                             f"    — {cite(e, report.sources.get(e.doc_id))} (`{e.doc_id}`)")
    lines += ["", "## National strategies the plan does not address", ""]
    lines += [f"- {u['strategy']} ({u['policy']})" for u in report.unaddressed] or ["- none"]
    untexted = [p for p in report.policies if not p["has_text"]]
    if untexted:
        lines += ["", "_Policies entered by hand, with no indexed text behind them: "
                  + "; ".join(p["title"] for p in untexted) + "._"]
    return "\n".join(lines) + "\n"
