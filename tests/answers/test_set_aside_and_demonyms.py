"""Rules learnt from a third set of questions written blind: a clause that sets things aside
is not the question's subject, a people's adjective names its country, a second part may open
with a hedge ("and roughly how many"), Khmer "which day" is a question word, a month is no
word of a name, a document names its issuer, "how often" asks for a rate. Pure logic, text
written for the tests."""

from __future__ import annotations

from dataclasses import replace

from answers.asked import AskedFacts
from answers.counting import counted_noun
from answers.coverage import cover_kinds, cover_parts
from answers.entities import key_entities, mentions, set_aside
from answers.enumeration import ItemsAsked, block_after_lead_in, plural_asked
from answers.gates import Strength, about_entities
from answers.parts import asks_for, asks_kinds, question_parts, states
from tests.answers.evidence_factory import passage, unit


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


def test_a_month_is_not_part_of_the_name_before_it() -> None:
    entities = key_entities("What did the Mekong Ministry's November 2022 review decide?", None)
    kinds = {e.text: e.kind for e in entities}
    assert kinds.get("November") == "date"
    assert not any("November" in text for text, kind in kinds.items() if kind == "name")


def test_a_document_names_its_issuing_body() -> None:
    """A news item signed by the Mekong Media Development Authority never names "MMDA" in
    its text: its document's issuer does, for the key-entity check."""
    hit = replace(passage("We signed an MOU with the regulator to fight phone scams.",
                          doc_id="news/mou.md", page=1),
                  issuing_body="Mekong Media Development Authority")
    sentence = unit(hit, "We signed an MOU with the regulator to fight phone scams.", 0.8)
    mmda, = [e for e in key_entities("Why does the MOU of MMDA matter?", None)
             if e.text == "MMDA"]
    pool, lacking = about_entities([sentence], [mmda], [hit], Strength(frozenset({"en"})))
    assert lacking == [] and pool == [sentence]
    unsigned = replace(hit, issuing_body="Ministry of Tourism")
    assert about_entities([unit(unsigned, sentence.text, 0.8)], [mmda], [unsigned],
                          Strength(frozenset({"en"})))[1] == [mmda]
    # an English issuer says nothing of whether a Khmer passage names an English-only name
    khmer = replace(passage("ក្រុមការងារ Sisters បានបណ្តុះបណ្តាលសិស្ស។", doc_id="news/km.md",
                            page=1, language="km", title="ព័ត៌មានថ្មី"),
                    issuing_body="Ministry of Tourism")
    sisters, = [e for e in key_entities("How many did Mekong Sisters train?", None)
                if "Sisters" in e.text]
    assert about_entities([unit(khmer, khmer.text, 0.8)], [sisters], [khmer],
                          Strength(frozenset({"en"})))[1] == []


def test_how_often_asks_for_a_rate() -> None:
    assert asks_kinds("How often is the plan evaluated?") == ["frequency"]
    assert asks_for("and how frequently must the committee report") == "frequency"
    assert states("frequency", "The plan is reviewed every three to five years.")
    assert states("frequency", "The committee reports quarterly to the council.")
    assert states("frequency", "គណៈកម្មាធិការរាយការណ៍ប្រចាំឆ្នាំ។")
    assert not states("frequency", "The plan was reviewed in 2022 by five ministries.")


def test_how_many_counts_the_noun_before_a_verb_or_and() -> None:
    assert counted_noun("how many ministries and institutions took part in the survey") \
        == "ministries"
    assert counted_noun("and roughly how many people joined it") == "people"
    assert counted_noun("How many policy measures does it set out?") == "policy measures"
    assert counted_noun("How many of them are women?") is None


def test_a_part_asking_how_many_ministries_gets_the_sentence_counting_ministries() -> None:
    """"... ranked 124th out of 193 countries" states numbers but counts no ministry; the
    part is answered by the sentence that counts them."""
    hit = passage("The plan was ranked 124th out of 193 countries in 2020. The survey heard "
                  "officials from only 28 ministries and institutions.")
    ranked = unit(hit, "The plan was ranked 124th out of 193 countries in 2020.", 0.9,
                  terms=frozenset({"plan", "rank", "countri", "2020"}))
    counted = unit(hit, "The survey heard officials from only 28 ministries and institutions.",
                   0.5, terms=frozenset({"survei", "offici", "ministri", "institut"}))
    parts = ["Which model did the plan use", "how many ministries took part in the survey"]
    chosen = cover_parts(parts, [ranked, counted], [ranked], lambda t: t.lower().split(),
                         lambda _t: 1.0, 1.0)
    assert counted in chosen


def test_which_plurals_are_asks_a_set_only_a_block_under_its_lead_in_answers() -> None:
    assert plural_asked("Which higher education institutions are partners?") == \
        ItemsAsked("institution", None)
    assert plural_asked("Which five Takeo high schools did the volunteers visit?") == \
        ItemsAsked("school", 5)
    assert plural_asked("What percentage of public services were applied for online?") is None
    assert plural_asked("What is the status of the plan?") is None
    # the scheme names its set and opens its list: its marked lines are the answer
    text = ("The ministry funds 500 places at four partner institutions, as follows:\n"
            "- Mekong Institute: 200 places\n- Delta University: 100 places\n"
            "- River Academy: 150 places\n- Lake College: 50 places\n"
            "Students apply online before May.")
    hit = passage(text, doc_id="news/places.md", page=1)
    items = [unit(hit, line) for line in text.split("\n")[1:5]]
    block = block_after_lead_in([*items, unit(hit, "Students apply online before May.")],
                                ItemsAsked("institution", None), lambda _d, _p: text,
                                lambda _d, _p: True)
    assert block == items


def test_words_leading_into_a_name_are_not_part_of_it() -> None:
    texts = {e.text for e in key_entities(
        "During Sar Kheng's visit to Laos, who met him? In the DESPF, who leads?", None)}
    assert {"Sar Kheng", "DESPF"} <= texts
    assert not any(t.startswith(("During", "In the")) for t in texts)


def test_a_mixed_case_acronym_is_named_by_its_long_form() -> None:
    mou, = [e for e in key_entities("Who signed the MoU on Community Tech Centers?", None)
            if e.text == "MoU"]
    assert mentions(mou, ["the signing of the Memorandum of Understanding on schools"]) is True
    assert mentions(mou, ["the signing of the agreement on schools"]) is False


def test_a_year_on_none_of_the_passages_is_looked_for_in_their_documents() -> None:
    hit = passage("More than 18 percent of systems stored data abroad.", doc_id="policy/p.pdf")
    sentence = unit(hit, hit.text, 0.8)
    year, = [e for e in key_entities("In the 2020 study, what share stored data abroad?", None)
             if e.text == "2020"]
    strength = Strength(frozenset({"en"}))
    assert about_entities([sentence], [year], [hit], strength)[1] == [year]
    whole = {"policy/p.pdf": "Annex 1. A 2020 survey was conducted ... More than 18 percent"}
    assert about_entities([sentence], [year], [hit], strength, whole.__getitem__)[1] == []
    assert about_entities([sentence], [year], [hit], strength,
                          lambda _doc: "A survey of 2019.")[1] == [year]


def test_a_count_of_what_is_asked_answers_from_the_leads_page() -> None:
    """"About how many people came?": the page's "a total of about 1,800 people" states it
    though it repeats few of the question's words; "18 high schools" on the same page does
    not, nor does a date."""
    hit = passage("On June 24, 2024 the minister opened the centre in Bati. It serves 18 high "
                  "schools. Guests and students, a total of about 1,800 people, attended.",
                  doc_id="news/opening.md", page=1)
    lead = unit(hit, "On June 24, 2024 the minister opened the centre in Bati.", 0.9)
    schools = unit(hit, "It serves 18 high schools.", 0.5)
    people = unit(hit, "Guests and students, a total of about 1,800 people, attended.", 0.3)
    facts = AskedFacts.of("About how many people turned out for the opening in Bati?")
    assert facts.counted == "people"
    chosen = cover_kinds(facts.kinds, [lead, schools, people], [lead], facts.known,
                         page_pool=[lead, schools, people], counted=facts.counted)
    assert chosen == [lead, people]
    assert facts.says_what_is_asked(chosen)
    assert not facts.says_what_is_asked([lead, schools])


def test_a_count_asked_in_brackets_still_names_what_it_counts() -> None:
    assert counted_noun("Logistics index 2018 rank (out of how many countries)") == "countries"


def test_a_khmer_text_that_spells_a_name_in_latin_letters_names_it() -> None:
    gmac, = [e for e in key_entities("តើសមាគម (MGAC) មានសមាជិកប៉ុន្មាន?", None)
             if e.text == "MGAC"]
    assert mentions(gmac, ["ប្រធានសមាគមរោងចក្រ ហៅកាត់ថា MGAC បានឱ្យដឹងថា"]) is True
    # a Khmer text without it cannot show it is absent (it may spell the name in Khmer)
    assert mentions(gmac, ["ប្រធានសមាគមរោងចក្របានឱ្យដឹងថា"]) is None
    assert mentions(gmac, ["The association's chairman said so."]) is False


def test_a_hyphenated_adjective_is_no_word_of_the_name_before_it() -> None:
    names = {e.text for e in key_entities(
        "How many people did the Philippines say its Verify-based platform covers?", None)}
    assert "Verify" in names and not any("based" in n for n in names)
    assert "Japan" in {e.text for e in key_entities("Who ran the Japan-funded project?", None)}


def test_a_name_written_as_one_word_is_found_written_as_two() -> None:
    park = next(e for e in key_entities("Under what brand is Technopark joined?", None)
                if e.text == "Technopark")
    assert mentions(park, ["All IT parks (Techno park, info park and Cyber park) are joined."])
    assert not mentions(park, ["All IT parks are joined under one brand."])
