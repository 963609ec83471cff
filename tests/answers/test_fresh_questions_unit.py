"""Rules learnt from questions written blind, after the development set: a second part led by
a preposition, a venue, an acronym of a title, a country's document that never says its name,
a registry list the question counts differently, a single thing asked of a list, a count in
a Khmer classifier. Pure logic, text written for the tests."""

from __future__ import annotations

from dataclasses import replace

from answers.coverage import cover_kinds
from answers.entities import Entity, key_entities, mentions
from answers.gates import Strength, about_entities
from answers.lists import _count_fits, list_question
from answers.parts import asks_kinds, question_parts, states
from answers.quantities import asks_money, counted_by_classifier, states_count
from tests.answers.evidence_factory import passage, unit


def test_a_second_part_may_open_with_a_preposition() -> None:
    assert question_parts("Who co-presided over the signing, and on what date was it signed?") \
        == ["Who co-presided over the signing", "on what date was it signed"]
    assert question_parts("What are the rules for ministries and agencies?") == [
        "What are the rules for ministries and agencies?"]


def test_a_venue_is_a_hall_or_hotel_not_the_datelines_city() -> None:
    assert asks_kinds("2025 Digital Forum: venue and dates?") == ["date", "venue"]
    assert asks_kinds("Where was the forum held?") == ["place", "venue"]
    assert states("venue", "It was held at the Riverside Convention and Exhibition Center.")
    assert states("venue", "The meeting took place at the Rosewood Hotel.")
    assert not states("venue", "Phnom Penh: the minister closed the Digital Technology Exhibition.")


def test_the_venue_sentence_of_the_chosen_page_is_added_whatever_its_score() -> None:
    hit = passage("Phnom Penh: On 7 May 2025 the minister closed the forum. "
                  "The event was held at the Riverside Convention and Exhibition Center.",
                  doc_id="news/forum.md", page=1)
    dateline = unit(hit, "Phnom Penh: On 7 May 2025 the minister closed the forum.", 0.9)
    venue = unit(hit, "The event was held at the Riverside Convention and Exhibition Center.",
                 0.1)
    chosen = cover_kinds(["date", "venue"], [dateline], [dateline], frozenset(),
                         page_pool=[dateline, venue])
    assert chosen == [dateline, venue]
    # another page's weak sentence is not pulled in
    elsewhere = replace(venue, hit=replace(hit, page=2))
    assert cover_kinds(["venue"], [dateline], [dateline], frozenset(),
                       page_pool=[elsewhere]) == [dateline]


def test_an_acronym_of_a_title_is_found_by_the_titles_initials() -> None:
    des = Entity("DES", "name", frozenset({"des"}), frozenset())
    assert mentions(des, ["The Digital Economy and Society Policy Framework sets goals."])
    assert mentions(des, ["The digital economy grows fast."]) is False


def test_a_generic_word_for_an_organisation_is_no_key_entity() -> None:
    asked = "Which organisation did the Regulator partner with?"
    assert not [e for e in key_entities(asked, None) if "organisation" in e.latin]


def test_a_countrys_document_answers_for_the_country_it_never_names() -> None:
    singapore = Entity("Singapore", "name", frozenset({"singapore"}), frozenset())
    hit = replace(passage("The Government will fuse core data within 7 working days.",
                          doc_id="other/blueprint.md", page=1), country="SG")
    sentence = unit(hit, "The Government will fuse core data within 7 working days.", 0.9)
    pool, lacking = about_entities([sentence], [singapore], [hit], Strength(frozenset({"en"})))
    assert lacking == [] and pool == [sentence]
    elsewhere = replace(hit, country="KH")
    assert about_entities([replace(sentence, hit=elsewhere)], [singapore], [elsewhere],
                          Strength(frozenset({"en"})))[1] == [singapore]


def test_a_registry_list_the_question_counts_differently_is_not_the_answer() -> None:
    assert not _count_fits("តើគោលការណ៍គ្រឹះទាំង៥ មានអ្វីខ្លះ?", 6)
    assert not _count_fits("What are the four strategies of the plan?", 10)
    assert _count_fits("What are the ten strategies of the Policy 2022-2035?", 10)
    assert _count_fits("What are the goals under Strategy 3?", 5)
    assert _count_fits("What strategies does the policy have?", 10)


def test_one_thing_asked_of_a_list_is_not_a_list_question() -> None:
    assert list_question("What is the total budget to implement the 83 priority actions?") is None
    assert list_question("What are the priority actions of the policy?") is not None
    assert list_question("What is the list of strategies of the policy?") is not None


def test_a_fine_is_money_and_a_khmer_count_carries_its_classifier() -> None:
    assert asks_money("How much was the fine the regulator imposed?")
    unit_km = counted_by_classifier("តើជំរឿនរាប់បានប្រជាជនប៉ុន្មាននាក់?")
    assert unit_km == "នាក់"
    assert states_count("មានសិស្សចូលរួមប្រមាណ ៤ ០០០នាក់", unit=unit_km)
    assert not states_count("ការងារធ្វើឡើងរយៈពេល ១១ថ្ងៃ ចាប់ពីថ្ងៃទី០៣ ខែមីនា", unit=unit_km)
    # an English text counts in its own words
    assert states_count("About 4,000 students took part.", unit=unit_km)
    assert not states_count("Results will be announced on 7 August 2019.")


def test_a_khmer_count_may_be_written_in_words() -> None:
    assert states_count("បានអនុញ្ញាតឱ្យសាងសង់ប៉មថ្មីចំនួនសែសិប ក្នុងឆ្នាំ២០២៤")
    assert states_count("មានសិស្សចូលរួមចំនួនបីរយនាក់", unit="នាក់")


def test_which_provinces_is_answered_by_a_provinces_name_not_by_a_count_of_them() -> None:
    from answers.asked import AskedFacts
    from answers.parts import asks_named_place

    assert asks_named_place("Which were the nine priority provinces that the network reached?")
    assert asks_named_place("តើខេត្តណាខ្លះមានមជ្ឈមណ្ឌល?")
    assert not asks_named_place("Which policy covers smart cities?")
    hit = passage("The network was expanded to nine priority provinces. "
                  "The network reached Kampot province first.")
    facts = AskedFacts.of("Which provinces did the network reach?")
    assert not facts.says_what_is_asked([unit(hit, "The network was expanded to nine priority "
                                                   "provinces.")])
    assert facts.says_what_is_asked([unit(hit, "The network reached Kampot province first.")])


def test_the_share_of_the_questions_own_words_a_sentence_holds() -> None:
    from answers.gates import share_of_words
    from index.query import AnalyzedQuery
    from ingest.analysis import Analyzer

    analyze = Analyzer().analyze
    asked = "When did the province announce its first data policy?"
    query = AnalyzedQuery(text=asked, language="en", terms=analyze(asked))
    hit = passage("The Provincial Government announced its first data policy in 2009. "
                  "The data office announced new rules.")
    held = unit(hit, "The Provincial Government announced its first data policy in 2009.",
                terms=frozenset(analyze("The Provincial Government announced its first data "
                                        "policy in 2009.")))
    partial = unit(hit, "The data office announced new rules.",
                   terms=frozenset(analyze("The data office announced new rules.")))
    given = frozenset(analyze("province"))
    assert share_of_words(held, query, "en", given) == 1.0
    assert share_of_words(partial, query, "en", given) == 0.5  # announce, data of 4 words
    assert share_of_words(held, query, "km", given) == 0.0  # not the question's language


def test_a_meetings_date_named_once_in_its_record_covers_the_records_other_passages() -> None:
    asked = "At the ministry meeting of 23 November 2022, who reported on the draft plan?"
    entities = key_entities(asked, None)
    assert {(e.text, e.kind) for e in entities} >= {("23", "number"), ("2022", "number"),
                                                    ("November", "date")}
    opening = passage("On 23 November 2022 the ministry held a meeting on the draft plan.",
                      doc_id="news/meeting.md", page=1)
    report = passage("Mr. Lim Dara reported on the progress of the draft plan.",
                     doc_id="news/meeting.md", page=1, start=200)
    other = passage("Mr. Chan Sok reported on a draft plan of another office.",
                    doc_id="news/other.md", page=1)
    units = [unit(opening, opening.text, 0.9), unit(report, report.text, 0.8),
             unit(other, other.text, 0.8)]
    pool, lacking = about_entities(units, entities, [opening, report, other],
                                   Strength(frozenset({"en"})))
    assert lacking == []
    assert [s.hit.doc_id for s in pool] == ["news/meeting.md", "news/meeting.md"]


def test_a_lead_stating_the_fact_drops_its_documents_far_weaker_sentences() -> None:
    from answers.asked import AskedFacts

    policy = passage("The government announced its first IT policy in 1998. "
                     "The marketing group drives demand for IT services.",
                     doc_id="other/kerala.md")
    news = passage("Another state announced a plan.", doc_id="news/other.md")
    lead = unit(policy, "The government announced its first IT policy in 1998.", 1.0)
    filler = unit(policy, "The marketing group drives demand for IT services.", 0.5)
    close = unit(policy, "The marketing group drives demand for IT services.", 0.7)
    elsewhere = unit(news, "Another state announced a plan.", 0.4)
    facts = AskedFacts.of("When did the state announce its first IT policy?")
    assert facts.without_stragglers([lead, filler, elsewhere]) == [lead, elsewhere]
    assert facts.without_stragglers([lead, close]) == [lead, close]
    # a lead that does not state the fact keeps its company
    weak = unit(policy, "The marketing group drives demand for IT services.", 1.0)
    assert facts.without_stragglers([weak, filler]) == [weak, filler]


def test_the_items_under_a_lead_in_naming_the_set_are_the_answer() -> None:
    from answers.enumeration import ItemsAsked, block_after_lead_in, items_asked

    assert items_asked("What four areas did the regulators' forum focus on?") == \
        ItemsAsked("area", 4)
    page = ("The forum had two parts:\n1. Regional Forum (RF)\n2. Media Forum (MF), attended "
            "by ministers.\nOn the first day the Regional Forum met. This forum focused on "
            "three areas namely:\n\n1. Structural change\n2. Convergence\n3. Innovation\n"
            "On the second day the Media Forum met.")
    hit = passage(page, doc_id="news/forum.md", page=1)
    units = [unit(hit, line, 0.8 if "Forum" in line else 0.3)
             for line in ("1. Regional Forum (RF)", "2. Media Forum (MF), attended by ministers.",
                          "1. Structural change", "2. Convergence", "3. Innovation")]
    texts = {("news/forum.md", 1): page}
    block = block_after_lead_in(units, ItemsAsked("area", 3),
                                lambda d, p: texts.get((d, p)), lambda d, p: True)
    assert [u.text for u in block] == ["1. Structural change", "2. Convergence", "3. Innovation"]
    # a count the block does not have, or a page too weak to answer, gives nothing
    assert block_after_lead_in(units, ItemsAsked("area", 4),
                               lambda d, p: texts.get((d, p)), lambda d, p: True) == []
    assert block_after_lead_in(units, ItemsAsked("area", 3),
                               lambda d, p: texts.get((d, p)), lambda d, p: False) == []


def test_items_ending_in_a_comma_share_a_unit_and_still_count() -> None:
    from answers.enumeration import ItemsAsked, block_after_lead_in

    page = ("The evaluation team can be categorized into three types:\n"
            "1. The team of each committee,\n2. The joint team, and\n"
            "3. The independent team.\nA. Preparation")
    hit = passage(page, doc_id="policy/plan.pdf", page=4)
    units = [unit(hit, "1. The team of each committee,\n2. The joint team, and", 0.3),
             unit(hit, "3. The independent team.", 0.3)]
    block = block_after_lead_in(units, ItemsAsked("type", 3),
                                lambda d, p: page, lambda d, p: True)
    assert block == units


def test_a_name_is_found_whatever_the_plural_s_of_its_words() -> None:
    ministry = Entity("Ministry of Posts and Telecommunications", "name",
                      frozenset({"posts telecommunications"}), frozenset())
    assert mentions(ministry, ["the Ministry of Post and Telecommunication shall set up ..."])
    assert mentions(ministry, ["The ministry of transport shall ..."]) is False
    # "Cambodians" is as generic as "Cambodian": no key entity
    assert not key_entities("What share of Cambodians use the internet?", None)


def test_a_chosen_sentence_takes_the_next_one_that_lists_its_members() -> None:
    from answers.fragments import join_fragments, lists_members

    assert lists_members("These systems include email, a portal and messaging.")
    assert not lists_members("The systems include email.")
    text = ("The ministry shall set up common systems for all offices. These systems include "
            "email, a portal and messaging. The office trains clerks.")
    hit = passage(text)
    first = unit(hit, "The ministry shall set up common systems for all offices.", 0.9)
    members = unit(hit, "These systems include email, a portal and messaging.", 0.2)
    other = unit(hit, "The office trains clerks.", 0.3)
    (joined,) = join_fragments([first], [first, members, other])
    assert joined.text == ("The ministry shall set up common systems for all offices. These "
                           "systems include email, a portal and messaging.")
    assert joined.score == 0.9 and text[joined.start - hit.start:joined.end - hit.start] == \
        joined.text


def test_one_thing_asked_of_a_registry_list_and_a_salary_are_not_a_list_and_are_money() -> None:
    assert list_question("In the policy's list of priority actions, which institution leads "
                         "the early warning system?") is None
    assert asks_money("What monthly salary does the policy set for new officers?")
    assert not asks_money("What budget does the government allocate to digital government?")


def test_a_block_under_its_lead_in_is_answered_whole_beyond_the_usual_six() -> None:
    from answers.enumeration import MOST, ItemsAsked, block_after_lead_in

    items = [f"- Subject number {n} of the course" for n in range(1, 9)]
    page = "Volunteers teach eight subjects, including:\n" + "\n".join(items) + "\nThe end."
    hit = passage(page, doc_id="news/course.md", page=1)
    units = [unit(hit, line, 0.5) for line in items]
    block = block_after_lead_in(units, ItemsAsked("subject", None),
                                lambda d, p: page, lambda d, p: True)
    assert len(block) == 8 > MOST
