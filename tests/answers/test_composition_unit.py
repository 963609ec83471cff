"""The pieces of answer composition that need no index: question parts, key entities,
list questions, and finding a registry item's heading in its page."""

from __future__ import annotations

import pytest

from answers.entities import key_entities, mentions, missing
from answers.lists import list_question, named_policy
from answers.parts import asks_for, question_parts, states
from answers.sections import PolicyRef
from index.glossary import Glossary, GlossaryEntry
from policykb.sections import closest_lines, locate

GLOSSARY = Glossary([GlossaryEntry("មណ្ឌលគិរី", "Mondulkiri", "place"),
                     GlossaryEntry("កំពត", "Kampot", "place"),
                     GlossaryEntry("ខេត្ត", "province", "place"),
                     GlossaryEntry("ក្រសួងមហាផ្ទៃ", "Ministry of Interior", "ministry")])


@pytest.mark.parametrize(("question", "parts"), [
    ("What is the Smart Village Policy and when does it end?",
     ["What is the Smart Village Policy", "when does it end"]),
    ("Who chaired the meeting? When was it held?", ["Who chaired the meeting", "When was it held"]),
    ("What are the goals and strategies of the policy?",  # one question about two things
     ["What are the goals and strategies of the policy?"]),
    ("តើគោលនយោបាយនេះជាអ្វី ហើយបញ្ចប់នៅពេលណា?", ["តើគោលនយោបាយនេះជាអ្វី", "បញ្ចប់នៅពេលណា"]),
    ("ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍ធ្វើអ្វី?", ["ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍ធ្វើអ្វី?"]),
])
def test_question_parts(question: str, parts: list[str]) -> None:
    assert question_parts(question) == parts


def test_what_kind_of_fact_a_part_asks_for() -> None:
    assert asks_for("when does it end") == "date" and asks_for("បញ្ចប់នៅពេលណា") == "date"
    assert asks_for("How many clerks are trained") == "number"
    assert asks_for("What is it") is None
    assert states("date", "It ends in 2030.") and not states("date", "It ends soon.")
    # the question's own year does not answer "how many"
    assert not states("number", "by 2027", frozenset({"2027"}))
    assert states("number", "៥០ សេវា ត្រឹមឆ្នាំ២០២៧", frozenset({"2027"}))


def test_key_entities_of_a_question() -> None:
    found = {e.text: e for e in key_entities(
        "How many offices in Mondulkiri province did the Ministry of Interior open in 2019?",
        GLOSSARY)}
    assert set(found) == {"2019", "Mondulkiri", "Ministry of Interior"}
    assert "មណ្ឌលគិរី" in found["Mondulkiri"].khmer  # checkable in Khmer evidence too
    # generic words and the question's first word are no entities
    assert key_entities("Which national policies cover cybersecurity?", GLOSSARY) == []
    assert [e.text for e in key_entities("តើខេត្តមណ្ឌលគិរីមានប៉មប៉ុន្មាន?", GLOSSARY)] == ["មណ្ឌលគិរី"]


def test_an_acronym_of_a_name_is_its_own_entity_and_found_singular() -> None:
    """"What are the KPIs of Kampot's Data Plan?": the plan lists "New KPI: ..." one at a
    time, and "KPIs of Kampot's Data Plan" is no single name a sentence must hold whole."""
    found = {e.text: e for e in key_entities("What are the KPIs of Sokha's Data Plan?", GLOSSARY)}
    assert set(found) == {"KPIs", "Sokha's Data Plan"}
    assert mentions(found["KPIs"], ["New KPI: every commune online by 2027"])
    # a name joined by "of" stays whole
    assert [e.text for e in key_entities("Who leads the Ministry of Interior?", GLOSSARY)] == [
        "Ministry of Interior"]


def test_the_generic_words_of_a_named_body_are_the_names_not_asked_about_it() -> None:
    """"What did the Ministry of Interior do in Kampot?" asked in Khmer: translated, the
    question holds "ministry", which Khmer sentences about ក្រសួងមហាផ្ទៃ never spell; it is
    part of the name, so nothing is asked beyond the two entities."""
    from answers.gates import entity_terms
    from ingest.analysis import Analyzer

    analyze = Analyzer().analyze
    entities = key_entities("តើក្រសួងមហាផ្ទៃបានធ្វើអ្វីខ្លះនៅខេត្តកំពត?", GLOSSARY)
    terms = entity_terms(entities, analyze)
    assert {"ministri", "interior", "ក្រសួង", "កំពត", "kampot"} <= terms


def test_an_entity_is_looked_for_in_both_languages_and_digits() -> None:
    year, place = key_entities("What did Mondulkiri do in 2019?", GLOSSARY)
    assert mentions(place, ["ខេត្តមណ្ឌលគិរី បានបើក"]) is True  # the Khmer form
    assert mentions(place, ["Kampot opened two centres."]) is False
    assert mentions(year, ["ក្នុងឆ្នាំ២០១៩"]) is True  # Khmer digits
    unknown = key_entities("What did Sok Dara say?", GLOSSARY)[0]
    assert mentions(unknown, ["ឯកឧត្តម បានមានប្រសាសន៍"]) is None  # cannot be checked in Khmer
    assert missing([place, year], ["In 2019 Kampot opened two centres."]) == [place]


def test_a_name_of_generic_words_is_found_whole_not_only_by_its_abbreviation() -> None:
    """Asked in Khmer who chairs the Digital Government Committee, the English evidence says
    "the Digital Government Committee is chaired by ...", never "DGC"."""
    glossary = Glossary([GlossaryEntry("គណៈកម្មាធិការរដ្ឋាភិបាលឌីជីថល",
                                       "Digital Government Committee", "institution"),
                         GlossaryEntry("គណៈកម្មាធិការរដ្ឋាភិបាលឌីជីថល", "DGC", "institution")])
    (committee,) = key_entities("តើអ្នកណាជាប្រធានគណៈកម្មាធិការរដ្ឋាភិបាលឌីជីថល?", glossary)
    assert mentions(committee, ["The Digital Government Committee is chaired by the Minister."])
    assert mentions(committee, ["The DGC meets every quarter."])
    assert mentions(committee, ["The Digital Security Committee is chaired by the Minister."]) \
        is False


def test_list_questions_and_the_policy_they_name() -> None:
    assert list_question("What strategies does the Digital Government Policy have?").level == "strategy"
    assert list_question("What are its strategic goals?").level == "goal"
    measures = list_question("List the priority actions of Strategy 3")
    assert measures.level == "measure" and "Strategy 3" in measures.scopes
    assert list_question("តើគោលនយោបាយនេះមានយុទ្ធសាស្ត្រអ្វីខ្លះ?").level == "strategy"
    assert list_question("តើគោលដៅយុទ្ធសាស្ត្រមានអ្វីខ្លះ?").level == "goal"
    # a count is answered by the sentence that states it, not by listing the registry
    assert list_question("តើគោលដៅយុទ្ធសាស្ត្រមានប៉ុន្មាន?") is None
    assert list_question("How many strategies does the Digital Government Policy have?") is None
    assert list_question("What does Strategy 3 say about data centres?") is None
    # asked for the count and the items: the list, which opens with its count, answers both
    both = list_question("How many digital government strategies are there and what are they?")
    assert both is not None and both.level == "strategy"
    assert list_question("How many priority actions are there? List them all.").level == "measure"
    assert list_question("តើគោលនយោបាយនេះមានយុទ្ធសាស្ត្រប៉ុន្មាន និងអ្វីខ្លះ?").level == "strategy"
    # the items about one topic are answered by the sentences that say so, each named by
    # its strategy; the whole list would not answer
    assert list_question("Which strategies of the Digital Government Policy deal with data?") \
        is None
    assert list_question("Which measures of the framework address cybersecurity?") is None
    assert list_question("What strategies does it have, and what are they about?") is not None
    # a Khmer follow-up comes back re-spaced by word once its pronoun is dropped
    assert list_question("តើ មាន យុទ្ធសាស្ត្រ អ្វី ខ្លះ? (Digital Government Policy)").level \
        == "strategy"
    policies = [PolicyRef("dgp", "Cambodia Digital Government Policy 2022-2035", "a.pdf",
                          ("Cambodia Digital Government Policy 2022-2035", "Digital Government Policy")),
                PolicyRef("despf", "Digital Economy and Society Policy Framework", "b.pdf",
                          ("Digital Economy and Society Policy Framework",))]
    assert named_policy("What goals does the digital government policy have?", [], policies).policy_id == "dgp"
    assert named_policy("តើ…មានគោលដៅអ្វីខ្លះ?", ["digital economy and society policy framework"],
                        policies).policy_id == "despf"
    assert named_policy("What strategies does it have?", [], policies) is None


def test_a_registry_heading_is_found_in_its_page() -> None:
    page = "Intro.\n7.1-Strategic Goal 1: Promoting the development of digital\ngovernment infrastructure\nText."
    offset = page.index("7.1")
    start, end = locate("Promoting the development of digital government infrastructure", page, offset)
    assert page[start:end] == "7.1-Strategic Goal 1: Promoting the development of digital\ngovernment infrastructure"
    assert locate("Something else entirely", page, offset) is None
    # an item the reviewed file reworded: the lines that hold most of its words
    text = "Header\nimplementation of value-added tax on the supply of goods\nand digital services.\n"
    start, end = closest_lines("Apply value-added tax to the supply of goods", text)
    assert text[start:end] == "implementation of value-added tax on the supply of goods"
