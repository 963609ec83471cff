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
    assert index.long_forms("What is ProDX?") == ["Provincial Data Exchange"]


def test_an_abbreviation_entity_is_supported_by_its_long_form() -> None:
    page = "By 2021 the Provincial Academy of Data Skills had trained 500 officials."
    entity = Entity("PADS", "name", frozenset({"pads"}), frozenset())
    assert mentions(entity, [page]) is False
    (expanded,) = with_long_forms([entity], {"PADS": "Provincial Academy of Data Skills"})
    assert mentions(expanded, [page]) is True
    year = Entity("2021", "number", frozenset({"2021"}), frozenset())
    assert with_long_forms([year], {"PADS": "x"}) == [year]  # only names take long forms
