"""Signing in to the web page with an API key, in real headless Chromium against servers that
need a key to read (POLICYKB_READ_ACCESS=keys): the sample corpus, and a PDF for the viewer.

Each server has its own key store in a temporary folder, so the shared sample index (used in
`auto` mode by the other browser tests) never gains a key.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.keys import KeyStore, Role
from tests.support.paths import REPO
from tests.support.screenshots import screenshot
from tests.support.servers import serve

QUESTION_EN = "Which policies cover cybersecurity capacity building?"
QUERY_KM = "ការកសាងសមត្ថភាពសន្តិសុខសាយប័រ"

pytestmark = pytest.mark.slow


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def keyed_services(source: Any, key_dir: Path) -> Any:
    """``source``'s loaded components, but with read_access='keys' and a key store of its own."""
    from policykb.services import Services

    # the loaded index is shared with the other browser tests; only access differs
    return Services(source.settings.model_copy(update={"read_access": "keys"}),
                    model=source.model, catalog=source.catalog, store=source.store,
                    sparse=source.sparse, glossary=source.glossary,
                    keys=KeyStore(key_dir / "keys.sqlite3"))


@pytest.fixture(scope="module")
def keyed(sample_services: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from api.app import create_app

    services = keyed_services(sample_services, tmp_path_factory.mktemp("ui-keys"))
    app = create_app(services.settings, services)
    app.state.feedback_path = tmp_path_factory.mktemp("signin-feedback") / "feedback.jsonl"
    with serve(app) as base:
        yield base, services


@pytest.fixture(scope="module")
def keyed_pdf(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    from api.app import create_app
    from core.settings import Settings
    from policykb.services import Services

    root = tmp_path_factory.mktemp("keyed-pdf")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "pdf" / "english.pdf", docs / "skills_framework.pdf")
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, read_access="keys",
                                 _env_file=None), model=embedder)
    assert not services.ingestor.ingest([docs]).failed
    with serve(create_app(services.settings, services)) as base:
        yield base, services


def sign_in(page: Any, key: str) -> None:
    page.fill("#signin-key", key)
    page.click("#signin-submit")


def stored_key(page: Any) -> Any:
    return page.evaluate("() => sessionStorage.getItem('policykb.apiKey')")


def test_the_page_asks_for_a_key_rejects_a_wrong_one_and_searches_with_a_good_one(
        keyed: Any, new_page: Any, tmp_path: Path) -> None:
    base, services = keyed
    # the page and its scripts need no key; the data does
    assert httpx.get(f"{base}/").status_code == 200
    assert httpx.get(f"{base}/static/signin.js").status_code == 200
    assert httpx.get(f"{base}/documents").status_code == 401

    page = new_page(base, path="/#search")
    dialog = page.locator("#signin-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#signin-message")).to_contain_text("needs an API key")
    expect(page.locator("#signin-key")).to_be_focused()
    expect(page.locator("#signin-key")).to_have_attribute("type", "password")
    screenshot(page, "signin_needed")

    # a wrong key and a revoked key are refused, and never kept
    sign_in(page, "pkb_deadbeef_not-a-real-key")
    expect(page.locator("#signin-message")).to_contain_text("not accepted")
    expect(dialog).to_be_visible()
    revoked = services.keys.create(Role.reader, "gone")
    services.keys.revoke(revoked[0].key_id)
    sign_in(page, revoked[1])
    expect(page.locator("#signin-message")).to_contain_text("not accepted")
    assert stored_key(page) is None

    # a reader key: kept for this tab only, and sent with every request
    record, key = services.keys.create(Role.reader, "staff")
    authorizations: dict[str, str | None] = {}
    page.on("request", lambda request: authorizations.__setitem__(
        request.url.split("/", 3)[-1], request.headers.get("authorization")))
    sign_in(page, f"  {key}\n")  # pasted with stray whitespace
    expect(dialog).to_be_hidden()
    expect(page.locator("#signin-status")).to_have_text(f"Signed in: reader ({record.key_id})")
    expect(page.locator("#signin-toggle")).to_have_text("Sign out")
    assert stored_key(page) == key
    assert page.evaluate("() => Object.values(localStorage).some(v => v.includes('pkb_'))") is False
    expect(page.locator("#f-type option")).not_to_have_count(1)  # the filters loaded after sign-in

    page.fill("#q", QUERY_KM)
    with page.expect_response("**/search") as response:
        page.press("#q", "Enter")
    assert response.value.status == 200
    hits = page.locator("#search-results > li.hit")
    expect(hits.first).to_be_visible()
    assert hits.count() >= 3
    assert authorizations["search"] == f"Bearer {key}"
    assert authorizations["documents"] == f"Bearer {key}"
    screenshot(page, "signin_search_khmer")

    # the source of a hit: its page text, and the original offered as a download that is
    # fetched with the key (a plain link could not send it)
    docx = page.locator("#search-results > li.hit[data-doc-id='ministry_ict_plan_draft_en.docx']")
    target = docx.first if docx.count() else hits.first
    doc_id = target.get_attribute("data-doc-id")
    target.locator("button.show-passage").click()
    expect(page.locator("#source-body .page-text")).not_to_be_empty()
    link = page.locator("#source-body a.source-file-link")
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "original"
    download_info.value.save_as(saved)
    expected = httpx.get(f"{base}/documents/{doc_id}/file", headers={"Authorization": f"Bearer {key}"})
    assert expected.status_code == 200 and saved.read_bytes() == expected.content
    assert download_info.value.suggested_filename == doc_id.split("/")[-1]

    # the streamed answer (fetch + SSE) carries the key too
    page.click("#tab-ask")
    page.fill("#question", QUESTION_EN)
    page.press("#question", "Enter")
    expect(page.locator(".msg.answer .answer-actions")).to_be_visible()
    assert page.locator(".msg.answer .chip").count() >= 1
    assert authorizations["ask/stream"] == f"Bearer {key}"

    # revoked while signed in: the next request brings the sign-in back, saying why
    services.keys.revoke(record.key_id)
    page.click("#tab-search")
    page.fill("#q", "digital skills")
    page.press("#q", "Enter")
    expect(dialog).to_be_visible()
    expect(page.locator("#signin-message")).to_contain_text("no longer accepted")
    assert stored_key(page) is None


def test_sign_out_forgets_the_key(keyed: Any, new_page: Any) -> None:
    base, services = keyed
    _, key = services.keys.create(Role.editor, "editor desk")
    page = new_page(base)
    sign_in(page, key)
    expect(page.locator("#signin-status")).to_contain_text("Signed in: editor")
    page.click("[data-set-lang='km']")  # the control speaks Khmer too
    expect(page.locator("#signin-toggle")).to_have_text("ចាកចេញ")
    expect(page.locator("#signin-status")).to_contain_text("អ្នកកែសម្រួល")
    page.click("[data-set-lang='en']")
    with page.expect_navigation():
        page.click("#signin-toggle")  # "Sign out": forget the key, reload
    page.wait_for_selector("body[data-ready='true']")
    assert stored_key(page) is None
    expect(page.locator("#signin-dialog")).to_be_visible()  # reads need a key again
    expect(page.locator("#signin-toggle")).to_have_text("Sign in")
    page.click("#signin-cancel")
    expect(page.locator("#signin-dialog")).to_be_hidden()


def test_a_signed_in_pdf_opens_from_a_blob_fetched_with_the_key(keyed_pdf: Any,
                                                               new_page: Any) -> None:
    base, services = keyed_pdf
    _, key = services.keys.create(Role.reader)
    page = new_page(base, path="/#search")
    sign_in(page, key)
    expect(page.locator("#signin-dialog")).to_be_hidden()
    page.evaluate("""() => {
        window.__violations = [];
        document.addEventListener('securitypolicyviolation',
            (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
    }""")
    page.fill("#q", "progress reports to the national committee every six months")
    page.press("#q", "Enter")
    hit = page.locator("#search-results li.hit[data-doc-id='skills_framework.pdf']").first
    hit.locator("button.show-passage").click()
    frame = page.locator("#source-body iframe.pdf-frame")
    expect(frame).to_have_count(1)
    # an object URL of the file fetched with the key (only a 200 gives one), at the cited page
    src = frame.get_attribute("src")
    assert src.startswith(f"blob:{base}/") and src.endswith("#page=3")
    expect(page.locator("#source-body a.source-pdf-link")).to_have_attribute("href", src)
    expect(page.locator("#source-mark")).to_contain_text("six months")
    page.wait_for_function(
        "() => document.querySelector('#source-body iframe.pdf-frame').contentWindow !== null")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__violations") == []  # the CSP lets the frame show it
    assert httpx.get(f"{base}/documents/skills_framework.pdf/file").status_code == 401
