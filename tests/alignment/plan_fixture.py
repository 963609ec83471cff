"""A fictional provincial policy whose security strategy says "digital security" and whose
annex lists priority actions as a table, plus a plan that says "cybersecurity", for the
ranking, synonym and export tests. Original text written for these tests.

The plan is ingested as a Markdown document ("## Mechanism 1: ..." headings, as a Word file
reads) and is also given pasted as plain text ("Mechanism 1: ..." lines), so both entry
modes can be compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

POLICY_ID = "policy/provincial_egov_policy_2026.txt"
POLICY_TITLE = "Provincial e-Government Policy 2026-2030"
POLICY = """[[page 1]]
PROVINCIAL E-GOVERNMENT POLICY 2026-2030

1. Introduction
The provincial administration wants its services to be online, protected and run by skilled
staff. This policy sets out four strategies and the priority actions that carry them out.

2. Strategies
Strategy 1: Online public services
Residents should request certificates and permits from home instead of travelling to the
provincial hall. Every service put online keeps a paper route for people without a phone.
Strategy 2: Digital security of government systems
Every department protects its servers, websites and email accounts against intrusion and
ransomware, keeps tested backups, and reports incidents to a provincial response desk within
one day. Department heads answer for the digital security of their systems.
[[page 2]]
Strategy 3: Broadband for rural communes
Operators share towers and fibre so that every commune office has a fast connection.
Strategy 4: Digital skills of officials
Officials follow short courses on office software, online forms and data handling, and each
department names a digital champion who helps colleagues.

3. Implementation
The governor's office reviews progress every year and revises the actions in 2028.
[[page 3]]
Provincial e-Government Policy 2026-2030  Page 12
APPENDIX 1: PRIORITY ACTIONS LIST
No. Strategy Priority action Institution in charge Phase
1 Strategy 1:
Online public
services
Put the twenty most requested certificates online
Ministry of Interior
Relevant Ministries and Institutions
2026 - 2028
2 Open a help desk for residents who cannot use the portal Ministry of Interior
2026 - 2027
3 Strategy 2:
Digital security
of government
systems
Apply minimum digital security standards to every department server
Ministry of Posts and Telecommunications
Ministry of Interior
2026 - 2030
4 Set up a provincial incident response desk that answers within one day Ministry of Posts and Telecommunications
2026 - 2027
5 Strategy 3:
Broadband for
rural communes
Connect every commune office to the fibre network
Ministry of Posts and Telecommunications
2026 - 2030
6 Strategy 4:
Digital skills of
officials
Train two thousand officials in office software and online forms
Ministry of Civil Service
Ministry of Posts and Telecommunications
2026 - 2029
"""
POLICY_SIDECAR = f"""title: {POLICY_TITLE}
doc_type: policy
issuing_body: Provincial Administration
date: 2026-01-15
language: en
"""
REVIEWED = """version: 1
policies:
  - id: provincial-egov
    title: Provincial e-Government Policy 2026-2030
    short_name: e-Government Policy
    match: "*provincial_egov_policy*"
  - id: national-hand-strategy
    title: National Hand-Entered Strategy - Phase I
    has_text: false
    note: entered by hand; no indexed text backs it
    goals:
      - {label: Pillar 1, title: Cybersecurity and cybercrime}
      - {label: Pillar 2, title: Human resource development}
"""

PLAN_ID = "plans/district_ict_plan.md"
# as the document reads (Word headings become "## ")
PLAN_DOCUMENT = """# District ICT Plan 2026-2028 (draft)

The district working group agreed on three strategic mechanisms.

## Mechanism 1: Online public services: certificates and permits requested from home

Key activities: choose the most requested services and publish them on the portal.

## Mechanism 2: Cybersecurity and cybercrime

Key activities: protect the district servers and report attacks quickly.

## Mechanism 3: Training officials in digital skills

Key activities: short courses for every office.
"""
# the same plan as a consultant pastes it from Word: the heading marks are gone
PLAN_PASTED = PLAN_DOCUMENT.replace("## ", "").replace("# ", "")


def fixture_services(root: Path, model: Any, **settings: Any) -> Any:
    """Services over ``root/data`` (OCR off) with ``root/policies.yaml`` as the registry file:
    the layout every alignment fixture writes; ``settings`` override the rest (limits)."""
    from core.settings import Settings
    from policykb.services import Services

    return Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None,
                             registry_path=root / "policies.yaml", **settings), model=model)


def ingest_into(root: Path, corpus: Path, model: Any) -> Any:
    """``REVIEWED`` written as the registry file, then ``corpus`` ingested for real."""
    (root / "policies.yaml").write_text(REVIEWED, encoding="utf-8")
    services = fixture_services(root, model)
    report = services.ingestor.ingest([corpus])
    assert not report.failed, report.summary()["failed"]
    return services


def ingest_plan_fixture(root: Path, model: Any) -> Any:
    """Services over ``root/data`` with the policy and the plan ingested for real (OCR off)
    and ``REVIEWED`` as the registry file."""
    corpus = root / "corpus"
    for doc_id, text in ((POLICY_ID, POLICY), (PLAN_ID, PLAN_DOCUMENT)):
        path = corpus / doc_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (corpus / (POLICY_ID + ".meta.yaml")).write_text(POLICY_SIDECAR, encoding="utf-8")
    return ingest_into(root, corpus, model)


def align(services: Any, **target: str) -> Any:
    from alignment.service import align_document

    return align_document(services.catalog, services.aligner, services.registry, **target)
