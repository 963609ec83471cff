"""Document identity: titles, issuing bodies and countries, on documents written for these tests.

Every fixture is invented (no text from the development corpus): a cover set in capitals under
the Cambodian motto, Khmer legal instruments with OCR-bent instrument words, Markdown news, a
Vietnamese-style resolution, policies from other jurisdictions.
"""

from __future__ import annotations

import pytest

from core.errors import DocumentParseError
from core.models import Page, ParsedDocument
from evaluation.identity import judge, load_truth, score
from ingest.identity import filename_title, normalize_country
from ingest.identity.boilerplate import is_boilerplate
from ingest.identity.ocr_repair import repair_title
from ingest.identity.title import clean_loader_title
from ingest.loaders.dispatch import default_loaders
from ingest.metadata import infer_metadata, load_sidecar
from tests.support.paths import SHARED_CORPUS


def pdf_like(*pages: str, method: str = "pypdf", metadata: dict | None = None) -> ParsedDocument:
    return ParsedDocument(
        pages=[Page(n, text, method) for n, text in enumerate(pages, start=1)],
        metadata=metadata or {},
    )


def identity(doc_id: str, doc: ParsedDocument, sidecar: dict | None = None) -> tuple:
    meta = infer_metadata(doc_id, doc, sidecar)
    return meta["title"], meta["issuing_body"], meta["country"]


EN_COVER = """KINGDOM OF CAMBODIA
NATION RELIGION KING


ROYAL GOVERNMENT OF CAMBODIA

7

RURAL BROADBAND AND
COMMUNITY ACCESS POLICY
2025-2030
"""
EN_PREFACE = """Prepared by
Ministry of Posts and Telecommunications
March 2025
"""
EN_BODY = """PREAMBLE
The Ministry of Economy and Finance will fund the first phase of this policy, and the
Ministry of Rural Development will select the first hundred communes.
"""


def test_cover_title_skips_motto_and_government_and_is_title_cased():
    doc = pdf_like(EN_COVER, EN_PREFACE, EN_BODY)
    title, body, country = identity("policy/broadband.pdf", doc)
    assert title == "Rural Broadband and Community Access Policy 2025-2030"
    assert (
        body == "Royal Government of Cambodia"
    )  # the cover's letterhead, not the funding ministry
    assert country == "KH"


def test_letterhead_ministry_beats_a_ministry_named_in_the_text():
    cover = "MINISTRY OF INTERIOR\n\nSTRATEGIC PLAN FOR DIGITAL ID\n2026-2030\n"
    doc = pdf_like(cover, EN_BODY)
    title, body, _ = identity("plan.pdf", doc)
    assert (title, body) == ("Strategic Plan for Digital ID 2026-2030", "Ministry of Interior")


def test_prepared_by_names_the_issuer_when_there_is_no_letterhead():
    doc = pdf_like("Village Water Master Plan\n", EN_PREFACE, EN_BODY)
    assert identity("plans/water.pdf", doc)[:2] == (
        "Village Water Master Plan",
        "Ministry of Posts and Telecommunications",
    )


KM_SUBDECREE = """ព្រះរាជាណាចក្រកម្ពុជា
ជាតិ សាសនា ព្រះមហាក្សត្រ

រាជរដ្ឋាភិបាលកម្ពុជា
លេខ ៤៥ អនក្រ.បក
{instrument}
ស្តីពី

ការបង្កើតគណៈកម្មាធិការជាតិទិន្នន័យបើកចំហ
រាជរដ្ឋាភិបាល
- បានឃើញរដ្ឋធម្មនុញ្ញនៃព្រះរាជាណាចក្រកម្ពុជា
សម្រេច
មាត្រា១._
គណៈកម្មាធិការមានសមាសភាព រដ្ឋមន្ត្រីក្រសួងសេដ្ឋកិច្ច និងហិរញ្ញវត្ថុ ជាអនុប្រធាន។
"""


@pytest.mark.parametrize("instrument", ["អនុក្រឹត្យ", "អនូគ្រឹត្យ", "អនុក្រត្យ"])  # OCR bends it
def test_khmer_sub_decree_title_is_instrument_and_subject(instrument):
    doc = pdf_like(KM_SUBDECREE.format(instrument=instrument), method="ocr")
    meta = infer_metadata("legal/open_data_scan.pdf", doc, None)
    assert meta["title"] == "អនុក្រឹត្យ ស្តីពី ការបង្កើតគណៈកម្មាធិការជាតិទិន្នន័យបើកចំហ"
    assert meta["doc_type"] == "law_regulation"
    # The Royal Government issues sub-decrees; the finance ministry only sits on the committee.
    assert meta["issuing_body"] == "Royal Government of Cambodia"
    assert meta["country"] == "KH" and meta["country_name"] == "Cambodia"


def test_khmer_royal_decree_subject_on_the_numbered_line_and_issued_by_the_king():
    text = (
        "ព្រះរាជាណាចក្រកម្ពុជា\nជាតិ សាសនា ព្រះមហាក្សត្រ\n\nព្រះរាជក្រឹត្យ\n"
        "នស/រកត/០១២៥/១០ ស្តីពី\nការរៀបចំក្រុមប្រឹក្សាជាតិបណ្ណាល័យឌីជីថល\nយើង\n"
        "ព្រះករុណា ...\n"
    )
    title, body, country = identity("legal/library_decree.pdf", pdf_like(text))
    assert title == "ព្រះរាជក្រឹត្យ ស្តីពី ការរៀបចំក្រុមប្រឹក្សាជាតិបណ្ណាល័យឌីជីថល"
    assert (body, country) == ("King of Cambodia", "KH")


def test_joint_prakas_lists_every_ministry_of_its_letterhead():
    text = (
        "ព្រះរាជាណាចក្រកម្ពុជា\nជាតិ សាសនា ព្រះមហាក្សត្រ\n\n"
        "ក្រសួងព័ត៌មាន ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍\nលេខ ០៧ ប្រក\n\nប្រកាសអន្តរក្រសួង\nស្តីពី\n"
        "ការចុះបញ្ជីវិទ្យុសហគមន៍\nនៅព្រះរាជាណាចក្រកម្ពុជា\nរដ្ឋមន្ត្រីក្រសួងព័ត៌មាន\n"
        "- បានឃើញ ...\nក្រសួងសេដ្ឋកិច្ច និងហិរញ្ញវត្ថុ ត្រូវផ្តល់ថវិកា។\n"
    )
    title, body, _ = identity("legal/radio.pdf", pdf_like(text))
    assert title == "ប្រកាសអន្តរក្រសួង ស្តីពី ការចុះបញ្ជីវិទ្យុសហគមន៍ នៅព្រះរាជាណាចក្រកម្ពុជា"
    assert body == "Ministry of Information; Ministry of Posts and Telecommunications"


def test_signature_names_the_issuer_of_a_prakas_without_letterhead():
    first = "PRAKAS\nON\nTHE REGISTRATION OF ONLINE SHOPS\n\nHaving seen the Constitution,\n"
    last = (
        "The Ministry of Economy and Finance shall collect the fees.\n\n"
        "Phnom Penh, 3 May 2025\nMinister of Commerce\n(signed)\n"
    )
    doc = pdf_like(first, last)
    title, body, country = identity("legal/shops.pdf", doc)
    assert title == "Prakas on the Registration of Online Shops"
    assert (body, country) == ("Ministry of Commerce", "KH")


def test_vietnamese_resolution_skips_the_republic_header(tmp_path):
    path = tmp_path / "resolution.md"
    path.write_text(
        "# CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Số: 12/NQ-CP\nHà Nội, ngày 3 tháng 2 năm 2025\n\n# NGHỊ QUYẾT\n"
        "## Về phát triển thư viện số\n\n# CHÍNH PHỦ\n\nCăn cứ Luật Tổ chức Chính phủ;\n",
        encoding="utf-8",
    )
    doc = default_loaders().load(path)[0]
    meta = infer_metadata("other/resolution.md", doc, None)
    assert meta["title"] == "Nghị quyết về phát triển thư viện số"
    assert (meta["issuing_body"], meta["country"]) == ("Government of Viet Nam", "VN")
    assert meta["doc_type"] == "law_regulation"


def test_markdown_news_article_keeps_its_headline_and_author(tmp_path):
    path = tmp_path / "7-post.md"
    path.write_text(
        "---\ntitle: Village libraries go online in Kampot\n"
        "author: ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍\ndate: 2025-05-02\n---\n"
        "Kampot: Twelve village libraries now lend e-books, with help from the Ministry of "
        "Education, Youth and Sport.\n",
        encoding="utf-8",
    )
    doc = default_loaders().load(path)[0]
    assert identity("news/7-post.md", doc) == (
        "Village libraries go online in Kampot",
        "Ministry of Posts and Telecommunications",
        "KH",
    )


def test_news_without_author_takes_the_actor_of_its_lead_not_later_partners():
    text = (
        "Rural post offices start selling SIM cards\n"
        "Phnom Penh: The Ministry of Posts and Telecommunications opened SIM counters in "
        "forty post offices. The Ministry of Commerce welcomed the move.\n"
    )
    meta = infer_metadata("news/sim.txt", pdf_like(text, method="text"), None)
    assert meta["title"] == "Rural post offices start selling SIM cards"
    assert (meta["doc_type"], meta["issuing_body"]) == (
        "news",
        "Ministry of Posts and Telecommunications",
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Ministry of Interior\n\nPRESS RELEASE\n\nOnline ID card renewal opens in all provinces\n\n"
            "Phnom Penh: The Ministry of Interior today opened ...\n",
            "Press Release: Online ID card renewal opens in all provinces",
        ),
        (
            "សេចក្តីជូនដំណឹង\nស្តីពី\nការបិទការិយាល័យប្រៃសណីយ៍ខេត្តកែបជាបណ្តោះអាសន្ន\n"
            "រាជធានីភ្នំពេញ ៖ ក្រសួងមហាផ្ទៃ សូមជម្រាបជូន...\n",
            "សេចក្តីជូនដំណឹង ស្តីពី ការបិទការិយាល័យប្រៃសណីយ៍ខេត្តកែបជាបណ្តោះអាសន្ន",
        ),
    ],
)
def test_notice_labels_take_the_subject_under_them_and_stop_at_the_dateline(text, title):
    meta = infer_metadata("notices/n.txt", pdf_like(text, method="text"), None)
    assert (meta["title"], meta["doc_type"], meta["issuing_body"]) == (
        title,
        "news",
        "Ministry of Interior",
    )


def test_a_contents_page_is_not_a_title():
    toc = "Table of Contents\n1. Introduction ........ 3\n2. Vision ........ 5\n"
    doc = pdf_like(toc, "STRATEGY FOR OPEN GOVERNMENT DATA\n\nMay 2024\n")
    assert infer_metadata("s.pdf", doc, None)["title"] == "Strategy for Open Government Data"


def test_news_that_only_mentions_a_ministry_later_has_no_issuer():
    text = (
        "Crocodiles seen near the river bank\n"
        "Villagers saw three young crocodiles on Sunday. They asked the provincial office "
        "and later the Ministry of Environment to protect the area.\n"
    )
    meta = infer_metadata(
        "news/croc.txt", pdf_like(text, method="text", metadata={"doc_type": "news"}), None
    )
    assert meta["issuing_body"] is None


@pytest.mark.parametrize(
    ("name", "text", "country", "body"),
    [
        (
            "kerala_roadmap.md",
            "# Digital Kerala Roadmap 2030\n\nThe Government of Kerala will "
            "connect every panchayat office. Kerala's IT parks will host the first labs.\n",
            "IN-KL",
            "Government of Kerala",
        ),
        (
            "blueprint.md",
            "---\ntitle: Public Service Data Blueprint\n---\nThe Government will "
            "share data across agencies in support of Smart Nation.\n",
            "SG",
            "Government of Singapore",
        ),
        (
            "plan.md",
            "# Rural Roads Policy\n\nThe Royal Government will pave roads in Takeo and "
            "Kampot, Cambodia.\n",
            "KH",
            "Royal Government of Cambodia",
        ),
    ],
)
def test_policies_of_other_jurisdictions_get_their_country(tmp_path, name, text, country, body):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    meta = infer_metadata(name, default_loaders().load(path)[0], None)
    assert (meta["country"], meta["issuing_body"]) == (country, body)
    assert meta["country_name"]


def test_sidecar_title_and_country_override_inference(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(
        "KINGDOM OF CAMBODIA\nNATION RELIGION KING\nDigital Skills Plan\n", encoding="utf-8"
    )
    (tmp_path / "plan.txt.meta.yaml").write_text(
        "title: Digital Skills Plan (sidecar)\ncountry: Kerala\nissuing_body: Government of Kerala\n",
        encoding="utf-8",
    )
    sidecar = load_sidecar(path)
    assert sidecar["country"] == "IN-KL"
    meta = infer_metadata("plan.txt", default_loaders().load(path)[0], sidecar)
    assert (meta["title"], meta["country"], meta["country_name"], meta["issuing_body"]) == (
        "Digital Skills Plan (sidecar)",
        "IN-KL",
        "Kerala, India",
        "Government of Kerala",
    )
    inferred = infer_metadata("plan.txt", default_loaders().load(path)[0], None)
    assert (inferred["title"], inferred["country"]) == ("Digital Skills Plan", "KH")


def test_sidecar_issuer_override_moves_the_country_with_it():
    doc = pdf_like("Open Data Charter\nThe Government publishes data.\n", method="text")
    meta = infer_metadata(
        "charter.txt", doc, {"issuing_body": "Infocomm Media Development Authority"}
    )
    assert (meta["issuing_body"], meta["country"]) == ("Infocomm Media Development Authority", "SG")


def test_an_unknown_sidecar_country_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("text", encoding="utf-8")
    (tmp_path / "a.txt.meta.yaml").write_text("country: Atlantis\n", encoding="utf-8")
    with pytest.raises(DocumentParseError, match="country 'Atlantis'"):
        load_sidecar(path)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("kh", "KH"),
        ("Cambodia", "KH"),
        ("Viet Nam", "VN"),
        ("in-kl", "IN-KL"),
        ("JP", "JP"),
        ("South Korea", "KR"),
        ("United Kingdom", "GB"),
        ("", None),
    ],
)
def test_country_values_are_normalised(value, code):
    assert normalize_country(value) == code


def test_html_title_loses_the_site_name_the_page_does_not_repeat():
    context = "# Village Libraries Go Online\n\nKampot: twelve libraries ..."
    title = "Village Libraries Go Online | Ministry of Posts and Telecommunications"
    assert clean_loader_title(title, context) == "Village Libraries Go Online"
    assert clean_loader_title("Annual Report – Official Website", "") == "Annual Report"
    assert clean_loader_title("Plan 2025 - 2030 Review", "") == "Plan 2025 - 2030 Review"


@pytest.mark.parametrize(
    "junk",
    ["KINGDOM OF CAMBODIA", "ព្រះរាជាណាចក្រកម្ពុជា", "NGHỊ QUYẾT", "Document1", "draft_v2.docx", "3"],
)
def test_loader_titles_that_are_letterhead_or_junk_are_not_used(junk):
    assert clean_loader_title(junk) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ព្រះរាជាណាចត្រកម្ពុជា", True),
        ("ជាត សាសនា ព្រះមហាក្សត្រ", True),
        ("ព្រះរាជាណាវ", True),
        ("Độc lập - Tự do - Hạnh phúc", True),
        ("Royal Government of Cambodia Strategic Plan", False),
        ("CAMBODIA DIGITAL POLICY", False),
    ],
)
def test_boilerplate_lines_including_ocr_damage(line, expected):
    assert is_boilerplate(line) is expected


def test_garbled_text_falls_back_to_a_readable_file_name():
    doc = ParsedDocument(pages=[Page(1, "~!LY 1:1 Lt1B!J")], warnings=["text looks garbled: 10%"])
    assert filename_title("policy/KH_SubDecree_Open_Data_EN.txt") == "Sub-Decree on Open Data"
    assert identity("policy/KH_SubDecree_Open_Data_EN.txt", doc) == (
        "Sub-Decree on Open Data",
        "Royal Government of Cambodia",
        "KH",
    )


def test_ocr_slips_in_a_title_are_repaired_from_the_documents_own_spelling():
    body = "មាត្រា១ គណៈកម្មាធិការសន្តិសុខឌីជីថល មានតួនាទី។ " * 3
    assert repair_title("ការរៀបចំគណៈកម្មាធិការសន្ធិសុខឌីជីថល", body) == "ការរៀបចំគណៈកម្មាធិការសន្តិសុខឌីជីថល"
    assert repair_title("ការរៀបចំគណៈកម្មាធិការ", "no repetition here") == "ការរៀបចំគណៈកម្មាធិការ"


# -- the evaluation that measures all this on the shared corpus ---------------------------------


def test_judging_accepts_alternatives_prefixes_none_and_counts_near_misses():
    assert (
        judge("Digital  Government POLICY 2022–2035", ["Digital Government Policy 2022-2035"])
        == "right"
    )
    assert (
        judge(
            "A very long headline about centres",
            ["x || y", "A very long headline..."],
            prefix_ok=True,
        )
        == "right"
    )
    assert judge(None, ["", "Ministry of Interior"]) == "right"
    assert judge("Ministry of Interior", [""]) == "wrong"
    assert judge("គណៈកម្មាធិការសន្ធិសុខឌីជីថល", ["គណៈកម្មាធិការសន្តិសុខឌីជីថល"]) == "near"
    scores = score(
        {"a": {"title": "T", "country": "KH", "issuing_body": None}},
        {
            "a": {"title": ["T"], "country": ["KH"], "issuing_body": [""]},
            "b": {"title": ["U"], "country": ["SG"], "issuing_body": [""]},
        },
    )
    assert (scores["title"].right, scores["title"].total, len(scores["country"].misses)) == (
        1,
        2,
        1,
    )


@pytest.mark.skipif(
    not SHARED_CORPUS.is_dir(), reason="the shared development corpus is not available"
)
def test_the_judged_identity_file_covers_every_document_of_the_shared_corpus():
    truth = load_truth()
    table = default_loaders()
    files = {
        p.relative_to(SHARED_CORPUS).as_posix()
        for p in SHARED_CORPUS.rglob("*")
        if p.is_file() and (table.supports(p) or p.suffix == ".pdf")
    }
    assert {doc_id.split("#", 1)[0] for doc_id in truth} == files
    assert sum("#headline-" in doc_id for doc_id in truth) == 20
    assert all(values["title"][0] and values["country"][0] for values in truth.values())


WRAPPED_HEADLINE = (
    "GOVERNMENT TECHNOLOGY AGENCY\n"
    "Five things to know about the new provincial data sharing\n"
    "Guidelines\n"
    "13 June 2018\n"
    "TL;DR: The province published guidelines on how its departments share data with one\n"
    "another and with the public, and what each department must do by the end of the year.\n"
)


def test_a_mixed_case_headline_that_wraps_keeps_its_second_line_and_its_printed_date():
    """The headline is set over two lines; the PDF's properties say it was exported today,
    the page says when it was published."""
    doc = pdf_like(WRAPPED_HEADLINE, metadata={"date": "2026-12-05"})
    meta = infer_metadata("guides/data_sharing.pdf", doc, None)
    assert meta["title"] == ("Five things to know about the new provincial data sharing "
                             "Guidelines")
    assert meta["date"] == "2018-06-13"


@pytest.mark.parametrize("second", [
    "Takeo Province:",  # a lead-in, not the rest of the headline
    "Phnom Penh: On the morning of 3 July 2025 the ministry opened forty new post offices in",
])
def test_a_headline_does_not_swallow_the_line_under_it(second):
    text = f"Rural post offices start selling SIM cards to residents\n{second}\nthe province.\n"
    meta = infer_metadata("news/sim.txt", pdf_like(text, method="text"), None)
    assert meta["title"] == "Rural post offices start selling SIM cards to residents"


def test_front_matter_dates_stay_ahead_of_a_printed_one():
    doc = pdf_like(WRAPPED_HEADLINE, method="text", metadata={"date": "2018-06-20"})
    assert infer_metadata("news/sharing.md", doc, None)["date"] == "2018-06-20"


def test_an_instrument_is_not_dated_by_the_visas_under_its_title():
    text = KM_SUBDECREE.format(instrument="អនុក្រឹត្យ").replace(
        "- បានឃើញរដ្ឋធម្មនុញ្ញនៃព្រះរាជាណាចក្រកម្ពុជា",
        "- បានឃើញព្រះរាជក្រឹត្យលេខ នស/រកត/០៨២៣/១៩៨១ ចុះថ្ងៃទី២២ ខែសីហា ឆ្នាំ២០២៣")
    doc = pdf_like(text, method="ocr", metadata={"date": "2024-03-07"})
    assert infer_metadata("legal/open_data_scan.pdf", doc, None)["date"] == "2024-03-07"


def test_a_short_first_page_does_not_take_its_running_text_into_the_title():
    text = ("Four things to know about the River Province Digital Blueprint\n"
            "The province published its blueprint this week. We explain the four priorities\n"
            "that it sets for the next five years.\n")
    meta = infer_metadata("news/blueprint.txt", pdf_like(text, method="text"), None)
    assert meta["title"] == "Four things to know about the River Province Digital Blueprint"


def test_a_page_from_a_country_beyond_the_region_gets_that_country():
    """The B.C. government's digital-office page names British Columbia, not Canada; and a
    Cambodian news item about Chinese New Year stays Cambodian."""
    page = pdf_like("Leading our digital transformation\nThe British Columbia government "
                    "shares its plan for becoming a digital government.\n", method="text")
    assert infer_metadata("web/bc_digital.md", page, None)["country"] == "CA"
    news = pdf_like("Police ban fireworks in Phnom Penh during Chinese New Year\nPhnom Penh "
                    "police said fireworks are banned during the Chinese New Year.\n",
                    method="text")
    assert infer_metadata("news/fireworks.txt", news, None)["country"] == "KH"
