"""Which jurisdictions a question names, and the fusion list that lifts their candidates."""

from __future__ import annotations

import pytest

from index.jurisdiction import (
    countries_named,
    jurisdiction_list,
    matches,
    mentions,
    with_subdivisions,
)


@pytest.mark.parametrize(("question", "expected"), [
    ("How does Singapore govern data sharing between agencies?", {"SG"}),
    ("Kerala's IT policy on broadband", {"IN-KL", "IN"}),
    ("What does India's digital public infrastructure include?", {"IN", "IN-KL"}),
    ("Viet Nam national digital transformation programme", {"VN"}),
    ("Vietnam e-government targets", {"VN"}),
    ("What vision does Cambodia's digital government policy set out?", {"KH"}),
    ("Cambodian cybersecurity law", {"KH"}),
    ("គោលនយោបាយរដ្ឋាភិបាលឌីជីថលកម្ពុជា", {"KH"}),
    ("គោលនយោបាយឌីជីថលរបស់សិង្ហបុរី", {"SG"}),
    ("ឈ្មួញវៀតណាមឈប់ទិញស្រូវ", {"VN"}),
    ("ផែនការអ៊ីនធឺណិតរបស់រដ្ឋកេរ៉ាឡា", {"IN-KL", "IN"}),
    ("number of strategies in the digital government policy", set()),
    ("Indonesia and Indian approaches", {"ID", "IN", "IN-KL"}),
])
def test_countries_named(question: str, expected: set[str]) -> None:
    assert countries_named(question) == frozenset(expected)


def test_unknown_country_counts_as_cambodian_only() -> None:
    assert matches(None, frozenset({"KH"})) and matches("", frozenset({"KH", "SG"}))
    assert not matches(None, frozenset({"SG"}))
    assert matches("SG", frozenset({"SG"})) and not matches("VN", frozenset({"SG"}))


def test_jurisdiction_list_keeps_fused_order_of_named_candidates() -> None:
    country = {"a": "KH", "b": "SG", "c": None, "d": "SG", "e": "SG"}
    doc = {"a": "A", "b": "B", "c": "C", "d": "D", "e": "B"}.__getitem__
    ranked = jurisdiction_list(["a", "b", "c", "d", "e"], country.get, doc, frozenset({"SG"}))
    # one vote per document: "e" is B's second passage and gets none
    assert ranked is not None and list(ranked.keys) == ["b", "d"] and ranked.weight > 0
    # naming Cambodia lifts Cambodian and unlabelled candidates, never a foreign one
    kh = jurisdiction_list(["a", "b", "c", "d"], country.get, doc, frozenset({"KH"}))
    assert kh is not None and list(kh.keys) == ["a", "c"]
    # nothing named, or every candidate named: no list, so the ranking is untouched
    assert jurisdiction_list(["a", "b"], country.get, doc, frozenset()) is None
    assert jurisdiction_list(["a", "c"], country.get, doc, frozenset({"KH"})) is None


def test_filter_on_a_country_includes_its_subdivisions() -> None:
    assert with_subdivisions(["IN"]) == ["IN", "IN-KL"]
    assert with_subdivisions(["SG", "IN-KL"]) == ["SG", "IN-KL"]


def test_a_passage_naming_the_country_counts_as_about_it() -> None:
    """A Cambodian report on traders from Viet Nam is evidence for a question about them."""
    assert mentions("Traders from Vietnam stopped buying rice", frozenset({"VN"}))
    assert mentions("ឈ្មួញវៀតណាមឈប់ទិញស្រូវ", frozenset({"VN"}))
    assert not mentions("Traders from Thailand stopped buying rice", frozenset({"VN"}))
    # a Khmer article names Thailand by its capital as the English question does: when only
    # the English passages counted, "... meeting in Bangkok" lifted a policy annex that
    # names Thailand over the Khmer report of the meeting itself
    assert mentions("កិច្ចប្រជុំរដ្ឋមន្ត្រីការបរទេសអាស៊ាននៅទីក្រុងបាងកក", frozenset({"TH"}))
    assert mentions("ព្រំដែនកម្ពុជា-ថៃ", frozenset({"TH"}))
    assert not mentions("ថ្ងៃនេះ ថ្លៃអគ្គិសនី", frozenset({"TH"}))  # ថ្ងៃ, ថ្លៃ are not ថៃ
    country = {"kh1": "KH", "vn1": "VN", "kh2": "KH"}
    doc = {"kh1": "A", "vn1": "B", "kh2": "C"}.__getitem__
    lifted = jurisdiction_list(["kh1", "vn1", "kh2"], country.get, doc, frozenset({"VN"}),
                               lambda key: key == "kh1")
    # both are lifted; the country's own document first, though fused below the report
    assert lifted is not None and list(lifted.keys) == ["vn1", "kh1"]
