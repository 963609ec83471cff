"""The alignment report as CSV: one row per alignment (its first piece of evidence, a table
row split into action, responsible and timeline; ``gap`` is "yes" on every row of a mechanism
nothing with text supports; ``note`` marks a hand-entered strategy), then one row per national
strategy the plan does not address (verdict ``unaddressed``, no mechanism).

``csv_bytes`` is the file to hand out: UTF-8 with a byte-order mark, without which Excel
reads Khmer as mojibake."""

from __future__ import annotations

import csv
import io

from alignment.types import AlignmentReport

HEADER = ["mechanism", "mechanism_text", "policy", "strategy", "score", "verdict",
          "evidence_doc_id", "evidence_page", "evidence_quote", "evidence_document",
          "evidence_printed_page", "action", "responsible", "timeline", "gap", "note",
          "evidence_version"]
UNADDRESSED = "unaddressed"


def to_csv(report: AlignmentReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for m in report.mechanisms:
        for a in m.alignments:
            e = a.evidence[0] if a.evidence else None
            row = e.row if e else None
            writer.writerow([
                m.label, m.text, a.policy, a.strategy, a.score, a.verdict,
                e.doc_id if e else "", e.page if e else "", " ".join(e.quote.split()) if e else "",
                report.sources.get(e.doc_id, e.doc_id) if e else "",
                (e.printed_page or "") if e else "",
                row.action if row else "", "; ".join(row.responsible) if row else "",
                row.timeline if row else "", "yes" if m.gap else "", a.note or "",
                (e.version or "") if e else ""])
    for u in report.unaddressed:
        writer.writerow(["", "", u["policy"], u["strategy"], "", UNADDRESSED,
                         *[""] * (len(HEADER) - 6)])
    return out.getvalue()


def csv_bytes(report: AlignmentReport) -> bytes:
    return to_csv(report).encode("utf-8-sig")
