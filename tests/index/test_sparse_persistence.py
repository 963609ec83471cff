"""The sparse index on disk: a round trip keeps scores and filter columns, terms are not
stored twice, and a folder in an older or broken format is rebuilt rather than trusted."""

from __future__ import annotations

import json

import numpy as np

from index.sparse import SparseIndex, SparseIndexHolder, SparseRow

ROWS = [
    SparseRow("a#1", "digital govern polici", "a", "en", "en", "policy", "MPTC", 20220101),
    SparseRow("a#2", "cybersecur capac build", "a", "en", "en", "policy", "MPTC", 20220101),
    SparseRow("b#1", "ឌីជីថល រដ្ឋាភិបាល", "b", "km", "km", "news", "MOI", 0),
]


def test_round_trip_keeps_scores_and_columns(tmp_path):
    built = SparseIndex.build(ROWS, "7")
    built.save(tmp_path / "bm25")
    loaded = SparseIndex.load(tmp_path / "bm25")
    assert loaded is not None and loaded.generation == "7"
    assert loaded.chunk_ids == built.chunk_ids
    for name, column in built.columns.items():
        assert list(loaded.columns[name]) == list(column), name
    for terms in (["digital"], ["cybersecur", "build"], ["ឌីជីថល"]):
        np.testing.assert_allclose(loaded.normalized_scores(terms), built.normalized_scores(terms))
    stored = (tmp_path / "bm25" / "columns.json").read_text(encoding="utf-8")
    assert "cybersecur" not in stored  # the terms live in bm25s's own files only


def test_an_older_or_broken_format_is_rebuilt(tmp_path):
    folder = tmp_path / "bm25"
    SparseIndex.build(ROWS, "7").save(folder)
    data = json.loads((folder / "columns.json").read_text(encoding="utf-8"))
    data["format"] = 1
    (folder / "columns.json").write_text(json.dumps(data), encoding="utf-8")
    assert SparseIndex.load(folder) is None
    data["format"] = 2
    data["columns"]["doc_id"] = data["columns"]["doc_id"][:1]
    (folder / "columns.json").write_text(json.dumps(data), encoding="utf-8")
    assert SparseIndex.load(folder) is None

    calls = []

    def rows():
        calls.append(1)
        return ROWS

    holder = SparseIndexHolder(folder, lambda: "7", rows)
    index = holder.current()
    assert calls == [1] and len(index) == 3
    assert SparseIndex.load(folder) is not None  # the rebuilt index was saved again


def test_a_read_straddling_a_swap_is_not_trusted(tmp_path, monkeypatch):
    """Columns of one generation with the retriever of the next are caught and re-read."""
    folder = tmp_path / "bm25"
    SparseIndex.build(ROWS, "7").save(folder)
    bigger = SparseIndex.build([*ROWS, SparseRow("c#1", "broadband rural", "c", "en", "en",
                                                 "news", "MPTC", 0)], "8")
    real_load_once = SparseIndex._load_once.__func__
    reads = []

    def swap_during_first_read(cls, path):
        index = real_load_once(cls, path)
        if not reads:  # the other process saves generation 8 while we were reading 7
            bigger.save(folder)
            index.chunk_ids = index.chunk_ids[:2]  # what a straddled read looks like
        reads.append(index)
        return index

    monkeypatch.setattr(SparseIndex, "_load_once", classmethod(swap_during_first_read))
    loaded = SparseIndex.load(folder)
    assert len(reads) == 2
    assert loaded is not None and loaded.generation == "8" and len(loaded) == 4
