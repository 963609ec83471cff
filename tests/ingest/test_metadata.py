"""Metadata inference (dates, periods, types, issuing bodies) and sidecar/manifest overrides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.errors import DocumentParseError
from core.models import DocType, Page, ParsedDocument
from ingest.metadata import (
    ALLOWED_KEYS,
    find_date,
    find_period,
    infer_doc_type,
    infer_issuing_body,
    infer_metadata,
    load_manifest,
    load_sidecar,
    normalize_date,
    normalize_language,
)

ZWSP = "\u200b"


def doc(text: str, metadata: dict | None = None, suffix: str = "", warnings=None) -> ParsedDocument:
    return ParsedDocument(pages=[Page(1, text)], metadata=metadata or {}, suffix=suffix,
                          warnings=warnings or [])


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on November 23, 2022, chaired a meeting", "2022-11-23"),
        ("on 23 November 2022 the ministry", "2022-11-23"),
        ("In the morning of June 24th, 2024, in Pearam", "2024-06-24"),
        ("dated 1st of March 2021", "2021-03-01"),
        ("Sept. 5, 2023", "2023-09-05"),
        ("នាព្រឹក ថ្ងៃទី២៤ ខែមិថុនា ឆ្នាំ២០២៤ នៅ", "2024-06-24"),
        (f"ថ្ងៃទី{ZWSP}១៤ ខែ{ZWSP}កម្ភៈ ឆ្នាំ{ZWSP}២០២៣", "2023-02-14"),
        ("ថ្ងៃទី 3 ខែធ្នូ ឆ្នាំ 2019", "2019-12-03"),
        ("published 2024-06-24 online", "2024-06-24"),
        ("no date here, only the period 2021-2035", None),
        ("February 30, 2022 is not a day; March 1, 2022 is", "2022-03-01"),
    ],
)
def test_find_date(text, expected):
    assert find_date(text) == expected


def test_find_date_takes_the_earliest_of_any_form():
    text = "Signed on 5 May 2024. Meeting held on ថ្ងៃទី១ ខែមករា ឆ្នាំ២០២៤ and on March 3, 2020."
    assert find_date(text) == "2024-05-05"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2024, 6, 24), "2024-06-24"),
        (dt.datetime(2024, 6, 24, 10, 30), "2024-06-24"),
        ("2024-06-24", "2024-06-24"),
        ("2024/6/4", "2024-06-04"),
        ("2024-06-24T10:00:00Z", "2024-06-24"),
        ("11/26/2020", "2020-11-26"),  # TRC front matter: month first
        ("26/11/2020", "2020-11-26"),  # day first is unambiguous when the first part > 12
        ("២០២៤-០៦-២៤", "2024-06-24"),
        ("23 November 2022", "2022-11-23"),
        ("2024-02-30", None),
        ("soon", None),
        ("", None),
        (None, None),
        (2024, None),
    ],
)
def test_normalize_date(value, expected):
    assert normalize_date(value) == expected


# -- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Digital Government Policy 2022-2035", "2022-2035"),
        ("Policy Framework 2021–2035", "2021-2035"),
        ("Plan 2022 — 2026", "2022-2026"),
        ("a five-year roadmap from 2023 to 2027", "2023-2027"),
        ("គោលនយោបាយ ២០២២-២០៣៥", "2022-2035"),
        ("ពីឆ្នាំ២០២៣ ដល់ឆ្នាំ២០២៧", "2023-2027"),
        ("dated 2022-11-23", None),
        ("between 2035-2021", None),
        ("from 1990 to 2035", None),  # longer than any plan: not a period
        ("phone 12022-20355", None),
    ],
)
def test_find_period(text, expected):
    assert find_period(text) == expected


def test_find_period_prefers_the_first_text_given():
    assert find_period("Strategic Plan 2025-2029", "within Policy 2022-2035") == "2025-2029"
    assert find_period("no period", "within Policy 2022-2035") == "2022-2035"


# -- document types --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Cambodia Digital Government Policy 2022-2035", DocType.POLICY),
        ("Digital Economy and Society Policy Framework 2021-2035", DocType.POLICY),
        ("National Cybersecurity Strategy", DocType.POLICY),
        ("គោលនយោបាយជាតិស្តីពីសន្តិសុខសាយប័រ", DocType.POLICY),
        ("Sub-Decree on the Organization and Functioning of the Telecommunication Regulator", DocType.LAW),
        ("Royal Decree on the National Digital Economy and Society Council", DocType.LAW),
        ("Inter-Ministerial Prakas on Website Controls", DocType.LAW),
        ("Law on Electronic Commerce", DocType.LAW),
        ("អនុក្រឹត្យស្តីពីការរៀបចំ និងការប្រព្រឹត្តទៅ", DocType.LAW),
        ("ប្រកាសអន្តរក្រសួងស្តីពីការគ្រប់គ្រង", DocType.LAW),
        ("ព្រះរាជក្រឹត្យស្ដីពីការបង្កើតក្រុមប្រឹក្សា", DocType.LAW),
        ("HE Sak Setha Chairs a Meeting to Review 5-Year Strategic Plan", DocType.MEETING),
        ("H.E. Minister presided over the high-level review", DocType.MEETING),
        ("ឯកឧត្តម ដឹកនាំកិច្ចប្រជុំពិនិត្យផែនការ", DocType.MEETING),
        ("Draft ICT Strategic Plan of the Ministry 2025-2029", DocType.PLAN),
        ("ផែនការសកម្មភាពរដ្ឋាភិបាលឌីជីថល", DocType.PLAN),
        ("Press Release on the Inauguration Ceremony", DocType.NEWS),
        ("Announcement on the Use of Common Codes", DocType.NEWS),
        ("សេចក្តីប្រកាសព័ត៌មាន ស្តីពី ពិធីសម្ពោធ", DocType.NEWS),
        ("Press release: new policy launched", DocType.NEWS),
        ("Assembly adopts two draft laws", DocType.OTHER),  # mentions a law, is not one
        ("រដ្ឋសភាទទួលយកសេចក្តីព្រាងច្បាប់ចំនួនពីរ", DocType.OTHER),
    ],
)
def test_doc_type_from_title(title, expected):
    assert infer_doc_type("", title, "") is expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("policy/KH_SubDecree_Organization_Functioning_TRC_EN.txt", DocType.LAW),
        ("legal_scanned_km/KH_RoyalDecree_Council_KM_scan.pdf", DocType.LAW),
        ("news_mptc/MPTC_ctc_en_1-post.md", DocType.NEWS),
        ("news_trc/TRC_activities_en_1-activity.md", DocType.NEWS),
        ("news_khmer_2019/KH_news2019_311846.txt", DocType.NEWS),
        ("meetings/KH_GovTech_Conference_2024_Agenda_EN.pdf", DocType.MEETING),
        ("policy/untitled.pdf", DocType.POLICY),
        ("misc/notes.txt", DocType.OTHER),
    ],
)
def test_doc_type_from_path(path, expected):
    assert infer_doc_type(path, "Untitled", "") is expected


def test_title_beats_folder_and_folder_beats_text():
    assert infer_doc_type("news_mptc/x-post.md", "Mao Sila Leads Meeting", "") is DocType.MEETING
    assert infer_doc_type("news/x.md", "Visit", "He chaired a meeting on the plan") is DocType.NEWS


def test_front_matter_categories_are_hints():
    assert infer_doc_type("x.md", "Leadership transfer ceremony", "", "['News'] activity") is DocType.NEWS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On 5 May, H.E. Dara chaired a meeting of the working group.", DocType.MEETING),
        ("ឯកឧត្តម បានដឹកនាំកិច្ចប្រជុំ", DocType.MEETING),
        ("The strategic plan rests on six mechanisms.", DocType.PLAN),
        ("Chapter 1\nArticle 1\nThis sub-decree ...", DocType.LAW),
        ("មាត្រា ១\nអនុក្រឹត្យនេះ", DocType.LAW),
        ("Nothing to see.", DocType.OTHER),
    ],
)
def test_doc_type_from_text(text, expected):
    assert infer_doc_type("x.txt", "Untitled", text) is expected


# -- issuing bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Ministry of Posts and Telecommunications (MPTC) announced", "Ministry of Posts and Telecommunications"),
        ("Ministry of Post and Telecommunication", "Ministry of Posts and Telecommunications"),
        ("ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍ បានរៀបចំ", "Ministry of Posts and Telecommunications"),
        (f"ក្រសួង{ZWSP}មហាផ្ទៃ", "Ministry of Interior"),  # zero-width spaces are ignored
        ("Permanent Secretary of the Ministry of Interior", "Ministry of Interior"),
        ("រដ្ឋមន្ត្រីក្រសួងមហាផ្ទៃ", "Ministry of Interior"),
        ("the Royal Government of Cambodia adopted", "Royal Government of Cambodia"),
        ("រាជរដ្ឋាភិបាលកម្ពុជា បានអនុម័ត", "Royal Government of Cambodia"),
        ("និយ័តករទូរគមនាគមន៍កម្ពុជា (ន.ទ.ក.)", "Telecommunication Regulator of Cambodia"),
        ("TRC leadership", "Telecommunication Regulator of Cambodia"),
        ("a private company", None),
    ],
)
def test_issuing_body(text, expected):
    assert infer_issuing_body(text) == expected


def test_issuing_body_earliest_mention_in_first_text_that_has_one():
    text = "The Ministry of Interior, following the Royal Government of Cambodia policy"
    assert infer_issuing_body("", text) == "Ministry of Interior"
    assert infer_issuing_body("MPTC news", text) == "Ministry of Posts and Telecommunications"


def test_language_codes_are_normalised():
    assert [normalize_language(v) for v in ("km-KH", "KH", "Khmer", "en_US", "", None, "vi")] == [
        "km", "km", "km", "en", None, None, "vi"]


# -- infer_metadata --------------------------------------------------------------------------


def test_infer_metadata_is_complete_from_text_alone():
    text = ("HE Dara Chairs a Meeting to Review the ICT Plan\n\nPhnom Penh: On November 23, 2022, "
            "the Ministry of Interior reviewed its plan for 2023 to 2027.")
    meta = infer_metadata("seed/x.txt", doc(text), None)
    assert meta == {
        "title": "HE Dara Chairs a Meeting to Review the ICT Plan",
        "doc_type": "meeting_record",
        "issuing_body": "Ministry of Interior",
        "date": "2022-11-23",
        "language": None,
        "period": "2023-2027",
        "source_path": "seed/x.txt",
        "country": "KH",  # "Phnom Penh"
        "country_name": "Cambodia",
    }


def test_loader_metadata_is_kept_and_normalised():
    loaded = {"title": "T", "date": dt.date(2024, 1, 2), "language": "km-KH", "author": "ក្រសួងមហាផ្ទៃ",
              "tags": ["a"], "description": "d"}
    meta = infer_metadata("a.md", doc("Body mentions the Royal Government of Cambodia.", loaded), None)
    assert meta["date"] == "2024-01-02" and meta["language"] == "km"
    assert meta["issuing_body"] == "Ministry of Interior"  # the author field comes first
    assert meta["tags"] == ["a"] and meta["description"] == "d"


def test_news_period_comes_from_the_title_only():
    news = doc("Scholarships for 2025-2026 were announced.", {"doc_type": "news", "title": "Notice"})
    assert infer_metadata("n.md", news, None)["period"] is None
    policy = doc("This policy covers 2025-2030.", {"title": "Notice"})
    assert infer_metadata("p.md", policy, None)["period"] == "2025-2030"


def test_sidecar_values_always_win():
    text = "Policy 2022-2035 by the Royal Government of Cambodia, dated 1 May 2024."
    sidecar = {"title": "Override", "doc_type": "plan_draft", "issuing_body": "Ministry of Interior",
               "date": "2020-01-01", "language": "km", "period": "2020-2025", "tags": ["x"]}
    meta = infer_metadata("p.txt", doc(text, {"title": "Loader title", "doc_type": "policy"}), sidecar)
    assert {k: meta[k] for k in sidecar} == sidecar
    assert meta["source_path"] == "p.txt"


def test_sidecar_title_and_type_stay_with_the_main_document():
    sidecar = {"title": "File title", "doc_type": "meeting_record", "date": "2020-01-01"}
    headline = doc("ព័ត៌មាន", {"title": "Headline", "doc_type": "news"}, suffix="#headline-2")
    meta = infer_metadata("seed/a.txt#headline-2", headline, sidecar)
    assert (meta["title"], meta["doc_type"], meta["date"]) == ("Headline", "news", "2020-01-01")
    assert meta["source_path"] == "seed/a.txt"


def test_fallback_titles():
    assert infer_metadata("a/b.txt", doc("\n\n## First line\nmore"), None)["title"] == "First line"
    long = "word " * 100
    assert len(infer_metadata("a/b.txt", doc(long), None)["title"]) <= 200
    garbled = doc("~!LY 1:1 Lt1B!J", warnings=["text looks garbled: only 10% ..."])
    # the file name without its country/language tags, the instrument spelled properly
    assert (
        infer_metadata("p/KH_Sub_Decree_TRC.txt", garbled, None)["title"]
        == "Sub-Decree on the Telecommunication Regulator of Cambodia"
    )


def test_unknown_loader_doc_type_is_inferred_instead():
    meta = infer_metadata("a.md", doc("x", {"doc_type": "blog", "title": "Press release on X"}), None)
    assert meta["doc_type"] == "news"


# -- sidecars and manifests ------------------------------------------------------------------


def test_no_sidecar_is_none(tmp_path):
    assert load_sidecar(tmp_path / "plan.pdf") is None


@pytest.mark.parametrize("sidecar_name", ["plan.pdf.meta.yaml", "plan.meta.yaml"])
def test_sidecar_both_names(tmp_path, sidecar_name):
    (tmp_path / sidecar_name).write_text(
        "title: Plan\ndoc_type: plan\ndate: 2025-01-20\nlanguage: kh\nperiod: 2025-2027\n"
        "tags: digital\nissuing_body: Ministry of Interior\nauthor: WG\n", encoding="utf-8")
    assert load_sidecar(tmp_path / "plan.pdf") == {
        "title": "Plan", "doc_type": "plan_draft", "date": "2025-01-20", "language": "km",
        "period": "2025-2027", "tags": ["digital"], "issuing_body": "Ministry of Interior",
        "author": "WG"}


def test_full_sidecar_name_wins_over_stem(tmp_path):
    (tmp_path / "plan.pdf.meta.yaml").write_text("title: Full\n")
    (tmp_path / "plan.meta.yaml").write_text("title: Stem\n")
    assert load_sidecar(tmp_path / "plan.pdf") == {"title": "Full"}


def test_empty_sidecar_is_no_overrides(tmp_path):
    (tmp_path / "a.txt.meta.yaml").write_text("# nothing yet\n")
    assert load_sidecar(tmp_path / "a.txt") == {}


def test_sidecar_unknown_key(tmp_path):
    (tmp_path / "a.txt.meta.yaml").write_text("title: x\nauthr: typo\n")
    with pytest.raises(DocumentParseError) as info:
        load_sidecar(tmp_path / "a.txt")
    message = str(info.value)
    assert "a.txt.meta.yaml" in message and "authr" in message
    assert all(key in message for key in ALLOWED_KEYS)


def test_sidecar_bad_yaml_names_the_line(tmp_path):
    (tmp_path / "a.txt.meta.yaml").write_text("title: x\ndate: 2024-01-01\n  bad: indent\n")
    with pytest.raises(DocumentParseError, match=r"a\.txt\.meta\.yaml: invalid YAML at line 3"):
        load_sidecar(tmp_path / "a.txt")


@pytest.mark.parametrize(
    ("content", "message"),
    [("doc_type: memo\n", "doc_type 'memo' is not one of"),
     ("date: sometime\n", "date 'sometime' is not a date"),
     ("- a list\n", "expected 'key: value' lines")],
)
def test_sidecar_invalid_values(tmp_path, content, message):
    (tmp_path / "a.txt.meta.yaml").write_text(content)
    with pytest.raises(DocumentParseError, match=message):
        load_sidecar(tmp_path / "a.txt")


def test_manifest(tmp_path):
    assert load_manifest(tmp_path) == {}
    (tmp_path / "policykb-manifest.yaml").write_text(
        "./sub/plan.pdf:\n  doc_type: plan_draft\n  date: 2025-02-20\n"
        "news.md:\n  issuing_body: Ministry of Interior\n"
        "empty.txt:\n", encoding="utf-8")
    assert load_manifest(tmp_path) == {
        "sub/plan.pdf": {"doc_type": "plan_draft", "date": "2025-02-20"},
        "news.md": {"issuing_body": "Ministry of Interior"},
        "empty.txt": {},
    }


def test_manifest_errors_name_the_entry(tmp_path):
    manifest = tmp_path / "policykb-manifest.yaml"
    manifest.write_text("plan.pdf:\n  colour: blue\n")
    with pytest.raises(DocumentParseError, match=r"policykb-manifest\.yaml: plan\.pdf: unknown key"):
        load_manifest(tmp_path)
    manifest.write_text("- just a list\n")
    with pytest.raises(DocumentParseError, match="mapping of relative file paths"):
        load_manifest(tmp_path)
    manifest.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(DocumentParseError, match="cannot read YAML"):
        load_manifest(Path(tmp_path))


def test_a_sidecar_alias_bomb_is_refused_quickly(tmp_path):
    """500 bytes of YAML aliases that expand to ~387 million values once walked."""
    import time

    import pytest

    from core.errors import DocumentParseError
    from ingest.metadata import load_sidecar

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append("tags: *a9")
    doc = tmp_path / "plan.txt"
    doc.write_text("text", encoding="utf-8")
    (tmp_path / "plan.txt.meta.yaml").write_text("\n".join(lines), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(DocumentParseError, match=r"plan\.txt\.meta\.yaml.*alias bomb"):
        load_sidecar(doc)
    assert time.monotonic() - started < 5
