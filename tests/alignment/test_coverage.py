"""Coverage across plans on the real stack (real MiniLM, chromadb, khmer-nltk): which
strategies no plan addresses, which plans overlap, each plan's best mechanism per strategy,
the per-generation cache, and the Markdown and CSV a ministry reads.

The plans and their expected coverage are described in ``tests/alignment/coverage_fixture.py``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alignment.coverage_cache import CoverageCache
from alignment.coverage_csv import HEADER, csv_bytes
from alignment.coverage_md import to_markdown
from alignment.coverage_run import cached_coverage, compute_coverage, resolve_plan_ids
from core.errors import DocumentNotFoundError
from tests.alignment.coverage_fixture import (
    EMPTY_ID,
    PLAN_IDS,
    SECURITY_ID,
    SERVICES_ID,
    SKILLS_ID,
    STRATEGY,
    ingest_coverage_fixture,
)
from tests.alignment.plan_fixture import POLICY_ID

HAND = ["national-hand-strategy:goal-1", "national-hand-strategy:goal-2"]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    services = ingest_coverage_fixture(tmp_path_factory.mktemp("coverage"), embedder)
    yield services
    services.catalog.close()


@pytest.fixture(scope="module")
def view(index: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The default coverage (every plan draft), computed once for the module."""
    cache = CoverageCache(tmp_path_factory.mktemp("coverage-cache"))
    return compute_coverage(index.catalog, index.aligner, index.registry, cache,
                            resolve_plan_ids(index.catalog, None))


def run(index: Any, cache_dir: Path, doc_ids: list[str] | None = None, **kw: Any) -> dict[str, Any]:
    return compute_coverage(index.catalog, index.aligner, index.registry,
                            CoverageCache(cache_dir), resolve_plan_ids(index.catalog, doc_ids), **kw)


def cell(view: dict[str, Any], strategy_id: str, doc_id: str) -> dict[str, Any]:
    strategy = next(s for s in view["strategies"] if s["strategy_id"] == strategy_id)
    return next(c for c in strategy["plans"] if c["doc_id"] == doc_id)


def test_the_default_plans_are_every_plan_draft_in_id_order(index: Any) -> None:
    assert resolve_plan_ids(index.catalog, None) == PLAN_IDS  # the policy is not a plan
    assert POLICY_ID not in resolve_plan_ids(index.catalog, None)


def test_the_strategy_no_plan_addresses_and_the_plans_that_overlap(view: dict[str, Any]) -> None:
    assert view["unaddressed"] == [STRATEGY[3]]  # rural broadband: in no plan
    # hand-entered: context, listed apart; the cybersecurity pillar is reached by two plans
    # on its title alone and is no overlap
    assert view["unaddressed_hand_entered"] == [HAND[1]]
    assert view["overlaps"] == [{"plans": [SERVICES_ID, SECURITY_ID], "strategies": [STRATEGY[2]]}]


def test_each_cell_is_the_plans_best_mechanism_for_the_strategy(view: dict[str, Any]) -> None:
    online = cell(view, STRATEGY[1], SERVICES_ID)
    assert online["verdict"] == "strong" and online["mechanism"].startswith("1: Online public")
    security = cell(view, STRATEGY[2], SECURITY_ID)
    assert security["verdict"] == "strong"
    assert security["mechanism"].startswith("1: Digital security of government servers")
    skills = cell(view, STRATEGY[4], SKILLS_ID)  # a Khmer plan against an English policy
    assert skills["verdict"] in ("strong", "partial") and "ជំនាញឌីជីថល" in skills["mechanism"]
    assert cell(view, STRATEGY[1], SKILLS_ID)["verdict"] == "none"
    for strategy in view["strategies"]:  # every strategy has one cell per plan, in plan order
        assert [c["doc_id"] for c in strategy["plans"]] == PLAN_IDS


def test_a_plan_without_mechanisms_is_listed_with_a_note(view: dict[str, Any]) -> None:
    empty = next(p for p in view["plans"] if p["doc_id"] == EMPTY_ID)
    assert empty["mechanisms"] == [] and "no numbered mechanisms" in empty["note"]
    assert all(cell(view, s["strategy_id"], EMPTY_ID)["verdict"] == "none"
               for s in view["strategies"])


def test_the_json_has_the_shape_the_page_draws(view: dict[str, Any]) -> None:
    assert {"plans", "strategies", "unaddressed", "overlaps", "generation"} <= set(view)
    assert [p["doc_id"] for p in view["plans"]] == PLAN_IDS
    assert view["plans"][0]["title"] == "District Online Services Plan 2026-2028"
    assert view["plans"][0]["mechanisms"][1] == {"label": "2", "text": "Cybersecurity and cybercrime"}
    first = view["strategies"][0]
    assert {k: first[k] for k in ("policy_doc_id", "strategy_id", "title", "hand_entered")} == {
        "policy_doc_id": POLICY_ID, "strategy_id": STRATEGY[1],
        "title": "Strategy 1: Online public services", "hand_entered": False}
    assert first["policy_title"] == "Provincial e-Government Policy 2026-2030"
    assert set(first["plans"][0]) == {"doc_id", "verdict", "score", "mechanism"}
    assert [s["strategy_id"] for s in view["strategies"]] == [*STRATEGY.values(), *HAND]
    assert [s["hand_entered"] for s in view["strategies"]] == [False] * 4 + [True] * 2


def test_plans_named_explicitly_in_their_order_a_policy_allowed(index: Any, tmp_path: Path) -> None:
    got = run(index, tmp_path, [SKILLS_ID, SECURITY_ID, POLICY_ID, SKILLS_ID])
    assert [p["doc_id"] for p in got["plans"]] == [SKILLS_ID, SECURITY_ID, POLICY_ID]
    # the policy's own strategies, read as its mechanisms, address every strategy
    assert got["unaddressed"] == []
    assert got["overlaps"] == [  # equal counts: in the order the plans were named
        {"plans": [SKILLS_ID, POLICY_ID], "strategies": [STRATEGY[4]]},
        {"plans": [SECURITY_ID, POLICY_ID], "strategies": [STRATEGY[2]]}]
    with pytest.raises(DocumentNotFoundError, match="plans/no_such_plan.md"):
        resolve_plan_ids(index.catalog, [SKILLS_ID, "plans/no_such_plan.md"])


def test_the_second_call_reads_the_cache_and_aligns_nothing(index: Any, tmp_path: Path) -> None:
    runs = index.aligner.runs
    first = run(index, tmp_path, [SERVICES_ID, SKILLS_ID])
    assert index.aligner.runs == runs + 2
    assert first["cache"] == {"plans_cached": 0, "plans_aligned": 2}
    assert len(list(tmp_path.glob("*.json"))) == 2  # one file per plan
    # another process (a fresh cache object over the same directory)
    fresh = CoverageCache(tmp_path)
    again = cached_coverage(index.catalog, index.registry, fresh, [SERVICES_ID, SKILLS_ID])
    assert again is not None and fresh.hits == 2 and index.aligner.runs == runs + 2
    assert again["cache"] == {"plans_cached": 2, "plans_aligned": 0}
    assert {**again, "cache": None} == {**first, "cache": None}
    # a third plan reuses the two: only it is aligned
    more = run(index, tmp_path, [SERVICES_ID, SKILLS_ID, SECURITY_ID])
    assert more["cache"] == {"plans_cached": 2, "plans_aligned": 1}
    assert cached_coverage(index.catalog, index.registry, CoverageCache(tmp_path),
                           [EMPTY_ID]) is None


def test_work_stopped_half_way_keeps_the_plans_already_aligned(index: Any, tmp_path: Path) -> None:
    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) > 4:  # before the plan, then between its mechanisms: 4 for the first
            raise TimeoutError("deadline")

    with pytest.raises(TimeoutError):
        run(index, tmp_path, [SERVICES_ID, SECURITY_ID], check=check)
    resumed = run(index, tmp_path, [SERVICES_ID, SECURITY_ID])
    assert resumed["cache"] == {"plans_cached": 1, "plans_aligned": 1}


def test_a_plan_over_the_mechanism_limit_is_a_note_not_an_error(index: Any, tmp_path: Path) -> None:
    got = run(index, tmp_path, [SERVICES_ID, SKILLS_ID], max_mechanisms=1)
    for plan in got["plans"]:
        assert "lists 2 mechanisms; at most 1" in plan["note"]
    assert got["unaddressed"] == list(STRATEGY.values())


def test_a_new_generation_is_computed_again(tmp_path: Path, embedder: Any) -> None:
    """Ingesting a plan that addresses broadband makes a new generation: nothing stale is
    served, the strategy is no longer unaddressed, and old files are removed."""
    services = ingest_coverage_fixture(tmp_path, embedder)
    cache_dir = tmp_path / "cache"
    before = run(services, cache_dir, [SERVICES_ID])
    assert STRATEGY[3] in before["unaddressed"]
    old = set(cache_dir.glob("*.json"))
    plan = tmp_path / "more" / "broadband_plan.md"
    plan.parent.mkdir()
    plan.write_text("# Commune Connection Plan\n\n## Mechanism 1: Broadband for rural communes: "
                    "connect every commune office to the fibre network\n\n## Mechanism 2: "
                    "Online public services for residents\n", encoding="utf-8")
    assert not services.ingestor.ingest([plan.parent]).failed
    assert cached_coverage(services.catalog, services.registry, CoverageCache(cache_dir),
                           [SERVICES_ID]) is None
    after = run(services, cache_dir, [SERVICES_ID, "broadband_plan.md"])
    assert after["generation"] != before["generation"]
    assert after["cache"]["plans_aligned"] == 2 and STRATEGY[3] not in after["unaddressed"]
    assert after["overlaps"] == [{"plans": [SERVICES_ID, "broadband_plan.md"],
                                  "strategies": [STRATEGY[1]]}]
    assert not old & set(cache_dir.glob("*.json"))
    services.catalog.close()


def test_the_markdown_puts_the_unaddressed_strategies_first(view: dict[str, Any]) -> None:
    md = to_markdown(view)
    gaps = md.index("## National strategies no plan addresses (1)")
    matrix = md.index("## Plans × strategies")
    overlap = md.index("## Plans that overlap (1 pairs)")
    assert gaps < matrix < overlap
    assert "- Strategy 3: Broadband for rural communes" in md[gaps:matrix]
    assert "Pillar 2: Human resource development" in md[gaps:matrix]  # as context
    assert "### Provincial e-Government Policy 2026-2030" in md[matrix:overlap]
    assert "| Strategy 1: Online public services | ✅ strong" in md
    assert "**P3** ផែនការបណ្តុះបណ្តាលមន្ត្រី ២០២៦" in md
    assert "- m2: ការតែងតាំងមន្ត្រីជំនាញឌីជីថល" in md[:gaps]  # what (m2) in a cell refers to
    assert "**P1** (District Online Services Plan 2026-2028) and **P2**" in md[overlap:]
    assert "1 shared — Strategy 2: Digital security of government systems" in md[overlap:]


def test_the_csv_has_a_row_per_strategy_and_plan_and_a_bom(view: dict[str, Any]) -> None:
    raw = csv_bytes(view)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == HEADER and len(rows) == 6 * 4
    broadband = [r for r in rows if r["strategy_id"] == STRATEGY[3]]
    assert {r["addressed_by_any_plan"] for r in broadband} == {"no"}
    skills = next(r for r in rows if r["strategy_id"] == STRATEGY[4] and r["plan_doc_id"] == SKILLS_ID)
    assert skills["plan_title"] == "ផែនការបណ្តុះបណ្តាលមន្ត្រី ២០២៦"
    assert skills["verdict"] in ("strong", "partial") and skills["addressed_by_any_plan"] == "yes"


def test_no_plans_at_all_says_how_to_name_them(index: Any, tmp_path: Path) -> None:
    from alignment.coverage import build_coverage

    empty = build_coverage([], index.registry.current(), "7")
    assert empty["unaddressed"] == list(STRATEGY.values()) and empty["overlaps"] == []
    assert "Name the plans to compare" in to_markdown(empty)
    rows = list(csv.DictReader(io.StringIO(csv_bytes(empty).decode("utf-8-sig"))))
    assert len(rows) == 6 and {r["plan_doc_id"] for r in rows} == {""}
