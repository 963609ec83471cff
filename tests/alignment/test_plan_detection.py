"""Mechanism detection on the sample plans: the Word plan's six "Mechanism N:" headings win
over its four "Objective N:" bullets, a pasted copy of it gives the same items, and the Khmer
action plan's "ក. អាទិភាពទី១៖" priorities are found."""

from __future__ import annotations

from pathlib import Path

from alignment.mechanisms import find_mechanisms
from ingest.loaders.docx import load_docx

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"


def _docx_text() -> str:
    document = load_docx(SAMPLE / "ministry_ict_plan_draft_en.docx")[0]
    return "\n\n".join(page.text for page in document.pages)


def test_word_plan_mechanism_headings_beat_its_objective_bullets() -> None:
    items = find_mechanisms(_docx_text())
    assert [m.label for m in items] == ["1", "2", "3", "4", "5", "6"]
    assert items[0].text == "Digital skills and knowledge sharing"
    assert items[2].text == "Cybersecurity and prevention of cybercrime"
    assert not any("Objective" in m.text or "by 2027" in m.text for m in items)


def test_pasted_word_plan_gives_the_same_mechanisms() -> None:
    """Pasted from Word, the headings lose their "## ": the items must not change (a heading
    item is its own line, whatever marks the line)."""
    text = _docx_text()
    pasted = "\n".join(line.lstrip("#").strip() for line in text.splitlines())
    assert [m.text for m in find_mechanisms(pasted)] == [m.text for m in find_mechanisms(text)]


def test_khmer_priorities_are_detected() -> None:
    text = (SAMPLE / "digital_government_plan_km.txt").read_text(encoding="utf-8")
    items = find_mechanisms(text)
    assert [m.label for m in items] == ["1", "2", "3", "4"]
    assert items[0].text == "សេវាសាធារណៈតាមប្រព័ន្ធអនឡាញ"
    assert items[3].text == "សន្តិសុខ និងទំនុកចិត្ត"  # the line, not the bullets under it


def test_english_priorities_inline() -> None:
    text = "The plan has three priorities: Priority 1: online services; Priority 2: data " \
           "centres; Priority 3: digital skills."
    assert [m.text for m in find_mechanisms(text)] == ["online services", "data centres",
                                                      "digital skills"]
