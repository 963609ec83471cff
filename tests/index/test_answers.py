"""Extractive cited answers on the sample corpus: exact spans, language, "not found"."""

from __future__ import annotations

from answers.extractive import NOT_FOUND


def assert_citations_resolve(services, answer) -> None:
    ids = {c.id for c in answer.citations}
    assert ids == set(range(1, len(ids) + 1))
    for sentence in answer.sentences:
        assert sentence.citations and set(sentence.citations) <= ids
    for citation in answer.citations:
        page = services.catalog.page(citation.doc_id, citation.page)
        assert page is not None
        assert page.text[citation.start:citation.end] == citation.quote  # the exact span
        assert citation.title == services.catalog.get_document(citation.doc_id).title
    for n in ids:
        assert f"[{n}]" in answer.answer


def test_english_question_gets_cited_english_answer(sample_services):
    answer = sample_services.answerer.answer("How will ministries build cybersecurity capacity?")
    assert answer.found and answer.mode == "extractive"
    assert 1 <= len(answer.sentences) <= 4
    assert_citations_resolve(sample_services, answer)
    assert any("cybersecurity" in c.quote.lower() for c in answer.citations)
    assert all(c.language == "en" for c in answer.citations)  # the question's language first
    assert answer.note is None


def test_khmer_question_prefers_khmer_evidence(sample_services):
    answer = sample_services.answerer.answer("តើក្រសួងនឹងកសាងសមត្ថភាពសន្តិសុខសាយប័រយ៉ាងដូចម្តេច?")
    assert answer.found and answer.language == "km"
    assert_citations_resolve(sample_services, answer)
    assert any(c.language == "km" for c in answer.citations)


def test_khmer_question_answered_from_english_only_evidence_says_so(sample_services):
    # the Ministry of Interior's meeting record exists only in English in the sample corpus
    answer = sample_services.answerer.answer(
        "កិច្ចប្រជុំក្រសួងមហាផ្ទៃ ពិនិត្យផែនការយុទ្ធសាស្ត្របច្ចេកវិទ្យាព័ត៌មាន និងយន្តការទាំងប្រាំមួយ")
    assert answer.found
    assert_citations_resolve(sample_services, answer)
    assert {c.language for c in answer.citations} == {"en"}  # no Khmer passage says this
    assert answer.note and "អង់គ្លេស" in answer.note  # "English", said in Khmer


def test_unanswerable_question_says_so_and_invents_nothing(sample_services):
    for question in ("How do I bake sourdough bread at home?", "តើធ្វើម្ហូបអាម៉ុកត្រីយ៉ាងដូចម្តេច?"):
        answer = sample_services.answerer.answer(question)
        assert not answer.found
        assert answer.answer == NOT_FOUND[answer.language]
        assert answer.citations == [] and answer.sentences == []
        hits = sample_services.searcher.search(question, k=8).hits
        # where the user could look instead: the closest documents the search did find
        assert [d.doc_id for d in answer.closest_documents] == list(dict.fromkeys(h.doc_id for h in hits))[:3]


def test_stream_events_end_with_the_whole_answer(sample_services):
    events = [e.to_dict() for e in sample_services.answerer.events(
        "How will ministries build cybersecurity capacity?")]  # as /ask/stream sends them
    kinds = [e["type"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and "sentence" in kinds
    sentences = [e for e in events if e["type"] == "sentence"]
    final = events[-1]["answer"]
    assert [s["text"] for s in sentences] == [s["text"] for s in final["sentences"]]
    for event in sentences:
        assert event["citations"] and all("quote" in c for c in event["citations"])
