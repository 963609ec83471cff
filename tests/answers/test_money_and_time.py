"""What "how much" and "when" questions need from their answer (``answers/money.py``,
``answers/parts.py`` ``names_time``, ``answers/asked.py``): an amount of money, a point in
time. Text written for the tests."""

from __future__ import annotations

from answers.asked import AskedFacts
from answers.parts import names_time
from answers.quantities import asks_money, names_money
from tests.answers.evidence_factory import passage, unit


def test_a_question_asks_for_money_when_it_asks_how_much_with_a_word_of_spending() -> None:
    for question in ("How much will the policy cost?",
                     "How much will the government spend on data centres by 2025?",
                     "What is the total cost of the broadband plan?",
                     "តើគម្រោងនេះចំណាយថវិកាប៉ុន្មាន?"):
        assert asks_money(question), question
    for question in ("How much did the digital economy contribute to GDP?",
                     "What budget does the government allocate to digital government?",
                     "How many data centres are planned?",
                     "តើមានមជ្ឈមណ្ឌលប៉ុន្មាន?"):
        assert not asks_money(question), question


def test_an_amount_of_money_is_a_currency_beside_a_figure() -> None:
    for text in ("Each US$ 1 invested returns more.", "a fund of USD 23 trillion",
                 "The fee is $40 per year.", "fines of 5 million riels",
                 "ថវិកាចំនួន ១០០ លានដុល្លារ", "Rs. 500 crores for start-ups"):
        assert names_money(text), text
    for text in ("See p.361 of the toolkit.", "83 priority actions in 10 strategies",
                 "The budget will be allocated every year."):
        assert not names_money(text), text


def test_a_how_much_answer_without_an_amount_does_not_say_what_is_asked() -> None:
    hit = passage("The plan lists 83 actions (p. 361). Phase one costs US$ 12 million.")
    facts = AskedFacts.of("How much will the plan cost?")
    assert not facts.says_what_is_asked([unit(hit, "The plan lists 83 actions (p. 361).")])
    assert facts.says_what_is_asked([unit(hit, "Phase one costs US$ 12 million.")])
    # another kind of question is not held to an amount
    assert AskedFacts.of("What does the plan list?").says_what_is_asked(
        [unit(hit, "The plan lists 83 actions (p. 361).")])


def test_a_span_counted_from_an_undated_event_is_no_point_in_time() -> None:
    assert not names_time("Two years after the launch of the blueprint, new rules came.")
    assert not names_time("Three months later the office opened its doors.")
    assert names_time("Two years after its launch in 2018, the blueprint was updated.")
    assert names_time("Papers are collected within three working days.")
    hit = passage("Two years after the launch of the blueprint, new rules came.")
    assert not AskedFacts.of("When was the blueprint launched?").says_what_is_asked(
        [unit(hit, "Two years after the launch of the blueprint, new rules came.")])
