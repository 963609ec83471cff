"""``parse_structure``: one document's goals, strategies and measures, cleaned up and labelled."""

from __future__ import annotations

from collections.abc import Sequence

from alignment.registry.extraction.matrix import parse_matrices
from alignment.registry.extraction.pages import prepare_lines
from alignment.registry.extraction.parser import StructureParser
from alignment.registry.extraction.raw import Extraction, Line, PageLike, RawNode, walk_raw
from alignment.registry.extraction.toc import check_toc, parse_toc


def parse_structure(pages: Sequence[PageLike]) -> Extraction:
    """Goals, strategies and measures of one document, with exact spans (see the module doc)."""
    lines, toc_pages, first = prepare_lines(pages)
    parser = StructureParser(lines)
    nodes = parser.run()
    page_chars = {p.page: len(p.text) for p in pages}
    warnings = list(parser.warnings)
    nodes = _drop_duplicates(nodes, page_chars, warnings)
    measure_word = _measure_word(lines, nodes)
    _label_nodes(nodes, measure_word)
    toc = parse_toc(toc_pages)
    check_toc(nodes, toc, warnings)
    return Extraction(nodes=nodes, measure_word=measure_word, matrix=parse_matrices(lines),
                      warnings=warnings, page_chars=page_chars, first_content=first,
                      toc_entries=toc)


def _label_nodes(nodes: list[RawNode], measure_word: str) -> None:
    for node in walk_raw(nodes):
        if node.level == "strategy" and not node.label:
            node.label = f"Measure group {node.key}"
        for k, child in enumerate(node.children, 1):
            if child.level != "measure":
                continue
            if child.positional:
                child.key = f"{node.key}.{k}"
                child.label = f"{measure_word} {child.key}"
            elif not child.label:
                child.label = f"{measure_word} {child.key}"


def _drop_duplicates(nodes: list[RawNode], page_chars: dict[int, int],
                     warnings: list[str]) -> list[RawNode]:
    """When a goal or strategy opens twice (a summary list, then the section), keep the
    occurrence with the longer span."""
    base: dict[int, int] = {}
    total = 0
    for page in sorted(page_chars):
        base[page] = total
        total += page_chars[page] + 1

    def length(node: RawNode) -> int:
        start = base.get(node.page, 0) + node.offset
        end_page, end_off = node.end or (node.page, node.offset)
        end = base.get(end_page, total) + min(end_off, page_chars.get(end_page, 0))
        return end - start

    seen: dict[tuple[str, str], list[RawNode]] = {}
    for node in walk_raw(nodes):
        if node.level in ("goal", "strategy"):
            seen.setdefault((node.level, node.key), []).append(node)
    drop: set[int] = set()
    for (level, key), found in seen.items():
        if len(found) > 1:
            keep = max(found, key=length)
            drop.update(id(n) for n in found if n is not keep)
            warnings.append(f"{level} {key} appears {len(found)} times; kept the one on page "
                            f"{keep.page}")

    def prune(items: list[RawNode]) -> list[RawNode]:
        kept = [n for n in items if id(n) not in drop]
        for n in kept:
            n.children = prune(n.children)
        return kept

    return prune(nodes)


def _measure_word(lines: list[Line], nodes: list[RawNode]) -> str:
    """What the document calls its measures, from the words used inside its structure."""
    if nodes:
        start = (nodes[0].page, nodes[0].offset)
        end = nodes[-1].end or (10**9, 0)
        lines = [ln for ln in lines if start <= (ln.page, ln.start) < end]
    text = " ".join(ln.fold.lower() for ln in lines)
    priority = text.count("priority action")
    policy = text.count("policy measure")
    counts = {
        "Priority action": priority,
        "Policy measure": policy,
        "Measure": text.count("measure") - policy,
        "Action": text.count("action") - priority,
        "វិធានការ": text.count("វិធានការ"),
    }
    best = max(counts.values())
    if best == 0:
        return "Measure"
    # specific phrases win over the generic words they contain when they are used at all
    if priority and priority * 2 >= counts["Measure"]:
        return "Priority action"
    if policy and policy * 2 >= counts["Action"]:
        return "Policy measure"
    return next(word for word, n in counts.items() if n == best)
