"""The alignment report as a Word document a ministry can circulate: title, plan and date, a
summary matrix (mechanisms x policies), per-mechanism findings with numbered references, the
gaps, the national strategies the plan does not address, and the sources.

python-docx has no footnote API, so citations are endnote-style: each quote or table row is
followed by "[n]", and the "Sources" section lists [n] with the document title, the printed
page (and the PDF page) and the exact quote. Plain paragraphs survive every Word version and
every PDF converter, which footnotes written as raw XML would not be sure to.
"""

from __future__ import annotations

import io
from datetime import datetime

import docx
from docx.document import Document
from docx.shared import Pt

from alignment.citations import cite
from alignment.types import (
    PARTIAL,
    STRONG,
    AlignmentReport,
    EvidenceQuote,
    MechanismAlignment,
    StrategyAlignment,
)

_CONTEXT = "Hand-entered (context)"


def to_docx(report: AlignmentReport) -> bytes:
    """The report as .docx bytes."""
    document = docx.Document()
    document.core_properties.title = f"Policy alignment: {report.title or report.document}"
    document.core_properties.author = "PolicyKB"
    if report.date:
        document.core_properties.created = datetime.fromisoformat(report.date)
    document.add_paragraph("Policy alignment report", style="Title")
    plan = f"{report.title} ({report.document})" if report.title else report.document
    document.add_paragraph().add_run("Plan: ").bold = True
    document.paragraphs[-1].add_run(plan)
    if report.date:
        document.add_paragraph().add_run("Date: ").bold = True
        document.paragraphs[-1].add_run(report.date)
    document.add_paragraph(
        f"Verdicts: strong (score ≥ {STRONG}), partial (≥ {PARTIAL}), none found. A score "
        "combines the mechanism's closeness to a strategy's title with the best passage of "
        "that strategy's own section. Strategies of policies entered by hand, with no indexed "
        "text, are shown as context after those backed by evidence and are never strong. "
        "Numbers in brackets refer to the Sources at the end.")
    sources: list[EvidenceQuote] = []
    _summary(document, report)
    document.add_heading("Findings by mechanism", level=1)
    for mechanism in report.mechanisms:
        _findings(document, report, mechanism, sources)
    document.add_heading("Gaps", level=1)
    gaps = [m for m in report.mechanisms if m.gap]
    for m in gaps:
        document.add_paragraph(f"Mechanism {m.label}: {m.text}", style="List Bullet")
    if not gaps:
        document.add_paragraph("Every mechanism is supported by at least one national strategy.")
    document.add_heading("National strategies the plan does not address", level=1)
    for u in report.unaddressed:
        document.add_paragraph(f"{u['strategy']} — {u['policy']}", style="List Bullet")
    if not report.unaddressed:
        document.add_paragraph("None.")
    document.add_heading("Sources", level=1)
    for n, quote in enumerate(sources, 1):
        document.add_paragraph(f"[{n}] {cite(quote, report.sources.get(quote.doc_id))}: "
                               f"“{' '.join(quote.quote.split())}”")
    if not sources:
        document.add_paragraph("No evidence was quoted.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _summary(document: Document, report: AlignmentReport) -> None:
    """Mechanisms x policies: in each cell the policy's best strategy for the mechanism."""
    document.add_heading("Summary matrix", level=1)
    texted = [p["title"] for p in report.policies if p["has_text"]]
    columns = ["#", "Mechanism", *texted, _CONTEXT, "Finding"]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, columns, strict=True):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
    for m in report.mechanisms:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = m.label, m.text
        for i, policy in enumerate(texted, 2):
            best = next((a for a in m.alignments if a.policy == policy), None)
            cells[i].text = _short(best) if best else "—"
        context = [a for a in m.alignments if not a.has_text]
        cells[-2].text = "; ".join(_short(a) for a in context) or "—"
        top = next((a for a in m.alignments if a.has_text), None)
        cells[-1].text = "gap" if m.gap else (top.verdict if top else "—")
    for row in table.rows:
        for cell in row.cells:
            for run in (r for p in cell.paragraphs for r in p.runs):
                run.font.size = Pt(8)


def _short(a: StrategyAlignment) -> str:
    return f"{a.strategy} ({a.verdict}, {a.score})"


def _findings(document: Document, report: AlignmentReport, m: MechanismAlignment,
              sources: list[EvidenceQuote]) -> None:
    document.add_heading(f"Mechanism {m.label}: {m.text}", level=2)
    if m.gap:
        document.add_paragraph().add_run(
            "Gap: no national strategy in the index supports this mechanism.").bold = True
    for a in m.alignments:
        line = document.add_paragraph(style="List Bullet")
        line.add_run(a.strategy).bold = True
        line.add_run(f" — {a.policy}: {a.verdict} ({a.score})")
        if a.note:
            line.add_run(f" — {a.note}").italic = True
        for quote in a.evidence:
            sources.append(quote)
            if quote.row is not None:
                _row_table(document, quote, len(sources))
            else:
                paragraph = document.add_paragraph(style="Quote")
                paragraph.add_run(f"“{' '.join(quote.quote.split())}” ")
                paragraph.add_run(f"[{len(sources)}]").font.superscript = True


def _row_table(document: Document, quote: EvidenceQuote, n: int) -> None:
    """A priority-action row cited as the row it is: action | responsible | timeline."""
    assert quote.row is not None
    row = quote.row
    table = document.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, ("Priority action", "Responsible", "Timeline"),
                          strict=True):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
    values = (f"{row.number}. {row.action} [{n}]", "; ".join(row.responsible) or "—",
              row.timeline or "—")
    for cell, value in zip(table.rows[1].cells, values, strict=True):
        cell.text = value
