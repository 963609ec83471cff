"""Alignment obeys the caller's collections: a policy whose document is restricted is never
scored, quoted or listed (not even as an unaddressed strategy) for a caller who may not read
it, and a plan in a restricted collection is "not found" for them. Real stack: the registry
tests' fixture policy ingested into ``cabinet`` (tests/support/collection_corpus.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from alignment.registry.access import hidden_policies, visible_policies
from alignment.report import to_csv, to_json, to_markdown
from alignment.service import align_document, plan_mechanisms
from core.access import Access
from core.errors import DocumentNotFoundError
from tests.support.collection_corpus import PUBLIC_PLAN, ingest_restricted_policy
from tests.support.registry_fixture import DOC_ID

POLICY_ID = "provincial-digital-inclusion"
POLICY_TITLE = "Provincial Digital Inclusion Policy 2025-2030"
PUBLIC = Access.only({"public"})
CABINET = Access.only({"public", "cabinet"})


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    services = ingest_restricted_policy(tmp_path_factory.mktemp("alignment-access"), embedder)
    yield services
    services.catalog.close()


def _align(services: Any, access: Access, **target: Any) -> Any:
    return align_document(services.catalog, services.aligner, services.registry,
                          access=access, **target)


def _mentions_policy(report: Any) -> list[str]:
    """Everything of the restricted policy a report holds, in any of its forms."""
    alignments = [a for m in report.mechanisms for a in m.alignments]
    found = [f"alignment {a.strategy}" for a in alignments if a.policy_id == POLICY_ID]
    found += [f"quote {e.doc_id}" for a in alignments for e in a.evidence if e.doc_id == DOC_ID]
    found += [f"unaddressed {u['strategy']}" for u in report.unaddressed
              if u["strategy_id"].startswith(POLICY_ID)]
    found += [f"policy {p['id']}" for p in report.policies if p["id"] == POLICY_ID]
    found += [f"source {d}" for d in report.sources if d == DOC_ID]
    for form, rendered in (("json", str(to_json(report))), ("markdown", to_markdown(report)),
                           ("csv", to_csv(report))):
        if POLICY_TITLE in rendered or DOC_ID in rendered:
            found.append(f"named in {form}")
    return found


def test_a_caller_with_access_sees_the_policy_support_the_plan(services: Any) -> None:
    for access in (CABINET, Access.everything()):
        report = _align(services, access, doc_id="plans/public_plan.md")
        best = [m.alignments[0] for m in report.mechanisms]
        assert [a.policy_id for a in best] == [POLICY_ID] * 3
        assert best[0].strategy.startswith("Strategy 1")  # masts and fibre
        assert all(a.evidence for a in best)
        assert any(u["strategy_id"].startswith(POLICY_ID) for u in report.unaddressed)
        assert _mentions_policy(report)  # so the check below could fail


def test_a_public_reader_never_meets_the_restricted_policy(services: Any) -> None:
    for target in ({"doc_id": "plans/public_plan.md"}, {"text": PUBLIC_PLAN}):
        report = _align(services, PUBLIC, **target)
        assert _mentions_policy(report) == []
        assert {p["id"] for p in report.policies} == {"national-example-strategy",
                                                       "missing-policy"}
        # what is left is the hand-entered strategy: context, never evidence
        assert all(not a.evidence for m in report.mechanisms for a in m.alignments)
        assert all(m.gap for m in report.mechanisms)


def test_a_plan_in_a_restricted_collection_is_not_found(services: Any) -> None:
    catalog = services.catalog
    with pytest.raises(DocumentNotFoundError, match="cabinet_plan"):
        plan_mechanisms(catalog, "plans/cabinet_plan.md", access=PUBLIC)
    name, mechanisms = plan_mechanisms(catalog, "plans/cabinet_plan.md", access=CABINET)
    assert name == "plans/cabinet_plan.md" and len(mechanisms) == 3
    with pytest.raises(DocumentNotFoundError):
        _align(services, PUBLIC, doc_id="plans/cabinet_plan.md")


def test_the_registry_is_narrowed_per_caller(services: Any) -> None:
    registry = services.registry.current()
    assert hidden_policies(registry.policies, services.catalog, PUBLIC) == {POLICY_ID}
    assert hidden_policies(registry.policies, services.catalog, CABINET) == set()
    assert POLICY_ID not in {p.id for p in visible_policies(registry, services.catalog, PUBLIC)}
    assert POLICY_ID in {p.id for p in visible_policies(registry, services.catalog,
                                                         Access.everything())}
