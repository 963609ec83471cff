"""The web page end to end: real app, real index, real headless Chromium (see conftest.py).

Screenshots of the main views go to test-output/screenshots/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.paths import REPO
from tests.support.screenshots import screenshot

QUESTION_EN = "Which policies cover cybersecurity capacity building?"
QUESTION_KM = "ការកសាងសមត្ថភាពសន្តិសុខសាយប័រ"
KHMER = re.compile(r"[\u1780-\u17ff]")
PHONE = {"width": 390, "height": 844}

slow = pytest.mark.slow


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def api_post(base: str, path: str, body: dict[str, Any]) -> httpx.Response:
    response = httpx.post(f"{base}{path}", json=body, timeout=60)
    response.raise_for_status()
    return response


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, wait until the whole answer is in; the answer bubble."""
    before = page.locator(".msg.answer").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    answer = page.locator(".msg.answer").nth(before)
    expect(answer.locator(".answer-actions")).to_be_visible()
    return answer


def rendered_fonts(page: Any, selector: str) -> dict[str, int]:
    """The platform fonts Chromium used to draw the text of `selector` (family -> glyphs)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def mark_visible_in_page_box(page: Any) -> bool:
    return page.evaluate("""() => {
        const mark = document.getElementById('source-mark').getBoundingClientRect();
        const box = document.querySelector('#source-body .page-text').getBoundingClientRect();
        return mark.height > 0 && mark.top >= box.top - 1 && mark.top < box.bottom
            && mark.top < window.innerHeight && mark.bottom > 0;
    }""")


# -- not slow: the page is served, the API keeps its paths, the code never renders HTML -------


def test_page_and_static_files_are_served_without_shadowing_the_api(services: Any,
                                                                   live_server: Any) -> None:
    from api.app import create_app

    with live_server(create_app(services.settings, services)) as base:
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert '<script type="module" src="/static/app.js">' in page.text
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        for asset in ("app.js", "i18n.js", "chat.js", "styles.css"):
            response = httpx.get(f"{base}/static/{asset}")
            assert response.status_code == 200, asset
        assert "javascript" in httpx.get(f"{base}/static/app.js").headers["content-type"]
        assert httpx.get(f"{base}/static/../app.py").status_code == 404
        assert httpx.get(f"{base}/static/nope.js").status_code == 404
        # the JSON API is unchanged and not hidden by the page's routes
        assert httpx.get(f"{base}/health").json()["status"] == "ok"
        assert httpx.get(f"{base}/documents").headers["content-type"] == "application/json"
        paths = httpx.get(f"{base}/openapi.json").json()["paths"]
        assert "/feedback" in paths and "/" not in paths


def test_page_code_never_renders_data_as_html() -> None:
    """No innerHTML & co. anywhere in the page's scripts: data only ever becomes text nodes."""
    static = REPO / "api" / "static"
    sources = {path.name: path.read_text(encoding="utf-8") for path in static.glob("*.js")}
    assert {"app.js", "i18n.js", "chat.js", "search.js", "alignment.js", "source.js"} <= set(sources)
    forbidden = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|"
                           r"new Function|createContextualFragment|srcdoc")
    offenders = {name: forbidden.findall(text) for name, text in sources.items()
                 if forbidden.search(text)}
    assert not offenders, offenders
    html = (static / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html  # no inline script (the CSP would refuse it anyway)
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html)  # no inline event handlers


# -- in the browser -----------------------------------------------------------------------------


@slow
def test_ask_streams_an_answer_with_citation_chips(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    expect(page.locator("#conversation")).to_have_attribute("aria-live", "polite")
    # hold the request to see the loading state, then let it through
    held: list[Any] = []
    page.route("**/ask/stream", lambda route: held.append(route))
    page.fill("#question", QUESTION_EN)
    page.press("#question", "Enter")
    answer = page.locator(".msg.answer").first
    expect(page.locator(".msg.question .q-text")).to_have_text(QUESTION_EN)
    expect(answer.locator(".status")).to_contain_text("Searching the documents")
    expect(answer).to_have_attribute("aria-busy", "true")
    expect(page.locator("#ask-send")).to_be_disabled()
    assert len(held) == 1 and held[0].request.method == "POST"
    assert held[0].request.post_data_json == {"question": QUESTION_EN, "mode": "extractive", "history": []}
    with page.expect_response("**/ask/stream") as response_info:
        held[0].continue_()
    assert response_info.value.headers["content-type"].startswith("text/event-stream")
    expect(answer.locator(".answer-actions")).to_be_visible()
    expect(answer).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#ask-send")).to_be_enabled()
    expect(page.locator("#question")).to_have_value("")

    expected = api_post(ui_base, "/ask", {"question": QUESTION_EN}).json()
    assert expected["found"] and len(expected["sentences"]) >= 2
    assert answer.locator(".sentence").all_inner_texts() == [s["text"] for s in expected["sentences"]]
    chips = answer.locator(".chip")
    assert chips.all_inner_texts() == [f"[{n}]" for s in expected["sentences"] for n in s["citations"]]
    first = expected["citations"][0]
    assert chips.first.get_attribute("aria-label") == f"Source 1: {first['title']}, page {first['page']}"
    # the side panel lists every cited passage with its quote highlighted inside its passage
    cards = page.locator("#citation-list .cite-card")
    expect(cards).to_have_count(len(expected["citations"]))
    for card, citation in zip(cards.all(), expected["citations"], strict=True):
        expect(card.locator(".cite-open")).to_have_text(citation["title"])
        expect(card.locator(".cite-meta")).to_contain_text("Policy")
        expect(card.locator(".cite-meta")).to_contain_text("2024-03-15")
        expect(card.locator(".cite-meta")).to_contain_text(f"page {citation['page']}")
        expect(card.locator("mark.cited")).to_have_text(citation["quote"])
    expect(cards.first.locator(".cite-passage")).to_contain_text("…")  # context around it
    screenshot(page, "ask_answer")


@slow
def test_a_citation_opens_its_source_with_the_span_highlighted(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    answer = ask(page, QUESTION_EN)
    citations = api_post(ui_base, "/ask", {"question": QUESTION_EN}).json()["citations"]
    second = citations[1]
    # keyboard: focus the chip, Enter opens the source
    answer.locator(".chip").nth(1).focus()
    page.keyboard.press("Enter")
    source = page.locator("#source-body")
    expect(page.locator("#source-mark")).to_have_text(second["quote"])
    expect(source).to_have_attribute("data-doc-id", second["doc_id"])
    expect(source.locator(".source-title")).to_have_text(second["title"])
    page_text = httpx.get(f"{ui_base}/documents/{second['doc_id']}/pages/{second['page']}").json()["text"]
    expect(source.locator(".page-text")).to_have_text(page_text)  # the whole page, as text
    assert page_text.index(second["quote"]) > 1000  # far down the page: it had to scroll
    expect(page.locator("#source-mark")).to_be_in_viewport()
    assert mark_visible_in_page_box(page)
    expect(page.locator("#citation-list .cite-card.current")).to_have_attribute("data-cite", "2")
    expect(page.locator("#source-heading")).to_be_focused()
    screenshot(page, "ask_source")
    # Escape closes it and gives focus back to the chip
    page.keyboard.press("Escape")
    expect(page.locator("#source-mark")).to_have_count(0)
    expect(answer.locator(".chip").nth(1)).to_be_focused()
    # a passage in the side panel opens its source too
    page.locator("#citation-list .cite-card").first.locator(".cite-passage").click()
    expect(page.locator("#source-mark")).to_have_text(citations[0]["quote"])
    # non-PDF originals are offered for download, never rendered on the page's origin
    link = source.locator("a.source-file-link")
    expect(link).to_have_attribute("download", "")
    assert link.get_attribute("href") == f"/documents/{citations[0]['doc_id']}/file"
    expect(source.locator("iframe")).to_have_count(0)


@slow
def test_loading_errors_and_retry(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    # 1. a non-2xx answer: its detail, readably, and a retry button
    page.route("**/ask/stream", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"error": "IndexUnavailableError", "detail": "the index is being rebuilt"}'))
    page.fill("#question", QUESTION_EN)
    page.press("#question", "Enter")
    alert = page.locator(".msg.answer .error[role='alert']")
    expect(alert).to_contain_text("503")
    expect(alert).to_contain_text("the index is being rebuilt")
    expect(page.locator("#ask-send")).to_be_enabled()
    # 2. an `error` event in the middle of the stream
    page.unroute("**/ask/stream")
    page.route("**/ask/stream", lambda route: route.fulfill(
        status=200, content_type="text/event-stream",
        body='event: start\r\ndata: {"type": "start", "language": "en", "found": true}\r\n\r\n'
             'event: error\r\ndata: {"type": "error", "detail": "RuntimeError: index gone"}\r\n\r\n'))
    alert.locator("button.retry").click()
    expect(alert).to_contain_text("RuntimeError: index gone")
    # 3. the server cannot be reached
    page.unroute("**/ask/stream")
    page.route("**/ask/stream", lambda route: route.abort("connectionrefused"))
    alert.locator("button.retry").click()
    expect(alert).to_contain_text("could not be reached")
    # 4. the real server again: retry replaces the failed answer with the real one
    page.unroute("**/ask/stream")
    alert.locator("button.retry").click()
    expect(page.locator(".msg.answer .answer-actions")).to_be_visible()
    expect(page.locator(".msg.answer")).to_have_count(1)
    expect(page.locator(".msg.question")).to_have_count(1)
    expect(alert).to_have_count(0)
    assert page.locator(".msg.answer .chip").count() >= 2


@slow
def test_khmer_interface_and_a_khmer_question(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    expect(page.locator("#tab-ask")).to_have_text("Ask")
    page.click("[data-set-lang='km']")
    expect(page.locator("#tab-ask")).to_have_text("សួរសំណួរ")
    expect(page.locator("#tab-search")).to_have_text("ស្វែងរក")
    expect(page.locator("label[for='question']")).to_have_text("សំណួររបស់អ្នក")
    expect(page.locator("html")).to_have_attribute("lang", "km")
    expect(page.locator("[data-set-lang='km']")).to_have_attribute("aria-pressed", "true")
    # the choice persists
    assert page.evaluate("() => localStorage.getItem('policykb.uiLanguage')") == "km"
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    expect(page.locator("#tab-ask")).to_have_text("សួរសំណួរ")
    assert KHMER.search(page.locator("#question").get_attribute("placeholder"))
    # a Khmer font stack, and the Khmer OS font really present (else glyphs fall back/box)
    family = page.evaluate("() => getComputedStyle(document.querySelector('#tab-ask')).fontFamily")
    assert family.startswith('"Khmer OS", "Khmer OS System", "Noto Sans Khmer"'), family
    fonts = rendered_fonts(page, "#tab-ask")  # what Chromium really drew the glyphs with
    assert fonts.get("Khmer OS", 0) >= 5, fonts

    answer = ask(page, QUESTION_KM)
    expected = api_post(ui_base, "/ask", {"question": QUESTION_KM}).json()
    assert expected["found"] and expected["language"] == "km"
    expect(answer).to_have_attribute("lang", "km")
    assert answer.locator(".sentence").all_inner_texts() == [s["text"] for s in expected["sentences"]]
    assert answer.locator(".chip").count() >= 2
    fonts = rendered_fonts(page, ".msg.answer .sentence")
    assert fonts.get("Khmer OS", 0) > 10, fonts  # Khmer glyphs from Khmer OS, not boxes
    expect(answer.locator("button.copy")).to_have_text("ចម្លងចម្លើយ និងឯកសារយោង")
    titles = page.locator("#citation-list .cite-open").all_inner_texts()
    assert titles and all(KHMER.search(title) for title in titles)
    page.locator("#citation-list .cite-open").first.click()
    expect(page.locator("#source-mark")).to_have_text(expected["citations"][0]["quote"])
    expect(page.locator("#source-body .meta-type")).to_have_text("គោលនយោបាយ")
    # a note when the evidence is in the other language
    note_question = "ការប្រជុំក្រសួងមហាផ្ទៃ ផែនការយុទ្ធសាស្ត្រ ICT"
    note = api_post(ui_base, "/ask", {"question": note_question}).json()["note"]
    assert note and KHMER.search(note)
    noted = ask(page, note_question)
    expect(noted.locator(".note")).to_have_text(f"កំណត់សម្គាល់៖ {note}")
    noted.locator(".chip").first.click()
    expect(page.locator("#source-body .meta-type")).to_have_text("កំណត់ហេតុប្រជុំ")
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "ask_khmer")
    # back to English: labels already on the page switch too
    page.click("[data-set-lang='en']")
    expect(answer.locator("button.copy")).to_have_text("Copy with citations")
    expect(page.locator("#source-body .meta-type")).to_have_text("Meeting record")
    expect(page.locator("html")).to_have_attribute("lang", "en")


@slow
def test_search_with_filters(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    # tabs work from the keyboard (arrow keys), with a visible focus ring
    page.locator("#tab-ask").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-search")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tab-search")).to_be_focused()
    expect(page.locator("#view-search")).to_be_visible()
    expect(page.locator("#view-ask")).to_be_hidden()
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"

    def run(query: str, language: str = "", doc_type: str = "", year_from: str = "") -> Any:
        page.fill("#q", query)
        page.select_option("#f-lang", language)
        page.select_option("#f-type", doc_type)
        page.fill("#f-from", year_from)
        with page.expect_response("**/search"):
            page.press("#q", "Enter")
        expect(page.locator("#search-status")).not_to_contain_text("Searching")
        return page.locator("#search-results > li.hit")

    def unfiltered(query: str) -> list[dict[str, Any]]:
        return api_post(ui_base, "/search", {"query": query, "k": 20, "per_doc": 3}).json()["hits"]

    # language = Khmer (without the filter, English passages come first)
    assert {h["language"] for h in unfiltered("digital skills")} >= {"en", "km"}
    hits = run("digital skills", language="km")
    assert hits.count() >= 2
    for hit in hits.all():
        assert hit.get_attribute("data-language") == "km"
        expect(hit.locator(".meta-lang")).to_have_text("Khmer")
    assert page.locator("#search-results mark.hl").count() >= 1  # highlighted snippet terms
    expect(page.locator("#search-status")).to_contain_text(f"{hits.count()} passages")
    screenshot(page, "search_khmer_filter")

    # document type = meeting record
    assert {h["doc_type"] for h in unfiltered("ICT strategic plan mechanisms")} - {"meeting_record"}
    hits = run("ICT strategic plan mechanisms", doc_type="meeting_record")
    assert hits.count() >= 1
    for hit in hits.all():
        assert hit.get_attribute("data-doc-type") == "meeting_record"
        expect(hit.locator(".meta-type")).to_have_text("Meeting record")

    # year from 2025
    assert any((h["date"] or "") < "2025" for h in unfiltered("cybersecurity"))
    hits = run("cybersecurity", year_from="2025")
    assert hits.count() >= 1
    assert all(hit.get_attribute("data-date") >= "2025" for hit in hits.all())

    # a result opens its passage, highlighted; "the same item in the other language" opens too
    hits = run("cybersecurity capacity building")
    ranked = api_post(ui_base, "/search", {"query": "cybersecurity capacity building", "k": 20,
                                            "per_doc": 3}).json()["hits"]
    expected = shown_once(ranked)
    assert [h.get_attribute("data-doc-id") for h in hits.all()] == [h["doc_id"] for h in expected]
    hits.first.locator("button.show-passage").click()
    expect(page.locator("#source-mark")).to_have_text(expected[0]["text"])
    expect(page.locator("#source-mark")).to_be_in_viewport()
    screenshot(page, "search")
    with_twins = next(i for i, h in enumerate(expected) if h["twins"])
    twin = expected[with_twins]["twins"][0]
    assert twin["language"] != expected[with_twins]["language"]
    hits.nth(with_twins).locator("button.twin").first.click()
    expect(page.locator("#source-body")).to_have_attribute("data-doc-id", twin["doc_id"])
    expect(page.locator("#source-mark")).to_contain_text(twin["snippet"].rstrip("…")[:40])

    # year order is checked before asking the server
    page.fill("#f-from", "2026")
    page.fill("#f-to", "2024")
    page.press("#q", "Enter")
    expect(page.locator("#search-status [role='alert']")).to_contain_text("Year from")


@slow
def test_alignment_table_with_verdicts_evidence_and_downloads(ui_base: str, new_page: Any,
                                                             tmp_path: Path) -> None:
    doc_id = "moi_ict_plan_meeting_en.html"
    page = new_page(ui_base, path="/#align")
    expect(page.locator("#view-align")).to_be_visible()
    page.select_option("#align-doc", doc_id)
    with page.expect_response("**/alignment/stream") as response_info:
        page.click("#align-run")
    assert response_info.value.request.post_data_json == {"doc_id": doc_id, "format": "json"}
    events = [json.loads(line) for line in response_info.value.text().splitlines() if line]
    report = events[-1]["report"]
    assert len(report["mechanisms"]) == 6, "the sample meeting record lists six mechanisms"
    table = page.locator("table.alignment-table")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_contain_text("Ministry of Interior Meeting Reviews")
    expect(table.locator("tr.mech-first")).to_have_count(len(report["mechanisms"]))
    # the summary table: one row per mechanism, its best evidence-backed strategy's verdict
    bests = [next((a for a in m["alignments"] if not a.get("note")), None) for m in report["mechanisms"]]
    expected_rows = [(m["label"], a["verdict"] if a else "none")
                     for m, a in zip(report["mechanisms"], bests, strict=True)]
    assert [(r.get_attribute("data-mechanism"), r.get_attribute("data-verdict"))
            for r in table.locator("tbody tr").all()] == expected_rows
    words = {"strong": "Strong", "partial": "Partial", "none": "None"}
    for badge in table.locator(".verdict").all():  # colour and text, not colour alone
        assert badge.inner_text().strip().endswith(words[badge.get_attribute("data-verdict")])
    first = report["mechanisms"][0]
    expect(table.locator("tbody th").first).to_contain_text(f"{first['label']}. {first['text']}")
    expect(table.locator(".gap-badge")).to_have_count(sum(m["gap"] for m in report["mechanisms"]))
    evidence = [e for m in report["mechanisms"] for a in m["alignments"] for e in a["evidence"]]
    quotes = page.locator(".align-evidence button.evidence-open")  # folded per mechanism
    expect(quotes).to_have_count(len(evidence))
    assert evidence, "the sample plan's mechanisms have supporting quotes"
    page.evaluate("() => document.querySelectorAll('details.mech-evidence').forEach((d) => { d.open = true; })")
    quotes.first.click()  # a quote opens its source, highlighted
    expect(page.locator("#source-body")).to_have_attribute("data-doc-id", evidence[0]["doc_id"])
    expect(page.locator("#source-mark")).to_have_text(evidence[0]["quote"])
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "alignment")
    # downloads: the report already shown, by its id, as the API writes it
    for fmt, media in (("md", "text/markdown"), ("csv", "text/csv")):
        with page.expect_response(f"**/alignment/results/*?format={fmt}") as response_info, \
                page.expect_download() as download_info:
            page.click(f"#download-{fmt}")
        assert response_info.value.request.method == "GET"
        assert response_info.value.headers["content-type"].startswith(media)
        download = download_info.value
        assert download.suggested_filename == f"alignment-moi_ict_plan_meeting_en.{fmt}"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        content = saved.read_text(encoding="utf-8")
        assert all(m["text"] in content for m in report["mechanisms"])
        if fmt == "csv":
            assert content.startswith("\ufeffmechanism,")  # the BOM Excel needs
    # pasted text
    page.check("#align-mode-text")
    expect(page.locator("#align-doc-field")).to_be_hidden()
    page.fill("#align-text", "The plan has three mechanisms: 1- Train civil servants in "
              "cybersecurity every year. 2- Build a shared government data centre. "
              "3- Protect the personal data of citizens.")
    page.click("#align-run")
    expect(page.locator("table.alignment-table caption")).to_contain_text("the pasted text")
    expect(page.locator("table.alignment-table tr.mech-first")).to_have_count(3)


@slow
def test_document_markup_is_shown_as_text_and_never_runs(hostile_base: str, new_page: Any) -> None:
    # bypass_csp: the page's Content-Security-Policy would stop inline scripts anyway; without
    # it this test checks the rendering itself (text nodes only) and not just the safety net.
    page = new_page(hostile_base, bypass_csp=True)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    script = "<script>window.__xss=1</script>"
    img = '<img src=x onerror="window.__xss=2">'

    page.click("#tab-search")
    page.fill("#q", "e-procurement platform")
    page.press("#q", "Enter")
    titles = page.locator("#search-results .hit-title")
    expect(titles.filter(has_text=f"Budget note {script} {img}")).to_have_count(1)
    expect(titles.filter(has_text=f"Minutes {img} e-procurement")).to_have_count(1)
    minutes = page.locator("#search-results li.hit[data-doc-id='hostile_minutes.txt']")
    expect(minutes.locator(".snippet")).to_contain_text(script)
    minutes.locator("button.show-passage").click()
    expect(page.locator("#source-body .page-text")).to_contain_text(f"pasted {script} into")
    expect(page.locator("#source-body .page-text")).to_contain_text(f"showed {img} instead")

    page.click("#tab-ask")
    answer = ask(page, "What must be fixed before the e-procurement platform launch?")
    # shown as text wherever it appears (the quote, and the lead naming the document's title)
    expect(answer.locator(".sentence").filter(has_text=img).first).to_be_visible()
    expect(page.locator("#citation-list .cite-open").filter(has_text=img).first).to_be_visible()
    answer.locator(".chip").first.click()
    expect(page.locator("#source-mark")).to_be_visible()
    page.fill("#question", f"{script} {img}")  # the user's own input is text too
    page.press("#question", "Enter")
    expect(page.locator(".msg.question .q-text").last).to_have_text(f"{script} {img}")
    expect(page.locator(".msg.answer").nth(1).locator(".answer-actions")).to_be_visible()
    screenshot(page, "xss_literal")

    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1  # the page's own module only


@slow
def test_a_pdf_citation_opens_the_viewer_at_its_page(hostile_base: str, new_page: Any) -> None:
    page = new_page(hostile_base, path="/#search")
    page.fill("#q", "progress reports to the national committee every six months")
    page.press("#q", "Enter")
    hit = page.locator("#search-results li.hit[data-doc-id='skills_framework.pdf']").first
    expect(hit).to_be_visible()
    page_no = hit.get_attribute("data-page")
    assert page_no == "3"
    hit.locator("button.show-passage").click()
    url = f"/documents/skills_framework.pdf/file#page={page_no}"
    expect(page.locator("#source-body iframe.pdf-frame")).to_have_attribute("src", url)
    link = page.locator("#source-body a.source-pdf-link")
    expect(link).to_have_attribute("href", url)
    expect(link).to_have_attribute("target", "_blank")
    expect(page.locator("#source-mark")).to_contain_text("six months")
    response = httpx.get(f"{hostile_base}/documents/skills_framework.pdf/file")
    assert response.headers["content-type"] == "application/pdf"


@slow
def test_phone_viewport(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base, viewport=PHONE, is_mobile=True, has_touch=True)
    assert no_horizontal_scroll(page)
    answer = ask(page, QUESTION_EN)
    assert no_horizontal_scroll(page)
    main_box = page.locator("main.views").bounding_box()
    side_box = page.locator("aside.side").bounding_box()
    assert side_box["y"] >= main_box["y"] + main_box["height"] - 1  # the side panel is below
    assert side_box["width"] <= PHONE["width"] and main_box["width"] <= PHONE["width"]
    answer.locator(".chip").nth(1).tap()
    expect(page.locator("#source-mark")).to_be_in_viewport()
    assert no_horizontal_scroll(page)
    screenshot(page, "phone_source")
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "phone_ask")
    page.click("#tab-search")
    page.fill("#q", "digital skills")
    page.press("#q", "Enter")
    expect(page.locator("#search-results li.hit").first).to_be_visible()
    assert no_horizontal_scroll(page)
    page.click("[data-set-lang='km']")  # Khmer labels are longer: still no sideways scrolling
    expect(page.locator("#tab-align")).to_have_text("ការតម្រឹមគោលនយោបាយ")
    assert no_horizontal_scroll(page)
    page.click("[data-set-lang='en']")
    page.click("#tab-align")
    page.select_option("#align-doc", "moi_ict_plan_meeting_en.html")
    page.click("#align-run")
    expect(page.locator("table.alignment-table")).to_be_visible()
    assert no_horizontal_scroll(page)
    screenshot(page, "phone_alignment", full_page=True)


@slow
def test_feedback_copy_and_reset(ui_base: str, ui_app: Any, new_page: Any) -> None:
    page = new_page(ui_base, permissions=["clipboard-read", "clipboard-write"])
    answer = ask(page, QUESTION_EN)
    expected = api_post(ui_base, "/ask", {"question": QUESTION_EN}).json()
    # copy the answer followed by its numbered references
    answer.locator("button.copy").click()
    expect(answer.locator(".copy-status")).to_have_text("Copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    text, refs = copied.split("\n\n")
    assert text == expected["answer"]
    first = expected["citations"][0]
    assert refs.splitlines()[0].startswith(f"[1] {first['title']}, p. {first['page']} — ")
    assert len(refs.splitlines()) == len(expected["citations"])

    # thumbs down is stored for evaluation, then a comment on the same answer
    before = httpx.get(f"{ui_base}/feedback").json()["total"]
    down = answer.locator("button.thumb-down")
    expect(down).to_have_attribute("aria-label", "Not helpful")
    down.click()
    expect(answer.locator(".feedback-status.ok")).to_be_visible()
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(answer.locator("button.thumb-up")).to_have_attribute("aria-pressed", "false")
    listing = httpx.get(f"{ui_base}/feedback").json()
    assert listing["total"] == before + 1
    item = listing["items"][0]
    assert item["question"] == QUESTION_EN and item["rating"] == "down"
    assert item["answer"] == expected["answer"] and item["mode"] == "extractive"
    assert [c["doc_id"] for c in item["citations"]] == [c["doc_id"] for c in expected["citations"]]
    assert item["ui_language"] == "en" and item["comment"] is None
    answer.locator("textarea.comment").fill("The first sentence is about data protection, not capacity.")
    answer.locator(".comment-form button[type='submit']").click()
    expect(answer.locator(".feedback-status")).to_have_text("Comment saved.")
    listing = httpx.get(f"{ui_base}/feedback").json()
    assert listing["total"] == before + 1  # the same answer: updated, not a second row
    assert listing["items"][0]["id"] == item["id"]
    assert listing["items"][0]["comment"].startswith("The first sentence")
    assert ui_app.state.feedback_path.read_text(encoding="utf-8").count("\n") >= 2

    # no answer: the "not found" text and the closest documents, which open
    off_topic = "What is the price of rice in Battambang market?"
    nothing = api_post(ui_base, "/ask", {"question": off_topic}).json()
    assert not nothing["found"] and nothing["closest_documents"]
    missing = ask(page, off_topic)
    expect(missing).to_have_class(re.compile(r"\bnot-found\b"))
    expect(missing.locator(".sentences")).to_have_text(nothing["answer"])
    expect(missing.locator(".chip")).to_have_count(0)
    closest = missing.locator(".closest-docs button")
    expect(closest).to_have_count(len(nothing["closest_documents"]))
    closest.first.click()
    expect(page.locator("#source-body")).to_have_attribute(
        "data-doc-id", nothing["closest_documents"][0]["doc_id"])

    # new conversation clears the log and the side panel
    page.click("#reset")
    expect(page.locator(".msg")).to_have_count(0)
    expect(page.locator("#citation-list .cite-card")).to_have_count(0)
    expect(page.locator("#conversation-empty")).to_be_visible()
    expect(page.locator("#question")).to_be_focused()


def shown_once(hits: list[dict]) -> list[dict]:
    """What the page lists: a translation that follows the hit it translates in ``hits`` is
    shown once, as that hit's twin, not again as a result of its own."""
    twin_ids: set[str] = set()
    shown = []
    for hit in hits:
        if hit["chunk_id"] in twin_ids:
            continue
        twin_ids |= {twin["chunk_id"] for twin in hit["twins"]}
        shown.append(hit)
    return shown
