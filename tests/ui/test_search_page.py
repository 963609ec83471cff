"""The search page as a drafter uses it, in real headless Chromium over the sample corpus.

"+N more in this document" opens that document's further passages; a filter change re-runs
the search; an error clears stale results; on a phone the filters fold away.
Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.screenshots import screenshot

PHONE = {"width": 390, "height": 844}
QUERIES = ["cybersecurity capacity building", "digital skills", "ICT strategic plan mechanisms",
           "digital government", "data protection"]

pytestmark = pytest.mark.slow


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def api_search(base: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = httpx.post(f"{base}/search", json=body, timeout=60)
    response.raise_for_status()
    return response.json()["hits"]


def search_requests(page: Any) -> list[dict[str, Any]]:
    """The bodies of the page's POST /search requests, as they happen."""
    bodies: list[dict[str, Any]] = []
    page.on("request", lambda request: bodies.append(request.post_data_json)
            if request.method == "POST" and request.url.endswith("/search") else None)
    return bodies


def open_search(page: Any, query: str) -> Any:
    page.click("#tab-search")
    page.fill("#q", query)
    with page.expect_response("**/search"):
        page.press("#q", "Enter")
    expect(page.locator("#search-status")).not_to_contain_text("Searching")
    return page.locator("#search-results > li.hit")


def test_more_in_document_opens_and_folds_its_further_passages(ui_base: str,
                                                                new_page: Any) -> None:
    found = None
    for query in QUERIES:
        hits = api_search(ui_base, {"query": query, "k": 20, "per_doc": 3})
        more = [h for h in hits if h["more_in_document"]]
        if more:
            found = query, hits, more[0]
            break
    assert found, "no sample query has a document with further passages"
    query, hits, lead = found
    shown = {h["chunk_id"] for h in hits} | {t["chunk_id"] for h in hits for t in h["twins"]}
    further = [h for h in api_search(ui_base, {"query": query, "k": 50,
                                               "filters": {"doc_ids": [lead["doc_id"]]}})
               if h["chunk_id"] not in shown]
    assert further

    page = new_page(ui_base)
    open_search(page, query)
    item = page.locator(f"#search-results > li.hit[data-doc-id='{lead['doc_id']}']").first
    toggle = item.locator("button.more-toggle")
    expect(toggle).to_have_text(f"+{lead['more_in_document']} more in this document")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    requests = search_requests(page)
    with page.expect_response("**/search"):
        toggle.click()
    assert requests[-1]["query"] == query
    assert requests[-1]["filters"]["doc_ids"] == [lead["doc_id"]]
    assert requests[-1]["k"] > 20
    listed = item.locator(".more-list > li.more-hit")
    expect(listed).to_have_count(len(further))
    assert [int(x.get_attribute("data-page")) for x in listed.all()] == [h["page"] for h in further]
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_contain_text("Hide")
    screenshot(page, "search_more_in_document")

    # a further passage opens in the source pane like a hit, its text highlighted
    listed.first.locator("button.more-open").click()
    expect(page.locator("#source-body")).to_have_attribute("data-doc-id", lead["doc_id"])
    expect(page.locator("#source-mark")).to_have_text(further[0]["text"])

    # folding hides them; unfolding shows them again without asking the server again
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(listed.first).to_be_hidden()
    count = len(requests)
    toggle.click()
    expect(listed.first).to_be_visible()
    assert len(requests) == count


def test_changing_a_filter_reruns_the_search(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    requests = search_requests(page)
    page.click("#tab-search")

    # an empty query box: filters change, nothing is searched
    page.select_option("#f-lang", "km")
    page.wait_for_timeout(300)
    assert requests == []
    expect(page.locator("#search-results > li")).to_have_count(0)
    page.select_option("#f-lang", "")

    hits = open_search(page, "digital skills")
    assert {h.get_attribute("data-language") for h in hits.all()} >= {"en", "km"}

    # a select re-runs the search at once, with no click
    with page.expect_response("**/search"):
        page.select_option("#f-lang", "km")
    expect(page.locator("#search-status")).not_to_contain_text("Searching")
    assert requests[-1]["filters"] == {"languages": ["km"]}
    assert hits.count() >= 1
    assert {h.get_attribute("data-language") for h in hits.all()} == {"km"}
    expect(page.locator("#filters-active")).to_have_text("(1 set)")

    # a year re-runs once, after typing stops (not at "2", "20", "202")
    before = len(requests)
    with page.expect_response("**/search"):
        page.locator("#f-from").press_sequentially("2025", delay=60)
    page.wait_for_timeout(900)
    assert len(requests) == before + 1
    assert requests[-1]["filters"] == {"languages": ["km"], "date_from": "2025"}
    expect(page.locator("#search-status")).not_to_contain_text("Searching")
    assert all(h.get_attribute("data-date") >= "2025" for h in hits.all())

    # the same filters again do not search again
    page.select_option("#f-lang", "km")
    page.wait_for_timeout(300)
    assert len(requests) == before + 1

    # years in the wrong order: said at once, stale results cleared, nothing asked
    page.locator("#f-to").press_sequentially("2024", delay=60)
    expect(page.locator("#search-status [role='alert']")).to_contain_text("Year from")
    expect(hits).to_have_count(0)
    assert len(requests) == before + 1


def test_an_error_clears_stale_results_and_retry_recovers(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    hits = open_search(page, "cybersecurity")
    assert hits.count() >= 1

    page.route("**/search", lambda route: route.fulfill(
        status=500, json={"detail": "boom: the index is unavailable"}))
    page.fill("#q", "cybersecurity capacity building")
    page.press("#q", "Enter")
    alert = page.locator("#search-status [role='alert']")
    expect(alert).to_be_visible()
    expect(page.locator("#search-results > li")).to_have_count(0)
    expect(alert.locator("button.retry")).to_be_visible()
    screenshot(page, "search_error")

    # a network failure too; a filter change with the server back on also recovers
    page.unroute("**/search")
    page.route("**/search", lambda route: route.abort())
    with page.expect_request("**/search"):
        page.select_option("#f-lang", "en")
    expect(alert).to_be_visible()
    expect(page.locator("#search-results > li")).to_have_count(0)

    page.unroute("**/search")
    with page.expect_response("**/search"):
        alert.locator("button.retry").click()
    expect(hits.first).to_be_visible()
    expect(page.locator("#search-status [role='alert']")).to_have_count(0)
    assert {h.get_attribute("data-language") for h in hits.all()} == {"en"}


def test_filters_fold_away_on_a_phone_and_stay_open_on_desktop(ui_base: str,
                                                               new_page: Any) -> None:
    desktop = new_page(ui_base, path="/#search")
    expect(desktop.locator("#filters-fold")).to_have_attribute("open", "")
    expect(desktop.locator("#f-lang")).to_be_visible()
    expect(desktop.locator("#filters-fold > summary")).to_be_hidden()
    screenshot(desktop, "search_filters_desktop")

    phone = new_page(ui_base, viewport=PHONE, is_mobile=True, has_touch=True, path="/#search")
    summary = phone.locator("#filters-fold > summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Filters")
    expect(phone.locator("#f-lang")).to_be_hidden()
    screenshot(phone, "search_filters_phone_folded")
    summary.tap()
    expect(phone.locator("#f-lang")).to_be_visible()
    phone.select_option("#f-lang", "km")
    expect(phone.locator("#filters-active")).to_have_text("(1 set)")
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "search_filters_phone_open")
    # from the keyboard too: the summary is focusable and Enter folds it
    summary.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#f-lang")).to_be_hidden()
    expect(summary).to_contain_text("(1 set)")

    phone.keyboard.press("Enter")
    expect(phone.locator("#f-lang")).to_be_visible()

    # results and a document's further passages fit the phone's width
    phone.select_option("#f-lang", "")
    hits = open_search(phone, "cybersecurity capacity building")
    toggle = hits.locator("button.more-toggle").first
    with phone.expect_response("**/search"):
        toggle.tap()
    further = phone.locator(".more-list > li.more-hit")
    expect(further.first).to_be_visible()
    further.first.scroll_into_view_if_needed()
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "search_more_phone")
