"""A corpus for the answer-quality tests (``test_answer_quality.py``), written for them: a
data plan whose levels are enumerated as items below a sentence *about* the levels, a
mechanism list the splitter cuts mid-phrase at a line break, a web page of download links,
a forum agenda whose speakers stand a blank line below their "Keynote Speech by", a news
item whose first sentence is cut before a bracketed abbreviation, and a page of duties listed
as short items under the line that names whose they are, and an article whose numbered
section headings are the priorities it announces. Original text; fictional
facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PLAN_ID = "policy/data_maturity_plan.txt"
PLAN = """[[page 1]]
Provincial Data Maturity Plan 2025-2030

1. The levels of data maturity
The plan measures each provincial department against four levels of data maturity. These
four levels of data maturity are reached one after another, and the provincial office
reviews every department's level each year.
- Level 1: Paper registers are scanned and kept in one shared folder per department.
- Level 2: Registers are typed into databases that the department updates every week.
- Level 3: Departments exchange their databases through the provincial data exchange.
- Level 4: Dashboards built on the exchanged data guide the governor's monthly decisions.
At present, most departments of the province are still at the first level of data maturity.

2. Mechanisms
The data office has grouped the plan's work into five mechanisms, including: 1-Mechanism of
data stewards in each department, 2-Mechanism to host the registers in the
Provincial Data Centre (PDC Hosting), 3-Mechanism of open data, 4-Mechanism of data
security audits and 5-Mechanism of training for data clerks.
"""
LINKS_ID = "web/data_plan_downloads_en.md"
LINKS = """---
title: Data maturity plan downloads
---
# Data maturity plan downloads

- [Data Maturity Plan (Full text)](/files/data/maturity_plan_full.pdf)
- [Data Maturity Plan (Summary)](/files/data/maturity_plan_summary.pdf)
- [Data Maturity Plan levels poster](/files/data/maturity_levels_poster.pdf)
"""
AGENDA_ID = "meetings/provincial_digital_forum_2025_agenda_en.txt"
AGENDA = """[[page 1]]
PROVINCIAL DIGITAL FORUM 2025
Thursday 6th March 2025 @ Provincial Hall
Time Session
08:30 -
09:15
OPENING OF THE FORUM

Welcome Remarks by

H.E. Dr. Lim Sovann
Governor of the Northern Province

09:15 -
10:30
SHARING PROVINCIAL DATA ACROSS DEPARTMENTS

Keynote Speech by

H.E. Kong Rithy
Director General, Provincial Data Office

Panel Discussion

Ms. Sar Malis
Head of Registers, Department of Planning

Moderator: Mr. Tep Vuthy
Advisor, Provincial Data Office

10:30 -
11:00 TEA & COFFEE BREAK

11:00 -
12:15
OPEN REGISTERS FOR CITIZENS

Presentation 1
“Publishing the land register”
Speaker: Mr. Heng Bora
Deputy Director, Department of Land and
Urban Planning

Moderator: Ms. Pich Sreyneang
Head of Outreach, Provincial Hall
"""
# a sentence whose title-case head ends a line before the name's bracketed abbreviation
EXCHANGE_ID = "news/provincial_data_exchange_en.md"
EXCHANGE = """---
title: The provincial data exchange opens to every department
---
On May 3, 2025, Provincial Data Office of the Northern Province
(PDO), with the help of the Open Registers Institute (ORI), opened the provincial data exchange at the Riverside Hall in Stung Treng. Twelve departments connected their registers on the first day.
"""
# duties listed as short items under the line that says whose they are
DUTIES_ID = "web/provincial_duties_en.md"
DUTIES = """---
title: Who does what in the provincial digital work
---
## Provincial Data Office

The Provincial Data Office is responsible for:

- Writing the provincial data catalogue
- Training data clerks in every district
- Checking the quality of the registers

## Department of Planning

The Department of Planning is responsible for:

- Collecting the commune census forms
- Drafting the yearly development plan
"""
# an article whose sections are headed by the items of the list it announces
BLUEPRINT_ID = "news/river_province_blueprint_en.txt"
BLUEPRINT = """[[page 1]]
Four things to know about the River Province Digital Blueprint
The province published its digital blueprint this week. We explain the four priorities that
the blueprint sets for the next five years.
1. Putting every commune office online
Commune offices will reach the internet through the provincial fibre ring. The first forty
offices are connected this year.
2. Sharing data between departments
Departments will publish their registers on the provincial data exchange.
[[page 2]]
3. Training clerks in digital skills
Every clerk takes a two-week course on the new systems.
4. Listening to residents
Residents rate each online service, and the ratings are published every quarter.
"""
CORPUS = {PLAN_ID: PLAN, LINKS_ID: LINKS, AGENDA_ID: AGENDA, EXCHANGE_ID: EXCHANGE,
          DUTIES_ID: DUTIES, BLUEPRINT_ID: BLUEPRINT}
BLUEPRINT_PRIORITIES = ["Putting every commune office online", "Sharing data between departments",
                        "Training clerks in digital skills", "Listening to residents"]
LEVELS = ["Paper registers are scanned", "Registers are typed into databases",
          "Departments exchange their databases", "Dashboards built on the exchanged data"]


def ingest_quality_corpus(root: Path, model: Any) -> Any:
    """Services over ``root/data`` with the corpus ingested for real (OCR off)."""
    from core.settings import Settings
    from policykb.services import Services

    folder = root / "corpus"
    for rel, text in CORPUS.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settings = Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None)
    services = Services(settings, model=model)
    report = services.ingestor.ingest([folder])
    assert not report.failed, report.summary()["failed"]
    return services
