"""Upload file names made into document ids, as the README describes: folders dropped,
control and other invisible characters dropped, reserved characters become ``_``."""

from __future__ import annotations

import pytest

from core.errors import BadFileNameError
from ingest.uploads import MAX_NAME_BYTES, sanitize_file_name


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../x.md", "x.md"),
        ("C:\\Users\\me\\plan.docx", "plan.docx"),
        ("../../out\x07side plan.md", "outside plan.md"),  # a control character: dropped
        ("tab\there.md", "tabhere.md"),
        ("plan\x7f.md", "plan.md"),  # DEL
        ("a\u200bb.md", "ab.md"),  # zero-width space: invisible, dropped
        ("x\u202e.md", "x.md"),  # right-to-left override: would disguise the extension
        ('a<b>c?.md', "a_b_c_.md"),
        ('q:"r"|s*t#u%v.md', "q_r_s_t_u_v.md"),  # a run of them becomes one _
        ("..hidden.md", "hidden.md"),
        ("ផែនការ ឌីជីថល.pdf", "ផែនការ ឌីជីថល.pdf"),  # Khmer names are kept as they are
    ],
)
def test_names_are_made_safe(raw: str, safe: str) -> None:
    assert sanitize_file_name(raw) == safe


@pytest.mark.parametrize("raw", ["", "../../...", "\x00\x01", "???"])
def test_names_with_nothing_usable_are_refused(raw: str) -> None:
    with pytest.raises(BadFileNameError):
        sanitize_file_name(raw)


def test_long_names_are_cut_to_the_byte_limit_keeping_the_extension() -> None:
    name = sanitize_file_name("ក" * 200 + ".pdf")  # 3 bytes per Khmer letter
    assert name.endswith(".pdf")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert len(name.encode("utf-8")) > MAX_NAME_BYTES - 3
