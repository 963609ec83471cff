"""Highlights and snippet windows as pure functions, with the real analyser (stemming,
Khmer normalisation) deciding what matches. The display text is never changed: every span
must slice the original text."""

from __future__ import annotations

import pytest

from index.snippets import find_highlights, make_snippet
from ingest.analysis import Analyzer

ANALYZER = Analyzer()


def highlights(text: str, query: str) -> list[str]:
    spans = find_highlights(text, ANALYZER.analyze(query), ANALYZER.analyze_word)
    return [text[s:e] for s, e in spans]


# -- find_highlights -----------------------------------------------------------------------


def test_english_words_match_by_their_stem_in_any_case() -> None:
    text = "Officials are trained in cybersecurity; the training of officials continues."
    assert highlights(text, "training officials") == ["Officials", "trained", "training",
                                                      "officials"]


def test_stop_words_and_other_words_are_not_highlighted() -> None:
    text = "The plan of the ministry is for the provinces."
    assert highlights(text, "the plan for the provinces") == ["plan", "provinces"]
    assert highlights(text, "budget") == []


def test_khmer_typed_in_another_order_is_highlighted_in_the_original_text() -> None:
    """The document types subscript RO before TA and puts a zero-width space in the word
    run; the query is canonical. The span covers the document's own characters."""
    text = "យុទ្ធសាស្ត្រសម្រាប់ស្រ្តី\u200bខ្មែរ នៅជនបទ"
    assert highlights(text, "ស្ត្រីខ្មែរ") == ["ស្រ្តី", "ខ្មែរ"]


def test_adjacent_khmer_terms_merge_into_one_span() -> None:
    text = "គោលនយោបាយស្ត្រីខ្មែរ"
    spans = find_highlights(text, ["ស្ត្រី", "ខ្មែរ"], ANALYZER.analyze_word)
    assert spans == [(text.index("ស្ត្រី"), len(text))]


def test_khmer_term_is_found_inside_a_longer_run() -> None:
    """Khmer has no spaces between words and the query may be segmented differently from
    the passage, so a Khmer term is looked for anywhere in the keyed text."""
    text = "ការអភិវឌ្ឍរដ្ឋាភិបាលឌីជីថលនៅកម្ពុជា"
    spans = find_highlights(text, ["ឌីជីថល"], ANALYZER.analyze_word)
    assert [text[s:e] for s, e in spans] == ["ឌីជីថល"]


def test_longer_khmer_term_wins_over_a_term_inside_it() -> None:
    text = "រដ្ឋាភិបាលឌីជីថល"
    spans = find_highlights(text, ["ឌីជីថល", "រដ្ឋាភិបាលឌីជីថល"], ANALYZER.analyze_word)
    assert spans == [(0, len(text))]


def test_overlapping_khmer_terms_of_one_length_are_highlighted_in_a_fixed_order() -> None:
    """Two terms of the same length overlap: whichever order the question gave them in,
    the same one is highlighted (it used to follow set order, which differs by process)."""
    text = "កខគ"
    for terms in (["កខ", "ខគ"], ["ខគ", "កខ"]):
        spans = find_highlights(text, terms, ANALYZER.analyze_word)
        assert [text[s:e] for s, e in spans] == ["កខ"]


def test_mixed_text_highlights_both_scripts() -> None:
    text = "The Digital Government Policy (គោលនយោបាយរដ្ឋាភិបាលឌីជីថល) of 2022"
    terms = [*ANALYZER.analyze("digital policy"), "ឌីជីថល"]
    assert [text[s:e] for s, e in find_highlights(text, terms, ANALYZER.analyze_word)] == [
        "Digital", "Policy", "ឌីជីថល"]


def test_no_terms_no_highlights() -> None:
    assert find_highlights("Any text at all.", [], ANALYZER.analyze_word) == []
    assert find_highlights("Any text at all.", [""], ANALYZER.analyze_word) == []


# -- make_snippet ----------------------------------------------------------------------------


def test_short_text_is_its_own_snippet() -> None:
    text = "Short passage about cybersecurity."
    spans = [(20, 33)]
    assert make_snippet(text, spans, width=320) == (text, spans, 0)


def long_text() -> str:
    filler = " ".join(f"filler{n}" for n in range(120))  # ~1,000 characters without a match
    return f"{filler} The ministry trains officials in cybersecurity every year. {filler}"


def test_window_centres_on_the_highlights_and_keeps_their_spans_exact() -> None:
    text = long_text()
    spans = find_highlights(text, ANALYZER.analyze("cybersecurity officials"),
                            ANALYZER.analyze_word)
    assert len(spans) == 2
    snippet, inside, offset = make_snippet(text, spans, width=200)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert [snippet[s:e] for s, e in inside] == ["officials", "cybersecurity"]
    body = snippet[1:-1]
    assert text[offset + 1 : offset + 1 + len(body)] == body  # offset places it in the text
    assert len(body) <= 200 + 2 * 40  # the width, widened to whole words at most 40 each side


def test_snippet_does_not_cut_words() -> None:
    text = long_text()
    spans = find_highlights(text, ["cybersecur"], ANALYZER.analyze_word)
    snippet, _, _ = make_snippet(text, spans, width=150)
    body = snippet.strip("…")
    assert len(body) < len(text)
    assert set(body.split()) <= set(text.split())  # only whole words of the text


def test_the_densest_cluster_is_chosen() -> None:
    lone = "cybersecurity " + " ".join(f"pad{n}" for n in range(60))
    cluster = " cybersecurity training for cybersecurity officers in cybersecurity"
    text = lone + " " + " ".join(f"gap{n}" for n in range(60)) + cluster
    spans = find_highlights(text, ["cybersecur"], ANALYZER.analyze_word)
    assert len(spans) == 4
    snippet, inside, _ = make_snippet(text, spans, width=120)
    assert len(inside) == 3  # the three close together, not the lone first one
    assert snippet.endswith("cybersecurity")  # the text's end: no ellipsis after it


def test_long_text_without_highlights_starts_at_the_beginning() -> None:
    text = long_text()
    snippet, inside, offset = make_snippet(text, [], width=100)
    assert offset == 0 and inside == []
    assert snippet.startswith("filler0 ") and snippet.endswith("…")


@pytest.mark.parametrize("width", [60, 120, 320])
def test_highlights_outside_the_window_are_dropped_not_shifted(width: int) -> None:
    text = long_text()
    spans = [(0, 7), *find_highlights(text, ["cybersecur"], ANALYZER.analyze_word)]
    snippet, inside, offset = make_snippet(text, spans, width=width)
    for s, e in inside:
        assert snippet[s:e] == text[s + offset : e + offset]
    assert all(0 <= s < e <= len(snippet) for s, e in inside)
