"""The BM25 analyser (ingest/analysis.py) and its one instance in the container: the terms
stored at ingest and the terms a query is matched with must come from the same object."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.analysis import ANALYZER_VERSION, Analyzer


def test_english_is_stemmed_without_stop_words() -> None:
    analyzer = Analyzer()
    assert analyzer.analyze("The Ministries of Posts and Telecommunications") == [
        "ministri", "post", "telecommun"]
    assert analyzer.analyze("a 5G licence") == ["5g", "licenc"]  # one letter: dropped


def test_khmer_is_segmented_keyed_and_stripped_of_debris() -> None:
    analyzer = Analyzer()
    terms = analyzer.analyze("ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍")
    assert "ក្រសួង" in terms and "និង" not in terms  # a stop word
    # a PDF extractor's spaces inside a word and another typing order change nothing
    assert analyzer.analyze("ក្រ សួង") == analyzer.analyze("ក្រសួង")
    assert analyzer.analyze("ស្រ្តី") == analyzer.analyze("ស្ត្រី")
    assert "2024" in analyzer.analyze("ឆ្នាំ២០២៤")  # Khmer digits fold and split off


def test_both_khmer_words_for_who_are_question_words() -> None:
    """"តើនរណាជាប្រធាន?" ("Who is the chair?") asks about the chair: នរណា, like អ្នកណា, is
    no topic, and counted as one it held a third of the question's weight, so the sentence
    naming the chair was too weak to answer."""
    for who in ("នរណា", "អ្នកណា"):
        assert Analyzer().analyze(f"តើ{who}ជាប្រធាន?") == ["ប្រធាន"]


def test_dotted_khmer_abbreviation_is_one_term() -> None:
    assert Analyzer().analyze("ក.ប.ទ. បានប្រកាស")[0] == "ក.ប.ទ"


def test_key_and_cached_word_are_the_same_analysis() -> None:
    analyzer = Analyzer()
    text = "Cybersecurity capacity building ការអភិវឌ្ឍ"
    assert analyzer.to_key(text) == " ".join(analyzer.analyze(text))
    assert analyzer.analyze_word("Officials") == ("offici",)
    assert analyzer.analyze_word("Officials") is analyzer.analyze_word("Officials")  # cached
    analyzer.clear_caches()
    assert analyzer.analyze_word("Officials") == ("offici",)


def test_segmenter_and_version_are_the_analyzers_own() -> None:
    whole = Analyzer(segmenter=lambda text: text.split(), version="whole-runs")
    assert whole.analyze("ក្រសួងប្រៃសណីយ៍") == ["ក្រសួងប្រៃសណីយ៍"]
    assert whole.version == "whole-runs" and Analyzer().version == ANALYZER_VERSION
    assert len(Analyzer().analyze("ក្រសួងប្រៃសណីយ៍")) > 1


class ColourAnalyzer(Analyzer):
    """Folds British "colour" into "color", which the stock analyser keeps apart."""

    def __init__(self) -> None:
        super().__init__(version="colour-test")

    def analyze(self, text: str) -> list[str]:
        return ["color" if t == "colour" else t for t in super().analyze(text)]


def test_container_gives_one_analyzer_to_ingestion_and_every_query_side_user(
        settings: Any, embedder: Any, tmp_path: Path) -> None:
    from policykb.services import Services

    assert "color" not in Analyzer().analyze("colour")  # what the stock analyser would do
    custom = ColourAnalyzer()
    services = Services(settings, analyzer=custom, model=embedder)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "signs.md").write_text(
        "# Road signs\n\nEvery warning sign uses one colour code across all provinces.\n",
        encoding="utf-8")
    (docs / "budget.md").write_text(
        "# Budget\n\nThe ministry budget for rural roads rose by a tenth this year.\n",
        encoding="utf-8")
    report = services.ingestor.ingest([docs])
    assert not report.failed
    assert "|analyzercolour-test|" in services.ingestor.fingerprint

    # index side: the stored terms are the custom analyser's
    keys = {c.doc_id: c.search_key.split() for c in services.catalog.iter_chunks()}
    assert "color" in keys["signs.md"] and "colour" not in keys["signs.md"]

    # query side: the same object, so the American spelling now meets the British one
    assert services.searcher.analyzer is custom
    assert services.answerer.searcher.analyzer is custom
    query = services.searcher.analyze("color code")
    assert query.terms == ["color", "code"]
    response = services.searcher.search("color code", k=3, rerank=False)
    top = response.hits[0]
    assert top.doc_id == "signs.md" and top.scores.sparse_rank == 1
    # highlighting asks the same analyser: "colour" is highlighted for the query "color"
    assert "colour" in [top.snippet[s:e] for s, e in top.highlights]
    services.catalog.close()
