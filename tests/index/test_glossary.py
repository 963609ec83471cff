"""The Khmer/English glossary: the real file's quality, and the loader's matching rules.

Cross-lingual search stands or falls with this file, so its rows are checked as data, and
translate() is exercised in both directions on questions written for these tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.glossary import CATEGORIES, Glossary, GlossaryEntry
from ingest.khmer.normalize import search_key
from tests.support.paths import GLOSSARY

HEADER = "km\ten\tcategory\tnote"
KHMER = re.compile("[\u1780-\u17ff]")


@pytest.fixture(scope="module")
def real() -> Glossary:
    return Glossary.load(GLOSSARY, key=search_key)


def write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "g.tsv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def terms(matches) -> list[str]:
    return [m.term for m in matches]


# --- the real file -------------------------------------------------------------------


def test_real_file_has_header_and_valid_rows() -> None:
    lines = GLOSSARY.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    rows = [line for line in lines[1:] if line.strip() and not line.startswith("#")]
    assert len(rows) == len(set(rows)), "exact duplicate rows"
    pairs = [tuple(r.split("\t")[:2]) for r in rows]
    assert len(pairs) == len(set(pairs)), "the same km/en pair appears twice"
    for lineno, row in enumerate(rows, start=2):
        cols = row.split("\t")
        assert len(cols) == 4, (lineno, row)
        km, en, category, _note = cols
        assert KHMER.search(km), (lineno, km)
        assert en.strip() and en.isascii() and en.isprintable(), (lineno, en)
        assert not KHMER.search(en), (lineno, en)
        assert category in CATEGORIES, (lineno, category)


def test_real_file_loads_with_at_least_500_entries(real: Glossary) -> None:
    assert len(real) >= 500
    assert all(isinstance(e, GlossaryEntry) for e in real.entries)
    used = {e.category for e in real.entries}
    # "learned" is for the lexicon learned at ingest (index/lexicon), never a file row
    assert used == CATEGORIES - {"learned"}, f"categories never used: {CATEGORIES - used}"


@pytest.mark.parametrize(
    ("english", "khmer"),
    [
        ("Ministry of Posts and Telecommunications", "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍"),
        ("MPTC", "ក.ប.ទ"),
        ("Ministry of Interior", "ក្រសួងមហាផ្ទៃ"),
        ("Ministry of Economy and Finance", "ក្រសួងសេដ្ឋកិច្ចនិងហិរញ្ញវត្ថុ"),
        ("Ministry of Education, Youth and Sport", "ក្រសួងអប់រំយុវជននិងកីឡា"),
        ("Council of Ministers", "គណៈរដ្ឋមន្ត្រី"),
        ("Royal Government of Cambodia", "រាជរដ្ឋាភិបាលកម្ពុជា"),
        ("Telecommunication Regulator of Cambodia", "និយ័តករទូរគមនាគមន៍កម្ពុជា"),
        ("TRC", "ន.ទ.ក"),
        ("National Digital Economy and Society Council", "ក្រុមប្រឹក្សាជាតិសេដ្ឋកិច្ចនិងសង្គមឌីជីថល"),
        ("Digital Government Committee", "គណៈកម្មាធិការរដ្ឋាភិបាលឌីជីថល"),
        ("Digital Security Committee", "គណៈកម្មាធិការសន្តិសុខឌីជីថល"),
        ("CDC", "ក្រុមប្រឹក្សាអភិវឌ្ឍន៍កម្ពុជា"),
        ("Pentagonal Strategy", "យុទ្ធសាស្ត្របញ្ចកោណ"),
        ("Rectangular Strategy", "យុទ្ធសាស្ត្រចតុកោណ"),
        ("Digital Economy and Society Policy Framework", "ក្របខណ្ឌគោលនយោបាយសេដ្ឋកិច្ចនិងសង្គមឌីជីថល"),
        ("sub-decree", "អនុក្រឹត្យ"),
        ("royal decree", "ព្រះរាជក្រឹត្យ"),
        ("prakas", "ប្រកាស"),
        ("e-government", "រដ្ឋាភិបាលឌីជីថល"),
        ("cyber security", "សន្តិសុខសាយប័រ"),
        ("cybersecurity", "សន្តិសុខឌីជីថល"),
        ("memorandum of understanding", "អនុស្សរណៈនៃការយោគយល់គ្នា"),
        ("Under-Secretary of State", "អនុរដ្ឋលេខាធិការ"),
        ("H.E.", "ឯកឧត្តម"),
        ("Takeo", "តាកែវ"),
        ("Turkey", "តួកគី"),
        ("Turkish", "តួកគី"),
        ("Indonesia", "ឥណ្ឌូនេស៊ី"),
    ],
)
def test_real_file_covers_core_terms(real: Glossary, english: str, khmer: str) -> None:
    assert khmer in real.translations(english, "en")


# --- translate() in both directions ---------------------------------------------------


def test_khmer_question_about_cybersecurity_capacity_building(real: Glossary) -> None:
    question = "តើ ក.ប.ទ. មានកម្មវិធីកសាងសមត្ថភាពផ្នែកសន្តិសុខសាយប័រ សម្រាប់មន្ត្រីរាជការដែរឬទេ?"
    english = real.translations(question, "km")
    assert "cybersecurity" in english
    assert "capacity building" in english
    assert "MPTC" in english
    assert "civil servant" in english


def test_khmer_questions_of_statistics_and_enforcement_reach_english_words(real: Glossary) -> None:
    """Common words of a ministry's questions, not only its institutions' names: a rate that
    grew, an operator fined for a violation."""
    rate = real.translations("តើអត្រាប្រជាជនទទួលបានអគ្គិសនីកើនឡើងប៉ុន្មានភាគរយ?", "km")
    assert {"electricity", "rate", "percent", "increase"} <= set(rate)
    fined = real.translations("ប្រតិបត្តិករត្រូវផាកពិន័យព្រោះប្រព្រឹត្តខុស", "km")
    assert {"fined", "violation"} <= set(fined)


def test_english_question_about_interior_ict_plan(real: Glossary) -> None:
    question = "What are the mechanisms of the Ministry of Interior's ICT strategic plan?"
    matches = real.translate(question, "en")
    assert terms(matches) == ["mechanism", "Ministry of Interior", "ICT strategic plan"]
    khmer = real.translations(question, "en")
    assert "ក្រសួងមហាផ្ទៃ" in khmer
    assert "ផែនការយុទ្ធសាស្ត្របច្ចេកវិទ្យាគមនាគមន៍និងព័ត៌មាន" in khmer
    assert "យន្តការ" in khmer


def test_english_span_points_into_the_text(real: Glossary) -> None:
    text = "Report of the Ministry of Interior"
    (match,) = [m for m in real.translate(text, "en") if m.term == "Ministry of Interior"]
    start, end = match.span
    assert text[start:end] == "Ministry of Interior"


def test_khmer_matching_ignores_spaces_and_zero_width_in_keyed_text(real: Glossary) -> None:
    text = "ក្រសួង\u200bមហា\u200bផ្ទៃ និង ក្រសួងអប់រំ យុវជន និងកីឡា"
    keyed = search_key(text)
    matches = real.translate(text, "km")
    assert terms(matches) == ["ក្រសួងមហាផ្ទៃ", "ក្រសួងអប់រំយុវជននិងកីឡា"]
    start, end = matches[1].span
    assert keyed[start:end].replace(" ", "") == "ក្រសួងអប់រំយុវជននិងកីឡា"


def test_english_variants_and_plurals_find_the_same_khmer(real: Glossary) -> None:
    assert real.translations("cyber-security", "en") == real.translations("cyber security", "en")
    assert "ក្រសួង" in real.translations("line ministries", "en")
    assert "គោលនយោបាយ" in real.translations("digital policies", "en")


def test_source_lang_must_be_km_or_en(real: Glossary) -> None:
    with pytest.raises(ValueError, match="source_lang"):
        real.translate("policy", "fr")


# --- longest match and boundaries (small hand-made glossaries) -------------------------


def test_longest_match_wins_in_english(tmp_path: Path) -> None:
    g = Glossary.load(
        write(
            tmp_path,
            [
                "គោលនយោបាយ\tpolicy\tpolicy\t",
                "រដ្ឋាភិបាលឌីជីថល\tdigital government\ttechnical\t",
                "គោលនយោបាយរដ្ឋាភិបាលឌីជីថល\tdigital government policy\tpolicy\t",
                "ឌីជីថល\tdigital\ttechnical\t",
            ],
        )
    )
    matches = g.translate("The Digital Government Policy and a policy on digital trade", "en")
    assert terms(matches) == ["digital government policy", "policy", "digital"]
    assert matches[0].equivalents == ("គោលនយោបាយរដ្ឋាភិបាលឌីជីថល",)


def test_longest_match_wins_in_khmer(tmp_path: Path) -> None:
    g = Glossary.load(
        write(
            tmp_path,
            [
                "គោលនយោបាយ\tpolicy\tpolicy\t",
                "រដ្ឋាភិបាលឌីជីថល\tdigital government\ttechnical\t",
                "រដ្ឋាភិបាលឌីជីថល\te-government\ttechnical\t",
                "គោលនយោបាយរដ្ឋាភិបាលឌីជីថល\tdigital government policy\tpolicy\t",
            ],
        ),
        key=search_key,
    )
    matches = g.translate("គោលនយោបាយ រដ្ឋាភិបាលឌីជីថល និងរដ្ឋាភិបាលឌីជីថល", "km")
    assert terms(matches) == ["គោលនយោបាយរដ្ឋាភិបាលឌីជីថល", "រដ្ឋាភិបាលឌីជីថល"]
    assert matches[1].equivalents == ("digital government", "e-government")


def test_khmer_match_never_splits_a_syllable(tmp_path: Path) -> None:
    g = Glossary.load(write(tmp_path, ["ចិន\tChina\tplace\t"]))
    assert g.translate("ឯកឧត្តម ថោង ចិន្តា", "km") == []
    assert terms(g.translate("ប្រទេសចិន", "km")) == ["ចិន"]


def test_english_matches_whole_words_only(tmp_path: Path) -> None:
    g = Glossary.load(write(tmp_path, ["ព័ត៌មាន\tnews\tgeneral\t", "ច្បាប់\tlaw\tlaw\t"]))
    assert g.translate("a new lawyer", "en") == []
    assert terms(g.translate("Laws and news", "en")) == ["law", "news"]


# --- malformed files ------------------------------------------------------------------


def test_missing_header_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, ["ច្បាប់\tlaw\tlaw\t"], header="ច្បាប់\tlaw\tlaw\t")
    with pytest.raises(ValueError, match=r"g\.tsv: line 1: missing header"):
        Glossary.load(path)


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        ("ច្បាប់ law law", "at least 2 tab-separated columns"),
        ("law\tច្បាប់\tlaw\t", "no Khmer script"),
        ("ច្បាប់\tច្បាប់\tlaw\t", "not Latin text"),
        ("ច្បាប់\t\tlaw\t", "not Latin text"),
        ("ច្បាប់\tlaw\tlegal\t", "unknown category"),
    ],
)
def test_bad_row_names_file_and_line(tmp_path: Path, bad_row: str, problem: str) -> None:
    path = write(tmp_path, ["# comment", "ក្រសួង\tministry\tministry\t", bad_row])
    with pytest.raises(ValueError) as err:
        Glossary.load(path)
    assert str(path) in str(err.value)
    assert "line 4" in str(err.value)
    assert problem in str(err.value)


def test_duplicate_rows_and_blank_lines_are_tolerated(tmp_path: Path) -> None:
    g = Glossary.load(
        write(tmp_path, ["ច្បាប់\tlaw\tlaw\t", "", "ច្បាប់\tlaw\tlaw\t", "អនុក្រឹត្យ\tsub-decree"])
    )
    assert len(g) == 2
    assert g.entries[1] == GlossaryEntry("អនុក្រឹត្យ", "sub-decree", "general")
