"""The registry tests' fixture policy: a fictional provincial policy, and its reviewed file.

Original text written for these tests; it is worded differently from the real Cambodian
policies on purpose: "Goal N", "Strategy N", explicit "Measure N.M" headings, bullets, numbered
items and a table of contents. ``REVIEWED`` corrects it (retitle, drop, add, pages), adds a
hand-entered policy and names one whose document is not indexed.

Used by the registry, alignment and ``GET /policies`` tests; the fixtures that ingest it live in
``tests/alignment/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIXTURE_POLICY = """[[page 1]]
PROVINCIAL DIGITAL INCLUSION POLICY 2025-2030

TABLE OF CONTENTS
1. Introduction ........................................ 2
2. Goals and Strategies ................................ 2
Goal 1: Connected villages ............................. 2
Strategy 1: Shared village networks .................... 2
Strategy 2: Affordable devices ......................... 3
Goal 2: Confident digital users ........................ 4
Strategy 3: Skills for every household ................. 4
Strategy 4: Safe online services ....................... 5
3. Implementation and Review ........................... 6
[[page 2]]
1. Introduction
Many villages in the province still have no reliable internet, and many families cannot
afford a device. This policy sets out what the provincial office will do about it.

2. Goals and Strategies
The policy has two goals and four strategies.

Goal 1: Connected villages
Every village should reach the internet at a fair price by 2030.

Strategy 1: Shared village networks
Operators will share masts and fibre so that remote villages are worth serving.
Measure 1.1: Open a shared mast programme in the poorest districts
Operators that share a mast pay a lower licence fee for it.
Measure 1.2: Map every fibre route on one public register
The register is updated every quarter and is open to all operators.
[[page 3]]
Strategy 2: Affordable devices
Devices remain the main barrier for poor households. The actions of this strategy are:
• Offer a low-cost tablet lease to families with school children, through the commune office.
• Collect and refurbish used government laptops for community learning centres.
[[page 4]]
Goal 2: Confident digital users
People should use online services safely and without help.

Strategy 3: Skills for every household
1. Train one digital volunteer in each village to help neighbours with phones and forms.
2. Add a weekly digital skills hour to adult literacy classes.
[[page 5]]
Strategy 4: Safe online services
- Publish a plain-language guide to spotting online fraud.
- Set up a hotline where residents report scams and hacked accounts.
[[page 6]]
3. Implementation and Review
The provincial office reports on progress every year and revises the measures in 2028.
"""

FIXTURE_SIDECAR = """title: Provincial Digital Inclusion Policy 2025-2030
doc_type: policy
issuing_body: Provincial Office of Rural Connectivity
date: 2025-02-01
language: en
"""

DOC_ID = "policy/provincial_digital_inclusion_2025.txt"

REVIEWED = """version: 1
policies:
  - id: provincial-digital-inclusion
    title: Provincial Digital Inclusion Policy 2025-2030
    short_name: Digital Inclusion
    match: "*provincial_digital_inclusion*"
    period: 2025-2030
    expected: {goals: 2, strategies: 4, measures: 8}
    corrections:
      - {op: retitle, id: strategy-2, title: Affordable devices for poor households}
      - {op: drop, id: measure-4.2}
      - op: add
        level: measure
        parent: strategy-4
        title: Teach pensioners to use two-factor login
        page_start: 5
        page_end: 5
      - op: add
        level: measure
        parent: strategy-2
        after: measure-2.1
        title: Give a data bundle with every leased tablet
      - {op: pages, id: strategy-3, page_start: 4, page_end: 5}
  - id: national-example-strategy
    title: National Example Strategy - Phase I
    has_text: false
    note: entered by hand; no indexed text backs it
    period: 2023-2028
    goals:
      - {label: Pentagon 1, title: People}
      - {label: Pentagon 2, title: Roads}
  - id: missing-policy
    title: A policy whose document is not indexed
    match: "*no_such_document*"
"""


def write_fixture(folder: Path) -> Path:
    """The fixture policy and its metadata sidecar under ``folder`` (returned, to ingest)."""
    path = folder / DOC_ID
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FIXTURE_POLICY, encoding="utf-8")
    (folder / (DOC_ID + ".meta.yaml")).write_text(FIXTURE_SIDECAR, encoding="utf-8")
    return folder


def ingest_fixture_policy(root: Path, model: Any, reviewed: str = REVIEWED) -> Any:
    """Services over ``root/data`` with the fixture policy ingested for real (OCR off) and
    ``reviewed`` as the registry file (``root/policies.yaml``)."""
    from core.settings import Settings
    from policykb.services import Services

    path = root / "policies.yaml"
    path.write_text(reviewed, encoding="utf-8")
    settings = Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None,
                        registry_path=path)
    services = Services(settings, model=model)
    report = services.ingestor.ingest([write_fixture(root / "corpus")])
    assert not report.failed, report.summary()["failed"]
    return services
