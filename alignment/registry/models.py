"""The registry's data: national policies -> goals -> strategies -> measures, with page ranges.

Levels. Every policy's tree has three levels, named after the Digital Government Policy:

* ``goal`` — DGP "Strategic Goal 1..4"; DESPF policy directions 3.4.1..3.4.6 (3.4.1-3.4.5 are
  the framework's five goals of section 3.1, 3.4.6 is impact mitigation); Pentagons and
  Rectangles of the hand-entered national strategies;
* ``strategy`` — the level the alignment report ranks: DGP "Strategy 1..10"; DESPF measure
  groups ("A. Policy Measures on Digital Connectivity" = the "strategic priorities" of the
  framework's Table 1), which are as specific as a DGP strategy ("digital connectivity",
  "digital talent pool", "entrepreneurship and startup ecosystem");
* ``measure`` — DGP priority actions (bullets under each strategy), DESPF key policy measures
  (bullets under each group; the annex matrix numbers them 1..139).

A node's ``page_start``/``page_end`` are the pages of its section in the text (it runs until
the next node of the same or a higher level starts); ``extra_pages`` are pages outside that
section that belong to it, such as its rows in an annex matrix. ``node_for_page`` maps an
evidence passage (document, page, optionally the character offset of the passage in the page
text, as search hits carry) to the deepest node that covers it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from alignment.registry.extraction.raw import MatrixGroup

Level = Literal["goal", "strategy", "measure"]
LEVELS: tuple[Level, ...] = ("goal", "strategy", "measure")
END = 10**9
HAND_NOTE = "entered by hand; no indexed text backs it"
AUTO_NOTE = "extracted automatically; not in the reviewed file"

Span = tuple[int, int, int, int]  # (page, offset, end page, end offset), end exclusive


@dataclass
class RegistryNode:
    id: str
    level: Level
    label: str
    title: str
    doc_id: str | None
    page_start: int | None
    page_end: int | None
    children: list[RegistryNode] = field(default_factory=list, repr=False)
    #: other page ranges that belong to this node, e.g. its rows in an annex matrix
    extra_pages: list[tuple[int, int]] = field(default_factory=list)
    #: exact spans behind the page ranges: the section first, then the extra ones
    spans: list[Span] = field(default_factory=list, repr=False)
    #: numbering key ("7", "3.4.1.A", "7.3"): the id is ``<policy>:<level>-<key>``
    key: str = field(default="", repr=False)
    #: numbered by position (unnumbered bullets), so renumbered after corrections
    positional: bool = field(default=False, repr=False)

    @property
    def short_id(self) -> str:
        return self.id.split(":", 1)[-1]

    def walk(self) -> Iterator[RegistryNode]:
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "level": self.level, "label": self.label, "title": self.title,
            "doc_id": self.doc_id, "page_start": self.page_start, "page_end": self.page_end,
            "extra_pages": [list(r) for r in self.extra_pages],
            "children": [c.to_dict() for c in self.children],
        }


@dataclass
class Policy:
    id: str
    title: str
    short_name: str
    doc_id: str | None
    period: str | None
    issuing_body: str | None
    has_text: bool
    note: str | None
    goals: list[RegistryNode] = field(default_factory=list, repr=False)
    #: what extraction and review found questionable (count mismatches, missing measures)
    warnings: list[str] = field(default_factory=list)
    measure_word: str = field(default="Measure", repr=False)
    measure_labels: str = field(default="per_strategy", repr=False)
    #: the policy's own words for a level ("pillars" -> goal), from the reviewed file
    level_words: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    page_chars: dict[int, int] = field(default_factory=dict, repr=False)
    first_content: dict[int, int] = field(default_factory=dict, repr=False)
    matrix: list[MatrixGroup] = field(default_factory=list, repr=False)

    def walk(self) -> Iterator[RegistryNode]:
        for goal in self.goals:
            yield from goal.walk()

    def counts(self) -> dict[str, int]:
        found = {level: 0 for level in LEVELS}
        for node in self.walk():
            found[node.level] += 1
        return {"goals": found["goal"], "strategies": found["strategy"],
                "measures": found["measure"]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "short_name": self.short_name,
            "doc_id": self.doc_id, "period": self.period, "issuing_body": self.issuing_body,
            "has_text": self.has_text, "note": self.note, "counts": self.counts(),
            "warnings": list(self.warnings), "goals": [g.to_dict() for g in self.goals],
        }


@dataclass
class PolicyRegistry:
    policies: list[Policy]
    build_seconds: float = field(default=0.0, repr=False)

    def get(self, policy_id: str) -> Policy | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    def node(self, node_id: str) -> tuple[Policy, RegistryNode] | None:
        for policy in self.policies:
            for node in policy.walk():
                if node.id == node_id:
                    return policy, node
        return None

    def strategies(self, include_untexted: bool = False) -> list[tuple[Policy, RegistryNode]]:
        """The level the alignment report ranks (see the module docstring), in document order.

        Hand-entered policies have no text to align against, so they are left out unless
        ``include_untexted``; their top-level nodes (Pentagons, Rectangles) then stand in.
        """
        out: list[tuple[Policy, RegistryNode]] = []
        for policy in self.policies:
            found = [n for n in policy.walk() if n.level == "strategy"]
            if policy.has_text:
                out.extend((policy, n) for n in found)
            elif include_untexted:
                out.extend((policy, n) for n in (found or policy.goals))
        return out

    def node_for_page(self, doc_id: str, page: int,
                      offset: int | None = None) -> tuple[Policy, RegistryNode] | None:
        """The deepest node covering ``page`` of ``doc_id``.

        With ``offset`` (a passage's character offset in the page text, as chunks and search
        hits carry) the answer is exact. Without it, where a page holds the end of one node and
        the start of the next, the node holding more of the page's text wins at each level.
        """
        for policy in self.policies:
            if policy.doc_id != doc_id:
                continue
            chars = max(policy.page_chars.get(page, 0), 1)
            top = policy.first_content.get(page, 0)
            best: RegistryNode | None = None
            level = policy.goals
            while level:
                scored = [(s, n) for n in level
                          if (s := _coverage(n, page, offset, chars, top)) > 0]
                if not scored:
                    break
                best = max(scored, key=lambda item: item[0])[1]
                level = best.children
            if best is not None:
                return policy, best
        return None

    def counts(self) -> dict[str, dict[str, int]]:
        return {p.id: p.counts() for p in self.policies}

    def to_dict(self) -> dict[str, Any]:
        return {"policies": [p.to_dict() for p in self.policies]}


def _coverage(node: RegistryNode, page: int, offset: int | None, chars: int,
              top: int = 0) -> float:
    """How much of the page (0-1) the node covers; with an offset, 1 if it holds the point.
    ``top`` is where the page's content starts (after a running header)."""
    spans = node.spans or ([(node.page_start, 0, node.page_end, END)]
                           if node.page_start is not None and node.page_end is not None else [])
    score = 0.0
    for p0, o0, p1, o1 in spans:
        if offset is not None:
            if (p0, o0) <= (page, offset) < (p1, o1):
                return 1.0
            continue
        if p0 <= page <= p1:
            lo = o0 if page == p0 else min(top, chars)
            hi = min(o1, chars) if page == p1 else chars
            score = max(score, max(hi - lo, 0) / chars)
    return score
