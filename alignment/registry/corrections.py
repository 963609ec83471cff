"""The reviewed file's corrections, applied in order to an extracted policy tree.

Each correction names a node by the id ``policykb policies`` shows. Unnumbered measures are
renumbered after every correction, so an id refers to the tree as the corrections above it left
it. A correction whose node is gone (the document was re-issued) is skipped with a warning.
"""

from __future__ import annotations

from alignment.registry.models import END, Policy, RegistryNode
from alignment.registry.schema import (
    Add,
    Correction,
    Drop,
    Relabel,
    Retitle,
    SetPages,
    Split,
)
from alignment.registry.tree import key_from_label, renumber, set_primary

Found = tuple[list[RegistryNode], RegistryNode]


def find_node(policy: Policy, short_id: str) -> Found | None:
    """The sibling list holding the node, and the node, by id (with or without the policy)."""
    short_id = short_id.split(":", 1)[-1] if short_id.startswith(policy.id + ":") else short_id

    def search(nodes: list[RegistryNode]) -> Found | None:
        for node in nodes:
            if node.short_id == short_id:
                return nodes, node
            found = search(node.children)
            if found:
                return found
        return None

    return search(policy.goals)


def apply_corrections(policy: Policy, corrections: list[Correction]) -> list[str]:
    """Apply the reviewed corrections in order; ids refer to the tree as the previous
    corrections left it (so they match what ``policykb policies`` shows once applied)."""
    problems: list[str] = []
    for n, op in enumerate(corrections):
        where = f"correction {n + 1} ({op.op} {op.subject})"
        if isinstance(op, Add):
            problem = _add(policy, op)
            if problem:
                problems.append(f"{where}: {problem}; skipped")
        else:
            target = find_node(policy, op.id)
            if target is None:
                problems.append(f"{where}: no node {op.id!r} (the extraction changed?); skipped")
                continue
            _edit(policy, op, *target)
        renumber(policy)
    return problems


def _edit(policy: Policy, op: Correction, siblings: list[RegistryNode],
          node: RegistryNode) -> None:
    if isinstance(op, Retitle):
        node.title = op.title
    elif isinstance(op, Relabel):
        node.label = op.label
        node.key = key_from_label(op.label, 0)
        node.positional = False
    elif isinstance(op, SetPages):
        set_primary(policy, node, (op.page_start, 0, op.page_end,
                                   policy.page_chars.get(op.page_end, END)))
        node.page_end = op.page_end
    elif isinstance(op, Drop):
        index = siblings.index(node)
        if index > 0 and siblings[index - 1].spans and node.spans:
            previous = siblings[index - 1]  # the previous node now runs on over the gap
            p0, o0, _, _ = previous.spans[0]
            set_primary(policy, previous, (p0, o0, node.spans[0][2], node.spans[0][3]))
        siblings.remove(node)
    elif isinstance(op, Split):
        index = siblings.index(node)
        copies = [RegistryNode(id="", level=node.level, label=node.label, title=title,
                               doc_id=node.doc_id, page_start=node.page_start,
                               page_end=node.page_end, spans=node.spans[:1], key=node.key,
                               positional=True) for title in op.into]
        siblings[index:index + 1] = copies


def _add(policy: Policy, op: Add) -> str | None:
    if op.level == "goal":
        siblings = policy.goals
    else:
        parent = find_node(policy, op.parent or "")
        if parent is None:
            return f"no parent node {op.parent!r}"
        siblings = parent[1].children
    label = op.label or ""
    node = RegistryNode(id="", level=op.level, label=label, title=op.title,
                        doc_id=policy.doc_id, page_start=None, page_end=None,
                        key=key_from_label(label, len(siblings) + 1) if label else "",
                        positional=not label)
    if op.page_start is not None and op.page_end is not None:
        set_primary(policy, node, (op.page_start, 0, op.page_end,
                                   policy.page_chars.get(op.page_end, END)))
        node.page_end = op.page_end
    if op.after is not None:
        after = next((i for i, s in enumerate(siblings) if s.short_id == op.after), None)
        if after is None:
            return f"no sibling {op.after!r} to add after"
        siblings.insert(after + 1, node)
    else:
        siblings.append(node)
    return None
