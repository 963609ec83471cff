"""The alignment view in real headless Chromium against the real server: a long alignment
shows "Mechanism k of n" as it streams, Stop cancels it, and the downloads fetch the report
already shown by its id (the aligner is not run again; the buttons are disabled meanwhile).
The plans are written here; the index is the bundled sample corpus."""

from __future__ import annotations

import time
from typing import Any

import docx
import pytest

from tests.support.screenshots import screenshot

pytestmark = pytest.mark.slow  # a browser and the sample index: over 20 s

TOPICS = ["train civil servants in digital skills", "build a shared government data centre",
          "protect the personal data of citizens", "respond to cybersecurity incidents",
          "run public awareness campaigns on online safety"]
PLACES = ["in the capital", "in every province", "in border districts", "in schools",
          "in health centres", "in commune halls"]


def long_plan(salt: str, count: int = 30) -> str:
    """``count`` numbered mechanisms, each worded differently (``salt`` keeps two plans apart)."""
    lines = [f"{i + 1}- Mechanism to {TOPICS[i % len(TOPICS)]} "
             f"{PLACES[(i // len(TOPICS)) % len(PLACES)]} ({salt})." for i in range(count)]
    return "The plan has these mechanisms:\n" + "\n".join(lines)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


RECORD_PROGRESS = """() => {
  window.__progress = [];
  window.__disabled = [];
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        const text = node.textContent || "";
        if (text.startsWith("Mechanism")) window.__progress.push(text);
      }
    }
  }).observe(document.getElementById("align-status"), { childList: true, subtree: true });
  new MutationObserver((records) => {
    for (const record of records) window.__disabled.push(record.target.disabled);
  }).observe(document.getElementById("align-downloads"),
             { attributes: true, attributeFilter: ["disabled"], subtree: true });
}"""


def _paste(page: Any, text: str) -> None:
    page.check("#align-mode-text")
    page.fill("#align-text", text)


def test_a_long_alignment_shows_progress_and_downloads_without_aligning_again(
        ui_base: str, ui_app: Any, sample_services: Any, new_page: Any) -> None:
    page = new_page(ui_base, path="/#align")
    _paste(page, long_plan("progress"))
    page.evaluate(RECORD_PROGRESS)
    with page.expect_response("**/alignment/stream") as response_info:
        page.click("#align-run")
    expect(page.locator("table.alignment-table tr.mech-first")).to_have_count(30, timeout=120_000)
    assert response_info.value.request.post_data_json["text"].startswith("The plan has")
    progress = page.evaluate("() => window.__progress")
    assert progress[0].startswith("Mechanism 1 of 30: Mechanism to train civil servants")
    assert "Mechanism 15 of 30" in " ".join(progress)
    assert progress[-1].startswith("Mechanism 30 of 30")
    expect(page.locator("#align-stop")).to_have_count(0)  # gone with the progress line
    runs = sample_services.aligner.runs
    for fmt in ("md", "csv", "docx"):
        with page.expect_response(f"**/alignment/results/*?format={fmt}") as response_info, \
                page.expect_download() as download_info:
            page.click(f"#download-{fmt}")
        assert response_info.value.request.method == "GET"
        assert response_info.value.status == 200
        assert download_info.value.suggested_filename == f"alignment-pasted-text.{fmt}"
        content = _downloaded_text(download_info.value.path(), fmt)
        assert "build a shared government data centre in the capital (progress)" in content
    assert sample_services.aligner.runs == runs, "the downloads were not computed again"
    assert True in page.evaluate("() => window.__disabled"), "disabled while downloading"
    expect(page.locator("#download-md")).to_be_enabled()
    expect(page.locator("#align-download-status")).to_have_text("")
    screenshot(page, "alignment_downloaded")


def _downloaded_text(path: str, fmt: str) -> str:
    """A downloaded report's text: a Word file is parsed back (paragraphs and table cells)."""
    if fmt != "docx":
        return open(path, encoding="utf-8-sig").read()
    document = docx.Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_stop_cancels_a_running_alignment(ui_base: str, ui_app: Any, new_page: Any) -> None:
    page = new_page(ui_base, path="/#align")
    _paste(page, long_plan("stopped"))
    page.click("#align-run")
    expect(page.locator("#align-progress [data-i18n='alignProgress']")).to_be_visible(
        timeout=60_000)
    page.click("#align-stop")
    expect(page.locator("#align-status")).to_have_text("Alignment stopped.")
    expect(page.locator("#align-downloads")).to_be_hidden()
    work = ui_app.state.expensive_work
    deadline = time.monotonic() + 30
    while work.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert work.stats["cancelled"] >= 1, dict(work.stats)
    page.wait_for_timeout(300)
    expect(page.locator("table.alignment-table")).to_have_count(0)
