"""The alignment result as a matrix, in real headless Chromium against the real server over
HTTP (the bundled sample corpus): one heat-map row per mechanism and one column per strategy,
the verdicts in words and letters matching the JSON the page received, the gaps before the map,
a cell that opens its mechanism's evidence, no sideways page scroll on a phone, Khmer labels.

A last test renders a report written here (table-row quotes, a hand-entered context strategy,
a gap, printed pages) through the page's own module, so those cases are checked even when the
sample corpus does not produce them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.screenshots import screenshot

pytestmark = pytest.mark.slow  # a browser, the sample index and real alignments: over 20 s

PLAN = "moi_ict_plan_meeting_en.html"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
SEP = "\u241f"  # alignment_report.js strategyKey(): policy SEP strategy
ABBR = {"en": {"strong": "S", "partial": "P", "none": "·"},
        "km": {"strong": "ខ", "partial": "ផ", "none": "·"}}
WORDS = {"strong": "Strong", "partial": "Partial", "none": "None"}

CELLS = """() => [...document.querySelectorAll('#align-matrix .mx-cell')].map((b) => ({
  row: b.dataset.row, col: b.dataset.col, verdict: b.dataset.verdict,
  text: b.textContent.trim(), label: b.getAttribute('aria-label'),
  context: b.closest('td').classList.contains('mx-context-col')}))"""


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def key(item: dict[str, Any]) -> str:
    return f"{item['policy']}{SEP}{item['strategy']}"


def run_alignment(page: Any, doc_id: str = PLAN) -> dict[str, Any]:
    """Align ``doc_id`` on the page; the report the page received from the stream."""
    page.select_option("#align-doc", doc_id)
    with page.expect_response("**/alignment/stream") as response_info:
        page.click("#align-run")
    expect(page.locator("#align-matrix")).to_be_visible(timeout=120_000)
    events = [json.loads(line) for line in response_info.value.text().splitlines() if line]
    return events[-1]["report"]


def columns_of(report: dict[str, Any]) -> set[str]:
    alignments = [a for m in report["mechanisms"] for a in m["alignments"]]
    return {key(a) for a in alignments} | {key(u) for u in report["unaddressed"]}


def best(mechanism: dict[str, Any]) -> dict[str, Any] | None:
    return next((a for a in mechanism["alignments"] if not a.get("note")), None)


def test_the_matrix_shows_the_report_with_gaps_first_and_cells_open_evidence(
        ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base, viewport=LAPTOP, path="/#align")
    report = run_alignment(page)
    mechanisms = report["mechanisms"]
    assert len(mechanisms) == 6, "the sample meeting record lists six mechanisms"

    # one row per mechanism, one column per strategy (indexed ones and hand-entered context)
    expect(page.locator("#align-matrix tbody tr")).to_have_count(len(mechanisms))
    columns = columns_of(report)
    assert {c.get_attribute("data-col") for c in page.locator("#align-matrix th.mx-col").all()} == columns
    expect(page.locator("#align-matrix th.mx-col")).to_have_count(len(columns))
    cells = page.evaluate(CELLS)
    assert len(cells) == len(mechanisms) * len(columns)

    # each cell's verdict is the JSON's, in a letter and in words (never colour alone)
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    for i, m in enumerate(mechanisms):
        for a in m["alignments"]:
            expected.setdefault((str(i), key(a)), a)
    assert any(a["verdict"] != "none" for a in expected.values())
    for c in cells:
        alignment = expected.get((c["row"], c["col"]))
        verdict = alignment["verdict"] if alignment else "none"
        assert c["verdict"] == verdict, c
        assert c["text"] == ABBR["en"][verdict]
        assert (WORDS[verdict] if alignment else "below partial") in c["label"], c
        if alignment:
            assert f"{alignment['score']:.2f}" in c["label"]
            assert c["context"] == bool(alignment.get("note")), "hand-entered: the context group"
    # the header counts what the rows say
    counts = {k: sum(1 for m in mechanisms if not m["gap"] and (best(m) or {}).get("verdict") == k)
              for k in ("strong", "partial")}
    expect(page.locator(".report-counts [data-count='mechanisms']")).to_have_text(f"{len(mechanisms)} mechanisms")
    expect(page.locator(".report-counts [data-count='strong']")).to_have_text(f"{counts['strong']} strong")
    expect(page.locator(".report-counts [data-count='partial']")).to_have_text(f"{counts['partial']} partial")
    gap_count = sum(m["gap"] for m in mechanisms)
    expect(page.locator(".report-counts [data-count='gaps']")).to_have_text(
        f"{gap_count} gap" if gap_count == 1 else f"{gap_count} gaps")

    # gaps and unaddressed strategies (grouped by policy) come before the heat map
    gaps, heat = page.locator("section.align-gaps"), page.locator("#align-matrix")
    assert gaps.bounding_box()["y"] + gaps.bounding_box()["height"] <= heat.bounding_box()["y"]
    shown = [(g.get_attribute("data-policy"), li.get_attribute("data-strategy"))
             for g in page.locator(".unaddressed-group").all() for li in g.locator("li").all()]
    assert sorted(shown) == sorted((u["policy"], u["strategy"]) for u in report["unaddressed"])
    assert len({p for p, _ in shown}) == page.locator(".unaddressed-group").count()
    order = page.evaluate("""() => ['.report-head', '.align-gaps', '#align-matrix', '.mx-legend',
        'table.alignment-table', '.align-evidence'].map((s) => document.querySelector(s))
        .map((n) => n.getBoundingClientRect().top)""")
    assert order == sorted(order), f"header, gaps, map, legend, summary, evidence: {order}"

    # the summary: each mechanism's best evidence-backed strategy and its citation
    rows = page.locator("table.alignment-table tbody tr")
    expect(rows).to_have_count(len(mechanisms))
    for row, m in zip(rows.all(), mechanisms, strict=True):
        b = best(m)
        assert row.get_attribute("data-verdict") == (b["verdict"] if b else "none")
        if b:
            expect(row.locator(".sum-strategy")).to_have_text(b["strategy"])
            expect(row.locator(".score")).to_have_text(f"{b['score']:.2f}")

    # hover and focus show the strategy's full title and its score
    target = next(c for c in cells if c["verdict"] in ("strong", "partial") and not c["context"])
    alignment = expected[(target["row"], target["col"])]
    cell = page.locator(f"#align-matrix .mx-cell[data-row='{target['row']}']"
                        f"[data-col='{target['col'].replace(chr(39), chr(92) + chr(39))}']")
    cell.hover()
    tip = page.locator("#matrix-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(alignment["strategy"])
    expect(tip).to_contain_text(f"{alignment['score']:.2f}")
    page.mouse.move(0, 0)
    expect(tip).to_be_hidden()
    cell.focus()
    expect(tip).to_contain_text(alignment["strategy"])
    screenshot(page, "alignment_matrix_hover")

    # clicking the cell opens that mechanism's evidence at that strategy
    details = page.locator("details.mech-evidence")
    expect(details).to_have_count(len(mechanisms))
    assert not any(d.get_attribute("open") is not None for d in details.all()), "folded at first"
    cell.click()
    index = int(target["row"])
    opened = page.locator(f"#mech-ev-{index}")
    expect(opened).to_have_attribute("open", "")
    expect(opened).to_have_attribute("data-mechanism", mechanisms[index]["label"])
    current = opened.locator(".ev-alignment.current")
    expect(current).to_have_count(1)
    assert current.get_attribute("data-strategy-key") == target["col"]
    expect(current.locator(".ev-strategy")).to_have_text(alignment["strategy"])
    expect(current).to_be_in_viewport()
    assert page.locator("details.mech-evidence[open]").count() == 1
    quotes = current.locator("button.evidence-open")
    expect(quotes).to_have_count(len(alignment["evidence"]))
    if alignment["evidence"]:
        first = alignment["evidence"][0]
        quotes.first.click()  # a quote opens its source, highlighted
        expect(page.locator("#source-body")).to_have_attribute("data-doc-id", first["doc_id"])
        expect(page.locator("#source-mark")).to_have_text(first["quote"])
    # and a mechanism's row header opens its evidence too
    other = (index + 1) % len(mechanisms)
    page.locator(f"#align-matrix tr[data-row='{other}'] .mx-row-open").click()
    expect(page.locator(f"#mech-ev-{other}")).to_have_attribute("open", "")
    expect(page.locator(f"#mech-ev-{other} summary")).to_be_focused()
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "alignment_matrix_laptop", full_page=True)


def test_the_phone_scrolls_the_map_not_the_page(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base, viewport=PHONE, path="/#align", is_mobile=True, has_touch=True)
    run_alignment(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    wrap = page.locator(".mx-wrap")
    assert page.evaluate("(w) => w.scrollWidth > w.clientWidth", wrap.element_handle()), \
        "the map is wider than a phone: it scrolls inside its own box"
    sticky = page.locator("#align-matrix tbody tr").first.locator("th.mx-row")
    before = sticky.bounding_box()["x"]
    page.evaluate("(w) => { w.scrollLeft = w.scrollWidth; }", wrap.element_handle())
    page.wait_for_timeout(100)
    assert page.evaluate("(w) => w.scrollLeft", wrap.element_handle()) > 0
    assert abs(sticky.bounding_box()["x"] - before) < 1, "the mechanism column stays put"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    cell_box = page.locator("#align-matrix .mx-cell").first.bounding_box()
    assert 24 <= cell_box["width"] <= 36 and 24 <= cell_box["height"] <= 36, cell_box
    font = page.evaluate("""() => parseFloat(getComputedStyle(
        document.querySelector('#align-matrix .mx-row-text')).fontSize)""")
    assert font >= 11, "mechanism names stay readable"
    page.evaluate("(w) => { w.scrollLeft = 0; }", wrap.element_handle())
    page.locator(".align-matrix").scroll_into_view_if_needed()
    screenshot(page, "alignment_matrix_phone")
    page.locator("#align-matrix .mx-cell[data-verdict='strong'], #align-matrix .mx-cell[data-verdict='partial']").first.tap()
    expect(page.locator("details.mech-evidence[open]")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_khmer_labels(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base, viewport=LAPTOP, path="/#align")
    page.click("[data-set-lang='km']")
    report = run_alignment(page)
    expect(page.locator("#align-matrix-h")).to_have_text("តារាងម៉ាទ្រីស៖ យន្តការ × យុទ្ធសាស្ត្រគោលនយោបាយ")
    expect(page.locator("#align-gaps-h")).to_have_text("ចន្លោះខ្វះខាត")
    expect(page.locator("#align-evidence-h")).to_have_text("ភស្តុតាងតាមយន្តការ")
    expect(page.locator(".report-counts [data-count='mechanisms']")).to_have_text(
        f"យន្តការ {len(report['mechanisms'])}")
    expect(page.locator("#align-matrix .mx-corner")).to_have_text("យន្តការ")
    cells = page.evaluate(CELLS)
    assert {c["text"] for c in cells} <= set(ABBR["km"].values())
    assert any(c["text"] in ("ខ", "ផ") for c in cells)
    expect(page.locator(".mx-legend")).to_contain_text("ស្របខ្លាំង")
    screenshot(page, "alignment_matrix_km")
    page.click("[data-set-lang='en']")  # switching back re-labels the result in place
    expect(page.locator("#align-matrix-h")).to_have_text("Matrix: mechanisms × policy strategies")
    assert {c["text"] for c in page.evaluate(CELLS)} <= set(ABBR["en"].values())


WRITTEN = {
    "document": "plans/provincial_plan.docx", "title": "Provincial digital plan 2026",
    "date": "2026-03-01",
    "mechanisms": [
        {"label": "1", "text": "Train village digital volunteers", "gap": False, "alignments": [
            {"policy": "Provincial Digital Inclusion Policy 2025-2030",
             "strategy": "Strategy 3: Skills for every household", "score": 0.61, "verdict": "strong",
             "evidence": [{"doc_id": "policy/inclusion.pdf", "page": 14, "printed_page": "12",
                           "title": "Provincial Digital Inclusion Policy", "quote": "Train one volunteer",
                           "start": 0, "end": 19,
                           "row": {"number": 7, "action": "Train one volunteer per village",
                                   "responsible": ["Provincial office", "Commune councils"],
                                   "timeline": "2026-2027"}}]},
            {"policy": "National Skills Strategy – Phase II", "strategy": "Pillar 2: Lifelong learning",
             "score": 0.57, "verdict": "partial", "evidence": [],
             "note": "entered by hand; no indexed text backs it"}]},
        {"label": "2", "text": "Open a provincial space programme", "gap": True, "alignments": []},
    ],
    "unaddressed": [
        {"policy": "Provincial Digital Inclusion Policy 2025-2030", "strategy": "Strategy 1: Shared village networks"},
        {"policy": "Provincial Digital Inclusion Policy 2025-2030", "strategy": "Strategy 2: Affordable devices"},
    ],
}


def test_a_written_report_rows_context_gaps_and_printed_pages(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base, viewport=LAPTOP, path="/#align")
    page.evaluate("""async (report) => {
        const { renderReport } = await import('/static/alignment_report.js');
        renderReport(document.getElementById('align-result'), report, 'written');
    }""", WRITTEN)
    # columns: the policy's three strategies in order, then the context group
    expect(page.locator("#align-matrix th.mx-group")).to_have_text(["PDIP", "Context"])
    expect(page.locator("#align-matrix th.mx-group").nth(1)).to_have_class("mx-group mx-context-group")
    expect(page.locator("#align-matrix th.mx-col")).to_have_text(["S1", "S2", "S3", "NSS-II P2"])
    expect(page.locator("#align-matrix th.mx-col").nth(3)).to_have_attribute(
        "title", "National Skills Strategy – Phase II — Pillar 2: Lifelong learning")
    expect(page.locator("#align-matrix tr[data-row='0'] .mx-cell")).to_have_text(["·", "·", "S", "P"])
    expect(page.locator("#align-matrix tr[data-row='0'] .mx-cell.mx-context")).to_have_count(1)
    # the legend names every column in full, and the context swatch
    page.locator(".mx-columns-fold summary").click()
    expect(page.locator(".mx-columns dd")).to_have_count(4)
    expect(page.locator(".mx-columns")).to_contain_text("S2 Strategy 2: Affordable devices")
    expect(page.locator(".mx-legend")).to_contain_text("Context: entered by hand")
    # the gap: a mechanism with nothing, listed first, its button opens its (empty) evidence
    gap = page.locator(".gap-mechanisms button")
    expect(gap).to_have_text("2. Open a provincial space programme")
    gap.click()
    expect(page.locator("#mech-ev-1")).to_have_attribute("open", "")
    expect(page.locator("#mech-ev-1 .gap-badge")).to_be_visible()
    expect(page.locator(".report-counts [data-count='gaps']")).to_have_text("1 gap")
    expect(page.locator(".unaddressed-group li")).to_have_text(
        ["S1 Shared village networks", "S2 Affordable devices"])
    # the summary's best strategy is the evidence-backed one, never the hand-entered context
    expect(page.locator("table.alignment-table tr[data-mechanism='1'] .sum-strategy")).to_have_text(
        "Strategy 3: Skills for every household")
    expect(page.locator("table.alignment-table tr[data-mechanism='1'] .evidence-page")).to_have_text(
        "p. 12 (PDF p. 14)")
    # a table-row quote is shown as its columns
    page.locator("#align-matrix tr[data-row='0'] .mx-cell[data-verdict='strong']").click()
    row = page.locator("#mech-ev-0 .ev-alignment.current .row-quote")
    expect(row.locator(".row-part")).to_have_text([
        "Priority action 7: Train one volunteer per village",
        "Responsible: Provincial office, Commune councils", "Timeline: 2026-2027"])
    expect(page.locator("#mech-ev-0 .ev-context .align-note")).to_have_text(
        "entered by hand; no indexed text backs it")
    page.click("[data-set-lang='km']")
    expect(row.locator(".row-key").first).to_have_text("សកម្មភាពអាទិភាពទី 7៖")
    expect(page.locator("#align-matrix th.mx-group").nth(1)).to_have_text("បរិបទ")
    expect(page.locator("table.alignment-table tr[data-mechanism='1'] .evidence-page")).to_have_text(
        "ទំ. 12 (PDF ទំ. 14)")


def test_coverage_across_plans_in_the_same_heat_map(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base, viewport=LAPTOP, path="/#align")
    page.click("#coverage-pick summary")
    drafts = page.locator("#coverage-docs input:checked")
    assert drafts.count() >= 1, "plan drafts are ticked by default"
    page.check(f"#coverage-docs input[value='{PLAN}']")  # a meeting record may be added
    chosen = [i.get_attribute("value") for i in page.locator("#coverage-docs input:checked").all()]
    expect(page.locator("#coverage-picked")).to_have_text(f"({len(chosen)} chosen)")
    with page.expect_response("**/alignment/coverage*") as response_info:
        page.click("#coverage-run")
    response = response_info.value
    assert response.request.method == "GET" and response.status == 200
    assert sorted(response.request.url.split("doc_ids=")[1].replace("%2C", ",").replace("%2F", "/")
                  .split(",")) == sorted(chosen)
    view = response.json()
    expect(page.locator("#coverage-matrix")).to_be_visible()
    # rows are the plans, columns every strategy of the view; each cell the plan's verdict
    rows = page.locator("#coverage-matrix tbody tr")
    expect(rows).to_have_count(len(view["plans"]))
    assert [r.get_attribute("data-row") for r in rows.all()] == [p["doc_id"] for p in view["plans"]]
    expect(page.locator("#coverage-matrix th.mx-col")).to_have_count(len(view["strategies"]))
    cells = {(c["row"], c["col"]): c for c in page.evaluate(CELLS.replace("#align-matrix", "#coverage-matrix"))}
    reached = []
    for s in view["strategies"]:
        for c in s["plans"]:
            cell = cells[(c["doc_id"], s["strategy_id"])]
            assert cell["verdict"] == c["verdict"] and cell["text"] == ABBR["en"][c["verdict"]]
            assert cell["context"] == s["hand_entered"]
            if c["verdict"] != "none":
                reached.append((c, s))
    assert reached, "the sample plans reach some strategy"
    # the unaddressed strategies are listed before the map, then the overlaps after it
    listed = [li.get_attribute("data-strategy") for li in page.locator(".coverage-gaps li[data-strategy]").all()]
    assert sorted(listed) == sorted(view["unaddressed"])
    gaps_box = page.locator(".coverage-gaps").bounding_box()
    assert gaps_box["y"] + gaps_box["height"] <= page.locator("#coverage-matrix").bounding_box()["y"]
    expect(page.locator(".coverage-overlaps li")).to_have_count(len(view["overlaps"]))
    # a cell opens its plan, with the mechanism that reaches the strategy
    cell, strategy = reached[0]
    page.locator(f"#coverage-matrix .mx-cell[data-row='{cell['doc_id']}']"
                 f"[data-col='{strategy['strategy_id']}']").click()
    current = page.locator(".coverage-plan li.current")
    expect(current).to_have_attribute("data-strategy", strategy["strategy_id"])
    expect(current).to_contain_text(strategy["title"])
    if cell["mechanism"]:
        expect(current).to_contain_text(cell["mechanism"])
    screenshot(page, "coverage_laptop", full_page=True)


MEASURE = """() => {
  const y = (s) => Math.round(document.querySelector(s).getBoundingClientRect().top + scrollY);
  const top = y('#align-result');
  return { page_height: document.documentElement.scrollHeight,
           unaddressed_at: y('.unaddressed') - top,
           map_bottom: Math.round(document.querySelector('#align-matrix').getBoundingClientRect().bottom
                                  + scrollY) - top,
           page_scrolls_sideways: document.documentElement.scrollWidth > innerWidth };
}"""


def readme_screenshots(base: str, doc_id: str, out: str = "docs/screenshots") -> None:
    """The README's screenshots and the page measurements in docs/alignment.md, from a running
    server: ``.venv/bin/python -m tests.ui.test_alignment_matrix URL DOC_ID``."""
    from playwright.sync_api import sync_playwright

    from tests.ui.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name, viewport in (("alignment_matrix", LAPTOP), ("alignment_matrix_phone", PHONE)):
            phone = viewport is PHONE
            context = browser.new_context(viewport=viewport, is_mobile=phone,  # type: ignore[arg-type]
                                          has_touch=phone)
            page = context.new_page()
            page.goto(base + "/#align")
            page.wait_for_selector("body[data-ready='true']")
            page.select_option("#align-doc", doc_id)
            page.click("#align-run")
            page.wait_for_selector("#align-matrix", timeout=180_000)
            page.mouse.move(1, 1)
            print(name, page.evaluate(MEASURE))
            if phone:  # the map, scrolled to its top
                page.evaluate("() => window.scrollTo(0, document.querySelector('.align-matrix')"
                              ".getBoundingClientRect().top + scrollY - 8)")
                page.screenshot(path=f"{out}/{name}.png")
            else:  # the form down to the legend, the side panel beside it
                clip = page.evaluate("""() => {
                  const top = document.querySelector('#view-align .intro').getBoundingClientRect().top + scrollY;
                  const end = document.querySelector('.mx-legend').getBoundingClientRect().bottom + scrollY;
                  return { x: 0, y: top - 60, width: innerWidth, height: end - top + 76 };
                }""")
                page.screenshot(path=f"{out}/{name}.png", full_page=True, clip=clip)
            context.close()
        browser.close()


if __name__ == "__main__":
    import sys

    readme_screenshots(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "seed/000_b904b8ca18fecd34.txt")
