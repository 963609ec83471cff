"""The chat page's rough edges in real headless Chromium (see conftest.py): a wait that can be
stopped and that ends by itself, a question over the server's limit explained before it is
sent, and PDF bullet glyphs drawn as bullets instead of boxes.

Screenshots go to test-output/screenshots/chat_*.png.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.support.screenshots import screenshot

QUESTION = "Which policies cover cybersecurity capacity building?"
BOX_GLYPHS = re.compile(r"[\ue000-\uf8ff\u25aa]")  # Private Use Area glyphs draw as boxes

slow = pytest.mark.slow


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def sse(*events: dict[str, Any]) -> str:
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)


def hang(page: Any) -> list[Any]:
    """Route /ask/stream to a request that is never answered; the routes held."""
    held: list[Any] = []
    page.route("**/ask/stream", lambda route: held.append(route))
    return held


@slow
def test_stop_ends_a_hanging_wait_and_keeps_the_question(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    held = hang(page)
    page.fill("#question", QUESTION)
    page.press("#question", "Enter")
    answer = page.locator(".msg.answer").first
    expect(answer.locator(".status")).to_contain_text("Searching the documents")
    expect(page.locator("#ask-send")).to_be_disabled()
    assert len(held) == 1
    screenshot(page, "chat_waiting")
    answer.locator("button.stop").click()
    expect(answer.locator(".status")).to_have_count(0)
    expect(answer.locator(".stopped-note")).to_have_text("Stopped.")
    expect(answer).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#question")).to_have_value(QUESTION)
    expect(page.locator("#ask-send")).to_be_enabled()
    screenshot(page, "chat_stopped")
    # the page is free again: the kept question can be sent as it is
    page.press("#question", "Enter")
    expect(page.locator(".msg.answer")).to_have_count(2)
    expect(page.locator("#question")).to_have_value("")
    assert len(held) == 2 and held[1].request.post_data_json["question"] == QUESTION


@slow
def test_a_wait_without_events_times_out_with_retry(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    page.evaluate("() => { window.POLICYKB_ASK_TIMEOUT_MS = 1500; }")
    held = hang(page)
    page.fill("#question", QUESTION)
    page.press("#question", "Enter")
    alert = page.locator(".msg.answer .error[role='alert']")
    expect(alert).to_contain_text("The server did not answer in time", timeout=10_000)
    expect(page.locator(".msg.answer .status")).to_have_count(0)
    expect(page.locator("#question")).to_have_value(QUESTION)
    expect(page.locator("#ask-send")).to_be_enabled()
    assert len(held) == 1
    screenshot(page, "chat_timeout")
    # Retry sends it again (to the real server now) and the kept copy leaves the box
    page.unroute("**/ask/stream")
    page.evaluate("() => { window.POLICYKB_ASK_TIMEOUT_MS = 0; }")  # back to the default
    alert.locator("button.retry").click()
    expect(page.locator(".msg.answer .answer-actions")).to_be_visible()
    expect(page.locator(".msg.answer")).to_have_count(1)
    expect(page.locator(".msg.question")).to_have_count(1)
    expect(page.locator("#question")).to_have_value("")


@slow
def test_an_over_limit_question_is_explained_and_kept(ui_base: str, new_page: Any) -> None:
    limit = httpx.get(f"{ui_base}/openapi.json").json()[
        "components"]["schemas"]["AskRequestIn"]["properties"]["question"]["maxLength"]
    page = new_page(ui_base)
    sent: list[Any] = []
    page.on("request", lambda request: sent.append(request) if "/ask" in request.url else None)
    counter = page.locator("#question-limit")
    # near the limit: a counter, still sendable
    near = "a" * (limit - 5)
    page.fill("#question", near)
    expect(counter).to_have_text(f"{limit - 5} / {limit} characters")
    expect(page.locator("#ask-send")).to_be_enabled()
    # a long paste: kept whole (no maxlength cut), explained, send disabled, Enter refused
    pasted = ("The ministry shall strengthen cybersecurity capacity. " * 40)[: limit + 137]
    page.locator("#question").focus()
    page.evaluate("() => { document.getElementById('question').value = ''; }")
    page.keyboard.insert_text(pasted)
    expect(counter).to_have_text(
        f"Your question is {len(pasted.strip())} characters; the limit is {limit}. "
        "Shorten it to send.")
    expect(page.locator("#ask-send")).to_be_disabled()
    expect(page.locator("#question")).to_have_attribute("aria-invalid", "true")
    page.press("#question", "Enter")
    assert page.input_value("#question") == pasted
    assert not sent and page.locator(".msg.question").count() == 0
    screenshot(page, "chat_over_limit")
    # in Khmer too
    page.click("[data-set-lang='km']")
    expect(counter).to_contain_text(str(limit))
    expect(counter).to_contain_text("សំណួររបស់អ្នក")
    page.click("[data-set-lang='en']")
    # shortened under the limit: the message goes and the question can be sent
    page.fill("#question", "short question")
    expect(counter).to_be_hidden()
    expect(page.locator("#ask-send")).to_be_enabled()


@slow
def test_bullet_glyphs_render_as_list_items_not_boxes(ui_base: str, new_page: Any) -> None:
    page = new_page(ui_base)
    citation = {"id": 1, "doc_id": "no-such-doc", "title": "Skills plan", "page": 3,
                "start": 0, "end": 40, "quote": "Priorities:\n\uf0b7 digital skills\n\uf0a7 audits",
                "language": "en", "doc_type": "policy"}
    sentences = [
        {"text": "The plan lists: \uf0b7 training for staff \uf0b7 security audits", "citations": [1]},
        {"text": "- Train 500 civil servants\n▪ Publish an annual report", "citations": [1]},
    ]
    body = sse(
        {"type": "start", "language": "en", "mode": "extractive", "found": True},
        *({"type": "sentence", **s} for s in sentences),
        {"type": "done", "answer": {
            "answer": " ".join(s["text"] for s in sentences), "found": True, "language": "en",
            "mode": "extractive", "citations": [citation], "sentences": sentences,
            "closest_documents": []}},
    )
    page.route("**/ask/stream", lambda route: route.fulfill(
        status=200, content_type="text/event-stream", body=body))
    page.fill("#question", QUESTION)
    page.press("#question", "Enter")
    answer = page.locator(".msg.answer").first
    expect(answer.locator(".answer-actions")).to_be_visible()
    items = answer.locator(".bullet-item")
    expect(items).to_have_text(["training for staff", "security audits",
                                "Train 500 civil servants", "Publish an annual report"])
    assert items.first.evaluate("e => getComputedStyle(e).display") == "list-item"
    card = page.locator("#citation-list .cite-card mark.cited")
    expect(card.locator(".bullet-item")).to_have_text(["digital skills", "audits"])
    for text in (answer.inner_text(), page.locator("#citation-list").inner_text()):
        assert not BOX_GLYPHS.search(text), text
    screenshot(page, "chat_bullets")


@slow
def test_a_wrapped_closest_document_keeps_its_bullet_on_its_first_line(
        ui_base: str, new_page: Any) -> None:
    """Each closest document is a button; a native list marker sat beside the last line of a
    title that wrapped (seen in a screenshot of a declined "when" question)."""
    page = new_page(ui_base)
    page.set_viewport_size({"width": 640, "height": 900})
    long_title = "Cambodia Digital Economy and Society Policy Framework 2021-2035 " * 2
    body = sse(
        {"type": "start", "language": "en", "mode": "extractive", "found": False},
        {"type": "done", "answer": {
            "answer": "The indexed documents do not answer this question.", "found": False,
            "language": "en", "mode": "extractive", "citations": [], "sentences": [],
            "closest_documents": [{"doc_id": "policy/a.pdf", "title": long_title, "page": 99},
                                  {"doc_id": "policy/b.pdf", "title": "Short", "page": 2}]}},
    )
    page.route("**/ask/stream", lambda route: route.fulfill(
        status=200, content_type="text/event-stream", body=body))
    page.fill("#question", QUESTION)
    page.press("#question", "Enter")
    entries = page.locator(".msg.answer .closest-docs li")
    expect(entries).to_have_count(2)
    first = entries.first
    button = first.locator("button")
    line = float(button.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert button.bounding_box()["height"] > 1.5 * line  # the title wraps
    assert first.evaluate("e => getComputedStyle(e).listStyleType") == "none"
    assert first.evaluate("e => getComputedStyle(e, '::before').content") == '"\u2022"'
    # the bullet is a flex item at the top: beside the first line, not the last
    assert first.evaluate("e => getComputedStyle(e).alignItems") == "flex-start"
    screenshot(page, "chat_closest_documents_wrapped")
