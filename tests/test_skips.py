"""The strict-skip policy (``tests/support/skip_policy.py``) in real pytest runs: under
``POLICYKB_STRICT_SKIPS=1`` a skip fails the run unless it is allow-listed; without it, a skip
stays a skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO

SKIPPING = '''
import pytest

def test_needs_a_tool():
    pytest.skip("the frobnicator is not installed")

@pytest.mark.skipif(True, reason="no frobnicator either")
def test_marked():
    pass

@pytest.fixture
def tool():
    pytest.skip("fixture found no frobnicator")

def test_with_fixture(tool):
    pass

@pytest.mark.xfail(reason="a known bug, not a skip")
def test_known_bug():
    assert False

def test_runs():
    assert True
'''


def run_pytest(args: list[str], cwd: Path, strict: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "POLICYKB_STRICT_SKIPS")}
    if strict:
        env["POLICYKB_STRICT_SKIPS"] = "1"
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "tests.support.skip_policy", "-rA", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "test_tools.py").write_text(SKIPPING, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # not this repo's config
    return tmp_path


def test_strict_mode_turns_every_skip_into_a_failure(project: Path) -> None:
    result = run_pytest([], project, strict=True)
    assert result.returncode == 1, result.stdout
    # the skip in the test body fails it; the two in setup (a mark, a fixture) are errors;
    # an expected failure is not a skip and stays what it is
    assert "1 failed, 1 passed, 1 xfailed, 2 errors" in result.stdout.splitlines()[-1]
    for reason in ("the frobnicator is not installed", "no frobnicator either",
                   "fixture found no frobnicator"):
        assert f"unexpected skip: {reason}" in result.stdout
    assert "strict skips" in result.stdout and "make system-deps" in result.stdout


def test_without_strict_mode_a_skip_stays_a_skip(project: Path) -> None:
    result = run_pytest([], project, strict=False)
    assert result.returncode == 0, result.stdout
    assert "3 skipped" in result.stdout and "unexpected skip" not in result.stdout


def test_ci_variable_switches_strict_mode_on(project: Path) -> None:
    env_ci = {**os.environ, "CI": "true", "PYTHONPATH": str(REPO)}
    env_ci.pop("POLICYKB_STRICT_SKIPS", None)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-p", "tests.support.skip_policy", "test_tools.py::test_needs_a_tool"],
                            cwd=project, env=env_ci, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "unexpected skip" in result.stdout, result.stdout


def test_a_module_skipped_at_collection_fails_in_strict_mode(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_browser.py").write_text(
        'import pytest\nfrobnicator = pytest.importorskip("frobnicator_not_installed")\n\n'
        "def test_page():\n    pass\n", encoding="utf-8")
    result = run_pytest([], tmp_path, strict=True)
    assert result.returncode != 0, result.stdout
    assert "unexpected skip" in result.stdout and "frobnicator_not_installed" in result.stdout


def test_the_allow_listed_skip_stays_a_skip_in_strict_mode() -> None:
    """As root (CI's containers), reading a mode-000 file cannot fail: that one test may skip,
    and the summary says why. As another user it runs."""
    result = run_pytest(["tests/ingest/test_loaders.py::test_unreadable_file"], REPO, strict=True)
    assert result.returncode == 0, result.stdout
    if os.geteuid() == 0:
        assert "1 skipped" in result.stdout
        assert "allowed skip tests/ingest/test_loaders.py::test_unreadable_file" in result.stdout
    else:
        assert "1 passed" in result.stdout
