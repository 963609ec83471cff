"""Page kinds read from layout (``evaluation/page_kinds.py``), on hand-written pages in English and
Khmer: navigation and front matter are told apart from content, and content that merely looks
like a list (a statistics table, a definition glossary, a short news item) stays content."""

from __future__ import annotations

import pytest

from evaluation.page_kinds import NAVIGATION, page_kind

EN_CONTENTS = """Page v
TABLE OF CONTENTS
FOREWORD ........................................................ i
SUMMARY ......................................................... iii
1-BACKGROUND ...................................................... 1
2-GUIDING PRINCIPLES .............................................. 4
3-STRATEGIC GOALS ................................................. 9
3.1-Connectivity for every commune ................................ 10
3.2-Skills for civil servants ..................................... 14
4-MONITORING ...................................................... 21
"""

# a contents page without leaders: page numbers that only grow
EN_CONTENTS_PLAIN = """Contents
Background 1
Guiding principles 4
Strategic goals 9
Connectivity for every commune 10
Skills for civil servants 14
Monitoring and review 21
Annex: action matrix 25
"""

KM_CONTENTS = """មាតិកា
អារម្ភកថា ................................................ ក
ជំពូកទី១ សេចក្តីផ្តើម ........................................ ១
ជំពូកទី២ ចក្ខុវិស័យ ......................................... ៥
ជំពូកទី៣ យុទ្ធសាស្ត្រ ........................................ ១២
ជំពូកទី៤ យន្តការអនុវត្ត ...................................... ២៨
ឧបសម្ព័ន្ធ ................................................. ៤០
"""

EN_ABBREVIATIONS = """ABBREVIATIONS
4G      4th Mobile Generation
ADB     Asian Development Bank
API     Application Programming Interface
CERT    Computer Emergency Response Team
GDP     Gross Domestic Product
ICT     Information and Communication Technology
MSME    Micro, Small and Medium Enterprises
PKI     Public Key Infrastructure
SME     Small and Medium Enterprises
"""

KM_ABBREVIATIONS = """អក្សរកាត់
ក.ស.ប. ក្រសួងសេដ្ឋកិច្ចនិងហិរញ្ញវត្ថុ
ក.ប.ទ. ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍
ន.ទ.ក. និយ័តករទូរគមនាគមន៍កម្ពុជា
ម.ប.ស. មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍
គ.ស.ឌ. ក្រុមប្រឹក្សាសេដ្ឋកិច្ចនិងសង្គមឌីជីថល
អ.ស.ស. អាជ្ញាធរសេវាសាធារណៈ
"""

EN_COVER = """KINGDOM OF WONDERLAND
NATION RELIGION KING

NATIONAL BROADBAND PLAN
2024-2030

Ministry of Connectivity
March 2024
"""

KM_COVER = """ព្រះរាជាណាចក្រកម្ពុជា
ជាតិ សាសនា ព្រះមហាក្សត្រ

ផែនការជាតិអ៊ីនធឺណិតល្បឿនលឿន
២០២៤-២០៣០
"""

EN_CONTENT = """3-STRATEGIC GOALS
Page 9
The plan sets three goals for 2030. First, every commune office will be connected to the
national backbone by fibre or microwave, so that registration and payment services can be
offered online without a trip to the district. Second, the ministry will train 5,000 civil
servants a year in basic digital skills, starting with the staff of front offices. Third, a
shared data centre will host the systems of small ministries, which today run servers in
offices without cooling or backup power.
"""

KM_CONTENT = """ជំពូកទី៣ យុទ្ធសាស្ត្រ
ផែនការនេះកំណត់គោលដៅបីសម្រាប់ឆ្នាំ២០៣០។ ទីមួយ សាលាឃុំទាំងអស់នឹងត្រូវភ្ជាប់ទៅបណ្តាញឆ្អឹងខ្នងជាតិ
តាមរយៈខ្សែកាបអុបទិក ដើម្បីឱ្យសេវាចុះបញ្ជីនិងការបង់ប្រាក់អាចផ្តល់ជូនតាមអនឡាញ។ ទីពីរ ក្រសួងនឹងបណ្តុះបណ្តាល
មន្ត្រីរាជការចំនួន៥០០០នាក់ក្នុងមួយឆ្នាំលើជំនាញឌីជីថលមូលដ្ឋាន។ ទីបី មជ្ឈមណ្ឌលទិន្នន័យរួមនឹងផ្ទុកប្រព័ន្ធរបស់ក្រសួងតូចៗ។
"""

# a statistics table: most lines end in numbers, but neither leaders nor growing page numbers
EN_TABLE = """Table 2: Mobile subscriptions
Operator A subscribers 2019 4210
Operator B subscribers 2019 3150
Operator C subscribers 2019 990
Operator A subscribers 2021 5020
Operator B subscribers 2021 2870
Operator C subscribers 2021 1230
4G population coverage 2021 86
"""

# a definition glossary is cited (a definition is a fact): its lines are prose, not labels
EN_GLOSSARY = """Annex 2: Glossary
No. Word/phrase Definition
1. Interoperability The ability of digital systems to interact with each other in the
exchange and use of data, which generally occurs under predetermined conditions agreed
between the institutions that own them.
2. Once-only principle The principle that a citizen provides a piece of personal data to the
government only once, after which it is shared among ministries in accordance with the law.
"""

EN_REFERENCES = """References
Asian Development Bank (2021). Digital connectivity in the Mekong. Manila.
World Bank (2020). Rural broadband review. Washington DC.
ITU (2022). Measuring digital development. Geneva.
OECD (2019). Going digital: shaping policies. Paris.
UNESCAP (2021). Asia-Pacific broadband outlook. https://www.unescap.org
Ministry of Planning (2018). Census tables. Phnom Penh.
"""


@pytest.mark.parametrize(("text", "page", "expected"), [
    (EN_CONTENTS, 5, "contents"),
    (EN_CONTENTS_PLAIN, 3, "contents"),
    (KM_CONTENTS, 4, "contents"),
    (EN_ABBREVIATIONS, 8, "abbreviations"),
    (KM_ABBREVIATIONS, 6, "abbreviations"),
    (EN_COVER, 1, "cover"),
    (KM_COVER, 1, "cover"),
    ("Page 57\nNATIONAL BROADBAND PLAN 2024-2030\n", 57, "blank"),
    (EN_REFERENCES, 60, "references"),
    (EN_CONTENT, 17, "content"),
    (KM_CONTENT, 17, "content"),
    (EN_TABLE, 30, "content"),
    (EN_GLOSSARY, 75, "content"),
])
def test_page_kind_of_hand_written_pages(text: str, page: int, expected: str) -> None:
    assert page_kind(text, page, 80) == expected


def test_navigation_kinds_are_the_non_content_ones() -> None:
    assert "content" not in NAVIGATION
    assert {"contents", "abbreviations", "cover", "blank", "references"} == NAVIGATION


def test_a_short_first_page_is_a_cover_only_when_it_comes_first() -> None:
    # page 2 of a policy often holds its motto, which is its vision: a page to cite
    motto = ('"Connecting every commune so that public services reach people where they'
             ' live, and people trust the state that serves them"'
             "\n\n\nPrepared by the Ministry of Connectivity\nMarch 2024\n")
    assert page_kind(motto, 1, 80) == "cover"
    assert page_kind(motto, 2, 80) == "content"
    assert page_kind(EN_CONTENT, 1, 80) == "content"  # a policy that starts on page 1


def test_short_documents_are_all_content() -> None:
    # a one-page news item or notice: its short first page is what it says, not a cover
    assert page_kind("Ministry opens 12 new tech centres in Kampot.", 1, 1) == "content"
    assert page_kind(EN_CONTENTS, 1, 2) == "content"


def test_a_prose_page_ending_lines_in_years_or_words_like_civil_is_content() -> None:
    prose = "\n".join([
        "The registry was created in 2019",
        "and extended to every province in 2021",
        "after the review of the civil",
        "service by the ministry in 2022",
        "the law on e-commerce passed in 2019",
        "and the statistics law in 2020",
        "while the data law is planned for 2025",
    ])
    assert page_kind(prose, 12, 80) == "content"
