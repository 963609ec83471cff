"""The topic a question asks a document about (``answers/topic.py``), with the real analyser:
"voting" is found as "votes" by its index term."""

from __future__ import annotations

from dataclasses import replace

from answers.topic import topic_words, unmentioned_topic
from index.evidence import EvidenceSentence
from ingest.analysis import Analyzer
from tests.answers.evidence_factory import passage

analyze = Analyzer().analyze


def _sentence(text: str, language: str = "en", heading: str = "") -> EvidenceSentence:
    hit = replace(passage(text, language=language), heading=heading)
    return EvidenceSentence(hit, 0, len(text), text, language, frozenset(analyze(text)),
                            frozenset(analyze(heading)))


def test_the_topic_is_what_follows_about_without_its_framing_words() -> None:
    assert topic_words("What does the policy say about blockchain voting?") == [
        "blockchain", "voting"]
    assert topic_words("Is there anything in the plan regarding the use of drones?") == [
        "drones"]
    assert topic_words("What did the ministry announce concerning e-waste; and when?") == [
        "e-waste"]


def test_a_question_without_a_topic_or_a_follow_up_has_none() -> None:
    assert topic_words("What is Resolution 57 about?") == []
    assert topic_words("What about its timeline?") == []
    assert topic_words("And how about the budget?") == []
    assert topic_words("How many data centres are planned?") == []


def test_a_topic_word_no_english_passage_holds_is_reported() -> None:
    evidence = [_sentence("Develop a blockchain registry for land titles."),
                _sentence("The council votes on the yearly training budget.")]
    assert unmentioned_topic("What does the plan say about blockchain voting?", evidence,
                             analyze) == []  # "votes" holds "voting"
    assert unmentioned_topic("What does the plan say about blockchain elections?", evidence,
                             analyze) == ["elections"]


def test_a_heading_covers_the_topic_and_khmer_only_evidence_is_not_held_against_it() -> None:
    under_heading = [_sentence("Each office keeps its registers.", heading="Elections")]
    assert unmentioned_topic("What does the plan say about elections?", under_heading,
                             analyze) == []
    khmer_only = [_sentence("ផែនការនេះរៀបចំការបោះឆ្នោត។", language="km")]
    assert unmentioned_topic("What does the plan say about elections?", khmer_only,
                             analyze) == []


def test_about_as_roughly_is_no_topic() -> None:
    assert topic_words("About how many students took part in the dialogue?") == []
    assert topic_words("Were there about 4,000 students?") == []
