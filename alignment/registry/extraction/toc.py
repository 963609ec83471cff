"""The table of contents: recognised so it is not extracted, then used as a cross-check."""

from __future__ import annotations

import re
from collections import Counter

from alignment.registry.extraction.patterns import (
    DOT_LEADER,
    KEYWORD_HEADING,
    KEYWORDS,
    TOC_HEADING,
    TOC_PAGE_END,
    fold,
    num_key,
)
from alignment.registry.extraction.raw import RawNode, walk_raw


def is_toc_page(lines: list[str]) -> bool:
    leaders = sum(1 for ln in lines if DOT_LEADER.search(ln))
    heading = any(TOC_HEADING.match(ln) for ln in lines[:6])
    return leaders >= 3 or (heading and leaders >= 1)


def parse_toc(toc_pages: list[list[str]]) -> list[tuple[str, str, int | None, str]]:
    entries: list[tuple[str, str, int | None, str]] = []
    pending = ""
    for lines in toc_pages:
        for text in lines:
            leader = DOT_LEADER.search(text) or TOC_PAGE_END.search(text)
            if not leader:
                pending = (pending + " " + text).strip() if len(text.split()) <= 16 else ""
                continue
            entry = (pending + " " + text[: leader.start()]).strip()
            printed = re.search(r"([0-9]+)\s*\)?\s*$", text)
            pending = ""
            m = KEYWORD_HEADING.match(fold(entry))
            if m:
                level = KEYWORDS[m.group("kw").lower()]
                entries.append((level, num_key(m.group("num")), int(printed.group(1))
                                if printed else None, entry[m.start("title"):].strip()))
    return entries


def check_toc(nodes: list[RawNode], toc: list[tuple[str, str, int | None, str]],
              warnings: list[str]) -> None:
    """Cross-check against the table of contents: headings it lists that the text did not
    yield, truncated titles it can complete, and the printed-page offset."""
    found = {(n.level, n.key): n for n in walk_raw(nodes) if n.level in ("goal", "strategy")}
    offsets: list[tuple[int, RawNode]] = []
    for level, key, printed, title in toc:
        if level == "measure":
            continue
        node = found.get((level, key))
        if node is None:
            warnings.append(f"the table of contents lists {level} {key} ({title[:60]}), "
                            "but the text did not yield it")
            continue
        extra = title[len(node.title):].split()
        if (title and extra and title.lower().startswith(node.title.lower())
                and len(extra) <= 4 and not KEYWORD_HEADING.search(title[len(node.title):])):
            node.title = title  # the text's heading was cut short (a wrapped line)
        if printed is not None:
            offsets.append((node.page - printed, node))
    if offsets:
        usual = Counter(o for o, _ in offsets).most_common(1)[0][0]
        for offset, node in offsets:
            if abs(offset - usual) > 1:
                warnings.append(f"{node.label} starts on page {node.page}, but the table of "
                                f"contents puts it on printed page {node.page - offset} "
                                f"(usual offset {usual})")
