"""Section diffs of two versions, English and Khmer, from documents ingested for real."""

from __future__ import annotations

import pytest

from core.errors import NotFoundError
from index.version_diff import diff_versions, normalised, to_markdown
from index.versions import VersionStore

EN_V1 = """# Rural Connectivity Plan

## Goal 1: Infrastructure

Extend fibre to every district hall by 2027 using the universal service fund.

## Goal 2: Skills

Train commune clerks in spreadsheet auditing.

## Goal 3: Postal services

Modernise the postal counters in provincial towns.
"""

EN_V2 = """# Rural Connectivity Plan

## Goal 1: Infrastructure

Extend fibre to every district hall by 2029 using the universal service fund.

## Goal 2: Skills

Train commune clerks in spreadsheet auditing.

## Goal 4: Open data

Publish procurement records as open data every quarter.
"""

KM_V1 = """# ផែនការឌីជីថលខេត្ត

## យន្តការទី១៖ ការបណ្តុះបណ្តាល

បណ្តុះបណ្តាលមន្ត្រីរាជការអំពីសន្តិសុខសាយប័រនិងការការពារទិន្នន័យ។

## យន្តការទី២៖ អ៊ីនធឺណិត

ពង្រីកបណ្តាញអ៊ីនធឺណិតល្បឿនលឿនទៅកាន់ឃុំទាំងអស់។

## យន្តការទី៣៖ សេវាប្រៃសណីយ៍

កែលម្អសេវាប្រៃសណីយ៍នៅទីរួមខេត្ត។
"""

# mechanism 1 only re-spaced (spaces and a zero-width space between words): not a change;
# mechanism 2 reaches villages instead of communes; 3 dropped; 4 added
KM_V2 = """# ផែនការឌីជីថលខេត្ត

## យន្តការទី១៖ ការបណ្តុះបណ្តាល

បណ្តុះបណ្តាល មន្ត្រីរាជការ អំពី\u200bសន្តិសុខសាយប័រ និង ការការពារទិន្នន័យ។

## យន្តការទី២៖ អ៊ីនធឺណិត

ពង្រីកបណ្តាញអ៊ីនធឺណិតល្បឿនលឿនទៅកាន់ភូមិទាំងអស់។

## យន្តការទី៤៖ ទិន្នន័យបើកចំហ

បោះពុម្ពផ្សាយទិន្នន័យលទ្ធកម្មសាធារណៈជារៀងរាល់ត្រីមាស។
"""


def _ingest_twice(services, tmp_path, name: str, v1: str, v2: str) -> VersionStore:
    folder = tmp_path / "plans"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(v1, encoding="utf-8")
    services.ingestor.ingest([folder])
    (folder / name).write_text(v2, encoding="utf-8")
    assert not services.ingestor.ingest([folder]).failed
    return VersionStore(services.catalog)


def _leaf(section: str) -> str:
    return section.rsplit(" > ", 1)[-1]


def test_english_sections_added_removed_changed(tmp_path, services):
    store = _ingest_twice(services, tmp_path, "rural.md", EN_V1, EN_V2)
    diff = diff_versions(store, "rural.md")
    assert (diff.from_version, diff.to_version, diff.by) == (1, 2, "heading")
    assert [_leaf(c.section) for c in diff.added] == ["Goal 4: Open data"]
    assert [_leaf(c.section) for c in diff.removed] == ["Goal 3: Postal services"]
    assert [_leaf(c.section) for c in diff.changed] == ["Goal 1: Infrastructure"]
    assert diff.unchanged >= 1  # Goal 2 did not change
    assert any("[-2027-]" in h and "{+2029+}" in h for h in diff.changed[0].excerpt)
    report = to_markdown(diff)
    assert "1 added, 1 removed, 1 changed" in report and "Goal 4: Open data" in report
    # explicit versions, and the errors that name what is missing
    assert diff_versions(store, "rural.md", 1, 2).changed == diff.changed
    with pytest.raises(NotFoundError, match="rural.md has no version 7"):
        diff_versions(store, "rural.md", 1, 7)
    with pytest.raises(NotFoundError, match="no version before version 1"):
        diff_versions(store, "rural.md", None, 1)
    with pytest.raises(NotFoundError, match="nope.md"):
        diff_versions(store, "nope.md")


def test_khmer_sections_and_a_spacing_only_change_is_not_a_change(tmp_path, services):
    store = _ingest_twice(services, tmp_path, "khmer-plan.md", KM_V1, KM_V2)
    diff = diff_versions(store, "khmer-plan.md")
    assert diff.by == "heading"
    assert [_leaf(c.section) for c in diff.added] == ["យន្តការទី៤៖ ទិន្នន័យបើកចំហ"]
    assert [_leaf(c.section) for c in diff.removed] == ["យន្តការទី៣៖ សេវាប្រៃសណីយ៍"]
    # mechanism 1 (re-spaced only) is not listed as changed; mechanism 2 is, word by word
    assert [_leaf(c.section) for c in diff.changed] == ["យន្តការទី២៖ អ៊ីនធឺណិត"]
    hunks = " ".join(diff.changed[0].excerpt)
    assert "ភូមិ" in hunks and "ឃុំ" in hunks and "[-" in hunks and "{+" in hunks
    assert normalised("ការ ការពារ\u200bទិន្នន័យ") == normalised("ការការពារទិន្នន័យ")


def test_a_document_without_headings_is_compared_by_page(tmp_path, services):
    store = _ingest_twice(services, tmp_path, "note.txt",
                          "The committee met on Monday and agreed the budget.\n",
                          "The committee met on Tuesday and agreed the budget.\n")
    diff = diff_versions(store, "note.txt")
    assert diff.by == "page"
    assert [c.section for c in diff.changed] == ["page 1"] and not diff.added and not diff.removed
    assert any("[-Monday-] {+Tuesday+}" in h for h in diff.changed[0].excerpt)
