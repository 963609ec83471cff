"""Who chairs a named body (``answers/roles.py``): the sentence that ties the role to that
body, not a neighbour's role in a sentence that names it too. Text written for the tests."""

from __future__ import annotations

from answers.roles import ROLE_BOOST, body_asked, role_weight, ties_role_to


def test_the_body_asked_about_is_read_from_the_question() -> None:
    assert body_asked("Who chairs the River Data Committee under the Provincial Council?") == \
        "River Data Committee"
    assert body_asked("Who is the chairman of the Lake Regulator?") == "Lake Regulator"
    assert body_asked("Who attended the meeting?") is None


def test_a_role_tied_to_the_body_weighs_more_and_one_tied_to_another_less() -> None:
    body = "River Data Committee"
    tied = "Given its work, the River Data\nCommittee will be chaired by the Governor."
    quoted = 'The council set up the "River Data Committee" chaired by the Governor.'
    abbreviated = "The River Data Committee (RDC), headed by the deputy governor, meets monthly."
    noun_first = "Mr. Sok, Chairman of the River Data Committee, opened the meeting."
    elsewhere = ("The Lake Committee, chaired by the Minister, works with the River Data "
                 "Committee and the other committees.")
    for text in (tied, quoted, abbreviated, noun_first):
        assert ties_role_to(body, text), text
        assert role_weight(body, text) == ROLE_BOOST
    assert not ties_role_to(body, elsewhere)
    assert role_weight(body, elsewhere) == 1 / ROLE_BOOST
    assert role_weight(body, "The River Data Committee meets monthly.") == 1.0


def test_who_became_the_new_chairman_asks_the_body_and_its_initials_name_it() -> None:
    body = body_asked("Who became the new chairman of the Mekong Data Authority in 2020?")
    assert body == "Mekong Data Authority"
    assert role_weight(body, "H.E. Sok Dara, the newly appointed chairman of MDA, spoke.") \
        == ROLE_BOOST
    assert role_weight(body, "Chairman Sok also thanked the MDA staff.") == 1 / ROLE_BOOST
    assert role_weight(body, "Source: Mekong Data Authority (MDA) 2020.") == 1.0
