"""Strict skips: in CI a skipped test fails the run, unless the allow-list below names it.

A test that skips because Chromium, tesseract, mount namespaces or the shared corpus is
missing proves nothing, and a green run hides that it proved nothing. The setup (`make
system-deps`, `.ci/run`) is responsible for the tools, not the tests: where it installs them,
a skip means the setup is broken, and the run must say so.

On when ``CI`` is set (to anything but ``""``, ``0``, ``false``, ``no``) or
``POLICYKB_STRICT_SKIPS=1`` (`make test` sets it); off otherwise, so a developer's partial
machine still runs what it can. Registered from ``tests/conftest.py`` (``pytest_plugins``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import pytest

STRICT_ENV = "POLICYKB_STRICT_SKIPS"


@dataclass(frozen=True)
class AllowedSkip:
    """A skip that is right where it happens: the test id, a pattern its reason must match,
    why no setup can make it run, and the condition under which it may skip."""

    test: str  # node id without parameters: tests/x.py::test_name
    reason: str  # regular expression searched in the skip reason
    why: str
    applies: Callable[[], bool] = lambda: True

    def allows(self, nodeid: str, reason: str) -> bool:
        return (nodeid.split("[", 1)[0] == self.test and re.search(self.reason, reason) is not None
                and self.applies())


ALLOWED: tuple[AllowedSkip, ...] = (
    AllowedSkip(
        "tests/ingest/test_loaders.py::test_unreadable_file", r"root can read mode-000 files",
        why="CI runs as root in its container, and root reads a mode-000 file anyway: the "
            "'permission denied' a user gets cannot be produced (the directory case still runs)",
        applies=lambda: os.geteuid() == 0),
)


def strict() -> bool:
    ci = os.environ.get("CI", "").strip().lower()
    return os.environ.get(STRICT_ENV) == "1" or ci not in ("", "0", "false", "no")


def skip_reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


_turned: list[tuple[str, str]] = []  # (node id, reason) of skips made failures
_allowed: list[tuple[str, str, str]] = []  # (node id, reason, why)


def _judge(report: Any) -> None:
    """Turn an unexpected skip into a failure (in place), or record why it may stay."""
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = skip_reason(report)
    rule = next((a for a in ALLOWED if a.allows(report.nodeid, reason)), None)
    if rule is not None:
        _allowed.append((report.nodeid, reason, rule.why))
        return
    _turned.append((report.nodeid, reason))
    report.outcome = "failed"
    report.longrepr = (
        f"unexpected skip: {reason}\n"
        f"Strict skips are on ({STRICT_ENV}=1 or CI is set): in CI every test must run. "
        "Install what it needs in the setup (`make system-deps`, .ci/run), or, if it can never "
        "run there, add it to ALLOWED in tests/support/skip_policy.py with the reason.")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, Any, Any]:
    report = yield
    if strict():
        _judge(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    """A whole module skipped while it is collected (``pytest.importorskip`` at the top)."""
    report = yield
    if strict():
        _judge(report)
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not (_turned or _allowed):
        return
    terminalreporter.section("strict skips", sep="=", bold=True, red=bool(_turned))
    for nodeid, reason in _turned:
        terminalreporter.line(f"FAILED (unexpected skip) {nodeid}: {reason}", red=True)
    for nodeid, reason, why in _allowed:
        terminalreporter.line(f"allowed skip {nodeid}: {reason} ({why})")
