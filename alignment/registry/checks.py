"""What extraction and review found questionable: annex rows against the text, strategies
without measures, counts against the reviewed ones."""

from __future__ import annotations

from alignment.registry.models import Policy
from alignment.registry.tree import display_end


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
        node.extra_pages = [(s[0], max(s[0], display_end(policy, s[2], s[3])))
                            for s in node.spans[1:]]
    return warnings


def check_policy(policy: Policy, expected: dict[str, int] | None) -> list[str]:
    """Warnings for a finished tree (after corrections): annex rows against the text,
    strategies without measures, and counts against the reviewed ``expected`` ones."""
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
            got = "/".join(str(counts[k]) for k in ("goals", "strategies", "measures")
                           if k in expected)
            want = "/".join(str(expected[k]) for k in ("goals", "strategies", "measures")
                            if k in expected)
            names = "/".join(k for k in ("goals", "strategies", "measures") if k in expected)
            warnings.append(f"extraction gives {got} {names}, the reviewed file expects {want}")
    return warnings
