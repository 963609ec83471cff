"""A small bilingual corpus written for the search tests, ingested on the real stack.

Ten short documents on distinct topics (cybersecurity capacity building, community technology
centres in high schools, 5G spectrum licensing, personal data protection, e-commerce tax,
women's digital skills, telecom towers, a digital-government plan, and rice exports as an
off-topic control). The Khmer texts use terms from ``corpus/glossary/km_en.tsv`` so that the
cross-language tests have a bridge to cross. All text is original and illustrative only.

Used by the search, HTTP and CLI tests; the session fixture that ingests it once lives in
``tests/index/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# --- English -----------------------------------------------------------------------------

CYBER_EN = """---
title: National Cybersecurity Capacity Building Policy
date: 2023-06-12
issuing_body: Ministry of Posts and Telecommunications
doc_type: policy
---
# Cybersecurity capacity building for civil servants

The Ministry of Posts and Telecommunications will train five hundred civil servants in
cybersecurity every year. Capacity building starts with a basic course on passwords, phishing
and incident reporting, followed by an advanced course for the system administrators of
every ministry.

## Incident response

A national computer emergency response team will coordinate the response to cyber attacks
on government networks and publish a quarterly report on incidents.
"""

TWIN_EN = """---
title: Ministry opens community technology centres in ten high schools
date: 2022-08-15
---
The Ministry of Posts and Telecommunications opened community technology centres in ten
public high schools in Takeo and Kampot. Each centre has twenty computers and high-speed
internet, and students use it after class to learn digital skills. Teachers will run weekend
training courses for the whole community.
"""

SPECTRUM_EN = """---
title: Prakas on the Licensing of 5G Spectrum
date: 2021-03-10
issuing_body: Telecommunication Regulator of Cambodia
---
Mobile operators that wish to deploy 5G networks must apply to the Telecommunication
Regulator of Cambodia for a spectrum licence in the 3.5 GHz band. Licences are granted for
fifteen years through a transparent auction, and each licensee must cover seventy percent of
the population within five years.
"""

ECOMMERCE_EN = """---
title: Online sellers to pay value added tax from next year
date: 2020-09-01
issuing_body: Ministry of Economy and Finance
---
The General Department of Taxation said that e-commerce platforms and online sellers with an
annual turnover above 250 million riel must register for value added tax. Foreign digital
service providers, such as streaming and advertising platforms, will also collect the tax on
their sales to customers in Cambodia.
"""

RICE_EN = """---
title: Rice exports rise in the first ten months
date: 2019-11-05
issuing_body: Ministry of Commerce
---
Cambodia exported more than six hundred thousand tonnes of milled rice in the first ten
months of the year, mostly to China and Europe. Exporters asked for cheaper electricity and
better warehouses to compete with neighbouring countries.
"""

PLAN_EN = """---
title: Draft Digital Government Action Plan 2025-2027
date: 2025-04-02
issuing_body: Ministry of Interior
doc_type: plan_draft
---
The action plan moves birth registration, business licences and land records to online
public services. Each province will open a help desk where citizens can get a digital
identity and pay fees with a mobile phone.
"""

# --- Khmer -------------------------------------------------------------------------------

DATA_KM = """---
title: សេចក្តីព្រាងគោលនយោបាយស្តីពីការការពារទិន្នន័យផ្ទាល់ខ្លួន
date: 2024-02-20
issuing_body: Ministry of Posts and Telecommunications
doc_type: policy
lang: km
---
# ការការពារទិន្នន័យផ្ទាល់ខ្លួន

ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍ បានរៀបចំសេចក្តីព្រាងគោលនយោបាយនេះ ដើម្បីការពារទិន្នន័យផ្ទាល់ខ្លួនរបស់ប្រជាពលរដ្ឋ។ ស្ថាប័នសាធារណៈ និងសហគ្រាសឯកជន ដែលប្រមូលទិន្នន័យផ្ទាល់ខ្លួន ត្រូវសុំការយល់ព្រមជាមុន ហើយប្រើទិន្នន័យនោះតែសម្រាប់គោលបំណងដែលបានជូនដំណឹង។ ប្រជាពលរដ្ឋមានសិទ្ធិសុំមើល កែតម្រូវ និងលុបទិន្នន័យផ្ទាល់ខ្លួនរបស់ខ្លួន។

## ឯកជនភាព និងការលេចធ្លាយទិន្នន័យ

មូលដ្ឋានទិន្នន័យដែលផ្ទុកទិន្នន័យផ្ទាល់ខ្លួន ត្រូវមានវិធានការការពារឯកជនភាព។ ការលេចធ្លាយទិន្នន័យ ត្រូវរាយការណ៍ទៅក្រសួងក្នុងរយៈពេល ៧២ ម៉ោង។
"""

TWIN_KM = """---
title: ក្រសួងបើកមជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍នៅវិទ្យាល័យចំនួនដប់
date: 2022-08-15
---
ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍ បានបើកមជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍ នៅវិទ្យាល័យសាធារណៈចំនួនដប់ ក្នុងខេត្តតាកែវ និងកំពត។ មជ្ឈមណ្ឌលនីមួយៗមានកុំព្យូទ័រចំនួនម្ភៃគ្រឿង និងអ៊ីនធឺណិតល្បឿនលឿន ហើយសិស្សានុសិស្សប្រើប្រាស់វាក្រោយម៉ោងសិក្សា ដើម្បីរៀនជំនាញឌីជីថល។ គ្រូបង្រៀននឹងរៀបចំវគ្គបណ្តុះបណ្តាលនៅចុងសប្តាហ៍សម្រាប់សហគមន៍ទាំងមូល។
"""

# Written the way much Khmer text on the web is typed: subscript RO before subscript TA
# (ស្រ្តី, not the canonical ស្ត្រី) and zero-width spaces between some words.
WOMEN_KM = (
    "យុទ្ធសាស្ត្រជំនាញឌីជីថលសម្រាប់ស្រ្តីខ្មែរ\n\n"
    "ស្រ្តី\u200bខ្មែរ\u200bនៅ\u200bតំបន់ជនបទ ជាពិសេសអាជីវករខ្នាតតូច នៅខ្វះជំនាញឌីជីថល។ "
    "ក្រសួងកិច្ចការនារី នឹងបើកវគ្គបណ្តុះបណ្តាលជំនាញឌីជីថលដោយឥតគិតថ្លៃ សម្រាប់ស្រ្តីចំនួនបីពាន់នាក់ "
    "ក្នុងរយៈពេលពីរឆ្នាំ។ វគ្គនីមួយៗបង្រៀនពីការប្រើប្រាស់ទូរស័ព្ទឆ្លាតវៃ និងការថែរក្សាគណនីឱ្យមានសុវត្ថិភាព។\n"
)
WOMEN_SIDECAR = """title: យុទ្ធសាស្ត្រជំនាញឌីជីថលសម្រាប់ស្ត្រីខ្មែរ
doc_type: policy
issuing_body: Ministry of Women's Affairs
date: 2025-01-10
language: km
"""

TOWERS_KM = """---
title: និយ័តករអនុញ្ញាតឱ្យសាងសង់ប៉មទូរគមនាគមន៍ថ្មី
date: 2023-10-03
issuing_body: Telecommunication Regulator of Cambodia
---
និយ័តករទូរគមនាគមន៍កម្ពុជា បានអនុញ្ញាតឱ្យប្រតិបត្តិករទូរគមនាគមន៍ សាងសង់ប៉មទូរគមនាគមន៍ថ្មីចំនួនបីរយ នៅតំបន់ជនបទ ក្នុងឆ្នាំនេះ។ ប៉មទាំងនេះនឹងពង្រីកការតភ្ជាប់អ៊ីនធឺណិតចល័ត ដល់ភូមិដែលមិនទាន់មានសេវា។
"""

CORPUS: dict[str, str] = {
    "policy/cybersecurity_capacity_policy_en.md": CYBER_EN,
    "news/ministry_en_5-post.md": TWIN_EN,
    "news/ministry_km_5-post.md": TWIN_KM,
    "regulation/spectrum_5g_licensing_en.md": SPECTRUM_EN,
    "news/ecommerce_tax_en.md": ECOMMERCE_EN,
    "news/rice_exports_en.md": RICE_EN,
    "plan/digital_government_action_plan_en.md": PLAN_EN,
    "policy/personal_data_protection_km.md": DATA_KM,
    "policy/women_digital_skills_km.txt": WOMEN_KM,
    "policy/women_digital_skills_km.txt.meta.yaml": WOMEN_SIDECAR,
    "news/telecom_towers_km.md": TOWERS_KM,
}

# Document ids, named by topic, so tests read as sentences.
CYBER = "policy/cybersecurity_capacity_policy_en.md"
TWIN_EN_ID = "news/ministry_en_5-post.md"
TWIN_KM_ID = "news/ministry_km_5-post.md"
SPECTRUM = "regulation/spectrum_5g_licensing_en.md"
ECOMMERCE = "news/ecommerce_tax_en.md"
RICE = "news/rice_exports_en.md"
PLAN = "plan/digital_government_action_plan_en.md"
DATA = "policy/personal_data_protection_km.md"
WOMEN = "policy/women_digital_skills_km.txt"
TOWERS = "news/telecom_towers_km.md"

#: What ingest must have recorded for each document (language, type, issuing body, date).
EXPECTED_METADATA: dict[str, tuple[str, str, str, str]] = {
    CYBER: ("en", "policy", "Ministry of Posts and Telecommunications", "2023-06-12"),
    TWIN_EN_ID: ("en", "news", "Ministry of Posts and Telecommunications", "2022-08-15"),
    TWIN_KM_ID: ("km", "news", "Ministry of Posts and Telecommunications", "2022-08-15"),
    SPECTRUM: ("en", "law_regulation", "Telecommunication Regulator of Cambodia", "2021-03-10"),
    ECOMMERCE: ("en", "news", "Ministry of Economy and Finance", "2020-09-01"),
    RICE: ("en", "news", "Ministry of Commerce", "2019-11-05"),
    PLAN: ("en", "plan_draft", "Ministry of Interior", "2025-04-02"),
    DATA: ("km", "policy", "Ministry of Posts and Telecommunications", "2024-02-20"),
    WOMEN: ("km", "policy", "Ministry of Women's Affairs", "2025-01-10"),
    TOWERS: ("km", "news", "Telecommunication Regulator of Cambodia", "2023-10-03"),
}


def write_fixture_corpus(folder: Path) -> Path:
    """Write the corpus (documents and the one sidecar) under ``folder``; returns it."""
    for rel, text in CORPUS.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def build_services(data_dir: Path, embedder: Any, **overrides: Any) -> Any:
    """Real services for ``data_dir`` (OCR off, no .env), sharing the loaded embedder."""
    from core.settings import Settings
    from policykb.services import Services

    settings = Settings(data_dir=data_dir, ocr_enabled=False, _env_file=None, **overrides)
    services = Services(settings, model=embedder)
    return services


def ingest_fixture_corpus(root: Path, embedder: Any, **overrides: Any) -> Any:
    """Write the corpus under ``root/corpus``, ingest it into ``root/data``; return services."""
    corpus = write_fixture_corpus(root / "corpus")
    services = build_services(root / "data", embedder, **overrides)
    report = services.ingestor.ingest([corpus])
    assert not report.failed, report.summary()["failed"]
    return services
