"""The answer tests' corpus: a fictional provincial policy with goals and strategies (and its
reviewed registry entry), a news item that also talks about cybersecurity training, and
Khmer texts, one the twin of a policy fact and one stating a fact only Khmer has.
Original text written for these tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

POLICY_ID = "policy/smart_village_policy_2024.txt"
POLICY_TITLE = "Provincial Smart Village Policy 2024-2030"
POLICY = """[[page 1]]
PROVINCIAL SMART VILLAGE POLICY 2024-2030
Prepared by
the Provincial Office of Rural Development

1. Introduction
The Smart Village Policy is the province's plan to bring villages online and to make commune
services digital. The policy starts in 2024 and ends in 2030, when the provincial office
publishes its final review.

2. Goals and Strategies
The policy has two goals and four strategies.

Kampot, March 4, 2024
Provincial Governor
[[page 2]]
Strategic Goal 1: Connected communes
Every commune office should reach the internet at a fair price.

Strategy 1: Rural broadband for commune offices
By 2027, every commune office in Kampot province will have a fibre connection paid for by a
shared provincial fund. Operators that lay the fibre may use the poles of the electricity
utility free of charge. The priority actions of this strategy are:
• Set up the shared provincial fibre fund.
• Map the poles of the electricity utility in every district.

Strategy 2: Cybersecurity capacity of commune clerks
The provincial office trains three hundred commune clerks in cybersecurity every year, from
password hygiene to reporting a hacked account. Each district names one clerk who answers
questions from the others. The priority action of this strategy is:
• Run a yearly cybersecurity course for commune clerks.
[[page 3]]
Strategic Goal 2: Digital commune services
Residents should get commune papers without queuing.

Strategy 3: Online commune certificates
Birth, residence and marriage certificates are requested online and collected at the commune
office within three working days. The priority action of this strategy is:
• Put the three most requested certificates online.

Strategy 4: Digital payment of commune fees
Commune fees are paid by mobile wallet or bank transfer, and each payment gets a receipt
number that the resident can check online. The priority action of this strategy is:
• Connect every commune cash desk to a mobile wallet.
"""
POLICY_SIDECAR = f"""title: {POLICY_TITLE}
doc_type: policy
issuing_body: Provincial Office of Rural Development
date: 2024-01-15
language: en
"""

NEWS_ID = "news/clerk_training_news_en.md"
NEWS = """---
title: Battambang bank staff attend a fraud awareness day
date: 2024-05-02
---
Staff of three commercial banks in Battambang attended a one-day fraud awareness session on
phishing messages and fake payment requests. The session was organised by the bankers'
association and was not part of any government programme.
"""

# the same news item in English and Khmer (twins: the paths differ only by en/km)
TWIN_EN_ID = "news/residence_certificates_en_1.md"
TWIN_EN = """---
title: Kampot commune offices take residence certificate requests online
date: 2024-06-10
---
Commune offices in Kampot now accept online requests for residence certificates. Residents
collect the certificate at the commune office within three working days.
"""
TWIN_KM_ID = "news/residence_certificates_km_1.md"
TWIN_KM = """---
title: ការិយាល័យឃុំនៅខេត្តកំពតទទួលសំណើលិខិតបញ្ជាក់ទីលំនៅតាមអនឡាញ
date: 2024-06-10
---
ការិយាល័យឃុំនៅខេត្តកំពត ឥឡូវនេះទទួលសំណើលិខិតបញ្ជាក់ទីលំនៅតាមអនឡាញ។ ប្រជាពលរដ្ឋទទួលយកលិខិតបញ្ជាក់ទីលំនៅនៅការិយាល័យឃុំ ក្នុងរយៈពេលបីថ្ងៃធ្វើការ។
"""

# a fact only Khmer has: new telecom towers in Preah Vihear
TOWERS_KM_ID = "news/preah_vihear_towers_km.md"
TOWERS_KM = """---
title: ប៉មទូរគមនាគមន៍ថ្មីនៅខេត្តព្រះវិហារ
date: 2024-03-20
---
និយ័តករទូរគមនាគមន៍កម្ពុជា បានអនុញ្ញាតឱ្យសាងសង់ប៉មទូរគមនាគមន៍ថ្មីចំនួនសែសិប នៅខេត្តព្រះវិហារ ក្នុងឆ្នាំ២០២៤។ ប៉មទាំងនេះនឹងនាំអ៊ីនធឺណិតចល័តទៅដល់ភូមិដែលមិនទាន់មានសេវា។
"""

# a Khmer news item on cybersecurity training that mentions a policy only in passing
TRAINING_KM_ID = "news/cyber_training_km.md"
TRAINING_KM = """---
title: វគ្គបណ្តុះបណ្តាលសន្តិសុខតាមប្រព័ន្ធអ៊ីនធឺណិតនៅខេត្តកំពត
date: 2024-07-01
---
មន្ត្រីឃុំចំនួនហាសិបនាក់ បានចូលរួមវគ្គបណ្តុះបណ្តាលសន្តិសុខតាមប្រព័ន្ធអ៊ីនធឺណិត រយៈពេលពីរថ្ងៃ នៅខេត្តកំពត។ វគ្គនេះស្របតាមគោលនយោបាយរបស់ខេត្ត។
"""

REVIEWED = f"""version: 1
policies:
  - id: smart-village-policy
    title: {POLICY_TITLE}
    short_name: Smart Village Policy
    match: "*smart_village_policy*"
    period: 2024-2030
    expected: {{goals: 2, strategies: 4, measures: 5}}
    level_words:
      goal: [pillars, សសរស្តម្ភ]
"""

CORPUS = {
    POLICY_ID: POLICY,
    POLICY_ID + ".meta.yaml": POLICY_SIDECAR,
    NEWS_ID: NEWS,
    TWIN_EN_ID: TWIN_EN,
    TWIN_KM_ID: TWIN_KM,
    TOWERS_KM_ID: TOWERS_KM,
    TRAINING_KM_ID: TRAINING_KM,
}

STRATEGIES = [
    ("Strategy 1", "Rural broadband for commune offices", 2),
    ("Strategy 2", "Cybersecurity capacity of commune clerks", 2),
    ("Strategy 3", "Online commune certificates", 3),
    ("Strategy 4", "Digital payment of commune fees", 3),
]
MEASURES = ["Set up the shared provincial fibre fund",
            "Map the poles of the electricity utility in every district",
            "Run a yearly cybersecurity course for commune clerks",
            "Put the three most requested certificates online",
            "Connect every commune cash desk to a mobile wallet"]
GOALS = [("Strategic Goal 1", "Connected communes", 2),
         ("Strategic Goal 2", "Digital commune services", 3)]


def ingest_answer_corpus(root: Path, model: Any) -> Any:
    """Services over ``root/data`` with the corpus ingested for real (OCR off) and the
    reviewed registry file at ``root/policies.yaml``."""
    from core.settings import Settings
    from policykb.services import Services

    registry = root / "policies.yaml"
    registry.write_text(REVIEWED, encoding="utf-8")
    folder = root / "corpus"
    for rel, text in CORPUS.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settings = Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None,
                        registry_path=registry)
    services = Services(settings, model=model)
    report = services.ingestor.ingest([folder])
    assert not report.failed, report.summary()["failed"]
    return services
