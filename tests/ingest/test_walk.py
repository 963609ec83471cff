"""Which files a folder ingest covers: symlinks must not carry files in from outside."""

from __future__ import annotations

from ingest.files import walk


def test_symlink_out_of_the_folder_is_ignored(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("not for the index", encoding="utf-8")
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "policy.txt").write_text("digital government", encoding="utf-8")
    (folder / "sub" / "inside.txt").write_text("inside", encoding="utf-8")
    (folder / "escape.txt").symlink_to(outside)
    (folder / "alias.txt").symlink_to(folder / "sub" / "inside.txt")

    files, ignored = walk(folder, lambda p: p.suffix == ".txt")

    ids = [f.source for f in files]
    assert "escape.txt" not in ids
    assert folder / "escape.txt" in ignored
    assert {"policy.txt", "sub/inside.txt", "alias.txt"} <= set(ids)  # links inside are fine
