"""What an alignment report holds: per mechanism, the strategies it serves with a score, a
verdict and cited evidence; the strategies nobody addresses; the policies it was judged on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from alignment.registry.models import RegistryNode
from index.table_rows import TableRow  # noqa: F401  (moved: answers read rows too)

STRONG = 0.55
PARTIAL = 0.42


@dataclass
class EvidenceQuote:
    doc_id: str
    page: int
    quote: str  # exactly ``page text[start:end]``
    start: int
    end: int
    row: TableRow | None = None  # set when the quote lies in a priority-action table row
    printed_page: str | None = None  # the number printed on the page, when it has one
    version: int | None = None  # the quoted document's version (index/versions.py)


@dataclass
class StrategyAlignment:
    policy: str
    policy_id: str
    strategy: str  # "Strategy 7: Building Digital Human Capital"
    strategy_id: str
    score: float
    verdict: str  # strong | partial | none
    evidence: list[EvidenceQuote] = field(default_factory=list)
    title_similarity: float = 0.0
    evidence_similarity: float = 0.0
    note: str | None = None  # set for hand-entered policies: no indexed text backs them

    @property
    def has_text(self) -> bool:
        return self.note is None


@dataclass
class MechanismAlignment:
    label: str
    text: str
    alignments: list[StrategyAlignment]
    gap: bool = False


@dataclass
class AlignmentReport:
    document: str
    mechanisms: list[MechanismAlignment]
    unaddressed: list[dict[str, str]]
    policies: list[dict[str, Any]]
    #: cited documents' titles by doc id, for citations a reader can follow
    sources: dict[str, str] = field(default_factory=dict)
    date: str = ""  # the day the report was made (YYYY-MM-DD)
    title: str | None = None  # the plan's own title, when it is an indexed document

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def verdict(score: float, has_text: bool = True) -> str:
    if score >= STRONG and has_text:
        return "strong"
    return "partial" if score >= PARTIAL else "none"


def strategy_name(node: RegistryNode) -> str:
    return f"{node.label}: {node.title}" if node.title else node.label
