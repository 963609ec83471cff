"""Screenshots of the web page under test-output/screenshots/ (git-ignored), for review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.paths import OUTPUT_DIR

SCREENSHOTS = OUTPUT_DIR / "screenshots"


def screenshot(page: Any, name: str, full_page: bool = False) -> Path:
    """Save a screenshot of a Playwright page as ``<name>.png`` and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
