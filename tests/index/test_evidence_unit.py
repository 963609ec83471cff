"""Evidence sentences on their own: located exactly in the page, filtered, scored against
the question, and selected without repeating each other.

The real analyser and sentence splitter are used; where a score needs dense similarity the
deterministic demo embedder stands in for the model (tests/support/demo_embedder.py), so
what is checked is the scoring logic, not what MiniLM thinks.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.evidence import EvidenceSentence, score_sentences, select, sentences_of
from index.glossary import Glossary, GlossaryEntry
from index.query import AnalyzedQuery, analyze_query, glossary_translator
from index.search_types import Hit, ScoreBreakdown
from ingest.analysis import Analyzer
from ingest.sentences import split_sentences
from tests.support.demo_embedder import DemoEmbedder

ANALYZER = Analyzer()
READABLE = frozenset({"en", "mixed"})
PAGE_PREFIX = "Earlier text of the same page that belongs to another passage.\n\n"


def make_hit(chunk_id: str, text: str, *, start: int = len(PAGE_PREFIX), heading: str = "",
             language: str = "en") -> Hit:
    return Hit(chunk_id=chunk_id, doc_id=chunk_id.split("#")[0], title="Fixture", doc_type="policy",
               language=language, doc_language=language, date=None, issuing_body=None, page=3,
               start=start, end=start + len(text), heading=heading, text=text, snippet=text,
               highlights=[], scores=ScoreBreakdown(fused=0.0))


def query(text: str, language: str = "en", translated: str = "", coverage: float = 0.0,
          ) -> AnalyzedQuery:
    return AnalyzedQuery(text=text, language=language, terms=ANALYZER.analyze(text),
                         translations=[translated] if translated else [],
                         translated_terms=ANALYZER.analyze(translated) if translated else [],
                         dense_text=text, coverage=coverage)


def evidence(*hits: Hit) -> list[EvidenceSentence]:
    return sentences_of(list(hits), split_sentences, ANALYZER)


PASSAGE = ("The ministry trains five hundred civil servants in cybersecurity every year. "
           "Short one. "
           "2023 - 2025 - 2030 - 2035 - 2040 - 2045.\n\n"
           "Strategy 4: Personal data protection\n\n"
           "Every database that holds personal data must be protected against leaks.")


# -- sentences_of ----------------------------------------------------------------------------


def test_sentences_are_exact_spans_of_the_page() -> None:
    page_text = PAGE_PREFIX + PASSAGE
    found = evidence(make_hit("a#1", PASSAGE))
    assert found
    for sentence in found:
        assert page_text[sentence.start:sentence.end] == sentence.text
        assert sentence.hit.chunk_id == "a#1"


def test_short_numeric_and_heading_sentences_are_not_evidence() -> None:
    texts = [s.text for s in evidence(make_hit("a#1", PASSAGE))]
    assert texts == [
        "The ministry trains five hundred civil servants in cybersecurity every year.",
        "Every database that holds personal data must be protected against leaks.",
    ]


def test_a_short_list_item_is_evidence_a_short_sentence_is_not() -> None:
    text = ("Volunteers teach these subjects:\n- Digital design\n- AI\n1. Algorithms\n"
            "Short one.\n")
    texts = [s.text for s in evidence(make_hit("a#1", text))]
    assert texts == ["Volunteers teach these subjects:", "- Digital design", "1. Algorithms"]


def test_length_limits_are_configurable() -> None:
    hit = make_hit("a#1", PASSAGE)
    everything = sentences_of([hit], split_sentences, ANALYZER, min_chars=1, max_chars=10_000)
    assert "Short one." in [s.text for s in everything]
    nothing = sentences_of([hit], split_sentences, ANALYZER, min_chars=1, max_chars=9)
    assert nothing == []


def test_language_terms_and_heading_context_are_recorded() -> None:
    khmer = "ក្រសួងនឹងបណ្តុះបណ្តាលមន្ត្រីរាជការចំនួនប្រាំរយនាក់ជារៀងរាល់ឆ្នាំ។"
    heading = "Goal 2 > Strategy 3: Cybersecurity"
    (english,) = evidence(make_hit("a#1", PASSAGE[:76], heading=heading))
    assert english.language == "en"
    assert {"train", "cybersecur", "servant"} <= english.terms
    # heading terms the sentence lacks are context; its own terms are not repeated there
    assert english.context_terms == {"goal", "2", "strategi", "3"}
    (km,) = evidence(make_hit("k#1", khmer, language="km"))
    assert km.language == "km"
    assert "មន្ត្រីរាជការ" in km.terms and km.context_terms == frozenset()


def test_every_passage_contributes_in_order() -> None:
    first = make_hit("a#1", PASSAGE)
    second = make_hit("b#1", "Officials will report each incident within seventy-two hours.",
                      start=0)
    assert [s.hit.chunk_id for s in evidence(first, second)] == ["a#1", "a#1", "b#1"]


# -- score_sentences -------------------------------------------------------------------------


def idf_of(weights: dict[str, float]):  # noqa: ANN201 - a small test double for index.idf
    return lambda term: weights.get(term, 0.0)


def test_lexical_score_is_the_idf_weighted_share_of_the_question() -> None:
    sentences = evidence(make_hit("a#1", PASSAGE))
    q = query("cybersecurity personal data")
    idf = idf_of({"cybersecur": 2.0, "person": 1.0, "data": 1.0})
    score_sentences(sentences, q, idf, None, None, READABLE, {"a#1": 0})
    training, database = sentences
    assert training.lexical == pytest.approx(2.0 / 4.0)
    assert database.lexical == pytest.approx(2.0 / 4.0)
    rare = idf_of({"cybersecur": 6.0, "person": 1.0, "data": 1.0})
    score_sentences(sentences, q, rare, None, None, READABLE, {"a#1": 0})
    assert training.lexical == pytest.approx(6.0 / 8.0)
    assert database.lexical == pytest.approx(2.0 / 8.0)


def test_a_word_no_passage_has_weighs_like_a_rare_one() -> None:
    (training, _) = evidence(make_hit("a#1", PASSAGE))
    q = query("cybersecurity zeppelin")
    score_sentences([training], q, idf_of({"cybersecur": 2.0}), None, None, READABLE, {},
                    unknown_idf=8.0)
    assert training.lexical == pytest.approx(2.0 / (2.0 + 8.0))


def test_heading_terms_count_half() -> None:
    (sentence,) = evidence(make_hit("a#1", PASSAGE[:76], heading="Strategy 3: Incident drills"))
    q = query("incident drills")
    score_sentences([sentence], q, idf_of({"incid": 1.0, "drill": 1.0}), None, None, READABLE, {})
    assert sentence.lexical == pytest.approx(0.5)


def test_translated_terms_count_only_as_far_as_the_glossary_covered_the_question() -> None:
    khmer = "ក្រសួងនឹងបណ្តុះបណ្តាលមន្ត្រីរាជការចំនួនប្រាំរយនាក់ជារៀងរាល់ឆ្នាំ។"
    (km,) = evidence(make_hit("k#1", khmer, language="km"))
    idf = idf_of({"train": 1.0, "civil": 1.0, "servant": 1.0, "មន្ត្រីរាជការ": 1.0})
    for coverage in (1.0, 0.4):
        q = query("train civil servants", translated="មន្ត្រីរាជការ", coverage=coverage)
        score_sentences([km], q, idf, None, None, READABLE, {})
        assert km.lexical == pytest.approx(coverage)


def test_a_mixed_sentence_held_only_through_the_translation_is_the_other_language() -> None:
    """A Khmer sentence with English glosses in brackets is detected "mixed"; when only the
    Khmer translation of an English question finds it, it is Khmer evidence and must not
    lead as if written in English. One that holds the question's own words stays mixed."""
    glossed = "មន្ត្រីរាជការ (Computer Lab) បណ្តុះបណ្តាល (Training Room) ជារៀងរាល់ឆ្នាំ។"
    (km,) = evidence(make_hit("k#1", glossed, language="mixed"))
    assert km.language == "mixed"
    idf = idf_of({"train": 1.0, "civil": 1.0, "servant": 1.0, "មន្ត្រីរាជការ": 1.0})
    q = query("train civil servants", translated="មន្ត្រីរាជការ", coverage=1.0)
    score_sentences([km], q, idf, None, None, READABLE, {})
    assert km.language == "km" and km.lexical == pytest.approx(1.0)
    (lab,) = evidence(make_hit("k#2", glossed, language="mixed"))
    q = query("training room computer lab", translated="មន្ត្រីរាជការ", coverage=0.5)
    score_sentences([lab], q, idf_of({"train": 1.0, "room": 1.0, "comput": 1.0, "lab": 1.0}),
                    None, None, READABLE, {})
    assert lab.language == "mixed"


def test_alternative_translations_of_one_concept_count_once() -> None:
    """"Ministry of Interior" and "MoI" translate one Khmer word: a sentence that says one of
    them holds the whole concept, not half of it."""
    sentence = "The Ministry of Interior drafted a strategic plan for five years."
    (en,) = evidence(make_hit("e#1", sentence))
    idf = idf_of({"ministri": 1.0, "interior": 1.0, "moi": 4.0, "strateg": 1.0, "plan": 1.0})
    groups = [[ANALYZER.analyze("Ministry of Interior"), ANALYZER.analyze("MoI")],
              [ANALYZER.analyze("strategic plan")]]
    q = query("ក្រសួងមហាផ្ទៃមានផែនការយុទ្ធសាស្ត្រ", language="km",
              translated="Ministry of Interior MoI strategic plan", coverage=1.0)
    score_sentences([en], q, idf, None, None, READABLE, {})
    assert en.lexical == pytest.approx(4 / 8)  # flat: "moi" weighs most and is missing
    q = replace(q, translated_groups=groups)
    score_sentences([en], q, idf, None, None, READABLE, {})
    assert en.lexical == pytest.approx(1.0)
    # a sentence with only the plan holds the plan's share of the concepts (by their weight)
    (other,) = evidence(make_hit("e#2", "A strategic plan was drafted for five years."))
    score_sentences([other], q, idf, None, None, READABLE, {})
    assert other.lexical == pytest.approx(2 / 6)


def test_one_recognised_name_among_unknown_words_is_weak_translated_evidence() -> None:
    """"What is the price of rice in Kampong Cham?" with only "Kampong Cham" in the glossary:
    a Khmer sentence naming the province holds the name, not the price."""
    khmer = "អភិបាលខេត្តកំពង់ចាមចុះពិនិត្យការងារ។"
    (km,) = evidence(make_hit("k#1", khmer, language="km"))
    idf = idf_of({"កំពង់ចាម": 1.0})
    q = replace(query("price of rice in Kampong Cham", translated="កំពង់ចាម", coverage=0.5),
                translated_groups=[[ANALYZER.analyze("កំពង់ចាម")]])
    score_sentences([km], q, idf, None, None, READABLE, {})
    assert km.lexical == pytest.approx(0.25)  # below any answer's strength
    # two recognised concepts, both held: the share stands as the coverage
    q = replace(q, translated_groups=[[ANALYZER.analyze("កំពង់ចាម")], [ANALYZER.analyze("អភិបាល")]])
    score_sentences([km], q, idf_of({"កំពង់ចាម": 1.0, "អភិបាល": 1.0}), None, None, READABLE, {})
    assert km.lexical == pytest.approx(0.5)


def test_the_named_documents_name_is_held_by_every_sentence_of_it() -> None:
    """"What does the Provincial Data Plan say about e-commerce?": inside the plan, the
    sentence about e-commerce answers, not the one that repeats the plan's name."""
    text = ("The Provincial Data Plan sets a vision for data. "
            "Online shops register under the e-commerce law.")
    repeats, answers = evidence(make_hit("plan#1", text))
    idf = idf_of({"provinci": 1.0, "data": 1.0, "plan": 1.0, "commerc": 2.0})
    q = query("What does the Provincial Data Plan say about e-commerce?")
    score_sentences([repeats, answers], q, idf, None, None, READABLE, {})
    assert repeats.lexical > answers.lexical  # the name outweighs the topic
    given = {"plan": frozenset(ANALYZER.analyze("Provincial Data Plan"))}
    score_sentences([repeats, answers], q, idf, None, None, READABLE, {}, given=given)
    assert answers.lexical > repeats.lexical
    other, = evidence(make_hit("other#1", "Online shops register under the e-commerce law."))
    score_sentences([other], q, idf, None, None, READABLE, {}, given=given)
    assert other.lexical < answers.lexical  # another document does not hold the plan's name


def test_dense_similarity_only_where_the_embedder_reads_the_language() -> None:
    demo = DemoEmbedder(dimension=256)
    khmer = "ក្រសួងនឹងបណ្តុះបណ្តាលមន្ត្រីរាជការចំនួនប្រាំរយនាក់ជារៀងរាល់ឆ្នាំ។"
    english, database = evidence(make_hit("a#1", PASSAGE))
    (km,) = evidence(make_hit("k#1", khmer, language="km"))
    q = query("civil servants trained in cybersecurity")
    idf = idf_of({"civil": 1.0, "servant": 1.0, "train": 1.0, "cybersecur": 1.0})
    vector = demo.embed_query(q.text)
    score_sentences([english, database, km], q, idf, demo.embed_batch, vector, READABLE, {})
    assert demo.calls[-1] == ("passage", 2)  # only the readable sentences were embedded
    assert english.dense == pytest.approx(float(demo.embed_batch([english.text])[0] @ vector))
    assert english.dense > database.dense
    assert km.dense == km.lexical  # MiniLM cannot read Khmer: the lexical score stands in


def test_without_a_query_vector_lexical_stands_in_for_dense() -> None:
    sentences = evidence(make_hit("a#1", PASSAGE))
    score_sentences(sentences, query("personal data"), idf_of({"person": 1.0, "data": 1.0}),
                    None, None, READABLE, {})
    assert [s.dense for s in sentences] == [s.lexical for s in sentences]


def test_at_most_max_embedded_sentences_are_embedded_the_best_lexical_first() -> None:
    demo = DemoEmbedder()
    text = " ".join(f"Province {n} trains officials in cybersecurity and data protection."
                    for n in range(10)) + " Officials in cybersecurity and protection of data."
    sentences = evidence(make_hit("a#1", text))
    q = query("cybersecurity officials")
    score_sentences(sentences, q, idf_of({"cybersecur": 1.0, "offici": 1.0}), demo.embed_batch,
                    demo.embed_query(q.text), READABLE, {}, max_embedded=3)
    assert len(sentences) == 11 and demo.calls[-1] == ("passage", 3)
    # all match both terms equally: the first three were embedded, the rest have no dense
    assert [s.dense != 0.0 for s in sentences] == [True] * 3 + [False] * 8


def test_question_language_and_passage_rank_weigh_in_the_score() -> None:
    khmer = "ក្រសួងនឹងបណ្តុះបណ្តាលមន្ត្រីរាជការចំនួនប្រាំរយនាក់ជារៀងរាល់ឆ្នាំ។"
    (km,) = evidence(make_hit("k#1", khmer, language="km"))
    (en,) = evidence(make_hit("a#1", PASSAGE[:76]))
    q = query("civil servants", translated="មន្ត្រីរាជការ", coverage=1.0)
    idf = idf_of({"civil": 1.0, "servant": 1.0, "មន្ត្រីរាជការ": 2.0})
    score_sentences([km, en], q, idf, None, None, READABLE, {"k#1": 0, "a#1": 0})
    assert km.lexical == en.lexical == pytest.approx(1.0)
    assert km.score == pytest.approx(0.75 * en.score)  # the other language must do better
    score_sentences([km, en], q, idf, None, None, READABLE, {"k#1": 0, "a#1": 5})
    first_en = en.score
    score_sentences([km, en], q, idf, None, None, READABLE, {"k#1": 0, "a#1": 0})
    assert en.score > first_en  # a better-ranked passage lends its sentences a higher prior


# -- select ----------------------------------------------------------------------------------


_NEXT_OFFSET = [0]


def scored(text: str, score: float, start: int | None = None) -> EvidenceSentence:
    """A sentence of page 1 of "x", placed after the previous one unless ``start`` is given
    (sentences of a page never overlap, except a session and the sentences inside it)."""
    if start is None:
        start = _NEXT_OFFSET[0]
        _NEXT_OFFSET[0] += len(text) + 1
    return EvidenceSentence(make_hit("x#1", text), start, start + len(text), text, "en",
                            frozenset(ANALYZER.analyze(text)), score=score)


def test_select_takes_the_best_first_and_skips_repeats() -> None:
    best = scored("Officials are trained in cybersecurity every year.", 0.9)
    repeat = scored("Every year officials are trained in cybersecurity.", 0.8)
    other = scored("Personal data must be protected against leaks.", 0.5)
    assert select([other, repeat, best]) == [best, other]
    assert select([other, repeat, best], redundancy=1.0) == [best, repeat, other]


def test_select_never_takes_a_unit_and_one_inside_it() -> None:
    """A programme session and the keynote sentence inside it quote the same page span."""
    session = scored("09:00 - 10:00 OPENING. Keynote Speech by H.E. Sok Dara, Director.", 0.9,
                     start=5000)
    keynote = scored("Keynote Speech by H.E. Sok Dara, Director.", 0.8, start=5024)
    other = scored("Personal data must be protected against leaks.", 0.5)
    assert select([keynote, other, session], redundancy=1.0) == [session, other]


def test_select_respects_the_sentence_and_character_budgets() -> None:
    texts = ["Officials are trained in cybersecurity every year.",
             "Personal data must be protected against leaks.",
             "Each province opens a help desk for citizens.",
             "Towers reach rural villages.",  # shorter: fits where the third did not
             "Rice exporters asked for cheaper electricity."]
    sentences = [scored(text, 1 - n / 10) for n, text in enumerate(texts)]
    assert select(sentences, max_sentences=2) == sentences[:2]
    three = sum(len(s.text) for s in sentences[:3])
    assert select(sentences, max_chars=three) == sentences[:3]
    assert select(sentences, max_chars=three - 1) == [*sentences[:2], *sentences[3:4]]
    # the best sentence is always kept, even when it alone is over the budget
    assert select(sentences, max_chars=1) == sentences[:1]


def test_select_of_nothing_is_nothing() -> None:
    assert select([]) == []


def test_vectors_from_the_demo_embedder_are_what_dense_scores_use() -> None:
    """Guards the test double: cosine of unit vectors is their dot product."""
    demo = DemoEmbedder()
    a, b = demo.embed_batch(["cybersecurity training", "training in cybersecurity"])
    assert float(np.dot(a, b)) == pytest.approx(2 / np.sqrt(2 * 3))


# -- priority-action table rows as units ------------------------------------------------------

TABLE = ("Appendix 2: Priority Actions of the Rural Access Plan\n"
         "No. Strategy Priority Action Ministry/institution in charge Phase\n"
         "7 Strategy 3:\nConnecting\nvillages\n\n"
         "Extend fibre to every district hall through\nshared ducts and a universal fund\n"
         "Ministry of Posts and Telecommunications\nMinistry of Rural Development\n\n"
         "2024 - 2030\n"
         "8 Open a regional data centre Ministry of Posts and Telecommunications\n"
         "Ministry of Economy and Finance\nRelevant Ministries and Institutions\n2025 - 2032\n"
         "The committee reviews these actions every year and reports to the government.")


def test_a_table_row_is_one_unit_shown_as_its_columns() -> None:
    page_text = PAGE_PREFIX + TABLE
    found = evidence(make_hit("plan#4", TABLE))
    rows = [s for s in found if s.row is not None]
    assert [r.row.number for r in rows if r.row] == [7, 8]
    second = rows[1]
    assert page_text[second.start:second.end] == second.text  # the quote is the exact span
    assert second.text.startswith("8 Open a regional data centre") and second.text.endswith("2032")
    assert second.display == ("Open a regional data centre — responsible: Ministry of Posts and "
                              "Telecommunications; Ministry of Economy and Finance; Relevant "
                              "Ministries and Institutions — timeline: 2025–2032")
    first = rows[0]
    assert first.display.startswith("Extend fibre to every district hall through shared ducts")
    assert first.display.endswith("— timeline: 2024–2030")
    # the sentence after the table is a sentence of its own, not glued to the last row
    assert found[-1].row is None
    assert found[-1].text == ("The committee reviews these actions every year and reports to "
                              "the government.")
    # no sentence repeats a row's text
    assert not any(s.row is None and "regional data centre" in s.text for s in found)


def test_a_row_wins_for_a_question_about_it() -> None:
    found = evidence(make_hit("plan#4", TABLE))
    q = query("Which ministry is responsible for the regional data centre?")
    score_sentences(found, q, lambda t: 2.0, None, None, READABLE, {"plan#4": 0})
    best = select(found, max_sentences=1)[0]
    assert best.row is not None and best.row.number == 8


def test_numbers_that_are_not_rows_stay_sentences() -> None:
    text = ("The plan has 3 goals and 12 strategies for the period.\n"
            "5 ministries signed the agreement with the Ministry of Economy and Finance in 2023.")
    found = evidence(make_hit("a#1", text))
    assert all(s.row is None for s in found)


def test_plain_sentences_show_with_whitespace_folded() -> None:
    found = evidence(make_hit("a#1", "The ministry trains five hundred civil\nservants every year."))
    assert found[0].display == "The ministry trains five hundred civil servants every year."
    assert found[0].text == "The ministry trains five hundred civil\nservants every year."


def test_the_glossary_translation_keeps_alternatives_together() -> None:
    """Two English rows for one Khmer word are one concept of the question, kept as a group
    (``translated_groups``) beside the flat terms search uses."""
    glossary = Glossary([GlossaryEntry("ក្រសួងមហាផ្ទៃ", "Ministry of Interior", "institution"),
                         GlossaryEntry("ក្រសួងមហាផ្ទៃ", "MoI", "institution"),
                         GlossaryEntry("ផែនការ", "plan", "general")])
    q = analyze_query("ក្រសួងមហាផ្ទៃមានផែនការ", glossary_translator(glossary, ANALYZER),
                      frozenset({"en"}), ANALYZER)
    assert {"ministri", "interior", "moi", "plan"} <= set(q.translated_terms)
    groups = sorted(sorted(" ".join(a) for a in g) for g in q.translated_groups)
    assert groups == [["ministri interior", "moi"], ["plan"]]
    # "តើ ... មាន" (does ... have) are stop words: the question's topic is wholly covered
    # (fusion keeps the share of every letter, as measured on the development set)
    assert q.content_coverage == pytest.approx(1.0) and q.coverage < 1.0
    unknown = analyze_query("តើក្រសួងមហាផ្ទៃមានថវិកា", glossary_translator(glossary, ANALYZER),
                            frozenset({"en"}), ANALYZER)
    assert 0.3 < unknown.content_coverage < 1.0  # "ថវិកា" (budget) has no row: it counts


def test_a_news_headline_is_the_heading_of_its_sentences() -> None:
    """The body says "the five codes above"; the headline says "common codes": a news item's
    sentences count its headline's words as context (half weight), a policy's do not."""
    from index.evidence import sentences_of
    from index.search_types import Hit, ScoreBreakdown
    from ingest.analysis import Analyzer
    from ingest.sentences import split_evidence

    def hit(doc_type: str) -> Hit:
        text = "The public may use the five codes above free of charge from 1 January 2022."
        return Hit(chunk_id=f"{doc_type}#1#0", doc_id=f"{doc_type}/codes.md",
                   title="Announcement on the use of common codes", doc_type=doc_type,
                   language="en", doc_language="en", date=None, issuing_body=None, page=1,
                   start=0, end=len(text), heading="", text=text, snippet=text,
                   highlights=[], scores=ScoreBreakdown(fused=1.0))

    news, = sentences_of([hit("news")], split_evidence, Analyzer())
    policy, = sentences_of([hit("policy")], split_evidence, Analyzer())
    assert "common" in news.context_terms and "common" not in news.terms
    assert "common" not in policy.context_terms
