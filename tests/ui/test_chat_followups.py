"""A conversation on the chat page in real headless Chromium (see conftest.py): the page sends
the previous turns, a follow-up is answered from the first document's timeline page with an
"Answering about" line, and "New conversation" starts clean.

Screenshot: test-output/screenshots/chat_follow_up.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.answers.followup_corpus import BROADBAND, BROADBAND_TIMELINE_PAGE, ingested_services
from tests.support.screenshots import screenshot
from tests.ui.test_chat_page import expect

FIRST = "What are the goals of the Rural Broadband Policy?"
FOLLOW_UP = "What about its timeline?"


@pytest.fixture(scope="module")
def followup_base(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[str]:
    from api.app import create_app
    from tests.support.servers import serve

    services = ingested_services(tmp_path_factory.mktemp("ui-followups"), embedder)
    app = create_app(services.settings, services)
    app.state.feedback_path = tmp_path_factory.mktemp("ui-followups-feedback") / "feedback.jsonl"
    with serve(app) as base:
        yield base


def send(page: Any, question: str, answers: int) -> None:
    page.fill("#question", question)
    page.press("#question", "Enter")
    expect(page.locator(".msg.answer .answer-actions")).to_have_count(answers, timeout=30_000)


@pytest.mark.slow
def test_a_follow_up_is_answered_about_the_conversation_until_a_new_one(
        followup_base: str, new_page: Any) -> None:
    page = new_page(followup_base)
    bodies: list[dict[str, Any]] = []
    page.on("request", lambda r: bodies.append(r.post_data_json) if r.url.endswith("/ask/stream") else None)

    send(page, FIRST, 1)
    assert bodies[0]["history"] == []
    first = page.locator(".msg.answer").nth(0)
    expect(first.locator(".answering-about")).to_have_count(0)

    send(page, FOLLOW_UP, 2)
    history = bodies[1]["history"]
    assert [turn["question"] for turn in history] == [FIRST]
    assert history[0]["answer"] and {c["doc_id"] for c in history[0]["citations"]} == {"broadband.pdf"}
    follow_up = page.locator(".msg.answer").nth(1)
    expect(follow_up.locator(".answering-about")).to_contain_text(f"Answering about: {BROADBAND}")
    # the follow-up's citations: the policy's timeline page
    cards = page.locator("#citation-list .cite-card")
    expect(cards.first).to_be_visible()
    pages = {(cards.nth(i).get_attribute("data-doc-id"), cards.nth(i).get_attribute("data-page"))
             for i in range(cards.count())}
    assert ("broadband.pdf", str(BROADBAND_TIMELINE_PAGE)) in pages
    assert {doc for doc, _ in pages} == {"broadband.pdf"}
    screenshot(page, "chat_follow_up")
    # in Khmer, the line is translated
    page.click("[data-set-lang='km']")
    expect(follow_up.locator(".answering-about")).to_contain_text("ចម្លើយនេះនិយាយអំពី៖")
    page.click("[data-set-lang='en']")

    # a new conversation forgets the subject: the same follow-up alone carries nothing
    page.click("#reset")
    expect(page.locator(".msg.answer")).to_have_count(0)
    send(page, FOLLOW_UP, 1)
    assert bodies[-1]["question"] == FOLLOW_UP and bodies[-1]["history"] == []
    expect(page.locator(".msg.answer .answering-about")).to_have_count(0)
