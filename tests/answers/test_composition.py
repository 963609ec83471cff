"""Extractive answers that answer (issue #12): the policy and strategy named, list questions
answered from the registry, both parts of a two-part question, the question's language
leading, and "not found" for an entity the evidence never mentions. Real stack: the corpus of
``tests/answers/corpus.py`` ingested with the packaged MiniLM, real chromadb, khmer-nltk."""

from __future__ import annotations

import json
from typing import Any

import httpx

from answers.extractive import NOT_FOUND, OTHER_LANGUAGE_NOTE
from answers.lists import list_question
from api.app import create_app
from tests.answers.corpus import (
    GOALS,
    MEASURES,
    POLICY_ID,
    POLICY_TITLE,
    STRATEGIES,
    TOWERS_KM_ID,
    TWIN_EN_ID,
    TWIN_KM_ID,
)
from tests.support.servers import serve


def assert_cited(services: Any, answer: Any) -> None:
    """Every sentence cites, every citation is the exact span of its page."""
    ids = {c.id for c in answer.citations}
    assert ids == set(range(1, len(ids) + 1))
    for sentence in answer.sentences:
        assert sentence.citations and set(sentence.citations) <= ids
        assert f"{sentence.text} [{sentence.citations[0]}]" in answer.answer
    for citation in [*answer.citations, *(a.citation for a in answer.alternates)]:
        page = services.catalog.page(citation.doc_id, citation.page)
        assert page is not None and page.text[citation.start:citation.end] == citation.quote
        assert citation.title == services.catalog.get_document(citation.doc_id).title


def test_which_policy_answer_leads_with_policy_strategy_and_page(answer_services: Any) -> None:
    answer = answer_services.answerer.answer(
        "Which policy covers cybersecurity training for commune clerks?")
    assert answer.found
    assert_cited(answer_services, answer)
    first = answer.sentences[0]
    lead = f"{POLICY_TITLE}, Strategy 2: Cybersecurity capacity of commune clerks (p. 2)"
    assert first.source == lead
    assert first.text.startswith(lead + ": ") and "three hundred commune clerks" in first.text
    assert answer.citations[0].doc_id == POLICY_ID and answer.citations[0].page == 2
    # a lead-in ending with a colon says nothing on its own
    assert not any(s.text.endswith(":") for s in answer.sentences)


def test_a_khmer_which_policy_question_names_the_policy_with_a_note(answer_services: Any) -> None:
    """Asked in Khmer, a Khmer news item on the same training mentions "the province's
    policy" in passing; the answer still names the registered policy and its strategy, and
    says its evidence is in English."""
    answer = answer_services.answerer.answer(  # "... cybersecurity training for commune officials?"
        "តើគោលនយោបាយណាគ្របដណ្តប់ការបណ្តុះបណ្តាលសន្តិសុខតាមប្រព័ន្ធអ៊ីនធឺណិតដល់មន្ត្រីឃុំ?")
    assert answer.found, answer.answer
    assert_cited(answer_services, answer)
    assert {c.doc_id for c in answer.citations} == {POLICY_ID}, answer.answer
    assert any(s.source and "Strategy 2: Cybersecurity capacity of commune clerks" in s.source
               and "three hundred commune clerks" in s.text for s in answer.sentences)
    assert answer.sentences[0].text.startswith(POLICY_TITLE)
    assert answer.note == OTHER_LANGUAGE_NOTE[("km", "en")]


def test_a_new_section_of_the_same_document_is_named_without_repeating_the_title(
        answer_services: Any) -> None:
    answer = answer_services.answerer.answer(
        "How are commune certificates requested, and how are commune fees paid?")
    assert answer.found
    sources = [s.source for s in answer.sentences if s.source]
    assert sources[0].startswith(f"{POLICY_TITLE}, Strategy 4: Digital payment of commune fees")
    assert "Strategy 3: Online commune certificates (p. 3)" in sources
    # the news item's second sentence continues its first: no name again
    twin = [s for s in answer.sentences
            if s.citations and answer.citations[s.citations[0] - 1].doc_id == TWIN_EN_ID]
    assert all(s.source is None for s in twin[1:])


def test_a_sentence_that_only_shares_the_place_is_not_part_of_the_answer(
        answer_services: Any) -> None:
    """"How do residents in Kampot request residence certificates?": the news item answers;
    the policy's broadband strategy names Kampot and commune offices but nothing asked about
    them (no request, no certificate), and MiniLM reads it only loosely: it is left out."""
    answer = answer_services.answerer.answer(
        "How do residents in Kampot request residence certificates?")
    assert answer.found
    assert answer.sentences[0].source.startswith(
        "Kampot commune offices take residence certificate requests")
    assert not any("fibre" in s.text for s in answer.sentences), answer.answer


def _items(answer: Any) -> list[str]:
    return [s.text.split(" — ", 1)[-1] for s in answer.sentences]


def test_a_question_that_is_only_a_documents_name_is_answered_by_what_names_it(
        answer_services: Any) -> None:
    """"What is the Smart Village Policy?" over the real stack: the sentence that says what
    the policy is opens the answer. (This small corpus has no diagram label to compete with
    it, so the test guards the behaviour; ``names_given`` and ``is_fragment`` are checked
    on their own in test_answer_quality_unit.py.)"""
    answer = answer_services.answerer.answer("What is the Smart Village Policy?")
    assert answer.found, answer.answer
    assert answer.sentences[0].text.endswith(
        "The Smart Village Policy is the province's plan to bring villages online and to make "
        "commune services digital."), answer.answer


def test_list_question_gets_every_strategy_with_its_page(answer_services: Any) -> None:
    answer = answer_services.answerer.answer("What strategies does the Smart Village Policy have?")
    assert answer.found and answer.note is None
    assert_cited(answer_services, answer)
    assert answer.sentences[0].text.startswith(f"{POLICY_TITLE}: 4 strategies — ")
    assert _items(answer) == [f"{label}: {title} (p. {page})" for label, title, page in STRATEGIES]
    for (label, title, page), citation in zip(STRATEGIES, answer.citations, strict=True):
        assert citation.page == page and citation.quote == f"{label}: {title}"  # the heading


def test_a_list_question_about_another_countrys_policy_is_not_answered_from_the_registry(
        answer_services: Any) -> None:
    """The registry holds Cambodia's policies: Singapore's "smart village policy" strategies
    are not the Provincial Smart Village Policy's, whose name the question shares."""
    answer = answer_services.answerer.answer(
        "What strategies does Singapore's Smart Village Policy have?")
    assert not any(s.text.startswith(f"{POLICY_TITLE}: 4 strategies") for s in answer.sentences)
    assert len(answer.sentences) != len(STRATEGIES) or not answer.found


def test_khmer_list_question_is_answered_from_the_registry_with_a_note(
        answer_services: Any) -> None:
    # "What strategies does the smart village policy have?": no glossary entry names it, so
    # the policy is the document of the best search hits
    answer = answer_services.answerer.answer("តើគោលនយោបាយភូមិឆ្លាតវៃមានយុទ្ធសាស្ត្រអ្វីខ្លះ?")
    assert answer.found and answer.language == "km"
    assert_cited(answer_services, answer)
    assert len(answer.sentences) == len(STRATEGIES)
    assert all(f"(ទំព័រ {page})" in s.text for s, (_, _, page) in zip(answer.sentences, STRATEGIES,
                                                                     strict=True))
    assert answer.note == OTHER_LANGUAGE_NOTE[("km", "en")]


def test_a_policys_own_word_for_a_level_is_read_as_that_level(answer_services: Any) -> None:
    """The registry says this policy calls its goals "pillars"; elsewhere "pillars" means
    strategies (``answers/lists.py``)."""
    assert list_question("What are the pillars of the plan?").level == "strategy"
    assert list_question("What are the pillars of the plan?", [("goal", ("pillars",))]).level \
        == "goal"
    for question in ("What are the pillars of the Smart Village Policy?",
                     "តើគោលនយោបាយភូមិឆ្លាតវៃ មានសសរស្តម្ភអ្វីខ្លះ?"):
        answer = answer_services.answerer.answer(question)
        items = _items(answer)
        assert len(items) == len(GOALS), (question, items)
        assert all(item.startswith(f"{label}: {title} (") for item, (label, title, _) in
                   zip(items, GOALS, strict=True)), (question, items)


def test_list_of_goals_and_of_one_strategys_measures(answer_services: Any) -> None:
    goals = answer_services.answerer.answer("What are the strategic goals of the Smart Village Policy?")
    assert _items(goals) == [f"{label}: {title} (p. {page})" for label, title, page in GOALS]
    assert_cited(answer_services, goals)
    measures = answer_services.answerer.answer(
        "List the priority actions of Strategy 1 of the Smart Village Policy")
    assert_cited(answer_services, measures)
    assert [s.text.split(": ", 2)[-1] for s in measures.sentences] == [
        f"{MEASURES[0]} (p. 2)", f"{MEASURES[1]} (p. 2)"]
    every = answer_services.answerer.answer("Which measures does the Smart Village Policy have?")
    assert len(every.sentences) == len(MEASURES)


def test_list_question_about_the_policy_a_follow_up_is_filtered_to(answer_services: Any) -> None:
    from index.search_types import SearchFilters

    answer = answer_services.answerer.answer("What are its strategies?",
                                             SearchFilters(doc_ids=[POLICY_ID]))
    assert len(answer.sentences) == len(STRATEGIES)


def test_two_part_question_gets_evidence_for_both_parts(answer_services: Any) -> None:
    answer = answer_services.answerer.answer(
        "What is the Smart Village Policy and when does it end?")
    assert answer.found
    assert_cited(answer_services, answer)
    text = answer.answer
    assert "bring villages online" in text  # what it is
    assert "ends in 2030" in text  # when it ends


def test_khmer_two_part_question_gets_both_parts(answer_services: Any) -> None:
    # "How do residents in Kampot request a residence certificate, and when do they get it?"
    answer = answer_services.answerer.answer(
        "តើប្រជាពលរដ្ឋនៅខេត្តកំពតស្នើសុំលិខិតបញ្ជាក់ទីលំនៅយ៉ាងដូចម្តេច ហើយទទួលយកនៅពេលណា?")
    assert answer.found and answer.language == "km"
    assert_cited(answer_services, answer)
    assert "តាមអនឡាញ" in answer.answer  # online
    assert "បីថ្ងៃធ្វើការ" in answer.answer  # within three working days


def test_english_question_is_answered_in_english_with_the_khmer_twin_offered(
        answer_services: Any) -> None:
    answer = answer_services.answerer.answer(
        "How do residents in Kampot request residence certificates?")
    assert answer.found and answer.note is None
    assert_cited(answer_services, answer)
    assert {c.language for c in answer.citations} == {"en"}
    assert answer.alternates and answer.alternates[0].language == "km"
    assert answer.alternates[0].citation.doc_id == TWIN_KM_ID


def test_khmer_question_is_answered_in_khmer_with_the_english_twin_offered(
        answer_services: Any) -> None:
    answer = answer_services.answerer.answer(
        "តើប្រជាពលរដ្ឋនៅខេត្តកំពតស្នើសុំលិខិតបញ្ជាក់ទីលំនៅយ៉ាងដូចម្តេច?")
    assert answer.found and answer.note is None
    assert_cited(answer_services, answer)
    assert {c.language for c in answer.citations} == {"km"}
    assert [a.citation.doc_id for a in answer.alternates] == [TWIN_EN_ID]


def test_a_khmer_question_naming_things_in_latin_letters_is_answered_in_khmer(
        answer_services: Any) -> None:
    """"Kampot" and "online" written in Latin letters make the question MIXED to the
    detector; it is still asked in Khmer, and the Khmer twin answers it."""
    answer = answer_services.answerer.answer(
        "តើប្រជាពលរដ្ឋនៅ Kampot ស្នើសុំលិខិតបញ្ជាក់ទីលំនៅ online យ៉ាងដូចម្តេច?")
    assert answer.found and answer.language == "km", answer.answer
    assert {c.language for c in answer.citations} == {"km"}
    assert [a.citation.doc_id for a in answer.alternates] == [TWIN_EN_ID]


def test_fact_only_in_the_other_language_is_given_with_a_note(answer_services: Any) -> None:
    answer = answer_services.answerer.answer("How many new telecom towers were allowed in Preah Vihear?")
    assert answer.found
    assert_cited(answer_services, answer)
    assert answer.citations[0].doc_id == TOWERS_KM_ID
    assert answer.note == OTHER_LANGUAGE_NOTE[("en", "km")]
    assert answer.alternates == []  # nothing in English to offer


def test_a_place_no_document_mentions_is_not_found_with_the_closest_documents(
        answer_services: Any) -> None:
    for question, name in (
            ("How many commune offices in Mondulkiri province will have a fibre connection?",
             "Mondulkiri"),
            ("តើការិយាល័យឃុំនៅខេត្តមណ្ឌលគិរីនឹងមានខ្សែកាបអុបទិកនៅពេលណា?", "មណ្ឌលគិរី"),
            ("How many commune clerks were trained in cybersecurity in 2019?", "2019")):
        answer = answer_services.answerer.answer(question)
        assert not answer.found, question
        assert answer.answer == NOT_FOUND[answer.language]
        assert answer.sentences == [] and answer.citations == []
        assert answer.note and name in answer.note
        assert answer.closest_documents and answer.closest_documents[0].doc_id == POLICY_ID


def test_a_place_named_without_what_is_asked_of_it_is_not_an_answer(
        answer_services: Any) -> None:
    """The Khmer towers item names Preah Vihear and nothing about its population; MiniLM
    cannot read it, so its words decide, and naming the place alone is not enough."""
    for question in ("What is the population of Preah Vihear?",
                     "What is the population of Preah Vihear province?",
                     "តើប្រជាជននៅខេត្តព្រះវិហារមានចំនួនប៉ុន្មាន?"):
        answer = answer_services.answerer.answer(question)
        assert not answer.found, (question, answer.answer)
        assert answer.answer == NOT_FOUND[answer.language]


def test_a_when_question_answered_by_no_time_is_declined(answer_services: Any) -> None:
    """The policy says how commune fees are paid and receipted but never since when: those
    sentences do not answer "when". A "when" whose answer names a year is answered."""
    declined = answer_services.answerer.answer(
        "When did commune fee payments start getting receipt numbers?")
    assert not declined.found, declined.answer
    assert declined.answer == NOT_FOUND["en"]
    answered = answer_services.answerer.answer("When does the Smart Village Policy end?")
    assert answered.found and "2030" in answered.answer, answered.answer


def test_a_list_question_about_another_subject_is_not_the_policys_list(
        answer_services: Any) -> None:
    """"The goals of the yearly course" are not the Smart Village Policy's strategic goals,
    though the search finds the policy first; a list question naming nothing else is."""
    other = answer_services.answerer.answer(
        "What are the goals of the yearly cybersecurity course for commune clerks?")
    assert other.found and "strategic goals" not in other.answer, other.answer
    assert "cybersecurity" in other.answer
    bare = answer_services.answerer.answer("What are the strategic goals?")
    assert bare.answer.startswith(f"{POLICY_TITLE}: 2 strategic goals"), bare.answer


ANSWERABLE = [  # (question, a fact the answer must hold)
    ("When will every commune office in Kampot province have a fibre connection?", "2027"),
    ("How many commune clerks are trained in cybersecurity every year?", "three hundred"),
    ("How are commune fees paid?", "mobile wallet"),
    ("Where do Battambang bank staff learn about phishing?", "fraud awareness"),
    ("How many new telecom towers were allowed in Preah Vihear in 2024?", "សែសិប"),
    ("តើប៉មទូរគមនាគមន៍ថ្មីប៉ុន្មាននៅខេត្តព្រះវិហារ?", "សែសិប"),
    ("Which policy covers rural broadband for commune offices?", "fibre connection"),
    ("How are birth certificates requested online and collected?", "three working days"),
]


def test_no_answerable_fixture_question_is_declined(answer_services: Any) -> None:
    for question, fact in ANSWERABLE:
        answer = answer_services.answerer.answer(question)
        assert answer.found, question
        assert fact in answer.answer, (question, answer.answer)
        assert_cited(answer_services, answer)


def test_ask_over_http_carries_sources_and_alternates(answer_services: Any) -> None:
    with serve(create_app(answer_services.settings, answer_services)) as base:
        listed = httpx.post(f"{base}/ask", timeout=60, json={
            "question": "What strategies does the Smart Village Policy have?"}).json()
        twin = httpx.post(f"{base}/ask", timeout=60, json={
            "question": "How do residents in Kampot request residence certificates?"}).json()
        with httpx.stream("POST", f"{base}/ask/stream", timeout=60, json={
                "question": "Which policy covers cybersecurity training for commune clerks?"}
                          ) as response:
            body = response.read().decode("utf-8")
    assert listed["sentences"][0]["source"] == f"{POLICY_TITLE}: 4 strategies"
    assert [c["page"] for c in listed["citations"]] == [page for _, _, page in STRATEGIES]
    assert twin["alternates"][0]["citation"]["doc_id"] == TWIN_KM_ID
    events = [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]
    first = next(e for e in events if e["type"] == "sentence")
    assert first["text"].startswith(f"{POLICY_TITLE}, Strategy 2: ")
