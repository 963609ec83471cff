"""The lexicon learner's parts on text written for the tests: twin pairing, paragraph
alignment, Model 1 word pairs, a hand row winning, the store, the holder's reload."""

from __future__ import annotations

import os
from pathlib import Path

from index.glossary import Glossary, GlossaryEntry
from index.lexicon.holder import GlossaryHolder
from index.lexicon.learn import segment_words
from index.lexicon.merge import usable_pairs
from index.lexicon.model import LearnedPair, Segment, learn_pairs
from index.lexicon.pairs import DocumentText, find_twin_pairs, numbers_in
from index.lexicon.segments import align_paragraphs, paragraphs
from index.lexicon.store import LexiconStore
from ingest.analysis import Analyzer
from ingest.khmer.normalize import search_key
from tests.support.twin_news import WORDS, article

ANALYZER = Analyzer()


def _body(markdown: str) -> str:
    return markdown.split("---", 2)[2]


def _segments(articles: int = 8) -> list[Segment]:
    found = []
    for i in range(articles):
        en, km = article(i)
        for k, e in align_paragraphs(paragraphs(_body(km)), paragraphs(_body(en))):
            km_words, en_words = segment_words(k, e, ANALYZER)
            found.append(Segment(km_words, en_words, f"article {i}"))
    return found


def test_numbers_fold_khmer_digits_and_skip_single_digits() -> None:
    assert numbers_in("ឆ្នាំ ២០២៤ មាន 3 នាក់ និង 1,250 ដុល្លារ") == {"2024", "1250"}


def test_twins_pair_by_id_then_by_date_and_numbers_only() -> None:
    docs = [
        DocumentText("news/a_en_1.md", "en", "2024-01-02", "x"),
        DocumentText("news/a_km_1.md", "km", "2024-01-02", "y"),
        DocumentText("report.md", "en", "2024-02-01", "In 2024 we built 120 roads, 45 bridges and 3300 wells."),
        DocumentText("kh.md", "km", "2024-02-01", "ក្នុងឆ្នាំ ២០២៤ ផ្លូវ ១២០ ស្ពាន ៤៥ អណ្តូង ៣៣០០"),
        DocumentText("other.md", "km", "2024-02-02", "ក្នុងឆ្នាំ ២០២៤ ផ្លូវ ១២០ ស្ពាន ៤៥ អណ្តូង ៣៣០០"),
    ]
    pairs = {(p.km.doc_id, p.en.doc_id, p.evidence) for p in find_twin_pairs(docs)}
    assert pairs == {("news/a_km_1.md", "news/a_en_1.md", "id"), ("kh.md", "report.md", "date+numbers")}


def test_paragraph_alignment_skips_a_paragraph_without_counterpart() -> None:
    en, km = article(3)
    km_paragraphs = paragraphs(_body(km))
    en_paragraphs = paragraphs(_body(en))
    extra = "This paragraph exists only in the English version and is rather long, " * 3
    aligned = align_paragraphs(km_paragraphs, [*en_paragraphs[:2], extra, *en_paragraphs[2:]])
    assert aligned == list(zip(km_paragraphs, en_paragraphs, strict=True))


def test_model_one_learns_only_right_pairs_from_twins() -> None:
    learned = learn_pairs(_segments())
    right = {(km, en) for en, km in WORDS}
    assert len(learned) >= 6
    assert {(p.km, p.en) for p in learned} <= right
    assert all(p.sources and p.count >= 2 for p in learned)


def test_a_wrong_learned_pair_is_outvoted_by_a_hand_row() -> None:
    hand = Glossary([GlossaryEntry("ស្ពាន", "bridge", "general")], key=search_key)
    wrong = LearnedPair("ស្ពាន", "road", 0.95, 9, ("article 1",))
    right = LearnedPair("ទន្លេ", "river", 0.9, 4, ("article 2",))
    assert usable_pairs(hand, [wrong, right], key=search_key) == [right]


def test_function_words_and_weak_pairs_are_not_learned() -> None:
    learned = {p.km for p in learn_pairs(_segments())}
    # in every segment: a function word of the template, never a translation
    assert not learned & {"ត្រូវបាន", "រាយការណ៍", "ឆ្នាំ"}


def test_holder_reloads_the_lexicon_file_and_hand_rows_match_first(tmp_path: Path) -> None:
    store = LexiconStore(tmp_path / "lexicon.sqlite3")
    hand = Glossary([GlossaryEntry("ស្ពានថ្មី", "new bridge", "general")], key=search_key)
    holder = GlossaryHolder(hand, store, min_score=0.3, key=search_key, words=ANALYZER.analyze)
    assert [m.category for m in holder.translate("fish in the river", "en")] == []
    store.save({}, [LearnedPair("ត្រី", "fish", 0.9, 3, ("a",)),
                    LearnedPair("ស្ពាន", "bridge", 0.9, 3, ("a",))], "one")
    os.utime(store.path, ns=(1, 1))  # a new stamp even within the clock's resolution
    found = holder.translate("fish in the river", "en")
    assert [(m.term, m.equivalents, m.category) for m in found] == [("fish", ("ត្រី",), "learned")]
    # the hand phrase covers the learned word inside it; the question is mostly hand-covered,
    # so a Khmer question keeps to its hand rows
    km = holder.translate("ស្ពានថ្មី", "km")
    assert [(m.term, m.category) for m in km] == [("ស្ពានថ្មី", "general")]
    # a Khmer question the hand rows do not carry gets the learned word, matched as a word
    km = holder.translate("កសិករឃើញត្រីច្រើន", "km")
    assert [(m.term, m.equivalents) for m in km] == [("ត្រី", ("fish",))]


def test_learned_khmer_words_match_whole_words_only(tmp_path: Path) -> None:
    store = LexiconStore(tmp_path / "lexicon.sqlite3")
    store.save({}, [LearnedPair("គ្រូ", "teacher", 0.9, 3, ("a",))], "one")
    holder = GlossaryHolder(Glossary([], key=search_key), store, min_score=0.3, key=search_key,
                            words=ANALYZER.analyze)
    # "teacher" is inside both words, but neither word is it (khmer-nltk: គ្រូបង្រៀន, គ្រូពេទ្យ)
    assert holder.translate("គ្រូបង្រៀននៅសាលា", "km") == []
    assert holder.translate("ក្រុមគ្រូពេទ្យ", "km") == []
    assert [m.term for m in holder.translate("ក្រុមគ្រូ", "km")] == ["គ្រូ"]
