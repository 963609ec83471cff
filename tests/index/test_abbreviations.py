"""Abbreviations the documents define: found by Schwartz-Hearst letters, rebuilt per
generation, and their long forms added to an English question's terms."""

from __future__ import annotations

import pytest

from answers.entities import Entity, mentions, with_long_forms
from index.abbreviations import AbbreviationIndex, definitions


@pytest.mark.parametrize(("text", "expected"), [
    ("trained by the Provincial Academy of Data Skills (PADS) since 2020",
     [("PADS", "Provincial Academy of Data Skills")]),
    ("expand the Provincial Data Exchange (ProDX) platform", [("ProDX", "Provincial Data Exchange")]),
    ("the Ministry of Rural Development (MRD) leads", [("MRD", "Ministry of Rural Development")]),
    ("the Office of Post and Telecommunications (OPTC)", [("OPTC", "Office of Post and Telecommunications")]),
    ("costs are given in dollars (USD)", []),         # no long form before the brackets
    ("see the annex (Annex)", []),                     # one capital: not an abbreviation
])
def test_definitions_are_read_by_their_letters(text: str, expected: list[tuple[str, str]]) -> None:
    assert list(definitions(text)) == expected


def test_the_index_is_rebuilt_when_the_generation_moves() -> None:
    texts = ["The Provincial Academy of Data Skills (PADS) trains officials."]
    generation = ["g1"]
    index = AbbreviationIndex(lambda: texts, lambda: generation[0])
    assert index.expansions("How many officials did PADS train?") == {
        "PADS": "Provincial Academy of Data Skills"}
    # spelled out in the question already: nothing to add
    assert index.expansions("Did the Provincial Academy of Data Skills (PADS) train?") == {}
    texts[:] = ["The Provincial Data Exchange (ProDX) links registries."]
    assert index.expansions("What is PADS?") == {"PADS": "Provincial Academy of Data Skills"}
    generation[0] = "g2"  # an ingest: the table is read again
    assert index.expansions("What is PADS?") == {}
    assert index.expansions("What is ProDX?") == {"ProDX": "Provincial Data Exchange"}


def test_the_ingest_saves_the_table_and_a_server_reads_it_without_the_texts(tmp_path) -> None:
    """Reading every chunk is too slow for the first question after an ingest at scale: the
    saved table of the same generation is read instead; a stale one is rebuilt."""
    path = tmp_path / "cache" / "abbreviations.json"
    texts = ["The Provincial Academy of Data Skills (PADS) trains officials."]
    AbbreviationIndex(lambda: texts, lambda: "g1", path).expansions("")  # the ingest's build
    assert path.exists()

    def unread() -> list[str]:
        raise AssertionError("the texts were read although the saved table is current")

    server = AbbreviationIndex(unread, lambda: "g1", path)
    assert server.expansions("Who runs PADS?") == {"PADS": "Provincial Academy of Data Skills"}
    stale = AbbreviationIndex(lambda: ["The Data Exchange Office (DXO) links."], lambda: "g2",
                              path)
    assert stale.expansions("What is PADS? And DXO?") == {"DXO": "Data Exchange Office"}
    path.write_text("not json", encoding="utf-8")  # a damaged file is rebuilt, not an error
    assert AbbreviationIndex(lambda: texts, lambda: "g3", path).expansions("PADS?") == {
        "PADS": "Provincial Academy of Data Skills"}


def test_an_abbreviation_entity_is_supported_by_its_long_form() -> None:
    # in lower case: a capitalised run's initials already spell the acronym
    # (``answers/entities.py`` ``_initials``), the long form is what finds it here
    page = "By 2021 the provincial academy of data skills had trained 500 officials."
    entity = Entity("PADS", "name", frozenset({"pads"}), frozenset())
    assert mentions(entity, [page]) is False
    (expanded,) = with_long_forms([entity], {"PADS": "Provincial Academy of Data Skills"})
    assert mentions(expanded, [page]) is True
    year = Entity("2021", "number", frozenset({"2021"}), frozenset())
    assert with_long_forms([year], {"PADS": "x"}) == [year]  # only names take long forms
