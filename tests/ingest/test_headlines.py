"""The seed headline format: Khmer headlines joined by ``**``, a blank line, then an article."""

from __future__ import annotations

import pytest

from ingest.loaders.dispatch import default_loaders
from ingest.loaders.headlines import is_headline_file, split_headline_file
from ingest.loaders.text import load_text
from ingest.metadata import infer_metadata
from tests.support.paths import SHARED_CORPUS

HEADLINES = [
    "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍ បើកវគ្គបណ្តុះបណ្តាលជំនាញឌីជីថល",
    "រដ្ឋបាលខេត្តសាកល្បងសេវាអនឡាញថ្មី",
    "អ្នកជំនាញព្រមានអំពីសារបោកប្រាស់",
    "កិច្ចប្រជុំអាស៊ានស្តីពីសន្តិសុខសាយប័រ",
]
ARTICLE = (
    "Ministry Chairs Meeting on the Digital Skills Roadmap\n\n"
    "Phnom Penh: On 5 February 2025, the Secretary of State chaired a meeting on a roadmap "
    "for 2025 to 2027.\n\nParticipants discussed training levels."
)


def headline_file(*, leading: bool = True, sep: str = "**") -> str:
    return (sep if leading else "") + sep.join(HEADLINES) + "\n\n" + ARTICLE + "\n"


@pytest.mark.parametrize("leading", [True, False])
def test_detects_headline_blocks(leading):
    assert is_headline_file(headline_file(leading=leading))


@pytest.mark.parametrize(
    "text",
    [
        ARTICLE,
        "**Bold** English **text** with **many** markers\n\nand a body",
        "**".join(HEADLINES[:3]) + "\n\nbody",  # only two separators
        "\n\n".join(HEADLINES),  # Khmer, but no separators
        "",
    ],
    ids=["english", "english-bold", "two-separators", "no-separators", "empty"],
)
def test_rejects_other_text(text):
    assert not is_headline_file(text)


def test_separators_after_the_first_blank_line_do_not_count():
    assert not is_headline_file("Title\n\n" + "**".join(HEADLINES))


def test_split_yields_article_then_headlines_in_order():
    docs = split_headline_file(headline_file())
    article, headlines = docs[0], docs[1:]
    assert article.suffix == ""
    assert article.metadata == {"title": "Ministry Chairs Meeting on the Digital Skills Roadmap",
                                "doc_type": "meeting_record"}
    assert article.text == ARTICLE
    assert [d.suffix for d in headlines] == [f"#headline-{n}" for n in range(1, len(HEADLINES) + 1)]
    assert [d.text for d in headlines] == HEADLINES
    for item, title in zip(headlines, HEADLINES, strict=True):
        assert item.metadata == {"title": title, "language": "km", "doc_type": "news"}
        assert len(item.pages) == 1 and item.pages[0].number == 1


def test_empty_pieces_are_dropped_and_numbering_stays_dense():
    text = "**" + HEADLINES[0] + "****  **" + "***".join(HEADLINES[1:]) + "**\n\n" + ARTICLE
    docs = split_headline_file(text)
    assert [d.text for d in docs[1:]] == HEADLINES
    assert docs[-1].suffix == f"#headline-{len(HEADLINES)}"


def test_article_type_is_inferred_from_its_title():
    text = "**".join(["", *HEADLINES]) + "\n\nNational Cybersecurity Policy 2024-2028\n\nGoals..."
    assert split_headline_file(text)[0].metadata["doc_type"] == "policy"


def test_file_without_article_gives_headlines_only():
    docs = split_headline_file(headline_file().split("\n\n")[0])
    assert [d.suffix for d in docs] == [f"#headline-{n}" for n in range(1, 5)]


def test_text_loader_dispatches_to_the_headline_splitter(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(headline_file(), encoding="utf-8")
    docs = load_text(path)
    assert len(docs) == 1 + len(HEADLINES)
    assert default_loaders().load(path)[2].metadata["title"] == HEADLINES[1]


def test_headline_metadata_end_to_end(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(headline_file(), encoding="utf-8")
    docs = load_text(path)
    article = infer_metadata("seed.txt", docs[0], None)
    assert (article["doc_type"], article["date"], article["period"]) == ("meeting_record", "2025-02-05", "2025-2027")
    first = infer_metadata("seed.txt#headline-1", docs[1], None)
    assert first["source_path"] == "seed.txt" and first["doc_type"] == "news"
    assert first["issuing_body"] == "Ministry of Posts and Telecommunications"


SEED = SHARED_CORPUS / "seed" / "000_b904b8ca18fecd34.txt"


@pytest.mark.skipif(not SEED.is_file(), reason="the shared development corpus is not available")
def test_the_real_seed_file():
    """Counts and inferred metadata only: the seed's text is never copied into the repository."""
    docs = default_loaders().load(SEED)
    assert len(docs) == 21
    assert [d.suffix for d in docs[1:]] == [f"#headline-{n}" for n in range(1, 21)]
    meta = infer_metadata("seed/" + SEED.name, docs[0], None)
    assert meta["doc_type"] == "meeting_record"
    assert meta["date"] == "2022-11-23"
    assert meta["issuing_body"] == "Ministry of Interior"
    assert all("**" not in d.text for d in docs)
