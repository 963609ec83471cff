"""Three small plans (two in English, one in Khmer) and a plan draft without numbered
mechanisms, ingested beside the fictional provincial e-Government policy of
``tests/alignment/plan_fixture.py`` (four strategies, plus a hand-entered strategy with two
pillars), for the coverage tests. Original text written for these tests.

What the plans address, by design:

* the services plan (en): Strategy 1 (online services) and Strategy 2 (digital security);
* the security plan (en): Strategy 2 only (its other mechanism, a tourism fair, matches none);
* the skills plan (km): Strategy 4 (digital skills of officials) only;

so Strategy 3 (rural broadband) is addressed by no plan, the services and security plans
overlap on Strategy 2, and the skills plan overlaps with none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.alignment.plan_fixture import POLICY, POLICY_ID, POLICY_SIDECAR, ingest_into

SERVICES_ID = "plans/district_services_plan.md"
SECURITY_ID = "plans/provincial_security_plan.md"
SKILLS_ID = "plans/skills_plan_km.txt"
EMPTY_ID = "plans/working_notes_draft.md"
PLAN_IDS = [SERVICES_ID, SECURITY_ID, SKILLS_ID, EMPTY_ID]  # the default order: by id

STRATEGY = {n: f"provincial-egov:strategy-{n}" for n in (1, 2, 3, 4)}

PLANS = {
    SERVICES_ID: ("District Online Services Plan 2026-2028", "en", """# District Online Services Plan 2026-2028

The district committee adopted two strategic mechanisms.

## Mechanism 1: Online public services: certificates and permits requested from home

Key activities: publish the most requested certificates on the provincial portal.

## Mechanism 2: Cybersecurity and cybercrime

Key activities: protect the district servers and report intrusions within a day.
"""),
    SECURITY_ID: ("Provincial Server Protection Plan 2026", "en", """# Provincial Server Protection Plan 2026

The plan rests on two mechanisms.

## Mechanism 1: Digital security of government servers, websites and email accounts

## Mechanism 2: Hold a river festival and tourism fair every dry season
"""),
    SKILLS_ID: ("ផែនការបណ្តុះបណ្តាលមន្ត្រី ២០២៦", "km", """ផែនការបណ្តុះបណ្តាលមន្ត្រី ២០២៦

ផែនការនេះមានយន្តការពីរ៖
១- ការបណ្តុះបណ្តាលជំនាញឌីជីថលដល់មន្ត្រីរាជការ តាមវគ្គខ្លីៗ
២- ការតែងតាំងមន្ត្រីជំនាញឌីជីថលម្នាក់ក្នុងនាយកដ្ឋាននីមួយៗ ដើម្បីជួយសហការី
"""),
    EMPTY_ID: ("Working Notes on the Next Plan (draft)", "en", """# Working Notes on the Next Plan (draft)

The group met twice. It will decide its mechanisms after the consultation with the communes
and write them up for the next meeting.
"""),
}


def write_plans(corpus: Path) -> None:
    for doc_id, (title, language, text) in PLANS.items():
        path = corpus / doc_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        (corpus / (doc_id + ".meta.yaml")).write_text(
            f"title: {title}\ndoc_type: plan_draft\nlanguage: {language}\n", encoding="utf-8")


def ingest_coverage_fixture(root: Path, model: Any) -> Any:
    """Services over ``root/data`` with the policy and the four plans ingested for real."""
    corpus = root / "corpus"
    path = corpus / POLICY_ID
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(POLICY, encoding="utf-8")
    (corpus / (POLICY_ID + ".meta.yaml")).write_text(POLICY_SIDECAR, encoding="utf-8")
    write_plans(corpus)
    return ingest_into(root, corpus, model)


def coverage_cache(services: Any) -> Any:
    from alignment.coverage_cache import CoverageCache

    return CoverageCache(services.settings.cache_dir / "alignment" / "coverage")
