"""Security issue #16, item 10: a document title or an API key name carrying terminal escape
codes or newlines is shown escaped by `policykb documents` and `policykb keys list`, piped or
on a terminal, so it can neither drive the operator's terminal nor forge a table row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.keys import KeyStore, Role
from policykb.cli.common import printable

CLEAR_SCREEN = "\x1b[2J"
SET_TITLE = "\x1b]2;owned\x07"  # OSC: rewrites the terminal's window title
EVIL = f"Plan [red]{CLEAR_SCREEN}{SET_TITLE}\nadmin\tFORGED"


def policykb(*args: str, data_dir: Path, terminal: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYKB_DATA_DIR": str(data_dir), "POLICYKB_OCR_ENABLED": "false",
           "COLUMNS": "400"}
    env.pop("FORCE_COLOR", None)
    if terminal:  # rich then draws its table, as on an operator's terminal
        env["FORCE_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "policykb", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def assert_escaped(output: str) -> None:
    assert CLEAR_SCREEN not in output and SET_TITLE not in output and "\x07" not in output
    assert "\\x1b[2J" in output and "\\x1b]2;owned\\x07" in output
    assert "\\nadmin\\tFORGED" in output and "Plan [red]" in output  # markup shown as text
    assert not any(line.startswith("admin") for line in output.splitlines())


def test_printable_escapes_controls_and_keeps_khmer() -> None:
    assert printable("a\x1b[31mb\nc\td\r\x7f\x9b\u2028") == "a\\x1b[31mb\\nc\\td\\r\\x7f\\x9b\\u2028"
    khmer = "ក្រសួង\u200bអប់រំ"  # zero-width space separates Khmer words: kept
    assert printable(khmer) == khmer
    assert printable(printable(EVIL)) == printable(EVIL)


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_key_names_are_escaped_in_keys_list(tmp_path: Path, terminal: bool) -> None:
    data = tmp_path / "data"
    KeyStore(data / "keys.sqlite3").create(Role.reader, EVIL)
    listed = policykb("keys", "list", data_dir=data, terminal=terminal)
    assert listed.returncode == 0, listed.stderr
    assert_escaped(listed.stdout)
    if not terminal:  # one header and one row, six tab-separated columns each
        assert [len(line.split("\t")) for line in listed.stdout.splitlines()] == [6, 6]
    rows = json.loads(policykb("keys", "list", "--json", data_dir=data).stdout)
    assert rows[0]["name"] == EVIL  # JSON keeps the name exactly (escaped by JSON itself)


def test_document_titles_are_escaped_in_documents(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text("The ministry trains staff in cyber security.\n",
                                     encoding="utf-8")
    # YAML double-quoted escapes: \e is ESC, \a is BEL
    (corpus / "plan.txt.meta.yaml").write_text(
        'title: "Plan [red]\\e[2J\\e]2;owned\\a\\nadmin\\tFORGED"\n', encoding="utf-8")
    data = tmp_path / "data"
    ingest = policykb("ingest", str(corpus), data_dir=data)
    assert ingest.returncode == 0, ingest.stderr
    docs = json.loads(policykb("documents", "--json", data_dir=data).stdout)
    assert docs[0]["title"] == EVIL  # stored as given: only the display escapes it
    for terminal in (False, True):
        shown = policykb("documents", data_dir=data, terminal=terminal)
        assert shown.returncode == 0, shown.stderr
        assert_escaped(shown.stdout)
