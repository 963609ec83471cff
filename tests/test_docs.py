"""The README documents every setting and every CLI command (docs drift is a bug)."""

from __future__ import annotations

from core.settings import Settings
from policykb.cli import app
from tests.support.paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    missing = [f"POLICYKB_{name.upper()}" for name in Settings.model_fields
               if f"POLICYKB_{name.upper()}" not in README]
    assert not missing, f"settings missing from the README table: {missing}"


def test_every_cli_command_is_in_the_readme():
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    missing = [n for n in names if f"policykb {n}" not in README]
    assert not missing, f"commands missing from the README: {missing}"


def test_bad_setting_names_the_field(tmp_path):
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as info:
        Settings(chunk_tokens=3, _env_file=None)
    assert "chunk_tokens" in str(info.value)
