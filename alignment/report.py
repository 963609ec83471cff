"""The alignment report in the forms people use: JSON (for tools, below), Markdown (to paste
into a review), CSV (a spreadsheet) and DOCX (the document a ministry circulates).

Each renderer has its own module; this one is the JSON shape and the one place to import
any of them from.
"""

from __future__ import annotations

from typing import Any

from alignment.export_csv import csv_bytes, to_csv
from alignment.export_docx import to_docx
from alignment.export_md import to_markdown
from alignment.types import AlignmentReport, EvidenceQuote

__all__ = ["csv_bytes", "to_csv", "to_docx", "to_json", "to_markdown"]


def _evidence(e: EvidenceQuote, sources: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"doc_id": e.doc_id, "page": e.page, "quote": e.quote,
                           "start": e.start, "end": e.end}
    if e.doc_id in sources:
        out["title"] = sources[e.doc_id]
    if e.printed_page:
        out["printed_page"] = e.printed_page
    if e.version is not None:
        out["version"] = e.version
    if e.row is not None:
        out["row"] = e.row.to_dict()
    return out


def to_json(report: AlignmentReport) -> dict[str, Any]:
    """The documented shape: mechanisms with alignments (evidence-backed ones first, best
    first), then unaddressed strategies. A quote from a priority-action table carries
    ``row`` (number, action, responsible, timeline) beside its exact page span."""
    return {
        "document": report.document,
        **({"title": report.title} if report.title else {}),
        **({"date": report.date} if report.date else {}),
        "mechanisms": [{
            "label": m.label, "text": m.text, "gap": m.gap,
            "alignments": [{
                "policy": a.policy, "strategy": a.strategy, "score": a.score,
                "verdict": a.verdict,
                "evidence": [_evidence(e, report.sources) for e in a.evidence],
                **({"note": a.note} if a.note else {}),
            } for a in m.alignments],
        } for m in report.mechanisms],
        "unaddressed": [{"policy": u["policy"], "strategy": u["strategy"]} for u in report.unaddressed],
    }
