"""Titles of the document shapes that failed on the development corpus, on invented text.

An OCR'd Khmer prakas under the motto block whose subject line carries Khmer OCR's structural
slips; a plain-text sub-decree whose first lines hold its title; the same file unreadable
(legacy-font Khmer read as Latin), where only its name is left; an event agenda page. Every
fixture is written for these tests; files go through the real loaders and ``infer_metadata``.
"""

from __future__ import annotations

from core.models import Page, ParsedDocument
from evaluation.identity import report, score, similarity
from ingest.identity import filename_title
from ingest.identity.ocr_repair import repair_title
from ingest.loaders.dispatch import default_loaders
from ingest.metadata import infer_metadata, load_manifest, load_sidecar

#: A scanned joint prakas: motto, letterhead, instrument, connector, and a subject whose OCR
#: wrote a pre-base vowel before its consonant (តាមេគហទំព័រ) and read a vowel's glyph as
#: an extra letter (សង្គម រដែល). The body spells both phrases right, as legal texts repeat them.
KM_PRAKAS_SCAN = """ព្រះរាជាណាចក្រកម្ពុជា
ជាតិ សាសនា ព្រះមហាក្សត្រ
ក្រសួងព័ត៌មាន ក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍
លេខ ០៣ ប្រក
ប្រកាសអន្តរក្រសួង
ស្តីពី
ការចុះបញ្ជីការផ្សាយតាមេគហទំព័រ និង
បណ្តាញសង្គម រដែលប្រើប្រាស់ក្នុងសាលារៀន
រដ្ឋមន្ត្រីក្រសួងព័ត៌មាន
- បានឃើញរដ្ឋធម្មនុញ្ញនៃព្រះរាជាណាចក្រកម្ពុជា
ប្រកាស
មាត្រា១
ការផ្សាយតាមគេហទំព័រ ត្រូវចុះបញ្ជី។ ការផ្សាយតាមគេហទំព័រ មានកាតព្វកិច្ច។
ម្ចាស់ការផ្សាយតាមគេហទំព័រ ត្រូវរាយការណ៍។ បណ្តាញសង្គមដែលប្រើប្រាស់ ត្រូវមានអ្នកទទួលខុសត្រូវ។
បណ្តាញសង្គមដែលប្រើប្រាស់ក្នុងសាលារៀន ត្រូវការពារសិស្ស។ បណ្តាញសង្គមដែលប្រើប្រាស់ ត្រូវចុះបញ្ជី។
"""
KM_PRAKAS_TITLE = "ប្រកាសអន្តរក្រសួង ស្តីពី ការចុះបញ្ជីការផ្សាយតាមគេហទំព័រ និង បណ្តាញសង្គម ដែលប្រើប្រាស់ក្នុងសាលារៀន"


def scanned(*pages: str) -> ParsedDocument:
    return ParsedDocument(pages=[Page(n, t, "ocr") for n, t in enumerate(pages, start=1)])


def test_scanned_khmer_prakas_title_is_the_subject_after_the_motto_with_ocr_slips_fixed():
    meta = infer_metadata("legal_scanned_km/schools_prakas_scan.pdf", scanned(KM_PRAKAS_SCAN), None)
    assert meta["title"] == KM_PRAKAS_TITLE
    assert meta["issuing_body"] == (
        "Ministry of Information; Ministry of Posts and Telecommunications"
    )
    assert meta["country"] == "KH"


def test_ocr_repairs_need_the_documents_support():
    # The document never spells the fixed form: nothing changes.
    title = "ការផ្សាយតាមេគហទំព័រ"
    assert repair_title(title, title + "\nអត្ថបទផ្សេងទៀត") == title
    # Spelled right once, as often as the title's own spelling: left alone.
    assert repair_title(title, title + "\nផ្សាយតាមគេហទំព័រ") == title
    # Three times: the vowel goes back after its consonant.
    body = "\n".join(["ផ្សាយតាមគេហទំព័រ"] * 3)
    assert repair_title(title, title + "\n" + body) == "ការផ្សាយតាមគេហទំព័រ"
    # A long unspaced group never recurs whole, its words do: a slip inside it is fixed.
    title = "ការបង្កើតមជ្ឈមណ្ឌលគ្របំគ្រងទិន្នន័យសេវាទូរគមនាគមន៍"
    body = "\nការគ្រប់គ្រងទិន្នន័យ ត្រូវធ្វើ។ ការគ្រប់គ្រងទិន្នន័យ ជាភារកិច្ច។"
    assert repair_title(title, title + body) == "ការបង្កើតមជ្ឈមណ្ឌលគ្រប់គ្រងទិន្នន័យសេវាទូរគមនាគមន៍"
    # A born-digital title (not OCR'd) is never touched, whatever the text says.
    doc = ParsedDocument(pages=[Page(1, KM_PRAKAS_SCAN, "pypdf")])
    assert "តាមេគហទំព័រ" in infer_metadata("legal/prakas.pdf", doc, None)["title"]


PLAIN_SUB_DECREE = """ROYAL GOVERNMENT OF CAMBODIA
No. 42 ANKr.BK

SUB-DECREE
ON
THE ORGANIZATION AND FUNCTIONING OF THE NATIONAL OPEN DATA AGENCY

The Royal Government of Cambodia
- Having seen the Constitution of the Kingdom of Cambodia;
- Having seen the law on the establishment of the Ministry of Economy and Finance;
- Pursuant to the request of the Minister of Economy and Finance;

HEREBY DECIDES

Article 1.- This sub-decree sets out the organization of the agency, which reports to the
Ministry of Economy and Finance.
"""


def test_plain_text_sub_decree_title_is_in_its_first_lines_and_the_government_issues_it(
    tmp_path,
):
    path = tmp_path / "KH_SubDecree_Open_Data_Agency_EN.txt"
    path.write_text(PLAIN_SUB_DECREE, encoding="utf-8")
    doc = default_loaders().load(path)[0]
    meta = infer_metadata("policy/KH_SubDecree_Open_Data_Agency_EN.txt", doc, None)
    assert meta["title"] == (
        "Sub-Decree on the Organization and Functioning of the National Open Data Agency"
    )
    # The finance ministry is only cited: a Cambodian sub-decree is the Royal Government's.
    assert meta["issuing_body"] == "Royal Government of Cambodia"
    assert meta["country"] == "KH"


#: Khmer set in a legacy font and read as Latin: nothing in it can be trusted.
GARBLED = "\n".join(
    [
        "s BY LS BY t 8 ti s m uu nw1n~ !\\nH s1 B ~ t run",
        "~ ~..0 l':::t I;. fO I IQ 0 S ~!LYtll2JU1~!tiS tiN !J1ND!l.B1ti u1n1",
        '!LY ti~ QDQUL.Y ~~ ~~ ~ G ~ lrufl18! 0 w ~ P!= b !JD"!J1SH 0 Gl 8JU1f1:!~1SHW',
        "1:1 Lt1BLY11!J t.P t1 s 1:1 Ltl!J t.P sn~ ti fu !:!1 S1ti Y1ny1§B.ru LS Dttih",
    ]
    * 6
)


def test_unreadable_sub_decree_gets_its_title_from_its_file_name_with_the_dropped_words(
    tmp_path,
):
    path = tmp_path / "KH_SubDecree_Organization_Functioning_MPTC_EN.txt"
    path.write_text(GARBLED, encoding="utf-8")
    doc = default_loaders().load(path)[0]
    assert any("garbled" in w for w in doc.warnings)
    meta = infer_metadata("policy/KH_SubDecree_Organization_Functioning_MPTC_EN.txt", doc, None)
    assert meta["title"] == (
        "Sub-Decree on the Organization and Functioning of the Ministry of Posts and "
        "Telecommunications"
    )
    assert (meta["issuing_body"], meta["country"]) == ("Royal Government of Cambodia", "KH")


def test_a_manifest_title_still_beats_the_file_name(tmp_path):
    path = tmp_path / "KH_SubDecree_Organization_Functioning_MPTC_EN.txt"
    path.write_text(GARBLED, encoding="utf-8")
    (tmp_path / "policykb-manifest.yaml").write_text(
        f"{path.name}:\n  title: Sub-Decree No. 7 on the Ministry (manifest)\n"
        "  issuing_body: Ministry of Posts and Telecommunications\n",
        encoding="utf-8",
    )
    overrides = load_manifest(tmp_path)[path.name]
    assert load_sidecar(path) is None
    meta = infer_metadata(path.name, default_loaders().load(path)[0], overrides)
    assert meta["title"] == "Sub-Decree No. 7 on the Ministry (manifest)"
    assert meta["issuing_body"] == "Ministry of Posts and Telecommunications"


def test_file_name_titles_put_back_connectors_stock_phrases_and_body_names():
    assert filename_title("policy/KH_SubDecree_Organization_Functioning_TRC_EN.txt") == (
        "Sub-Decree on the Organization and Functioning of the Telecommunication Regulator "
        "of Cambodia"
    )
    assert filename_title("x/KH_Prakas_Establishment_Data_Office_MPTC_scan.pdf") == (
        "Prakas on the Establishment of Data Office of the Ministry of Posts and Telecommunications"
    )
    assert filename_title("x/KH_Law_Telecommunications_KM.pdf") == "Law on Telecommunications"
    # Not an instrument: only tags and CamelCase are handled.
    assert filename_title("x/SG_SmartNation_Blueprint.md") == "Smart Nation Blueprint"


AGENDA = """DIGITAL SERVICES FORUM 2025
Building Trusted Public Platforms
Wednesday 12th March 2025 @ Phnom Penh
Time Session
08:00 -
08:30  REGISTRATION
08:30 -
09:30
OPENING REMARKS
H.E. Minister of the Ministry of Post and Telecommunications
09:30 -
10:30
PANEL: DATA EXCHANGE ACROSS MINISTRIES
Speakers from the Ministry of Economy and Finance and the Ministry of Interior
"""


def test_agenda_page_is_titled_by_its_event_and_subtitle_not_a_session():
    doc = ParsedDocument(pages=[Page(1, AGENDA, "pypdf")])
    meta = infer_metadata("meetings/KH_Digital_Services_Forum_2025_Agenda_EN.pdf", doc, None)
    assert meta["title"] == "Digital Services Forum 2025: Building Trusted Public Platforms"
    # Ministries speak at the forum; none of them issues the agenda.
    assert meta["issuing_body"] in (None, "Ministry of Posts and Telecommunications")
    assert meta["country"] == "KH"


def test_the_evaluation_reports_how_far_a_missed_title_is():
    truth = {
        "a": {"title": ["Sub-Decree on Open Data"], "country": ["KH"], "issuing_body": [""]},
        "b": {"title": ["ការគ្រប់គ្រងទិន្នន័យ"], "country": ["KH"], "issuing_body": [""]},
    }
    inferred = {
        "a": {"title": "SUB-DECREE ON OPEN DATA", "country": "KH"},
        "b": {"title": "ការគ្របំគ្រងទិន្លន័យ", "country": "KH"},
    }
    scores = score(inferred, truth)
    (doc_id, _, _, ratio) = scores["title"].misses[0]
    assert doc_id == "b" and 0.85 <= ratio < 1.0
    assert similarity("ការគ្រប់គ្រងទិន្នន័យ", truth["b"]["title"]) == 1.0
    summary = scores["title"].as_dict()
    assert (summary["right"], summary["near"]) == (1, 1)
    assert summary["mean_similarity"] == round((1.0 + ratio) / 2, 4)
    assert "similarity" in report(scores)
