"""StructureAwareChunker on its own: the token window, the character cap, sentence overlap,
chunks that start at headings and numbered items, and offsets that slice the page exactly.

Tokens are counted by the packaged MiniLM's real WordPiece tokenizer (tests/support/tokens.py,
no model weights), so a Khmer phrase counts as the single [UNK] it is in production; sentences
are split by the real splitter. The texts are written for these tests.
"""

from __future__ import annotations

from core.models import Page
from ingest.chunking import ChunkSpan, StructureAwareChunker
from ingest.sentences import split_sentences
from tests.support.tokens import minilm_token_count

# Sentences of about 15 tokens each, distinct so that each one can be found again.
EN_SENTENCES = [f"In province number {n}, the ministry trains officials in cybersecurity and data "
                f"protection." for n in range(1, 31)]
EN_PARAGRAPH = " ".join(EN_SENTENCES)
# "The ministry will train civil servants every year." (~80 characters, one or two [UNK]).
KM_SENTENCE = "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍នឹងបណ្តុះបណ្តាលមន្ត្រីរាជការជារៀងរាល់ឆ្នាំ។"

STRUCTURED = """Preamble of the provincial plan, written for the tests.

Strategy 3: Cybersecurity capacity
The ministry trains officials every year. It also runs an incident drill each quarter.
1- Train five hundred civil servants in cybersecurity every year for five years.
2- Publish a quarterly report on the incidents handled by the response team.
មាត្រា ៥
ក្រសួងនឹងបណ្តុះបណ្តាលមន្ត្រីរាជការ។ ក្រសួងនឹងរាយការណ៍ជារៀងរាល់ត្រីមាស។
"""


def chunker(**options: int) -> StructureAwareChunker:
    return StructureAwareChunker(minilm_token_count, **options)


def chunk_page(text: str, **options: int) -> list[ChunkSpan]:
    return chunker(**options).chunk([Page(1, text)])


def assert_exact_slices(spans: list[ChunkSpan], pages: list[Page]) -> None:
    by_number = {p.number: p.text for p in pages}
    for span in spans:
        assert by_number[span.page][span.start:span.end] == span.text
        assert span.text == span.text.strip() and span.text


def sentences_in(text: str) -> list[str]:
    return [s for s in EN_SENTENCES if s in text]


# -- offsets ---------------------------------------------------------------------------------


def test_every_chunk_is_an_exact_slice_of_its_page_and_never_crosses_pages() -> None:
    pages = [Page(1, "  " + EN_PARAGRAPH + "\n"), Page(2, STRUCTURED),
             Page(3, "\n\n" + (KM_SENTENCE + " ") * 20)]
    spans = chunker(max_tokens=60, max_chars=400).chunk(pages)
    assert {s.page for s in spans} == {1, 2, 3}
    assert_exact_slices(spans, pages)
    assert spans[0].start == 2  # leading whitespace is not part of a chunk
    for earlier, later in zip(spans, spans[1:], strict=False):
        assert (earlier.page, earlier.start) < (later.page, later.start)  # in reading order


def test_crlf_text_keeps_exact_offsets() -> None:
    text = STRUCTURED.replace("\n", "\r\n")
    spans = chunk_page(text, max_tokens=40)
    assert_exact_slices(spans, [Page(1, text)])
    assert any(s.text.startswith("Strategy 3") for s in spans)


# -- size --------------------------------------------------------------------------------------


def test_token_window_is_respected_and_all_text_is_covered() -> None:
    spans = chunk_page(EN_PARAGRAPH, max_tokens=60, max_chars=5000, overlap_sentences=0)
    assert len(spans) > 5
    for span in spans:
        assert minilm_token_count(span.text) <= 60, span.text
    covered = [s for span in spans for s in sentences_in(span.text)]
    assert covered == EN_SENTENCES  # each sentence once, in order, when nothing overlaps


def test_bigger_window_gives_fewer_fuller_chunks() -> None:
    small = chunk_page(EN_PARAGRAPH, max_tokens=60, max_chars=5000, overlap_sentences=0)
    big = chunk_page(EN_PARAGRAPH, max_tokens=180, max_chars=5000, overlap_sentences=0)
    assert len(big) < len(small)
    assert max(minilm_token_count(s.text) for s in big) > 60


def test_character_cap_bounds_khmer_that_the_tokenizer_undercounts() -> None:
    text = " ".join([KM_SENTENCE] * 30)
    assert minilm_token_count(text) < 100  # MiniLM sees a few [UNK]: tokens alone never split
    assert len(chunk_page(text, max_tokens=200, max_chars=5000)) == 1
    spans = chunk_page(text, max_tokens=200, max_chars=400)
    assert len(spans) >= len(text) // 400
    assert all(len(s.text) <= 400 for s in spans)
    assert_exact_slices(spans, [Page(1, text)])


def test_sentence_longer_than_the_cap_is_cut_at_spaces() -> None:
    text = " ".join(f"word{n}" for n in range(200))  # one sentence, no full stop, ~1,300 chars
    spans = chunk_page(text, max_tokens=5000, max_chars=250, overlap_sentences=0)
    assert len(spans) >= 5
    assert all(len(s.text) <= 250 for s in spans)
    assert " ".join(s.text for s in spans) == text  # cut between words, nothing lost
    assert_exact_slices(spans, [Page(1, text)])


def test_overlap_never_pushes_a_chunk_past_the_character_cap() -> None:
    short = "ក្រសួងនឹងបណ្តុះបណ្តាលមន្ត្រីរាជការ។ "
    longer = ("ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍នឹងបណ្តុះបណ្តាលមន្ត្រីរាជការ"
              "ចំនួនប្រាំរយនាក់ជារៀងរាល់ឆ្នាំនៅគ្រប់ខេត្តនិងរាជធានីទាំងអស់។ ")
    text = short * 5 + longer * 3
    spans = chunk_page(text, max_tokens=200, max_chars=200)
    assert all(len(s.text) <= 200 for s in spans), [len(s.text) for s in spans]


# -- overlap -----------------------------------------------------------------------------------


def test_a_chunk_split_for_size_repeats_the_last_sentence_of_the_previous_one() -> None:
    spans = chunk_page(EN_PARAGRAPH, max_tokens=60, max_chars=5000, overlap_sentences=1)
    assert len(spans) > 5
    for earlier, later in zip(spans, spans[1:], strict=False):
        assert sentences_in(earlier.text)[-1] == sentences_in(later.text)[0]
        assert later.start < earlier.end  # the spans overlap in the page too
    assert sentences_in(spans[-1].text)[-1] == EN_SENTENCES[-1]


def test_no_overlap_when_switched_off() -> None:
    spans = chunk_page(EN_PARAGRAPH, max_tokens=60, max_chars=5000, overlap_sentences=0)
    for earlier, later in zip(spans, spans[1:], strict=False):
        assert later.start > earlier.end
        assert not set(sentences_in(earlier.text)) & set(sentences_in(later.text))


def test_overlap_never_carries_text_across_a_heading() -> None:
    text = EN_PARAGRAPH + "\nStrategy 4: Data protection\nPersonal data is kept safe.\n"
    spans = chunk_page(text, max_tokens=60, max_chars=5000, overlap_sentences=1)
    (strategy,) = [s for s in spans if "Strategy 4" in s.text]
    assert strategy.text.startswith("Strategy 4: Data protection")
    assert not sentences_in(strategy.text)


# -- structure ---------------------------------------------------------------------------------


def test_headings_and_numbered_items_start_chunks() -> None:
    spans = chunk_page(STRUCTURED, max_tokens=40)
    starts = [s.text.split("\n")[0][:12] for s in spans]
    assert starts == ["Preamble of ", "Strategy 3: ", "1- Train fiv", "2- Publish a", "មាត្រា ៥"]
    assert [s.heading for s in spans] == [
        "", "Strategy 3: Cybersecurity capacity", "Strategy 3: Cybersecurity capacity",
        "Strategy 3: Cybersecurity capacity", "Strategy 3: Cybersecurity capacity > មាត្រា ៥"]
    assert_exact_slices(spans, [Page(1, STRUCTURED)])


def test_khmer_article_heading_starts_a_chunk_even_with_room_left() -> None:
    text = "Opening remarks of the minister.\nមាត្រា ៥\nក្រសួងនឹងបណ្តុះបណ្តាលមន្ត្រីរាជការ។\n"
    spans = chunk_page(text, max_tokens=500)
    assert [s.text.split("\n")[0] for s in spans] == ["Opening remarks of the minister.",
                                                      "មាត្រា ៥"]
    assert spans[1].heading == "មាត្រា ៥"


def test_short_item_list_stays_together_until_the_chunk_has_substance() -> None:
    """An item starts a chunk only once the current one holds a quarter of the window: a
    heading followed by a list is not cut into one-line chunks."""
    text = "Strategy 1: Connectivity\n1- Fibre.\n2- Towers.\n3- Satellites.\n"
    (span,) = chunk_page(text, max_tokens=200)
    assert span.text == text.strip()
    assert span.heading == "Strategy 1: Connectivity"


def test_consecutive_headings_stay_with_the_text_under_them() -> None:
    text = "# Goal 2\n\n## Strategy 3\n\nBody of the strategy.\n"
    (span,) = chunk_page(text, max_tokens=200)
    assert span.text == text.strip()
    assert span.heading == "Goal 2"  # the path in force where the chunk starts


def test_heading_path_carries_over_to_the_next_page() -> None:
    pages = [Page(1, "Goal 2: Digital government\nOnline services for every citizen.\n"),
             Page(2, "More services follow on the next page.\n")]
    spans = chunker().chunk(pages)
    assert [(s.page, s.heading) for s in spans] == [
        (1, "Goal 2: Digital government"), (2, "Goal 2: Digital government")]


def test_injected_sentence_splitter_decides_the_units() -> None:
    lines = "alpha beta gamma\ndelta epsilon zeta\neta theta iota"

    def by_line(text: str) -> list[tuple[int, int]]:
        spans, start = [], 0
        for line in text.split("\n"):
            spans.append((start, start + len(line)))
            start += len(line) + 1
        return spans

    spans = StructureAwareChunker(lambda t: len(t.split()), max_tokens=3, overlap_sentences=0,
                                  split_sentences=by_line).chunk([Page(1, lines)])
    assert [s.text for s in spans] == lines.split("\n")
    assert split_sentences(lines) != by_line(lines)  # the default would have cut differently


def test_a_figure_wrapped_to_a_lines_start_is_no_heading() -> None:
    """"... the average of the other provinces which is" | "11.82. In this regard, the
    province ranked 12th, with the": the number ends a sentence the line before left open;
    after a closed sentence the same kind of line is a heading."""
    text = ("2.1-Readiness\nThe province scored 9.27 and is below the average of the others "
            "which is\n11.82. In this regard, the province ranked 12th, with the\nmost "
            "indicators low.\n2.2-Connectivity\nFibre reaches every district.\n")
    spans = chunk_page(text, max_tokens=200)
    assert [s.heading for s in spans] == ["2.1-Readiness", "2.2-Connectivity"]
    assert "11.82. In this regard" in spans[0].text
    assert_exact_slices(spans, [Page(1, text)])
