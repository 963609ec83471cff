"""Programme sessions (``ingest/schedule.py``): found by their time ranges, read whole by the
chunker and by the evidence units, shown as one line. The agenda is written for these tests
(fictional people)."""

from __future__ import annotations

from core.models import Page
from index.evidence import evidence_units
from ingest.chunking import StructureAwareChunker
from ingest.schedule import Session, find_sessions
from ingest.sentences import split_sentences

AGENDA = """FORUM ON OPEN DATA 2026
Time Session
09:00 - 10:15
DATA GOVERNANCE IN THE PROVINCES

Keynote Speech by

H.E. Sok Dara
Secretary of State, Ministry of Post and
Telecommunications

Moderator: Ms. Chan Lina
Director, Data Office
10:15 - 10:45 COFFEE BREAK
10:45 -
12:00
OPEN REGISTERS
Mr. Heng Bora
Deputy Director, Land Office
Ms. Keo Dany
Head of Records, Planning Office
"""


def test_each_session_runs_from_its_time_range_to_the_next() -> None:
    sessions = find_sessions(AGENDA)
    assert [AGENDA[s:e].split("\n")[0] for s, e, _ in sessions] == [
        "09:00 - 10:15", "10:15 - 10:45 COFFEE BREAK", "10:45 -"]
    first = sessions[0][2]
    assert (first.start, first.end) == ("09:00", "10:15")
    assert AGENDA[sessions[0][0]:sessions[0][1]].endswith("Director, Data Office")
    assert sessions[1][2].lines == ("COFFEE BREAK",)


def test_a_session_reads_as_one_line_with_its_wrapped_roles_joined() -> None:
    shown = find_sessions(AGENDA)[0][2].display()
    assert shown == ("09:00\u201310:15 DATA GOVERNANCE IN THE PROVINCES \u2014 Keynote Speech by "
                     "H.E. Sok Dara; Secretary of State, Ministry of Post and Telecommunications; "
                     "Moderator: Ms. Chan Lina; Director, Data Office")
    assert Session("9:00", "9:30", ()).display() == "9:00\u20139:30"


def test_one_time_in_prose_or_a_section_number_is_no_programme() -> None:
    assert find_sessions("The office opens 08:00 - 17:00 on weekdays.\nIt closes on Sunday.") == []
    assert find_sessions("Meetings run\n09:00 - 10:00 in the hall.\nLunch is free.") == []


def test_the_chunker_keeps_a_session_that_fits_in_one_chunk() -> None:
    # speakers' lines ("H.E.", "Mr.") read as list items, which used to start a new chunk
    chunker = StructureAwareChunker(lambda t: len(t.split()), max_tokens=50, overlap_sentences=0)
    spans = chunker.chunk([Page(1, AGENDA)])
    assert all(AGENDA[s.start:s.end] == s.text for s in spans)
    for s, e, _ in find_sessions(AGENDA):
        assert any(c.start <= s and e <= c.end for c in spans), AGENDA[s:e][:40]
    # a session longer than a chunk is still cut, by size
    small = StructureAwareChunker(lambda t: len(t.split()), max_tokens=12, overlap_sentences=0)
    assert len(small.chunk([Page(1, AGENDA)])) > len(spans)


def test_a_session_is_one_evidence_unit() -> None:
    units = evidence_units(AGENDA, split_sentences)
    sessions = [(s, e) for s, e, row in units if isinstance(row, Session)]
    assert sessions == [(s, e) for s, e, _ in find_sessions(AGENDA)]
    # the sentences inside a session stay units too (a keynote label and its speaker)
    inner = [AGENDA[s:e] for s, e, row in units
             if row is None and any(a <= s < b for a, b in sessions)]
    assert "Keynote Speech by\n\nH.E. Sok Dara\nSecretary of State, Ministry of Post and\n" \
           "Telecommunications" in inner
