"""Fixtures for the web page's end-to-end tests in real headless Chromium (Playwright, sync API).

* ``ui_base``: the real app over the bundled sample corpus (the session's ``sample_services``),
  served by uvicorn on 127.0.0.1; feedback goes to a temporary file, not the shared index.
* ``hostile_base``: the app over a SEPARATE temporary index holding documents written to attack
  the page (markup in titles and text) plus a small PDF, so the shared index stays clean.
* ``browser``: Debian's ``/usr/bin/chromium`` driven by Playwright (no ``playwright install``).
* ``new_page(base, ...)``: a fresh context (own localStorage) and page; JavaScript exceptions on
  the page fail the test.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import FIXTURES
from tests.support.servers import serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 900}

HOSTILE_MD = """---
title: "Budget note <script>window.__xss=1</script> <img src=x onerror=\\"window.__xss=2\\">"
date: 2025-05-01
language: en
---

# Budget note for the e-procurement platform <script>window.__xss=1</script>

The e-procurement platform budget <script>window.__xss=1</script> covers hosting, training and
security audits for three years. <img src=x onerror="window.__xss=2"> Each ministry pays its
share of the e-procurement platform from its own digital budget line.
"""

# The Markdown loader drops raw HTML from a body; plain text keeps it, so the markup reaches
# the page as document text (search snippets, passages, answer sentences, citations).
HOSTILE_TXT = """Minutes of the e-procurement working group

The working group reviewed the e-procurement platform. A member pasted <script>window.__xss=1</script> into the minutes by mistake.
The vendor portal showed <img src=x onerror="window.__xss=2"> instead of its logo, so the e-procurement platform logo must be fixed before launch.
"""

HOSTILE_TXT_META = """title: "Minutes <img src=x onerror=\\"window.__xss=2\\"> e-procurement"
doc_type: meeting_record
date: 2025-06-02
language: en
"""


@pytest.fixture(scope="session")
def playwright_sync() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make system-deps installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) missing")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_sync: Any) -> Iterator[Any]:
    browser = playwright_sync.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def ui_app(sample_services: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from api.app import create_app

    app = create_app(sample_services.settings, sample_services)
    app.state.feedback_path = tmp_path_factory.mktemp("ui-feedback") / "feedback.jsonl"
    return app


@pytest.fixture(scope="module")
def ui_base(ui_app: Any) -> Iterator[str]:
    with serve(ui_app) as base:
        yield base


@pytest.fixture(scope="module")
def hostile_services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    from core.settings import Settings
    from policykb.services import Services

    root = tmp_path_factory.mktemp("hostile-index")
    docs = root / "docs"
    docs.mkdir()
    (docs / "hostile_budget_note.md").write_text(HOSTILE_MD, encoding="utf-8")
    (docs / "hostile_minutes.txt").write_text(HOSTILE_TXT, encoding="utf-8")
    (docs / "hostile_minutes.txt.meta.yaml").write_text(HOSTILE_TXT_META, encoding="utf-8")
    shutil.copy(FIXTURES / "pdf" / "english.pdf", docs / "skills_framework.pdf")
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None), model=embedder)
    report = services.ingestor.ingest([docs])
    assert not report.failed, report.summary()["failed"]
    return services


@pytest.fixture(scope="module")
def hostile_base(hostile_services: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from api.app import create_app

    app = create_app(hostile_services.settings, hostile_services)
    app.state.feedback_path = tmp_path_factory.mktemp("hostile-feedback") / "feedback.jsonl"
    with serve(app) as base:
        yield base


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """new_page(base, viewport=DESKTOP, **context_options) -> a loaded page, ready to use."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(base: str, viewport: dict[str, int] | None = None, path: str = "/",
             **options: Any) -> Any:
        context = browser.new_context(viewport=viewport or DESKTOP, **options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + path)
        page.wait_for_selector("body[data-ready='true']")
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"

