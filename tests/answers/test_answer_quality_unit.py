"""The answer-quality steps that need no index, on text written for these tests: what a
question asks for (a count, a person, a body, a place, the items of a set), which units are
debris, joining a sentence the splitter cut, preferring the policy a question names, and a
document number that answers in a language no embedder reads."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from answers.ask_evidence import UsableEvidence
from answers.asked import AskedFacts
from answers.counting import counted_noun, counts
from answers.coverage import cover_kinds
from answers.display import (
    is_break,
    is_debris,
    is_fragment,
    is_heading_line,
    is_lead_in,
    is_referral,
    is_visa,
)
from answers.enumeration import boost_items, items_asked
from answers.focus import (
    NAMED_BOOST,
    names_given,
    only_named,
    prefer_jurisdiction,
    prefer_named,
    titled_documents,
    unsupported_countries,
    without_weak_sessions,
)
from answers.fragments import is_cut_by_page, is_sentence_tail, join_fragments, runs_on
from answers.gates import Strength, beyond_entities, identified, identifiers, language_lead
from answers.list_items import with_lead_ins
from answers.numbered_lists import numbered_runs
from answers.parts import (
    asks_contact,
    asks_kinds,
    asks_legal_basis,
    asks_when,
    gives_day,
    known_facts,
    names_time,
    states,
)
from answers.policy_questions import every_policy, prefer_registered, with_policy_passages
from index.search_types import SearchFilters
from ingest.analysis import Analyzer
from ingest.schedule import Session
from ingest.sentences import EVIDENCE_SENTENCE_CHARS, split_sentences
from tests.answers.evidence_factory import passage, unit

STRENGTH = Strength(frozenset({"en"}))


@pytest.mark.parametrize(("question", "kinds"), [
    ("How many clerks were trained, and in which province?", ["number", "place"]),
    ("Who chaired the review meeting, and when?", ["date", "person"]),
    ("Which ministry prepared the plan?", ["ministry"]),
    ("Which committee prepared the plan?", ["body"]),
    ("តើក្រសួងណាដឹកនាំគម្រោង?", ["ministry"]),
    ("What are the three phases of the plan and their years?", ["date"]),
    ("What period does the provincial plan cover?", ["date"]),
    ("តើគម្រោងបណ្តុះបណ្តាលសិស្សប៉ុន្មាននាក់ នៅខេត្តណា?", ["number", "place"]),
    ("តើនរណាជាអ្នកដឹកនាំកិច្ចប្រជុំ?", ["person"]),
    ("Which national policy covers rural broadband?", []),
])
def test_the_kinds_of_fact_a_question_asks_for(question: str, kinds: list[str]) -> None:
    assert asks_kinds(question) == kinds


def test_what_states_a_person_a_body_a_place_or_a_count() -> None:
    assert states("person", "The meeting was chaired by H.E. Dara Kim, Secretary of State.")
    assert not states("person", "The meeting reviewed the plan.")
    assert states("body", "The plan was prepared by the Provincial Data Council.")
    assert states("place", "Volunteers teach in Takeo province.")
    assert states("place", "សិស្សនៅខេត្តតាកែវ")
    assert not states("place", "ក្នុងខេត្តចំនួន ៣")  # "in three provinces" names none
    # "how many" is not answered by the policy's years
    assert not states("number", "គោលនយោបាយ ២០២១-២០៣៥") and states("number", "27 priority actions")


def test_the_body_a_question_names_is_not_its_answer() -> None:
    """"Which ministry leads the Provincial Data Committee?": every sentence about the
    committee names a body, so naming it stated nothing; the minister who chairs it does."""
    question = "Which ministry leads the Provincial Data Committee?"
    known = known_facts(question)
    assert known == {"Provincial Data Committee"}
    assert asks_kinds(question) == ["ministry"]
    assert not states("ministry", "The Provincial Data Committee meets every quarter.", known)
    assert states("ministry", "The said committee is chaired by the Minister of Planning.", known)
    # a council is a body but not a ministry
    assert states("body", "It reports to the National Data Council.", known)
    assert not states("ministry", "It reports to the National Data Council.", known)
    assert known_facts("Did the Ministry of Planning meet in 2024?") == {"Ministry of Planning",
                                                                         "2024"}


def test_the_items_of_a_set_the_question_counts() -> None:
    asked = items_asked("What are the four levels of the data maturity model?")
    assert asked is not None and (asked.noun, asked.count) == ("level", 4)
    assert items_asked("What is the vision of the plan?") is None
    assert items_asked("List the strategies of the plan")  # "the <plural> of"
    hit = passage("These four levels build on each other. - Level 1: Records are digitised. "
                  "Level 2 and 3 can start together.")
    about, first, loose = (unit(hit, "These four levels build on each other.", 0.7),
                           unit(hit, "- Level 1: Records are digitised.", 0.6),
                           unit(hit, "Level 2 and 3 can start together.", 0.6))
    assert boost_items([about, first, loose], asked) == 4
    assert first.score > about.score  # the item now outweighs the sentence about the set
    assert loose.score == pytest.approx(0.6)  # "Level 2 and 3 can ..." is no item


@pytest.mark.parametrize(("text", "debris"), [
    ("- [Data Plan (Summary)](/files/data_plan_summary.pdf)", True),
    ("ROYAL GOVERNMENT OF CAMBODIA", True),
    ("Figure 4: Principles and framework of the data plan", True),
    ("Source: Provincial statistics office, 2023.", True),
    ("09:30 - 10:45 OPENING SESSION AND WELCOME ADDRESS", True),
    ("The plan connects every commune office by 2027, see the summary at data_plan.pdf for "
     "the list of the communes that are connected first and the fund that pays for it.", False),
    ("By 2027, every commune office will have a fibre connection.", False),
    # a table column's cells run together: names and a timeline, no statement
    ("Commerce\nMinistry of Planning\nRelevant Ministries and\nInstitutions\nShort- to\n"
     "Medium-term", True),
    # a narrow cell that states something whole is kept; so is wrapped prose
    ("Every\ncommune\noffice is\nconnected\nby 2027.", False),
    ("The ministry connects every commune office\nto the national fibre backbone before\n"
     "the end of 2027 and trains its staff", False),
    # a list of abbreviations and a table of contents name every term and state nothing
    ("e-Services    Electronic Services\nG2C     Government to Citizen\nKYC     Know Your "
     "Customer\nPDO Provincial Data Office\nNDC National Data Centre of the\nProvince", True),
    ("1. Introduction ........ 1\n2. Current Status ........ 4\n2.1 Registers 7\n"
     "3. Vision and Goals ........ 12", True),
    # a sentence that defines an abbreviation, and a list of measures, are statements
    ("The ministry builds the Know Your Customer (KYC) system\nwith the Provincial Data "
     "Office (PDO) and\nopens it to banks in 2027.", False),
    ("Phase 1 connects 25 provinces\nPhase 2 connects 180 districts\nPhase 3 connects "
     "1,650 communes", False),
    # a note under a graphic, then the graphic's label
    ("(Scale 0-1, where 0 = lowest and 1 = highest) Figure 20.", True),
    ("(The office reopened in May.) The count rose to 20.", False),
    # a saved page's header: its title, then where it was saved from
    ("Provincial Data Plan 2025-2030\nSource: provincial-site/src/pages/plan.ts (site copy)",
     True),
    ("The plan connects every commune office.\nSource: the provincial statistics office",
     False),
    # Khmer writes no space between words: a wrapped Khmer sentence has few "words" per line
    ("ក្រសួងភ្ជាប់ការិយាល័យឃុំទាំងអស់\nទៅនឹងបណ្តាញជាតិ\nមុនឆ្នាំ២០២៧\nនិងបណ្តុះបណ្តាលមន្ត្រី", False),
])
def test_debris_is_not_evidence(text: str, debris: bool) -> None:
    assert is_debris(unit(passage(text), text)) is debris


@pytest.mark.parametrize(("line", "heading"), [
    ("C. Data Protection Committee", True),
    ("Coverage of the Provincial Fibre Network as of July 2024", True),
    ("2. Partner Districts & Number of Offices", True),
    ("Provincial Data Plan 2025 - Elements", True),
    # statements, a label with its value, a person and their post are not headings
    ("The committee connects every commune office by 2027.", False),
    ("Kampot District Office: 20 computers", False),
    ("H.E. Sok Dara, Secretary of State, Provincial Data Office", False),
    ("the committee connects every commune office by 2027", False),
    ("ផែនការទិន្នន័យខេត្ត ឆ្នាំ២០២៥", False),  # Khmer has no case
])
def test_a_title_case_heading_inside_a_passage_is_no_answer(line: str, heading: bool) -> None:
    text = f"{line}\nThe office opens in Kampot and serves every commune of the district.\n"
    assert is_heading_line(unit(passage(text), line)) is heading
    # a headline that is the whole record is all it says, and stays
    assert not is_heading_line(unit(passage(line), line))


@pytest.mark.parametrize("line", ["Towards a Provincial Data Plan\nTuesday 19th November 2024 @ "
                                  "Kampot Hall", "Kampot Hall, November 19, 2024"])
def test_a_dateline_answers_a_question_asking_when(line: str) -> None:
    text = f"{line}\nThe office opens in Kampot and serves every commune of the district.\n"
    assert is_heading_line(unit(passage(text), line))
    assert not is_heading_line(unit(passage(text), line), dates_asked=True)
    # "as of July 2024" has no day: a heading still
    heading = "Coverage of the Provincial Fibre Network as of July 2024"
    text = f"{heading}\nThe office opens in Kampot and serves every commune of the district.\n"
    assert is_heading_line(unit(passage(text), heading), dates_asked=True)


@pytest.mark.parametrize(("line", "fragment"), [
    ("\uf0b7 Government and digital public services", True),
    ("• Digital value chains\nImpact of digital transformation on the economy and society", True),
    ("Digital trust and confidence", True),
    ("3. Collaborating and cooperating nationally and internationally", True),
    # a statement, a figure, a label with its value and Khmer are not fragments
    ("• The office trains clerks every year.", False),
    ("• 3,508 commune services online", False),  # a figure is a fact, however short
    ("H.E. Sok Dara, Secretary of State", False),  # who holds a post
    ("2. Data Forum (DF), attended by the governor and other top management of every "
     "district office, operators and companies from fifteen provinces", False),
    ("Coverage of mobile phone service 4G 82.5%", False),
    ("Kampot District Office: 20 computers", False),
    ("• ការបណ្តុះបណ្តាលមន្ត្រីឃុំ", False),
])
def test_a_short_item_or_label_is_a_fragment(line: str, fragment: bool) -> None:
    text = f"{line}\nThe office opens in Kampot and serves every commune of the district.\n"
    assert is_fragment(unit(passage(text), line)) is fragment


def test_a_lead_in_whose_list_is_elsewhere_says_nothing() -> None:
    for text in ("The plan mainly focuses on three areas viz.,",
                 "The responsibilities of the office are as follows"):
        assert is_lead_in(unit(passage(text + " Other text."), text))
    done = "The plan focuses on data, skills and connectivity."
    assert not is_lead_in(unit(passage(done + " Other text."), done))


def test_a_sentence_cut_mid_phrase_is_joined_with_its_continuation() -> None:
    text = ("The plan has six mechanisms, including: 1-Data sharing, 2-Mechanism to secure the\n"
            "Provincial Data Centre (hosting), 3-Mechanism of open data. Other text follows.")
    hit = passage(text, start=40)  # the passage starts 40 characters into its page
    first = unit(hit, "The plan has six mechanisms, including: 1-Data sharing, 2-Mechanism "
                      "to secure the")
    rest = unit(hit, "Provincial Data Centre (hosting), 3-Mechanism of open data.")
    joined = join_fragments([first, rest], [first, rest])
    assert len(joined) == 1
    assert joined[0].text == hit.text[joined[0].start - 40:joined[0].end - 40]  # exact span
    assert "3-Mechanism of open data" in joined[0].display
    assert runs_on("works with the", "Ministry of Interior")
    assert not runs_on("the development of hard and", "Accelerate the rollout")  # next column
    assert runs_on("hard and", "soft infrastructure")
    assert not runs_on("It ends in 2030.", "and more")
    # the bracketed abbreviation of the name the unit ends with continues it
    assert runs_on("On May 3, 2024, the Provincial Data Office", "(PDO), with its partners, met")
    assert not runs_on("On May 3, 2024, the office met", "(a) Every commune reports.")
    # a sentence the splitter cut for length goes on, whatever its next word
    long = "The committee coordinates " + "the security of every network and system, " * 16
    assert runs_on(long[:EVIDENCE_SENTENCE_CHARS - 5].rsplit(" ", 1)[0],
                   "Social security is also managed.")
    assert not runs_on(long[:200].rsplit(",", 1)[0], "Social security is also managed.")
    assert runs_on("offers services to receive and send packages", "domestically and abroad.")


def test_a_sentence_cut_for_length_is_quoted_whole() -> None:
    """The splitter cuts a sentence longer than its limit at a space; the fact after the cut
    ("social security") belongs to the answer."""
    head = "The Digital Security Committee fulfils its function " + "and responds to attacks " * 14
    text = head + "as well as the management of the entire national\nsocial security. Next."
    hit = passage(text)
    spans = split_sentences(text)
    assert len(spans) >= 3, spans  # cut for length, then the tail, then "Next."
    first, rest = (unit(hit, text[s:e]) for s, e in spans[:2])
    joined = join_fragments([first], [first, rest])
    assert joined[0].display.endswith("national social security.")
    assert joined[0].text == text[joined[0].start:joined[0].end]


def test_a_sentence_the_chunker_cut_between_passages_is_quoted_from_the_page() -> None:
    """"... 2-Mechanism to build the infrastructure of the" ends one passage and "Ministry of
    Interior, 3-Mechanism of security." opens the next: the quote is read from the page."""
    page = ("The plan has six mechanisms, including: 1-Data sharing, 2-Mechanism to build the "
            "infrastructure of the\nMinistry of Interior, 3-Mechanism of security. Next one.")
    cut = page.index("\nMinistry")
    first = passage(page[:cut], start=0)
    second = passage(page[cut + 1:], start=cut + 1)
    second = replace(second, chunk_id="policy/plan.txt#3#second")
    head = unit(first, page[:cut])
    tail = unit(second, "Ministry of Interior, 3-Mechanism of security.")
    tail.start, tail.end = cut + 1, cut + 1 + len(tail.text)  # page offsets
    reads: list[tuple[str, int]] = []

    def page_text(doc_id: str, number: int) -> str:
        reads.append((doc_id, number))
        return page

    for chosen in ([head], [tail], [head, tail]):
        joined = join_fragments(chosen, [head, tail], page_text)
        assert [u.text for u in joined] == [page[:page.index(" Next")]]
        assert joined[0].text == page[joined[0].start:joined[0].end]
    assert reads  # the page was read to quote across the cut
    # without the page, nothing is joined across passages (the quote could not be exact)
    assert [u.text for u in join_fragments([head], [head, tail])] == [head.text]


def test_a_sentence_cut_by_overlapping_passages_is_completed_from_the_page() -> None:
    """Chunks overlap by a few words: one passage opens with a sentence's last words
    ("applying for a shop licence.") and another closes mid-sentence; each is completed
    from the page, and the quote stays an exact span of it."""
    page = ("Shops register online. Under Article 7, traders shall register for tax before "
            "applying for a shop licence. The office then checks the shop within ten days.")
    tail_at = page.index("applying")
    opening = passage(page[tail_at:], start=tail_at)
    tail = unit(opening, "applying for a shop licence.")
    tail.start, tail.end = tail_at, tail_at + len(tail.text)
    joined, = join_fragments([tail], [tail], lambda _doc, _page: page)
    assert joined.text == "Under Article 7, traders shall register for tax before applying for " \
                          "a shop licence."
    assert page[joined.start:joined.end] == joined.text
    cut_at = page.index(" the shop within")
    closing = passage(page[:cut_at], start=0)
    head = unit(closing, "The office then checks")
    joined, = join_fragments([head], [head], lambda _doc, _page: page)
    assert joined.text == "The office then checks the shop within ten days."
    # without the page nothing changes
    assert join_fragments([tail], [tail])[0].text == "applying for a shop licence."
    # a sentence that began on the page before keeps its tail: above the blank line is the
    # running header, not its head
    page = "3 .  P R O V I N C I A L  P L A N    27\n\nof data shared by every office."
    opening = passage(page[page.index("of data"):], start=page.index("of data"))
    tail = unit(opening, "of data shared by every office.")
    tail.start, tail.end = opening.start, opening.start + len(tail.text)
    assert join_fragments([tail], [tail], lambda _doc, _page: page)[0].text == tail.text
    # nor across a chapter title in capitals and a footer, without a blank line between
    page = ("4. RISKS AND THEIR MANAGEMENT\nProvincial Data Plan 2025-2030  Page 34\n"
            "of data shared by every office.")
    opening = passage(page[page.index("of data"):], start=page.index("of data"))
    tail = unit(opening, "of data shared by every office.")
    tail.start, tail.end = opening.start, opening.start + len(tail.text)
    assert join_fragments([tail], [tail], lambda _doc, _page: page)[0].text == tail.text


def test_half_a_sentence_the_page_break_cut_is_a_fragment() -> None:
    """A citation names one page: the tail of a sentence begun on the page before, and the
    head of one finished on the next, can only be quoted as fragments."""
    page = ("3 .  P R O V I N C I A L  P L A N    27\n\nof data shared by every office.\n\n"
            "The plan connects every commune office. Its fund pays for the fibre and")
    tail_at, head_at = page.index("of data"), page.index("Its fund")
    first = passage(page[tail_at:page.index("\n\nThe plan")], start=tail_at)
    last = passage(page[page.index("The plan"):], start=page.index("The plan"))
    tail = unit(first, "of data shared by every office.")
    tail.start, tail.end = tail_at, tail_at + len(tail.text)
    head = unit(last, "Its fund pays for the fibre and")
    head.start, head.end = head_at, head_at + len(head.text)
    whole = unit(last, "The plan connects every commune office.")
    whole.start, whole.end = page.index("The plan"), page.index("The plan") + len(whole.text)
    read = lambda _doc, _page: page  # noqa: E731
    assert is_cut_by_page(tail, read) and is_cut_by_page(head, read)
    assert not is_cut_by_page(whole, read)
    # a headline with no stop at the end of its record is whole
    headline = passage("Minister opens the provincial data week", start=0)
    line = unit(headline, "Minister opens the provincial data week")
    assert not is_cut_by_page(line, lambda _doc, _page: headline.text)


def test_the_words_left_after_a_cut_that_make_no_unit_are_joined() -> None:
    """"... empowerment of" | "citizens": the rest is too short to be a unit of its own."""
    text = "The vision is to provide overall social and economic empowerment of\ncitizens"
    hit = passage(text, start=100)
    cut = unit(hit, "The vision is to provide overall social and economic empowerment of")
    joined = join_fragments([cut], [cut])
    assert joined[0].display.endswith("empowerment of citizens")
    assert joined[0].text == hit.text[joined[0].start - 100:joined[0].end - 100]
    # the chosen tail of a cut sentence gets its head; chosen together, they show once
    opening = "The plan, " + "with its data, skills and networks, " * 17 + "is the vision of the Royal"
    text = opening + "\nGovernment of Cambodia to connect every commune."
    cut = passage(text)
    head = unit(cut, opening)  # cut for length (a unit of its own that ends no sentence)
    tail = unit(cut, "Government of Cambodia to connect every commune.")
    assert [u.text for u in join_fragments([tail], [head, tail])] == [text]
    assert [u.text for u in join_fragments([head, tail], [head, tail])] == [text]
    # a sentence that ends is left alone, whatever follows
    whole = passage("The plan ends in 2030. and more words")
    done = unit(whole, "The plan ends in 2030.")
    assert join_fragments([done], [done])[0].text == "The plan ends in 2030."


def test_which_policy_is_answered_by_a_registered_policy_in_either_language() -> None:
    """Asked in Khmer which policy covers X, a Khmer news item that mentions a policy in
    passing must not lead over the English national policy's own strategy."""
    policy = passage("Strategy 7 trains civil servants in cybersecurity.",
                     doc_id="policy/plan_en.pdf")
    news = passage("ព័ត៌មានអំពីវគ្គបណ្តុះបណ្តាលសន្តិសុខ", doc_id="news/item_km.md", language="km")
    strategy = unit(policy, "Strategy 7 trains civil servants in cybersecurity.", 0.5)
    khmer = unit(news, "ព័ត៌មានអំពីវគ្គបណ្តុះបណ្តាលសន្តិសុខ", 0.9)
    registered = {id(strategy)}

    def section_of(sentence: object) -> object | None:
        return "Strategy 7" if id(sentence) in registered else None

    assert prefer_registered([khmer, strategy], section_of, STRENGTH) == [strategy]
    # no registered sentence strong enough to answer: the pool stays as it was
    strategy.lexical = strategy.dense = 0.1
    assert prefer_registered([khmer, strategy], section_of, STRENGTH) == [khmer, strategy]
    assert prefer_registered([khmer], section_of, STRENGTH) == [khmer]


def test_the_named_policy_leads_over_the_questions_language() -> None:
    policy = passage("The plan sets out 27 priority actions.", doc_id="policy/plan_en.pdf")
    news = passage("ព័ត៌មានអំពីផែនការទិន្នន័យខេត្ត", doc_id="news/item_km.md", language="km")
    names = {"policy/plan_en.pdf": frozenset({"provincial", "data", "plan"})}
    fact = unit(policy, "The plan sets out 27 priority actions.", 0.55)
    khmer = unit(news, "ព័ត៌មានអំពីផែនការទិន្នន័យខេត្ត", 0.8)
    assert prefer_named([fact, khmer], names, "km", STRENGTH) == [fact]
    # far behind the best of all: the pool stays as it was
    fact.score = 0.3
    assert prefer_named([fact, khmer], names, "km", STRENGTH) == [fact, khmer]


def test_a_named_policy_is_answered_from_itself_and_from_what_names_it() -> None:
    """"What does the Provincial Data Plan say about cybersecurity?": another policy's
    cybersecurity measure outscores the plan's digital-security strategy on the word alone
    and goes; a framework sentence that names the plan (and states its total) stays."""
    plan = passage("Strategy 3 protects digital security infrastructure.",
                   doc_id="policy/plan_en.pdf")
    other = passage("Develop strategies on cybersecurity. The Provincial Data Plan sets out "
                    "27 actions.", doc_id="policy/framework_en.pdf")
    names = {"policy/plan_en.pdf": frozenset({"provincial", "data", "plan"})}
    strategy = unit(plan, "Strategy 3 protects digital security infrastructure.", 0.5)
    measure = unit(other, "Develop strategies on cybersecurity.", 0.6)
    total = unit(other, "The Provincial Data Plan sets out 27 actions.", 0.45,
                 terms=frozenset({"provincial", "data", "plan", "sets", "27", "actions"}))
    assert prefer_named([measure, strategy, total], names, "en", STRENGTH) == [strategy, total]
    assert strategy.score == pytest.approx(0.5 * NAMED_BOOST)
    # the plan's best sentence far behind the best of all: every document stays
    strategy.score = 0.2
    assert prefer_named([measure, strategy, total], names, "en", STRENGTH) \
        == [measure, strategy, total]
    # a name the question gives no words of is named by its own document only
    strategy.score = 0.5
    assert prefer_named([measure, strategy, total], {"policy/plan_en.pdf": frozenset()}, "en",
                        STRENGTH) == [strategy]


def test_a_document_whose_own_name_the_question_quotes_is_named() -> None:
    """The title up to its subtitle, quoted whole, names the document; a headline is a
    sentence that no question quotes, and one shared word names nothing."""
    from ingest.analysis import Analyzer

    analyze = Analyzer().analyze
    agenda = passage("Tuesday 19th November 2024", doc_id="meetings/summit.pdf",
                     title="Data Summit 2024: Towards Open Provinces")
    news = passage("The 2025 forum was held in Kampot.", doc_id="news/forum.md",
                   title="Minister opens the 2025 Data Forum in Kampot")
    terms = analyze("When was the Data Summit 2024 held?")
    assert titled_documents(terms, [agenda, news, agenda], analyze) == {
        "meetings/summit.pdf": frozenset(analyze("Data Summit 2024"))}
    assert titled_documents(analyze("When was the data summit held?"), [agenda], analyze) == {}
    assert titled_documents(analyze("Who opened the forum in Kampot?"), [news], analyze) == {}


def test_a_documents_name_is_given_only_when_the_question_asks_more_than_the_name() -> None:
    from ingest.analysis import Analyzer

    analyze = Analyzer().analyze
    named = {"policy/plan.pdf": frozenset(analyze("Provincial Data Plan"))}
    assert names_given(analyze("What does the Provincial Data Plan say about fibre?"),
                       named) == named
    assert names_given(analyze("What is the Provincial Data Plan?"), named) == {}


def test_a_which_strategy_question_naming_a_policy_is_answered_from_that_policy() -> None:
    named = passage("Strategy 3 builds digital security infrastructure.", doc_id="policy/a.pdf")
    other = passage("Measure B develops cybersecurity strategies.", doc_id="policy/b.pdf")
    own = unit(named, "Strategy 3 builds digital security infrastructure.", 0.6)
    better = unit(other, "Measure B develops cybersecurity strategies.", 0.8)
    assert only_named([better, own], {"policy/a.pdf"}, STRENGTH) == [own]
    # the named policy has nothing strong enough: the pool stays
    own.score = own.lexical = own.dense = 0.1
    assert only_named([better, own], {"policy/a.pdf"}, STRENGTH) == [better, own]
    assert only_named([better, own], set(), STRENGTH) == [better, own]


def test_a_question_naming_another_country_is_answered_from_that_countrys_documents() -> None:
    home = replace(passage("The vision of this plan is a connected province.",
                           doc_id="policy/kh_plan.pdf"), country="KH")
    abroad = replace(passage("Our vision is a government that is open by default.",
                             doc_id="other/sg_plan.md"), country="SG")
    ours = unit(home, "The vision of this plan is a connected province.", 0.8)
    theirs = unit(abroad, "Our vision is a government that is open by default.", 0.6)
    pool = [ours, theirs]
    assert prefer_jurisdiction(pool, "What is Singapore's digital vision?", STRENGTH) == [theirs]
    # a comparison names Cambodia too, and a question naming no country keeps every sentence
    assert prefer_jurisdiction(pool, "Compare Cambodia's and Singapore's visions", STRENGTH) == pool
    assert prefer_jurisdiction(pool, "What is the digital vision?", STRENGTH) == pool
    # the named country's sentence must be strong enough to answer on its own
    theirs.lexical = theirs.dense = 0.05
    assert prefer_jurisdiction(pool, "What is Singapore's digital vision?", STRENGTH) == pool


def test_each_kind_asked_is_stated_by_a_chosen_sentence() -> None:
    hit = passage("The course trains 3,800 students. The volunteers teach in Takeo province. "
                  "The course is free.")
    count = unit(hit, "The course trains 3,800 students.", 0.8)
    place = unit(hit, "The volunteers teach in Takeo province.", 0.5)
    free = unit(hit, "The course is free.", 0.6)
    chosen = cover_kinds(["number", "place"], [count, place, free], [count, free], frozenset())
    assert chosen == [count, free, place]


def test_a_document_number_answers_in_a_language_no_embedder_reads() -> None:
    question = "On what date was Resolution 12/NQ-CP on open data issued?"
    assert identifiers(question) == {"12/nq-cp"}
    hit = passage("Số: 12/NQ-CP Hà Nội, ngày 14 tháng 03 năm 2024. Chương trình dữ liệu mở.",
                  doc_id="other/vn_resolution.md", language="other")
    dateline = unit(hit, "Số: 12/NQ-CP Hà Nội, ngày 14 tháng 03 năm 2024.", 0.3)
    other = unit(hit, "Chương trình dữ liệu mở.", 0.3)
    found = identified([dateline, other], question, lambda t: states("date", t))
    assert found == [dateline]
    assert identifiers("the 2022-2035 plan") == set()  # a span of years is no document number


def test_the_sentence_that_states_the_fact_leads_the_answer() -> None:
    from answers.compose import compose

    hit = passage("The plan will fund the priority actions every year. It sets out 27 priority "
                  "actions in four strategies.", page=4)
    general = unit(hit, "The plan will fund the priority actions every year.")
    fact = unit(hit, "It sets out 27 priority actions in four strategies.")
    by_position = compose("How many?", "en", [fact, general])
    assert by_position.sentences[1].text.endswith(fact.text)
    led = compose("How many?", "en", [fact, general], lead_first=True)
    assert led.sentences[0].text.endswith(fact.text) and led.sentences[0].source
    assert [c.quote for c in led.citations] == [fact.text, general.text]


def test_a_khmer_question_gets_the_number_and_the_province_from_khmer_evidence() -> None:
    """Terms by the real analyser (khmer-nltk segments the Khmer units)."""
    from ingest.analysis import Analyzer

    analyzer = Analyzer()
    question = "តើវគ្គបណ្តុះបណ្តាលនេះ បង្រៀនសិស្សប្រមាណប៉ុន្មាននាក់ នៅខេត្តណា?"
    kinds = asks_kinds(question)
    assert kinds == ["number", "place"]
    text = ("វគ្គបណ្តុះបណ្តាលនេះ បង្រៀនសិស្សប្រមាណ ៣៨០០នាក់។ "
            "អ្នកស្ម័គ្រចិត្តបង្រៀននៅវិទ្យាល័យក្នុងខេត្តតាកែវ។ "
            "កម្មវិធីនេះធ្វើឡើងក្នុងខេត្តចំនួន ៣ កាលពីឆ្នាំមុន។")
    hit = passage(text, doc_id="news/volunteers_km.md", language="km")
    count, place, earlier = (
        unit(hit, s, score, terms=frozenset(analyzer.analyze(s)))
        for s, score in (("វគ្គបណ្តុះបណ្តាលនេះ បង្រៀនសិស្សប្រមាណ ៣៨០០នាក់។", 0.8),
                         ("អ្នកស្ម័គ្រចិត្តបង្រៀននៅវិទ្យាល័យក្នុងខេត្តតាកែវ។", 0.45),
                         ("កម្មវិធីនេះធ្វើឡើងក្នុងខេត្តចំនួន ៣ កាលពីឆ្នាំមុន។", 0.6)))
    assert "សិស្ស" in count.terms  # segmented, not one long token
    chosen = cover_kinds(kinds, [count, place, earlier], [count, earlier], frozenset())
    assert chosen[-1] is place  # "in 3 provinces" named no province; Takeo's sentence is added


def test_which_decree_a_cited_one_carries_out_is_another_document_number() -> None:
    question = "Which Politburo resolution does Resolution 12/NQ-CP carry out?"
    hit = passage("Chương trình thực hiện Nghị quyết số 41-NQ/TW theo Nghị quyết 12/NQ-CP. "
                  "Nghị quyết 12/NQ-CP có hiệu lực.", doc_id="other/vn.md", language="other")
    carries = unit(hit, "Chương trình thực hiện Nghị quyết số 41-NQ/TW theo Nghị quyết 12/NQ-CP.")
    only = unit(hit, "Nghị quyết 12/NQ-CP có hiệu lực.")
    assert identified([carries, only], question, lambda t: False) == [carries]


def test_evidence_in_a_third_language_is_not_called_khmer() -> None:
    from answers.compose import compose

    hit = passage("Số: 12/NQ-CP Hà Nội, ngày 14 tháng 03 năm 2024.", language="other")
    answer = compose("When?", "en", [unit(hit, "Số: 12/NQ-CP Hà Nội, ngày 14 tháng 03 năm 2024.")])
    assert answer.note is None
    khmer = passage("ប៉មថ្មីចំនួនសែសិប", language="km")
    assert compose("How many?", "en", [unit(khmer, "ប៉មថ្មីចំនួនសែសិប")]).note


def test_an_item_held_by_two_overlapping_passages_is_listed_once() -> None:
    from answers.enumeration import choose_items

    first = passage("- Level 1: Paper registers are scanned into one folder.\n"
                    "- Level 2: Registers are typed into weekly databases.", start=0)
    second = passage("- Level 2: Registers are typed into weekly databases.\n"
                     "- Level 3: Departments exchange their databases.", start=60)
    asked = items_asked("What are the three levels of data maturity?")
    assert asked is not None
    pool = [unit(first, "- Level 1: Paper registers are scanned into one folder.", 0.6),
            unit(first, "- Level 2: Registers are typed into weekly databases.", 0.7),
            unit(second, "- Level 2: Registers are typed into weekly databases.", 0.7),
            unit(second, "- Level 3: Departments exchange their databases.", 0.5)]
    annex = passage("Level 2: Typed registers are shared each week.", page=40)
    pool.append(unit(annex, "Level 2: Typed registers are shared each week.", 0.65))
    chosen = choose_items(pool, asked, most=3)
    texts = [c.text for c in chosen]
    assert len(texts) == len(set(texts)) == 3, texts
    # one "Level 2" (the best scored), so Level 3 keeps its place
    assert sum("Level 2" in t for t in texts) == 1 and any("Level 3" in t for t in texts)


def test_the_questions_language_leads_unless_the_other_holds_clearly_more() -> None:
    """A Khmer item saying "strategic plan" without the ministry must not answer a Khmer
    question about the ministry's strategic plan that an English record answers whole."""
    km_news = passage("ព័ត៌មានអំពីផែនការយុទ្ធសាស្ត្រជាតិ", doc_id="news/census_km.md", language="km")
    en_record = passage("The Ministry of Interior drafted its strategic plan.", doc_id="seed/r.txt")
    khmer = unit(km_news, "ព័ត៌មានអំពីផែនការយុទ្ធសាស្ត្រជាតិ", 0.57, language="km")
    english = unit(en_record, "The Ministry of Interior drafted its strategic plan.", 0.56)
    khmer.lexical, english.lexical = 0.55, 0.73
    assert language_lead([khmer, english], "km", STRENGTH) == ([english], [])
    # holding as much of the question, the question's language leads (the other is offered)
    khmer.lexical = 0.70
    assert language_lead([khmer, english], "km", STRENGTH) == ([khmer], [english])
    # holding more but scoring clearly lower, the other language does not take over
    khmer.lexical, english.score = 0.55, 0.40
    assert language_lead([khmer, english], "km", STRENGTH)[0] != [english]
    # the Khmer twin of the English document says the same: it leads, however its words
    # were segmented
    english.score = 0.56
    twin_km = replace(km_news, doc_id="seed/r_km.txt", twin_key="seed/r_*.txt")
    twin_en = replace(en_record, twin_key="seed/r_*.txt")
    khmer.hit, english.hit = twin_km, twin_en
    assert language_lead([khmer, english], "km", STRENGTH)[0] == [khmer]


def test_the_other_language_answers_when_the_questions_has_nothing_strong_enough() -> None:
    """An English question about a prakas indexed only in Khmer: no English sentence answers,
    the Khmer ones do (with the other-language note)."""
    en_policy = passage("Public relations have been strengthened through digital systems.")
    km_prakas = passage("ប្រកាសនេះគ្រប់គ្រងគេហទំព័រនិងបណ្តាញសង្គម។", doc_id="legal/prakas_km.pdf",
                        language="km")
    english = unit(en_policy, "Public relations have been strengthened through digital systems.",
                   0.46)
    english.lexical, english.dense = 0.39, 0.30  # not enough
    khmer = unit(km_prakas, "ប្រកាសនេះគ្រប់គ្រងគេហទំព័រនិងបណ្តាញសង្គម។", 0.43, language="km")
    khmer.lexical = khmer.dense = 0.52
    assert language_lead([english, khmer], "en", STRENGTH) == ([khmer], [])
    khmer.lexical = khmer.dense = 0.2  # nor does the other language: the pool as it was
    assert language_lead([english, khmer], "en", STRENGTH) == ([english, khmer], [])
    # another English sentence is strong enough: the question's language keeps the answer
    khmer.lexical = khmer.dense = 0.52
    strong = unit(en_policy, "Public relations have been strengthened", 0.40)
    strong.lexical, strong.dense = 0.5, 0.5
    assert language_lead([english, strong, khmer], "en", STRENGTH)[0] != [khmer]


def test_a_session_with_nobody_in_it_is_a_break() -> None:
    agenda = passage("15:15 - 15:45 TEA & COFFEE BREAK\n14:00 - 15:15 DATA PANEL\n"
                     "Moderator: Mrs. Sok Dara", doc_id="meetings/agenda.pdf")
    coffee = unit(agenda, "15:15 - 15:45 TEA & COFFEE BREAK")
    coffee.row = Session("15:15", "15:45", ("TEA & COFFEE BREAK",))
    panel = unit(agenda, "14:00 - 15:15 DATA PANEL\nModerator: Mrs. Sok Dara")
    panel.row = Session("14:00", "15:15", ("DATA PANEL", "Moderator: Mrs. Sok Dara"))
    assert is_break(coffee) and not is_break(panel)
    assert not is_break(unit(agenda, "15:15 - 15:45 TEA & COFFEE BREAK"))  # no session


def test_a_session_answer_drops_the_agenda_sessions_that_only_fill_it() -> None:
    """"Who moderated the data panel?": the registration coffee and the opening ceremony are
    sessions of the same agenda, read whole, and add a block of unrelated names."""
    text = ("14:00 - 15:15 DATA PANEL\nModerator: Mrs. Sok Dara\n"
            "08:00 - 08:30 REGISTRATION AND COFFEE\n"
            "08:30 - 09:30 OPENING CEREMONY H.E. Chan Sophal\n"
            "Data sharing between provinces starts in 2027.")
    agenda = passage(text, doc_id="meetings/agenda.pdf")
    panel = unit(agenda, "14:00 - 15:15 DATA PANEL\nModerator: Mrs. Sok Dara", 0.63)
    panel.row = Session("14:00", "15:15", ("DATA PANEL", "Moderator: Mrs. Sok Dara"))
    coffee = unit(agenda, "08:00 - 08:30 REGISTRATION AND COFFEE", 0.30)
    opening = unit(agenda, "08:30 - 09:30 OPENING CEREMONY H.E. Chan Sophal", 0.50)
    statement = unit(agenda, "Data sharing between provinces starts in 2027.", 0.20)
    kept = without_weak_sessions([panel, opening, coffee, statement])
    assert kept == [panel, statement]  # a sentence that is no session stays
    opening.score = 0.60  # nearly as strong: it answers too
    assert opening in without_weak_sessions([panel, opening, coffee])
    # an answer led by a sentence leaves the sessions to the selection
    assert without_weak_sessions([statement, coffee]) == [statement, coffee]


def test_a_sentence_that_starts_with_a_pronoun_is_quoted_with_its_antecedent() -> None:
    """"This Committee is responsible for ..." alone does not say which committee."""
    text = ("The Provincial Data Committee advises the governor on data. This Committee is "
            "responsible for coordinating every data project of the province.")
    hit = passage(text, start=10)
    first = unit(hit, "The Provincial Data Committee advises the governor on data.")
    second = unit(hit, "This Committee is responsible for coordinating every data project of "
                       "the province.")
    (joined,) = join_fragments([second], [first, second])
    assert joined.display.startswith("The Provincial Data Committee advises")
    assert joined.text == hit.text[joined.start - 10:joined.end - 10]
    # "It is ... to" points forward, not back: the sentence stands alone
    text = "The plan has six parts. It is important to train staff in every district."
    hit = passage(text)
    lead, alone = unit(hit, "The plan has six parts."), unit(
        hit, "It is important to train staff in every district.")
    assert [u.text for u in join_fragments([alone], [lead, alone])] == [alone.text]


@pytest.mark.parametrize(("question", "term"), [
    ("How does the Provincial Data Plan define open data?", "open data"),
    ("What is the definition of the once-only principle?", "once-only principle"),
    ("What does interoperability mean?", "interoperability"),
    ("What does the Provincial Data Plan say about open data?", None),
    ("What is the Provincial Technology Stack?", "Provincial Technology Stack"),
    ("What is the meaning of open data?", "open data"),
])
def test_a_question_that_asks_what_a_term_means(question: str, term: str | None) -> None:
    assert (term in known_facts(question)) if term else "definition" not in asks_kinds(question)
    assert ("definition" in asks_kinds(question)) == (term is not None)


def test_the_sentence_that_defines_the_term_states_the_definition() -> None:
    """Only a sentence that opens with the term and says what it is: one that uses the term
    or rates it does not."""
    known = known_facts("How does the Provincial Data Plan define open data?")
    for text in ("Open data is data that anyone can use and share.",
                 "Open data (OD) refers to data published without restriction.",
                 "12. Open Data The data a ministry publishes for anyone to use.",
                 "Open data: data anyone may use."):
        assert states("definition", text, known), text
    for text in ("Publishing open data is an important step for the plan.",
                 "Open data is a driver for new growth.",
                 "The plan will define open data in a later decree.",
                 "12. Open Data Council meets monthly."):
        assert not states("definition", text, known), text


def test_the_tail_of_a_sentence_cut_for_length_is_known() -> None:
    """The splitter cuts a sentence longer than the evidence limit at a space; what follows
    the cut on the same line is a tail, whatever its capital letter shows."""
    head = "The plan, " + "with its data, skills and networks, " * 19 + "is the vision of The Royal"
    text = head + " Government of Cambodia to connect every commune. The plan ends in 2030."
    hit = passage(text)
    read = lambda _doc, _page: text  # noqa: E731
    tail = unit(hit, "Government of Cambodia to connect every commune.")
    whole = unit(hit, "The plan ends in 2030.")
    assert is_sentence_tail(tail, read)
    assert not is_sentence_tail(whole, read)
    # a line break is where the splitter may cut a PDF's sentence: not judged here
    broken = passage("The vision of the Royal\nGovernment of Cambodia is clear.")
    assert not is_sentence_tail(unit(broken, "Government of Cambodia is clear."),
                                lambda _doc, _page: broken.text)


def test_an_english_sentence_holding_only_the_named_entities_is_no_evidence() -> None:
    """"Where did the regional ministers meet in 2019?": a report sentence that names the
    region and 2019 but not the ministers or a meeting is read by the embedder only loosely
    (dense below sure) and goes; the Khmer report of the meeting holds its translated
    words and stays; an English sentence the embedder reads as close stays too."""
    report = passage("The 2019 ASEAN Integration Report shows growth. Ministers met in Bangkok.")
    km = passage("កិច្ចប្រជុំរដ្ឋមន្ត្រីនៅបាងកក", doc_id="news/meeting_km.md", language="km")
    loose = unit(report, "The 2019 ASEAN Integration Report shows growth.", 0.6)
    loose.dense = 0.41
    khmer = unit(km, "កិច្ចប្រជុំរដ្ឋមន្ត្រីនៅបាងកក", 0.55, terms=frozenset({"minister", "meet"}))
    close = unit(report, "Ministers met in Bangkok.", 0.5, terms=frozenset({"bangkok"}))
    close.dense = 0.62
    asked = frozenset({"minister", "meet"})
    assert beyond_entities([loose, khmer, close], asked, STRENGTH.readable,
                           STRENGTH.sure_dense) == [khmer, close]
    # nothing asked beyond the entities ("Who is Hun Manet?"): every sentence stays
    assert beyond_entities([loose, khmer], frozenset(), STRENGTH.readable,
                           STRENGTH.sure_dense) == [loose, khmer]


@pytest.mark.parametrize(("question", "noun"), [
    ("How many strategies does the Provincial Data Plan have?", "strategies"),
    ("How many policy measures does the plan contain in total?", "policy measures"),
    ("How many commune offices are there in Kampot?", "commune offices"),
    ("How much does the fibre fund hold?", None),
])
def test_what_a_how_many_question_counts(question: str, noun: str | None) -> None:
    assert counted_noun(question) == noun


def test_a_count_is_a_number_before_the_noun_not_a_label_after_it() -> None:
    """"How many strategies ...?" is answered by "identifies 10 strategies", not by
    "Strategy 5: ..." (which states a number too)."""
    assert counts("strategies", "The plan identifies 10 strategies and 83 priority actions.")
    assert counts("strategies", "It sets out four key strategies:")
    assert counts("policy measures", "A total of 139 policy measures have been put in place")
    assert not counts("strategies", "Strategy 5: Organizing digital government governance.")
    assert not counts("strategies", "The plan has strategies for 2025.")


def test_a_lead_in_that_states_the_count_asked_is_evidence() -> None:
    """A lead-in says nothing by itself, unless it counts what a "how many" question asks:
    then it states the total and its colon ends it (the list marker after it is no rest)."""
    text = ("A total of 27 priority actions have been put in place, including:\n"
            "1). Fibre for every commune office.\nThe priority actions are:\n"
            "Map the poles.")
    hit = passage(text)
    usable = UsableEvidence(split_sentences, Analyzer(), size=0)
    plain = [u.text for u in usable([hit], "g")]
    assert not any(t.endswith(":") for t in plain)
    counted = [u.text for u in usable([hit], "g", lambda t: counts("priority actions", t))]
    assert "A total of 27 priority actions have been put in place, including:" in counted
    assert "The priority actions are:" not in counted
    lead = unit(hit, "A total of 27 priority actions have been put in place, including:")
    assert join_fragments([lead], [lead])[0].text == lead.text


def test_a_day_of_a_month_is_told_from_a_year() -> None:
    """"When was the census held?": "from 3 to 13 March 2019" leads, not a sentence that
    only names the 2016-2030 goals (both state a year)."""
    for text in ("Tuesday 19th November 2024 @ CADT", "On February 14-16, 2023, the forum met.",
                 "ចាប់ពីថ្ងៃទី០៣ ដល់១៣ ខែមីនា ឆ្នាំ២០១៩", "On 9 February 2026 the group met."):
        assert gives_day(text), text
    for text in ("the goals for 2016-2030", "ឆ្នាំ២០១៦-២០៣០", "The plan ends in 2030."):
        assert not gives_day(text), text


def test_a_unit_ending_with_the_next_items_marker_is_a_lead_in() -> None:
    """The splitter takes "(1)." after a colon, or "(2)." after "; and", for a sentence end:
    "... will focus on: (1)." introduces a list; "... capacity; and (2)." is its middle."""
    hit = passage("The key factors will focus on: (1). Resources and capacity; and (2). "
                  "The plan ends in 2030.")
    assert is_lead_in(unit(hit, "The key factors will focus on: (1)."))
    assert is_lead_in(unit(hit, "Resources and capacity; and (2)."))
    assert not is_lead_in(unit(hit, "The plan ends in 2030."))


def test_another_policy_that_answers_about_as_well_is_named_too() -> None:
    """"Which national policies address digital payment systems?": the framework's measures
    fill the answer; the other policy's payment strategy, nearly as strong, takes the place
    of the framework's last sentence. A policy far behind is not named."""
    framework = passage("Measure one on payments. Measure two on payments. Measure three.",
                        doc_id="policy/framework.pdf")
    plan = passage("Strategy 2 builds payment gateways. Strategy 9 trains clerks.",
                   doc_id="policy/plan.pdf")
    one, two, three = (unit(framework, t, s) for t, s in (
        ("Measure one on payments.", 0.9), ("Measure two on payments.", 0.85),
        ("Measure three.", 0.8)))
    gateway = unit(plan, "Strategy 2 builds payment gateways.", 0.8)
    clerks = unit(plan, "Strategy 9 trains clerks.", 0.3)
    pool = [one, two, three, gateway, clerks]
    registered = lambda _s: "a section"  # noqa: E731
    assert every_policy([one, two, three], pool, registered, 3) == [one, two, gateway]
    assert every_policy([one, two], pool, registered, 4) == [one, two, gateway]
    gateway.score = 0.5
    assert every_policy([one, two, three], pool, registered, 3) == [one, two, three]


def test_the_sentence_that_states_the_asked_fact_best_leads() -> None:
    hit = passage("Strategy 5: Organise governance. The plan identifies 10 strategies. "
                  "The plan ran from 2016 to 2030. It started on 3 March 2019.")
    label, count = unit(hit, "Strategy 5: Organise governance."), \
        unit(hit, "The plan identifies 10 strategies.")
    years, day = unit(hit, "The plan ran from 2016 to 2030."), \
        unit(hit, "It started on 3 March 2019.")
    how_many = AskedFacts.of("How many strategies does the plan have?")
    assert how_many.lead([label, count]) == [count, label]
    assert how_many.weight(count.text) > how_many.weight(label.text) > 1.0
    when = AskedFacts.of("When did the plan start?")
    assert when.lead([years, day]) == [day, years]
    assert AskedFacts.of("What does the plan cover?").lead([years, day]) == [years, day]


def test_a_closing_pointer_answers_only_a_question_about_a_contact() -> None:
    hit = passage("For more information, please visit the official website of the plan at "
                  "www.plan.gov.kh. សម្រាប់ព័ត៌មានបន្ថែម សូមចូលទៅកាន់គេហទំព័រ។ The plan ends in 2030.")
    assert is_referral(unit(hit, "For more information, please visit the official website of "
                                 "the plan at www.plan.gov.kh."))
    assert is_referral(unit(hit, "សម្រាប់ព័ត៌មានបន្ថែម សូមចូលទៅកាន់គេហទំព័រ។"))
    assert not is_referral(unit(hit, "The plan ends in 2030."))
    assert asks_contact("What is the TRC hotline?") and asks_contact("តើលេខទូរសព្ទអ្វី?")
    assert not asks_contact("What is the purpose of the plan?")


def test_a_lead_in_counting_a_part_is_not_the_total() -> None:
    """"How many strategies does it have?" is not answered by "... with the following two
    strategies:" (the strategies of one goal); "... four strategic goals and ten strategies
    as follows:" gives the total."""
    facts = AskedFacts.of("How many strategies does the plan have?")
    assert facts.counted_in_lead_in("The plan has set four goals and ten strategies as follows:")
    assert not facts.counted_in_lead_in(
        "The second goal is digital governance with the following two strategies:")


def test_the_rest_of_a_run_in_list_cut_at_an_items_number_is_a_tail() -> None:
    text = ("The measures serve five goals: 1- Development of infrastructure, 2- Building trust,\n"
            "3- Building digital citizens, and 4- Promoting digital businesses.\n"
            "- Strategy 1: Fibre for every commune\n- Strategy 2: Payment gateways")
    hit = passage(text)
    read = lambda _doc, _page: text  # noqa: E731
    assert is_sentence_tail(unit(hit, "3- Building digital citizens, and 4- Promoting digital "
                                      "businesses."), read)
    # a bullet after a bullet with no stop is an item, not a tail
    assert not is_sentence_tail(unit(hit, "- Strategy 2: Payment gateways"), read)


def test_a_sentence_joined_into_a_later_one_keeps_its_place_and_score() -> None:
    """"On 3 July 2025 the group signed the memorandum." was chosen first; "This
    collaboration ..." was chosen third and is quoted with the sentence it refers back to.
    The joined span stands first, with the first sentence's score: before, it stood third
    and a training item led the answer to "When was the memorandum signed?"."""
    hit = passage("On 3 July 2025 the group signed the memorandum with the coders. "
                  "This collaboration is organized to strengthen digital skills. "
                  "Other news followed later that week in the province.")
    signed = unit(hit, "On 3 July 2025 the group signed the memorandum with the coders.", 1.0)
    refers = unit(hit, "This collaboration is organized to strengthen digital skills.", 0.4)
    other_hit = passage("On 5 July 2025 the coders trained forty students.",
                        doc_id="news/training.md")
    training = unit(other_hit, "On 5 July 2025 the coders trained forty students.", 0.5)
    joined = join_fragments([signed, training, refers], [signed, refers, training])
    assert [u.text[:10] for u in joined] == ["On 3 July ", "On 5 July "]
    assert joined[0].text.endswith("digital skills.") and joined[0].score == 1.0


def test_an_instruments_visas_answer_only_a_question_about_its_legal_basis() -> None:
    hit = passage("- បានឃើញរដ្ឋធម្មនុញ្ញនៃព្រះរាជាណាចក្រកម្ពុជា Having seen the Constitution of the "
                  "Kingdom. The plan ends in 2030.")
    assert is_visa(unit(hit, "- បានឃើញរដ្ឋធម្មនុញ្ញនៃព្រះរាជាណាចក្រកម្ពុជា"))
    assert is_visa(unit(hit, "Having seen the Constitution of the Kingdom."))
    assert not is_visa(unit(hit, "The plan ends in 2030."))
    assert asks_legal_basis("What is the legal basis of the sub-decree?")
    assert not asks_legal_basis("What did the regulator announce about the common codes?")


def test_a_named_document_is_searched_whatever_its_type() -> None:
    """A question naming a registered plan (typed a plan draft, not a policy) searches that
    document itself; a which-policy question without a name searches the policies."""
    asked: list[SearchFilters] = []

    def search(_question: str, **kwargs: object) -> SimpleNamespace:
        asked.append(kwargs["filters"])  # type: ignore[arg-type]
        return SimpleNamespace(hits=[])

    with_policy_passages(search, "What does the plan say?", [], None, {"plan/ict.pdf"})
    with_policy_passages(search, "Which policy covers it?", [], None, set())
    assert asked[0].doc_ids == ["plan/ict.pdf"] and not asked[0].doc_types
    assert asked[1].doc_types == ["policy"] and not asked[1].doc_ids
    # a caller's filter on news excludes the policies, not a named document
    assert with_policy_passages(search, "Which policy?", [], SearchFilters(doc_types=["news"]),
                                set()) == [] and len(asked) == 2


def test_a_point_in_time_is_asked_and_named_in_either_language() -> None:
    for question in ("When was the law adopted?", "In which year did it start?",
                     "តើច្បាប់ត្រូវបានអនុម័តនៅពេលណា?", "តើវាចាប់ផ្តើមនៅឆ្នាំណា?"):
        assert asks_when(question), question
    for question in ("How long does the plan last?", "What are its strategies?"):
        assert not asks_when(question), question
    for text in ("The law was adopted in 2016.", "It was signed on 3 March.",
                 "ថ្ងៃទី០៣ ខែមីនា ឆ្នាំ២០១៩", "ធ្វើនៅភ្នំពេញ ព.ស.២៥៦៣",
                 "Papers are collected within three working days."):
        assert names_time(text), text
    assert not names_time("The law will be drafted by the ministry with 12 partners.")
    facts = AskedFacts.of("When was the law adopted?")
    hit = passage("The ministry will draft the law. The law was adopted in 2016.")
    assert not facts.says_when([unit(hit, "The ministry will draft the law.")])
    assert facts.says_when([unit(hit, "The law was adopted in 2016.")])
    assert AskedFacts.of("Who drafts the law?").says_when([unit(hit, "The ministry will draft the law.")])


def test_which_country_is_answered_by_another_country_not_by_a_province() -> None:
    assert asks_kinds("Which country will the minister visit?") == ["country"]
    assert asks_kinds("តើរដ្ឋមន្ត្រីនឹងទៅទស្សនកិច្ចនៅប្រទេសណា?") == ["country"]
    assert asks_kinds("In which province is the centre?") == ["place"]
    for text in ("The delegation will visit the Republic of Turkey for five days.",
                 "The minister met his counterpart from Singapore.",
                 "ទៅ\u200bបំពេញ\u200bទស្សនកិច្ច\u200bនៅ\u200bសាធារណរដ្ឋ\u200bតួកគី"):
        assert states("country", text), text
    for text in ("The centre opened in Takeo province.", "ព្រះរាជាណាចក្រកម្ពុជា",
                 "The Kingdom of Cambodia hosted the meeting.", "ប្រទេសជាតិរីកចម្រើន"):
        assert not states("country", text), text


def test_a_bilingual_figures_labels_are_debris_but_a_khmer_list_is_not() -> None:
    """A figure's labels in both languages, read down the page, once answered "What does the
    policy say about open data?" as "(e-- Government) រដ្ឋាភិបាល អ ើកចំហ (Open Government)"."""
    figure = ("(e--\nGovernment)\nរដ្ឋាភិបាល\nអ ើកចំហ\n(Open\nGovernment)\nរដ្ឋាភិបាល\n"
              "(Data-centric\nGovernment)\nរដ្ឋាភិបាលឆ្លាត\n(Smart\nGovernment)")
    assert is_debris(unit(passage(figure), figure))
    for text in ("ម.ប.ស. មានមុខងារ\n១.បន្ទប់កុំព្យូទ័រ\n២.បន្ទប់បណ្តុះបណ្តាល\n៣.ប៉ុស្តិ៍ប្រៃសណីយ៍",
                 "ក្រុមការងារ\n១. Sisters of Code\n២. CADT\n៣. ម.ប.ស."):
        assert not is_debris(unit(passage(text), text)), text


def test_a_numbered_item_of_something_is_defined_by_its_label() -> None:
    """"What is Level 3 of digital government establishment?" is answered by the annex line
    "- Level 3: Government is data-centric, ...", which names the item by its label alone,
    not by the sentence that only says levels 2 and 3 may begin together."""
    facts = AskedFacts.of("What is Level 3 of digital government establishment?")
    assert facts.kinds == ("definition",)
    assert facts.stated_by("- Level 3: Government is data-centric, development focuses on data.")
    assert not facts.stated_by("Level 2 and 3 of digital government establishment can begin "
                               "in parallel with Level 1.")


def test_only_short_items_under_a_lead_in_are_joined_to_it() -> None:
    text = ("The office is responsible for:\n- Writing the data catalogue\n"
            "- Training data clerks in every district of the province.\n"
            "The office reports to the governor every year in March.\n- Checking registers")
    hit = passage(text)
    lead = unit(hit, "The office is responsible for:")
    first = unit(hit, "- Writing the data catalogue")
    sentence = unit(hit, "- Training data clerks in every district of the province.")
    report = unit(hit, "The office reports to the governor every year in March.")
    stray = unit(hit, "- Checking registers")
    out = list(with_lead_ins([lead, first, sentence, report, stray],
                             [False, True, True, True, True]))
    assert out[0].text == "The office is responsible for:\n- Writing the data catalogue"
    assert out[0].start == lead.start and out[0].end == first.end
    # a whole sentence stands alone; after a unit that is no item the list has ended
    assert [u.text for u in out[1:]] == [sentence.text, report.text, stray.text]
    # the lead-in's words are the whole-sentence item's context, as a heading's would be;
    # the sentence after the list and the stray item have none
    assert lead.terms <= out[1].context_terms
    assert not out[2].context_terms and not out[3].context_terms


def test_a_run_of_short_items_is_quoted_whole_with_its_lead_in() -> None:
    """"... subjects, including: - Scratch - Digital design - Algorithms": the list as a reader
    sees it, not its lead-in with only the first item."""
    text = ("Volunteers teach several subjects, including:\n- Scratch programming\n"
            "- Digital design\n- Algorithms\nThe course runs in July.")
    hit = passage(text)
    units = [unit(hit, t) for t in ("Volunteers teach several subjects, including:",
                                    "- Scratch programming", "- Digital design", "- Algorithms",
                                    "The course runs in July.")]
    out = list(with_lead_ins(units, [False, True, True, True, True]))
    assert [u.text for u in out] == [text[:text.index("\nThe course")], "The course runs in July."]


def test_numbered_headings_over_sections_make_a_run_but_list_items_and_wrapped_lines_do_not() -> None:
    headings = ("We set four priorities.\n1. Connected offices\nOffices reach the internet.\n"
                "2. Shared data\nRegisters are published.\n3. Skilled clerks\nClerks train.\n")
    runs = numbered_runs([(1, headings)])
    assert [[h.title for h in run] for run in runs] == [
        ["Connected offices", "Shared data", "Skilled clerks"]]
    assert runs[0][1].quote == "2. Shared data" and headings[runs[0][1].start:runs[0][1].end] \
        == "2. Shared data"
    items = "The plan has three parts:\n1. Connected offices\n2. Shared data\n3. Skilled clerks\n"
    wrapped = ("1. The first goal is to connect the commune offices of\nevery district.\n"
               "2. The second goal is to share the data of the registers\nwith the public.\n"
               "3. The third goal is to train the clerks of the offices in\nthe new systems.\n")
    assert numbered_runs([(1, items)]) == [] and numbered_runs([(1, wrapped)]) == []


def test_a_countrys_own_policy_is_declined_but_what_a_named_policy_says_of_it_is_not() -> None:
    """Korea and Japan have no document here; the Cambodian policy mentions Korea. "What is
    the digital government policy of Korea?" asks for Korea's own (declined, even though the
    words also name the Cambodian policy); "What does the Digital Government Policy say about
    the Republic of Korea?" asks what the named policy says of it (answered)."""
    hit = passage("In 2020, digital services in the Republic of Korea contributed US$ 1.3 "
                  "billion to the economy.")
    pool = [unit(hit, hit.text, 0.9)]
    pool[0].hit.country = "KH"
    assert unsupported_countries(pool, "What does the Digital Government Policy say about the "
                                 "Republic of Korea?", STRENGTH, names_a_document=True) == []
    assert unsupported_countries(pool, "What is the digital government policy of Korea?",
                                 STRENGTH, names_a_document=True) == ["Korea"]
    assert unsupported_countries(pool, "What is Japan's digital agency plan?", STRENGTH) == ["Japan"]
    assert unsupported_countries(pool, "តើគោលនយោបាយរបស់ប្រទេសជប៉ុនមានអ្វីខ្លះ?", STRENGTH,
                                 names_a_document=True) == ["ជប៉ុន"]


def test_a_second_passage_of_the_same_page_without_a_heading_gets_no_bare_page_source() -> None:
    """A page read as two passages, the first under a heading, the second under none: the
    second's sentence continued the answer as "(p. 1): Running ...", naming nothing new."""
    from answers.compose import compose

    first = replace(passage("The Data Division is responsible for: - the Digital Framework.",
                            doc_id="web/bc.md", page=1, title="Leading our transformation"),
                    heading="Data Division")
    second = replace(passage("Running data programs that support all ministries.",
                             doc_id="web/bc.md", page=1, start=200,
                             title="Leading our transformation"), heading="")
    answer = compose("Who?", "en", [unit(first, first.text), unit(second, second.text)])
    assert answer.sentences[0].source == "Leading our transformation, Data Division (p. 1)"
    assert answer.sentences[1].source is None
    assert answer.sentences[1].text == second.text
    # on another page the page is news, and it is said
    third = replace(second, page=2, chunk_id="web/bc.md#2#200")
    assert compose("Who?", "en", [unit(first, first.text), unit(third, third.text)]
                   ).sentences[1].source == "(p. 2)"
