"""A label line ("Keynote Speech by", "Moderator:", "Prepared by:") and the name block a
blank line below it are one sentence and one chunk's, quoted as an exact span of the page.
The agenda and memo below were written for these tests (fictional people)."""

from __future__ import annotations

from core.models import Page
from ingest.chunking import StructureAwareChunker
from ingest.label_blocks import held_lines, label_blocks
from ingest.sentences import split_sentences
from tests.answers.quality_corpus import AGENDA as PAGED_AGENDA

AGENDA = PAGED_AGENDA.removeprefix("[[page 1]]\n")  # the agenda page the answer tests ingest

KHMER_AGENDA = """កម្មវិធីវេទិកាឌីជីថល

សុន្ទរកថាគន្លឹះដោយ

ឯកឧត្តម គង់ ឫទ្ធី
អគ្គនាយក ការិយាល័យទិន្នន័យខេត្ត
"""

MEMO = """The register was reviewed in March and the findings are summarised below.

Prepared by:

Sok Dara
Records Officer

The review was approved by:

the provincial committee, which met in April and agreed every finding.
"""


def _texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_a_keynote_label_and_its_speaker_are_one_sentence() -> None:
    sentences = _texts(AGENDA)
    assert ("Keynote Speech by\n\nH.E. Kong Rithy\nDirector General, Provincial Data Office"
            in sentences)
    assert "Welcome Remarks by\n\nH.E. Dr. Lim Sovann\nGovernor of the Northern Province" in sentences
    # a session's name is no label: its first panelist is not the whole panel
    assert "Panel Discussion" in sentences
    assert "Ms. Sar Malis\nHead of Registers, Department of Planning" in sentences
    assert "Keynote Speech by" not in sentences and "H.E. Kong Rithy" not in sentences
    for start, end in split_sentences(AGENDA):  # spans of the text, nothing rewritten
        assert AGENDA[start:end].strip() == AGENDA[start:end]


def test_khmer_label_and_name_without_honorific_after_by() -> None:
    assert "សុន្ទរកថាគន្លឹះដោយ\n\nឯកឧត្តម គង់ ឫទ្ធី\nអគ្គនាយក ការិយាល័យទិន្នន័យខេត្ត" in _texts(KHMER_AGENDA)
    sentences = _texts(MEMO)
    assert "Prepared by:\n\nSok Dara\nRecords Officer" in sentences
    # running text after a label is no name block: the paragraphs stay apart
    assert "The review was approved by:" in sentences
    assert not any(s.startswith("The review was approved by:\n") for s in sentences)


def test_no_block_without_a_blank_line_or_a_name() -> None:
    assert label_blocks("Moderator: Mr. Tep Vuthy\nAdvisor") == []
    assert label_blocks("Objectives:\n\nThe plan has three objectives.") == []
    assert label_blocks("Strategy 2:\n\nBuilding Digital Infrastructure") == []


def test_the_chunker_never_parts_a_label_from_its_speaker() -> None:
    held = held_lines(AGENDA)
    assert AGENDA.index("H.E. Kong Rithy") in held
    # chunks of a few words each: before the blocks were held, "Keynote Speech by" ended one
    for max_tokens in (6, 10, 14):
        spans = StructureAwareChunker(lambda t: len(t.split()), max_tokens=max_tokens,
                                      overlap_sentences=0).chunk([Page(1, AGENDA)])
        assert any("Keynote Speech by\n\nH.E. Kong Rithy" in s.text for s in spans)
        assert not any(s.text.rstrip().endswith(("Keynote Speech by", "Remarks by"))
                       for s in spans)
        assert all(AGENDA[s.start:s.end] == s.text for s in spans)
