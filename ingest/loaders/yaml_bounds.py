"""A bound on the size of parsed YAML, against alias ("billion laughs") bombs.

``yaml.safe_load`` builds aliases as shared references, so a 600-byte front matter can hold a
structure with hundreds of millions of leaves that costs nothing until something walks it —
``json.dumps``, ``str()`` or a metadata copy — and then takes the process down. Metadata is a
few dozen short values; anything with more nodes than this is refused before it is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.errors import DocumentParseError

MAX_YAML_NODES = 10_000


def check_yaml_size(data: Any, path: Path | str, what: str, limit: int = MAX_YAML_NODES) -> None:
    """Count nodes as a walker would see them (shared references counted each time); stop at ``limit``."""
    stack, seen = [data], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            raise DocumentParseError(
                path, f"{what} expands to more than {limit:,} values (a YAML alias bomb?)")
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set):
            stack.extend(node)
