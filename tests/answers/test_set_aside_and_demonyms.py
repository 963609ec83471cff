"""Rules learnt from a third set of questions written blind: a clause that sets things aside
is not the question's subject, a people's adjective names its country, a second part may open
with a hedge ("and roughly how many"), and Khmer "which day" is a question word. Pure logic,
text written for the tests."""

from __future__ import annotations

from answers.entities import key_entities, mentions, set_aside
from answers.parts import question_parts


def test_a_set_aside_clause_is_blanked_in_place() -> None:
    question = "Which draft laws is the ministry preparing (besides the Trade Law adopted in 2019)?"
    blanked = set_aside(question)
    assert len(blanked) == len(question)
    assert "Trade Law" not in blanked and "2019" not in blanked
    assert blanked.startswith("Which draft laws is the ministry preparing (")
    assert set_aside("Apart from the ITU, which agency helped?").strip().startswith(", which")
    assert set_aside("What does the plan say about Kampot?") == \
        "What does the plan say about Kampot?"


def test_names_and_years_set_aside_are_not_key_entities() -> None:
    texts = [e.text for e in key_entities(
        "Which draft laws is the ministry preparing (besides the Trade Law adopted in 2019)?",
        None)]
    assert "2019" not in texts and not any("Trade" in t for t in texts)
    kept = [e.text for e in key_entities(
        "Which draft laws did the Mekong Council prepare in 2021, other than the Trade Law?",
        None)]
    assert "2021" in kept and any("Mekong" in t for t in kept)
    assert not any("Trade" in t for t in kept)


def test_a_peoples_adjective_is_named_by_its_country() -> None:
    korean, = [e for e in key_entities("Which South Korean agency helped the programme?", None)
               if "Korean" in e.text]
    assert mentions(korean, ["It was set up with South Korea's information agency."]) is True
    assert mentions(korean, ["It was set up with the Mekong agency."]) is False
    japanese, = [e for e in key_entities("Which Japanese grant paid for it?", None)
                 if "Japanese" in e.text]
    assert mentions(japanese, ["A grant from the people of Japan paid for it."]) is True
    assert mentions(japanese, ["A grant from the people of Laos paid for it."]) is False


def test_a_second_part_may_open_with_a_hedge() -> None:
    assert question_parts("Who opened the fair in Kampot, and roughly how many people came?") \
        == ["Who opened the fair in Kampot", "roughly how many people came"]
    assert question_parts("Who spoke at the forum and about how many students attended?") \
        == ["Who spoke at the forum", "about how many students attended"]
    assert question_parts("What did the forum say about how to train teachers?") == [
        "What did the forum say about how to train teachers?"]


def test_khmer_which_day_is_a_question_word() -> None:
    assert question_parts("ក្រសួងចេញប្រកាសនៅថ្ងៃណា ហើយមន្ត្រីនោះឈ្មោះអ្វី?") == [
        "ក្រសួងចេញប្រកាសនៅថ្ងៃណា", "មន្ត្រីនោះឈ្មោះអ្វី"]
