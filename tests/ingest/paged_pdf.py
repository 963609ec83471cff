"""A small printed-style policy PDF written for these tests: a cover, a table of contents, roman
front matter, body pages whose running header is a spaced-out title and whose footer prints a
page number offset from the PDF position, and an appendix. Optionally a /PageLabels dictionary.

All text is written for the tests. Real typeset PDFs put headers and footers in their own text
blocks at the page edges; so does this one (pypdf, poppler and pdfium all read it that way).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.hostile import assemble_pdf

RUNNING_TITLE = "R U R A L  C O N N E C T I V I T Y  P L A N  2 0 2 5 - 2 0 3 0"
FRONT = 3  # PDF pages 2-4 are front matter printed i, ii, iii
OFFSET = 4  # body page printed N is PDF page N + 4
SOLAR_SENTENCE = "The solar microgrid programme will power 120 village health posts by 2028."
SOLAR_PDF_PAGE = 8  # printed page 4

_PROVINCES = ["Kampot", "Kratie", "Pursat", "Takeo", "Kep", "Koh Kong", "Pailin", "Mondulkiri",
              "Stung Treng", "Siem Reap", "Battambang"]


def _filler(n: int) -> list[str]:
    place = _PROVINCES[n % len(_PROVINCES)]
    return [f"{place} reports progress to the steering committee every quarter.",
            f"Budgets for {place} are shared with the provincial administration.",
            f"Local operators in {place} maintain the equipment under service contracts.",
            f"Training sessions for {place} commune officials follow each installation."]


def plan_pages() -> list[tuple[str | None, list[str], str | None]]:
    """(header, body lines, footer) of each PDF page, in order."""
    pages: list[tuple[str | None, list[str], str | None]] = [
        (None, ["RURAL CONNECTIVITY PLAN", "2025-2030", "Ministry of Rural Networks"], None),
        ("Page i", ["TABLE OF CONTENTS",
                    "Chapter 1: Introduction ........................ 1",
                    "Chapter 2: Solar Microgrids ...................... 3",
                    "Strategy 3: Village health posts ................. 4",
                    "Appendix A: Action Matrix for the Rural",
                    "Connectivity Plan ................................ 7"], None),
        ("Page ii", ["FOREWORD", "This plan was drafted with every provincial administration.",
                     *_filler(2)], None),
        ("Page iii", ["The foreword continues with thanks to the development partners.",
                      *_filler(3)], None),
    ]
    bodies = [
        ["Chapter 1: Introduction", "Villages far from the grid still lack reliable power."],
        ["The introduction describes the districts the plan covers."],
        ["Chapter 2: Solar Microgrids", "Microgrids are the cheapest way to reach remote villages."],
        ["Strategy 3: Village health posts", SOLAR_SENTENCE],
        ["Health posts keep vaccines cold with the same microgrids."],
        ["Chapter 3: Community Networks", "Community networks share one backhaul link per commune."],
        ["Appendix A: Action Matrix", "Action 1: Install microgrids in 40 communes by 2026."],
    ]
    for number, lines in enumerate(bodies, start=1):
        pages.append((RUNNING_TITLE, [*lines, *_filler(number + 3)], f"- {number} -"))
    return pages


def _escape(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def _content(header: str | None, body: list[str], footer: str | None) -> bytes:
    ops = []
    if header:
        ops.append(b"BT /F1 9 Tf 72 805 Td (%s) Tj ET" % _escape(header))
    ops.append(b"BT /F1 11 Tf 15 TL 72 760 Td")
    for line in body:
        ops.append(b"(%s) Tj T*" % _escape(line))
    ops.append(b"ET")
    if footer:
        ops.append(b"BT /F1 9 Tf 290 30 Td (%s) Tj ET" % _escape(footer))
    return b"\n".join(ops)


def paged_pdf_bytes(page_labels: bytes | None = None) -> bytes:
    """The plan as a PDF; ``page_labels`` is a /PageLabels number tree for the catalog."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    catalog = b"<< /Type /Catalog /Pages 2 0 R %s>>" % (
        b"/PageLabels " + page_labels + b" " if page_labels else b"")
    objects: list[bytes] = [catalog, b"", font]
    kids = []
    for header, body, footer in plan_pages():
        page_obj, content_obj = len(objects) + 1, len(objects) + 2
        kids.append(b"%d 0 R" % page_obj)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_obj)
        data = _content(header, body, footer)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return assemble_pdf(objects)


#: PDF page 1 "C-1", pages 2-4 "i".."iii", then "1", "2", ... (what a viewer would show)
PAGE_LABELS = (b"<< /Nums [0 << /P (C-) /S /D >> 1 << /S /r >> 4 << /S /D /St 1 >>] >>")


def write_plan(path: Path, *, with_page_labels: bool = False) -> Path:
    path.write_bytes(paged_pdf_bytes(PAGE_LABELS if with_page_labels else None))
    return path
