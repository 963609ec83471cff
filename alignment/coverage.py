"""Coverage across plans: which national strategies no plan addresses, and which plans
overlap (address the same strategies) — the question a coordinating ministry asks.

Pure logic over alignment reports already computed (``alignment.coverage_run`` runs them):
each plan is reduced to its *cells*, the best mechanism per strategy, and the cells of every
plan are laid out against every strategy of the registry. Hand-entered strategies (no indexed
text) are judged on their titles alone, so they are context: listed, never counted as
unaddressed findings or as overlaps.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from alignment.registry.models import PolicyRegistry
from alignment.types import AlignmentReport, strategy_name

PLAN_TYPES = frozenset({"plan_draft"})  # core.models.DocType.PLAN
REACHED = ("strong", "partial")  # verdicts that count as addressing a strategy
_RANK = {"strong": 2, "partial": 1, "none": 0}


@dataclass
class Cell:
    """A plan's best mechanism for one strategy."""

    verdict: str
    score: float
    mechanism: str  # "3: Training officials in digital skills"


@dataclass
class PlanCoverage:
    """One plan reduced to what coverage needs (small enough to cache as JSON)."""

    doc_id: str
    title: str
    mechanisms: list[dict[str, str]]  # [{"label", "text"}]
    cells: dict[str, Cell] = field(default_factory=dict)  # by strategy id
    note: str | None = None  # why it has no cells (no mechanisms found, too many)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanCoverage:
        cells = {k: Cell(**v) for k, v in data.get("cells", {}).items()}
        return cls(data["doc_id"], data["title"], list(data["mechanisms"]), cells,
                   data.get("note"))


def plan_coverage(doc_id: str, title: str, report: AlignmentReport) -> PlanCoverage:
    """A plan's cells from its alignment report: per strategy, the mechanism that serves it
    best (by verdict, then score)."""
    cells: dict[str, Cell] = {}
    for m in report.mechanisms:
        for a in m.alignments:
            cell = Cell(a.verdict, round(a.score, 4), f"{m.label}: {m.text}")
            old = cells.get(a.strategy_id)
            if old is None or (_RANK[cell.verdict], cell.score) > (_RANK[old.verdict], old.score):
                cells[a.strategy_id] = cell
    mechanisms = [{"label": m.label, "text": m.text} for m in report.mechanisms]
    return PlanCoverage(doc_id, title, mechanisms, cells)


def unaligned_plan(doc_id: str, title: str, note: str) -> PlanCoverage:
    """A plan listed with a note instead of cells (no mechanisms found; over the limit)."""
    return PlanCoverage(doc_id, title, [], {}, note)


def build_coverage(plans: list[PlanCoverage], registry: PolicyRegistry,
                   generation: str) -> dict[str, Any]:
    """The coverage view (the JSON the API serves and the page draws).

    ``unaddressed``: strategies of policies with indexed text that no plan reaches at partial
    or better; ``unaddressed_hand_entered`` the same for hand-entered ones (context only).
    ``overlaps``: pairs of plans sharing at least one evidence-backed strategy at partial or
    better, most shared first."""
    strategies: list[dict[str, Any]] = []
    unaddressed: list[str] = []
    unaddressed_hand: list[str] = []
    reached_by: dict[str, set[str]] = {p.doc_id: set() for p in plans}
    for policy, node in registry.strategies(include_untexted=True):
        cells = []
        for plan in plans:
            cell = plan.cells.get(node.id)
            cells.append({"doc_id": plan.doc_id,
                          "verdict": cell.verdict if cell else "none",
                          "score": cell.score if cell else 0.0,
                          "mechanism": cell.mechanism if cell else None})
            if cell and cell.verdict in REACHED and policy.has_text:
                reached_by[plan.doc_id].add(node.id)
        reached = any(c["verdict"] in REACHED for c in cells)
        if not reached:
            (unaddressed if policy.has_text else unaddressed_hand).append(node.id)
        strategies.append({
            "policy_doc_id": policy.doc_id, "policy_id": policy.id, "policy_title": policy.title,
            "strategy_id": node.id, "title": strategy_name(node),
            "hand_entered": not policy.has_text, "plans": cells})
    return {
        "plans": [{"doc_id": p.doc_id, "title": p.title, "mechanisms": p.mechanisms,
                   **({"note": p.note} if p.note else {})} for p in plans],
        "strategies": strategies,
        "unaddressed": unaddressed,
        "unaddressed_hand_entered": unaddressed_hand,
        "overlaps": overlaps(plans, reached_by, [s["strategy_id"] for s in strategies]),
        "generation": generation,
    }


def overlaps(plans: list[PlanCoverage], reached_by: dict[str, set[str]],
             order: list[str]) -> list[dict[str, Any]]:
    """Pairs of plans with the strategies both reach, in registry order; most shared first,
    then in the plans' order."""
    position = {p.doc_id: i for i, p in enumerate(plans)}
    found = []
    for a, b in combinations([p.doc_id for p in plans], 2):
        shared = reached_by[a] & reached_by[b]
        if shared:
            found.append({"plans": [a, b], "strategies": [s for s in order if s in shared]})
    found.sort(key=lambda o: (-len(o["strategies"]), position[o["plans"][0]],
                              position[o["plans"][1]]))
    return found
