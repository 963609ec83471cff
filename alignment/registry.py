"""The policy registry: national policies -> goals -> strategies -> measures, with page ranges.

Built automatically from the indexed documents' own headings and numbering (see
``alignment/registry_extract.py``), then checked and corrected by a reviewed file
(``corpus/registry/policies.yaml``, format in ``corpus/registry/README.md``).

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

import fnmatch
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from alignment.registry_extract import Extraction, MatrixGroup, RawNode, parse_structure
from core.models import DocumentRecord, PageRecord

if TYPE_CHECKING:
    from index.catalog import Catalog

logger = logging.getLogger(__name__)

Level = Literal["goal", "strategy", "measure"]
_LEVELS: tuple[Level, ...] = ("goal", "strategy", "measure")
_END = 10**9
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
    page_chars: dict[int, int] = field(default_factory=dict, repr=False)
    first_content: dict[int, int] = field(default_factory=dict, repr=False)
    matrix: list[MatrixGroup] = field(default_factory=list, repr=False)

    def walk(self) -> Iterator[RegistryNode]:
        for goal in self.goals:
            yield from goal.walk()

    def counts(self) -> dict[str, int]:
        found = {level: 0 for level in _LEVELS}
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
    spans = node.spans or ([(node.page_start, 0, node.page_end, _END)]
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


# -- extraction -> registry nodes -----------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "policy"


def _display_end(policy: Policy, p1: int, o1: int) -> int:
    """The last page a span really reaches: not a page it only touches before any content."""
    pages = sorted(policy.page_chars)
    if not pages:
        return p1
    if p1 > pages[-1]:
        p1 = pages[-1]
        o1 = _END
    if o1 <= policy.first_content.get(p1, 0):
        earlier = [p for p in pages if p < p1]
        p1 = earlier[-1] if earlier else p1
    while p1 in policy.first_content and policy.first_content[p1] >= _END and p1 > pages[0]:
        p1 -= 1  # a page with nothing but running headers
    return p1


def _set_primary(policy: Policy, node: RegistryNode, span: Span) -> None:
    node.spans = [span, *node.spans[1:]]
    node.page_start = span[0]
    node.page_end = max(span[0], _display_end(policy, span[2], span[3]))


def _convert(policy: Policy, raw: RawNode) -> RegistryNode:
    node = RegistryNode(id="", level=raw.level, label=raw.label, title=raw.title,  # type: ignore[arg-type]
                        doc_id=policy.doc_id, page_start=None, page_end=None,
                        key=raw.key, positional=raw.positional)
    end = raw.end or (raw.page, raw.offset)
    _set_primary(policy, node, (raw.page, raw.offset, end[0], end[1]))
    node.children = [_convert(policy, child) for child in raw.children]
    return node


def _renumber(policy: Policy) -> None:
    """Labels of measures numbered by position, and every id, after the tree changed."""
    word = policy.measure_word
    if policy.measure_labels == "continuous":
        for n, node in enumerate((m for m in policy.walk() if m.level == "measure"), 1):
            node.key, node.label = str(n), f"{word} {n}"
    else:
        for parent in policy.walk():
            for k, child in enumerate(parent.children, 1):
                if child.level == "measure" and child.positional:
                    child.key = f"{parent.key}.{k}"
                    child.label = f"{word} {child.key}"
    for node in policy.walk():
        node.id = f"{policy.id}:{node.level}-{node.key}"
        node.doc_id = policy.doc_id


def _policy_from_extraction(doc: DocumentRecord, ext: Extraction, *, policy_id: str,
                            title: str, short_name: str, period: str | None,
                            issuing_body: str | None, note: str | None,
                            measure_word: str | None, measure_labels: str) -> Policy:
    policy = Policy(id=policy_id, title=title, short_name=short_name, doc_id=doc.doc_id,
                    period=period, issuing_body=issuing_body, has_text=True, note=note)
    policy.measure_word = measure_word or ext.measure_word
    policy.measure_labels = measure_labels
    policy.page_chars = dict(ext.page_chars)
    policy.first_content = dict(ext.first_content)
    policy.matrix = list(ext.matrix)
    policy.goals = [_convert(policy, raw) for raw in ext.nodes]
    policy.warnings.extend(ext.warnings)
    _renumber(policy)
    return policy


def extract_policy(doc: DocumentRecord, pages: list[PageRecord]) -> Policy | None:
    """A policy's goals, strategies and measures from its pages' headings and numbering.

    Returns None when the text shows no goal or strategy structure. The result is unreviewed:
    ``build_registry`` applies the reviewed file's corrections on top of this.
    """
    ext = parse_structure(pages)
    if not ext.nodes:
        return None
    policy = _policy_from_extraction(
        doc, ext, policy_id=_slug(Path(doc.doc_id.split("#", 1)[0]).stem), title=doc.title,
        short_name=doc.title[:40], period=doc.period, issuing_body=doc.issuing_body,
        note=AUTO_NOTE, measure_word=None, measure_labels="per_strategy")
    policy.warnings.extend(_check(policy, expected=None))
    return policy


# -- annex matrix and checks ------------------------------------------------------------------


def _attach_matrix(policy: Policy) -> list[str]:
    """Pair annex-matrix groups with the text's strategies; record their annex pages and say
    where the counts differ."""
    for node in policy.walk():
        node.spans = node.spans[:1]
        node.extra_pages = []
    groups = policy.matrix
    if not groups:
        return []
    strategies = [n for n in policy.walk() if n.level == "strategy"]
    word = policy.measure_word.lower()
    warnings: list[str] = []
    if all(g.number for g in groups):
        by_key = {s.key: s for s in strategies}
        pairs = [(by_key[g.number], g) for g in groups if g.number in by_key]
        missing = [g.marker for g in groups if g.number not in by_key]
        if missing:
            warnings.append(f"the annex matrix has groups the text lacks: {', '.join(missing)}")
    elif len(groups) == len(strategies):
        pairs = list(zip(strategies, groups, strict=True))
    else:
        return [f"the annex matrix has {len(groups)} strategy groups, the text "
                f"{len(strategies)}: not compared"]
    for strategy, group in pairs:
        rows = [span for _, span in group.rows]
        strategy.spans.append((rows[0][0], rows[0][1], rows[-1][2], rows[-1][3]))
        measures = [c for c in strategy.children if c.level == "measure"]
        if len(measures) == len(rows):
            for measure, row in zip(measures, rows, strict=True):
                measure.spans.append(row)
        else:
            numbers = [n for n, _ in group.rows]
            warnings.append(f"{strategy.label}: the annex matrix lists {len(rows)} {word}s "
                            f"(rows {numbers[0]}-{numbers[-1]}), the text gives {len(measures)}")
    for goal in policy.goals:
        extra = [s for child in goal.children for s in child.spans[1:]]
        if extra:
            goal.spans.append((extra[0][0], extra[0][1], extra[-1][2], extra[-1][3]))
    for node in policy.walk():
        node.extra_pages = [(s[0], max(s[0], _display_end(policy, s[2], s[3])))
                            for s in node.spans[1:]]
    return warnings


def _check(policy: Policy, expected: dict[str, int] | None) -> list[str]:
    warnings = _attach_matrix(policy)
    if policy.has_text and not policy.goals:
        warnings.append("the text shows no goal or strategy headings (a scanned PDF not OCR'd?)")
    for node in policy.walk():
        if node.level == "strategy" and not node.children:
            warnings.append(f"{node.label} ({node.title[:50]}): no {policy.measure_word.lower()}s "
                            "found under it")
    if expected:
        counts = policy.counts()
        if any(counts.get(k) != v for k, v in expected.items()):
            got = "/".join(str(counts[k]) for k in ("goals", "strategies", "measures") if k in expected)
            want = "/".join(str(expected[k]) for k in ("goals", "strategies", "measures")
                            if k in expected)
            names = "/".join(k for k in ("goals", "strategies", "measures") if k in expected)
            warnings.append(f"extraction gives {got} {names}, the reviewed file expects {want}")
    return warnings


# -- the reviewed file ------------------------------------------------------------------------

_POLICY_KEYS: dict[str, type | tuple[type, ...]] = {
    "id": str, "title": str, "short_name": str, "match": (str, list), "period": (str, int),
    "issuing_body": str, "has_text": bool, "note": str, "expected": dict, "measure_word": str,
    "measure_labels": str, "corrections": list, "goals": list,
}
_EXPECTED_KEYS = ("goals", "strategies", "measures")
_OPS: dict[str, tuple[set[str], set[str]]] = {  # op -> (required keys, optional keys)
    "retitle": ({"id", "title"}, set()),
    "relabel": ({"id", "label"}, set()),
    "pages": ({"id", "page_start", "page_end"}, set()),
    "drop": ({"id"}, set()),
    "add": ({"level", "title"}, {"parent", "after", "label", "page_start", "page_end"}),
    "split": ({"id", "into"}, set()),
}
_HAND_NODE_KEYS = {"label", "title", "strategies"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _fail(path: Path, where: str, message: str) -> ValueError:
    return ValueError(f"{path}: {where}: {message}")


def load_reviewed(path: Path) -> list[dict[str, Any]]:
    """The reviewed file's policy entries, validated; ValueError names the file and key path."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text") from exc
    if data is None:
        return []
    if not isinstance(data, dict):
        raise _fail(path, "(top level)", "must be a mapping with a 'policies' list")
    for key in data:
        if key not in ("version", "policies"):
            raise _fail(path, str(key), "unknown key (expected 'version' and 'policies')")
    policies = data.get("policies") or []
    if not isinstance(policies, list):
        raise _fail(path, "policies", "must be a list")
    seen: set[str] = set()
    for i, entry in enumerate(policies):
        where = f"policies[{i}]"
        _validate_policy(path, where, entry)
        if entry["id"] in seen:
            raise _fail(path, f"{where}.id", f"duplicate policy id {entry['id']!r}")
        seen.add(entry["id"])
    return policies


def _validate_policy(path: Path, where: str, entry: Any) -> None:
    if not isinstance(entry, dict):
        raise _fail(path, where, "must be a mapping")
    for key, value in entry.items():
        if key not in _POLICY_KEYS:
            raise _fail(path, f"{where}.{key}", f"unknown key (allowed: {', '.join(_POLICY_KEYS)})")
        if not isinstance(value, _POLICY_KEYS[key]) or isinstance(value, bool) != (
                _POLICY_KEYS[key] is bool):
            raise _fail(path, f"{where}.{key}", f"wrong type {type(value).__name__}")
    for key in ("id", "title"):
        if key not in entry:
            raise _fail(path, f"{where}.{key}", "missing")
    if not _ID.match(entry["id"]):
        raise _fail(path, f"{where}.id", "use lower-case letters, digits and '-' only")
    has_text = entry.get("has_text", True)
    if has_text and "match" not in entry:
        raise _fail(path, f"{where}.match", "missing (a doc_id glob; or set has_text: false)")
    if not has_text:
        for key in ("match", "corrections", "expected"):
            if key in entry:
                raise _fail(path, f"{where}.{key}", "only for policies with indexed text")
    elif "goals" in entry:
        raise _fail(path, f"{where}.goals", "only for hand-entered policies (has_text: false)")
    if isinstance(entry.get("match"), list) and not all(isinstance(m, str) for m in entry["match"]):
        raise _fail(path, f"{where}.match", "must be a glob or a list of globs")
    if entry.get("measure_labels", "per_strategy") not in ("per_strategy", "continuous"):
        raise _fail(path, f"{where}.measure_labels", "must be 'per_strategy' or 'continuous'")
    for key, value in (entry.get("expected") or {}).items():
        if key not in _EXPECTED_KEYS:
            raise _fail(path, f"{where}.expected.{key}",
                        f"unknown key (allowed: {', '.join(_EXPECTED_KEYS)})")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _fail(path, f"{where}.expected.{key}", "must be a whole number")
    for j, op in enumerate(entry.get("corrections") or []):
        _validate_correction(path, f"{where}.corrections[{j}]", op)
    for j, goal in enumerate(entry.get("goals") or []):
        _validate_hand_node(path, f"{where}.goals[{j}]", goal, allow_children=True)


def _validate_correction(path: Path, where: str, op: Any) -> None:
    if not isinstance(op, dict):
        raise _fail(path, where, "must be a mapping with an 'op' key")
    name = op.get("op")
    if name not in _OPS:
        raise _fail(path, f"{where}.op", f"must be one of {', '.join(_OPS)}")
    required, optional = _OPS[name]
    for key in op:
        if key != "op" and key not in required | optional:
            raise _fail(path, f"{where}.{key}", f"unknown key for op {name!r} "
                        f"(allowed: {', '.join(sorted(required | optional))})")
    for key in required:
        if key not in op:
            raise _fail(path, f"{where}.{key}", f"missing (op {name!r} needs it)")
    for key in ("id", "title", "label", "parent", "after"):
        if key in op and not isinstance(op[key], str):
            raise _fail(path, f"{where}.{key}", "must be a string")
    for key in ("page_start", "page_end"):
        if key in op and (not isinstance(op[key], int) or isinstance(op[key], bool) or op[key] < 1):
            raise _fail(path, f"{where}.{key}", "must be a page number (1-based PDF page)")
    if ("page_start" in op) != ("page_end" in op):
        raise _fail(path, where, "give both page_start and page_end, or neither")
    if name == "add":
        if op["level"] not in _LEVELS:
            raise _fail(path, f"{where}.level", f"must be one of {', '.join(_LEVELS)}")
        if op["level"] != "goal" and "parent" not in op:
            raise _fail(path, f"{where}.parent", "missing (the id of the goal or strategy)")
        if op["level"] != "measure" and "label" not in op:
            raise _fail(path, f"{where}.label", "missing (e.g. 'Strategy 11')")
    if name == "split" and (not isinstance(op["into"], list) or len(op["into"]) < 2
                            or not all(isinstance(t, str) for t in op["into"])):
        raise _fail(path, f"{where}.into", "must be a list of at least two titles")


def _validate_hand_node(path: Path, where: str, node: Any, allow_children: bool) -> None:
    if not isinstance(node, dict):
        raise _fail(path, where, "must be a mapping with 'label' and 'title'")
    for key, value in node.items():
        if key not in _HAND_NODE_KEYS or (key == "strategies" and not allow_children):
            raise _fail(path, f"{where}.{key}", "unknown key (allowed: label, title"
                        + (", strategies)" if allow_children else ")"))
        if key != "strategies" and not isinstance(value, str):
            raise _fail(path, f"{where}.{key}", "must be a string")
    for key in ("label", "title"):
        if key not in node:
            raise _fail(path, f"{where}.{key}", "missing")
    children = node.get("strategies") or []
    if not isinstance(children, list):
        raise _fail(path, f"{where}.strategies", "must be a list")
    for k, child in enumerate(children):
        _validate_hand_node(path, f"{where}.strategies[{k}]", child, allow_children=False)


def _key_from_label(label: str, fallback: int) -> str:
    m = re.search(r"([0-9]+(?:\.[0-9A-Za-z]+)*)\s*$", label.translate(
        str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")))
    return m.group(1) if m else str(fallback)


def _hand_policy(entry: dict[str, Any]) -> Policy:
    policy = Policy(id=entry["id"], title=entry["title"],
                    short_name=entry.get("short_name", entry["title"][:40]), doc_id=None,
                    period=_str(entry.get("period")), issuing_body=entry.get("issuing_body"),
                    has_text=False, note=entry.get("note", HAND_NOTE))
    for i, goal in enumerate(entry.get("goals") or [], 1):
        node = RegistryNode(id="", level="goal", label=goal["label"], title=goal["title"],
                            doc_id=None, page_start=None, page_end=None,
                            key=_key_from_label(goal["label"], i))
        for k, child in enumerate(goal.get("strategies") or [], 1):
            node.children.append(RegistryNode(
                id="", level="strategy", label=child["label"], title=child["title"], doc_id=None,
                page_start=None, page_end=None, key=f"{node.key}.{_key_from_label(child['label'], k)}"))
        policy.goals.append(node)
    _renumber(policy)
    return policy


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


# -- corrections ----------------------------------------------------------------------------


def _find(policy: Policy, short_id: str) -> tuple[list[RegistryNode], RegistryNode] | None:
    """The sibling list holding the node, and the node, by id (with or without the policy)."""
    short_id = short_id.split(":", 1)[-1] if short_id.startswith(policy.id + ":") else short_id

    def search(nodes: list[RegistryNode]) -> tuple[list[RegistryNode], RegistryNode] | None:
        for node in nodes:
            if node.short_id == short_id:
                return nodes, node
            found = search(node.children)
            if found:
                return found
        return None

    return search(policy.goals)


def _apply_corrections(policy: Policy, corrections: list[dict[str, Any]]) -> list[str]:
    """Apply the reviewed corrections in order; ids refer to the tree as the previous
    corrections left it (so they match what ``policykb policies`` shows once applied)."""
    problems: list[str] = []
    for n, op in enumerate(corrections):
        name = op["op"]
        where = f"correction {n + 1} ({name} {op.get('id') or op.get('parent') or op.get('label')})"
        target = _find(policy, op["id"]) if "id" in op else None
        if "id" in op and target is None:
            problems.append(f"{where}: no node {op['id']!r} (the extraction changed?); skipped")
            continue
        if name == "retitle" and target:
            target[1].title = op["title"]
        elif name == "relabel" and target:
            target[1].label = op["label"]
            target[1].key = _key_from_label(op["label"], 0)
            target[1].positional = False
        elif name == "pages" and target:
            node = target[1]
            _set_primary(policy, node, (op["page_start"], 0, op["page_end"],
                                        policy.page_chars.get(op["page_end"], _END)))
            node.page_end = op["page_end"]
        elif name == "drop" and target:
            siblings, node = target
            index = siblings.index(node)
            if index > 0 and siblings[index - 1].spans and node.spans:
                previous = siblings[index - 1]  # the previous node now runs on over the gap
                p0, o0, _, _ = previous.spans[0]
                _set_primary(policy, previous, (p0, o0, node.spans[0][2], node.spans[0][3]))
            siblings.remove(node)
        elif name == "split" and target:
            siblings, node = target
            index = siblings.index(node)
            copies = [RegistryNode(id="", level=node.level, label=node.label, title=title,
                                   doc_id=node.doc_id, page_start=node.page_start,
                                   page_end=node.page_end, spans=node.spans[:1], key=node.key,
                                   positional=True) for title in op["into"]]
            siblings[index:index + 1] = copies
        elif name == "add":
            problem = _add(policy, op)
            if problem:
                problems.append(f"{where}: {problem}; skipped")
        _renumber(policy)
    return problems


def _add(policy: Policy, op: dict[str, Any]) -> str | None:
    level = op["level"]
    if level == "goal":
        siblings = policy.goals
    else:
        parent = _find(policy, op["parent"])
        if parent is None:
            return f"no parent node {op['parent']!r}"
        siblings = parent[1].children
    label = op.get("label", "")
    node = RegistryNode(id="", level=level, label=label, title=op["title"], doc_id=policy.doc_id,
                        page_start=None, page_end=None,
                        key=_key_from_label(label, len(siblings) + 1) if label else "",
                        positional=not label)
    if "page_start" in op:
        _set_primary(policy, node, (op["page_start"], 0, op["page_end"],
                                    policy.page_chars.get(op["page_end"], _END)))
        node.page_end = op["page_end"]
    if "after" in op:
        after = next((i for i, s in enumerate(siblings) if s.short_id == op["after"]), None)
        if after is None:
            return f"no sibling {op['after']!r} to add after"
        siblings.insert(after + 1, node)
    else:
        siblings.append(node)
    return None


# -- building the registry ------------------------------------------------------------------


def _match(entry: dict[str, Any], docs: list[DocumentRecord]) -> tuple[DocumentRecord | None, str | None]:
    patterns = entry["match"] if isinstance(entry["match"], list) else [entry["match"]]
    for pattern in patterns:
        found = [d for d in docs if fnmatch.fnmatchcase(d.doc_id.lower(), pattern.lower())]
        if found:
            note = (f"{len(found)} documents match {pattern!r}; used {found[0].doc_id}"
                    if len(found) > 1 else None)
            return found[0], note
    return None, None


def build_registry(catalog: Catalog, reviewed_path: Path) -> PolicyRegistry:
    """Extract every indexed policy document, apply the reviewed file, add hand-entered policies.

    Reviewed policies come first, in the file's order, then other ``policy`` documents whose
    text shows a structure. Disagreements are logged as warnings naming the policy and kept on
    ``Policy.warnings``. A malformed reviewed file raises ValueError naming the file and key.
    """
    started = time.perf_counter()
    entries: list[dict[str, Any]] = []
    if reviewed_path.exists():
        entries = load_reviewed(reviewed_path)
    else:
        logger.warning("no reviewed policy registry at %s: extraction only", reviewed_path)
    docs = catalog.documents()
    policies: list[Policy] = []
    claimed: set[str] = set()
    for entry in entries:
        if not entry.get("has_text", True):
            policies.append(_hand_policy(entry))
            continue
        doc, ambiguity = _match(entry, docs)
        if doc is None:
            policies.append(Policy(
                id=entry["id"], title=entry["title"],
                short_name=entry.get("short_name", entry["title"][:40]), doc_id=None,
                period=_str(entry.get("period")), issuing_body=entry.get("issuing_body"),
                has_text=False, note=f"its document ({entry['match']}) is not indexed"))
            continue
        claimed.add(doc.doc_id)
        ext = parse_structure(catalog.pages_of(doc.doc_id))
        policy = _policy_from_extraction(
            doc, ext, policy_id=entry["id"], title=entry["title"],
            short_name=entry.get("short_name", entry["title"][:40]),
            period=_str(entry.get("period")) or doc.period,
            issuing_body=entry.get("issuing_body") or doc.issuing_body, note=entry.get("note"),
            measure_word=entry.get("measure_word"),
            measure_labels=entry.get("measure_labels", "per_strategy"))
        if ambiguity:
            policy.warnings.append(ambiguity)
        policy.warnings.extend(_apply_corrections(policy, entry.get("corrections") or []))
        policy.warnings.extend(_check(policy, entry.get("expected")))
        for warning in policy.warnings:
            logger.warning("policy registry: %s: %s", policy.id, warning)
        policies.append(policy)
    for doc in docs:
        if doc.doc_type != "policy" or doc.doc_id in claimed:
            continue
        found = extract_policy(doc, catalog.pages_of(doc.doc_id))
        if found is None or not any(n.level == "strategy" for n in found.walk()):
            continue
        for warning in found.warnings:
            logger.info("policy registry: %s (unreviewed): %s", found.id, warning)
        policies.append(found)
    seconds = time.perf_counter() - started
    logger.info("policy registry: %d policies built in %.0f ms", len(policies), seconds * 1000)
    return PolicyRegistry(policies, build_seconds=seconds)


class RegistryCache:
    """The registry for the catalog's current generation and the reviewed file's current
    version: rebuilt only when documents change or the reviewed file is edited."""

    def __init__(self, catalog: Catalog, reviewed_path: Path) -> None:
        self.catalog = catalog
        self.reviewed_path = reviewed_path
        self._lock = threading.Lock()
        self._key: tuple[str, tuple[int, int] | None] | None = None
        self._registry: PolicyRegistry | None = None
        self.builds = 0

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.reviewed_path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def current(self) -> PolicyRegistry:
        key = (self.catalog.generation(), self._stamp())
        registry = self._registry
        if registry is not None and key == self._key:
            return registry
        with self._lock:
            if self._registry is not None and key == self._key:
                return self._registry
            registry = build_registry(self.catalog, self.reviewed_path)
            self._registry, self._key = registry, key
            self.builds += 1
            return registry
