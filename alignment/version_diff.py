"""The alignment diff of a plan: what changed in its alignment from one version to another.

Each version's text (the old one from history, ``index/versions.py``) goes through the same
mechanism finder and aligner as ``policykb align``; the two reports are then compared
mechanism by mechanism. Mechanisms are matched by their normalised text, not their number (a
dropped mechanism renumbers the ones after it), then by closeness for a reworded one. For each
matched pair: the best strategy and its verdict before and after, and the evidence (cited
passages of the national policies) gained or lost.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

from alignment.aligner import Aligner, AlignmentReport, Progress
from alignment.citations import cite
from alignment.mechanisms import find_mechanisms
from alignment.registry.cache import RegistryCache
from alignment.service import align_plan
from alignment.types import MechanismAlignment, StrategyAlignment
from core.access import Access
from core.errors import NoMechanismsError
from core.models import pages_text
from index.catalog import Catalog
from index.version_diff import normalised, resolve
from index.versions import VersionStore

REWORDED = 0.75  # two mechanisms this close (difflib ratio of their normalised text) are one


@dataclass
class MechanismDelta:
    label: str  # its number in the version it is in
    text: str
    best: str | None = None  # "Strategy 7: ... (Policy)" and its verdict
    verdict: str | None = None


@dataclass
class MatchedDelta:
    label_from: str
    label_to: str
    text: str  # as the new version words it
    text_from: str | None = None  # set when the mechanism was reworded
    best_from: str | None = None
    best_to: str | None = None
    verdict_from: str | None = None
    verdict_to: str | None = None
    evidence_gained: list[str] = field(default_factory=list)  # cited quotes
    evidence_lost: list[str] = field(default_factory=list)

    @property
    def verdict_changed(self) -> bool:
        return (self.best_from, self.verdict_from) != (self.best_to, self.verdict_to)


@dataclass
class AlignmentDiff:
    doc_id: str
    from_version: int
    to_version: int
    added: list[MechanismDelta]
    dropped: list[MechanismDelta]
    changed: list[MatchedDelta]  # verdict or evidence differ
    unchanged: int
    newly_unaddressed: list[str]  # national strategies no mechanism addresses any more
    newly_addressed: list[str]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for item, source in zip(out["changed"], self.changed, strict=True):
            item["verdict_changed"] = source.verdict_changed
        return out


def alignment_diff(catalog: Catalog, aligner: Aligner, registry: RegistryCache, doc_id: str,
                   from_version: int | None = None, to_version: int | None = None,
                   progress: Progress | None = None,
                   access: Access | None = None) -> AlignmentDiff:
    """Align both versions of a plan and compare the two reports (against the policies
    ``access`` lets the caller read; default: all)."""
    access = access or Access.everything()
    store = VersionStore(catalog)
    old_n, new_n = resolve(store, doc_id, from_version, to_version)
    old = _report(catalog, aligner, registry, store, doc_id, old_n, progress, access)
    new = _report(catalog, aligner, registry, store, doc_id, new_n, progress, access)
    if not old.mechanisms and not new.mechanisms:
        raise NoMechanismsError(f"no numbered mechanisms found in version {old_n} or {new_n} "
                                f"of {doc_id}")
    pairs, dropped, added = match_mechanisms(old.mechanisms, new.mechanisms)
    changed, unchanged = [], 0
    for before, after in pairs:
        delta = _compare(before, after, old, new)
        if delta.verdict_changed or delta.evidence_gained or delta.evidence_lost:
            changed.append(delta)
        else:
            unchanged += 1
    gaps_old = {u["strategy"] + f" ({u['policy']})" for u in old.unaddressed}
    gaps_new = {u["strategy"] + f" ({u['policy']})" for u in new.unaddressed}
    return AlignmentDiff(doc_id, old_n, new_n, [_delta(m) for m in added],
                         [_delta(m) for m in dropped], changed, unchanged,
                         sorted(gaps_new - gaps_old), sorted(gaps_old - gaps_new))


def _report(catalog: Catalog, aligner: Aligner, registry: RegistryCache, store: VersionStore,
            doc_id: str, version: int, progress: Progress | None,
            access: Access) -> AlignmentReport:
    mechanisms = find_mechanisms(pages_text(store.pages(doc_id, version)))
    return align_plan(catalog, aligner, registry, f"{doc_id} version {version}", mechanisms,
                      doc_id, progress, access=access)


def match_mechanisms(old: list[MechanismAlignment], new: list[MechanismAlignment]) -> tuple[
        list[tuple[MechanismAlignment, MechanismAlignment]], list[MechanismAlignment],
        list[MechanismAlignment]]:
    """(pairs, dropped, added): same normalised text first, then the closest reworded."""
    keys_old = [normalised(m.text) for m in old]
    keys_new = [normalised(m.text) for m in new]
    pairs: dict[int, int] = {}
    for j, key in enumerate(keys_new):
        for i, other in enumerate(keys_old):
            if i not in pairs and key == other:
                pairs[i] = j
                break
    free_new = [j for j in range(len(new)) if j not in pairs.values()]
    for i in (i for i in range(len(old)) if i not in pairs):
        scored = [(difflib.SequenceMatcher(None, keys_old[i], keys_new[j]).ratio(), j)
                  for j in free_new]
        if scored and max(scored)[0] >= REWORDED:
            j = max(scored)[1]
            pairs[i] = j
            free_new.remove(j)
    matched = [(old[i], new[j]) for i, j in sorted(pairs.items(), key=lambda p: p[1])]
    dropped = [m for i, m in enumerate(old) if i not in pairs]
    added = [new[j] for j in free_new]
    return matched, dropped, added


def _best(mechanism: MechanismAlignment) -> StrategyAlignment | None:
    return mechanism.alignments[0] if mechanism.alignments else None


def _name(a: StrategyAlignment | None) -> str | None:
    return f"{a.strategy} ({a.policy})" if a else None


def _delta(m: MechanismAlignment) -> MechanismDelta:
    best = _best(m)
    return MechanismDelta(m.label, m.text, _name(best), best.verdict if best else None)


def _evidence(m: MechanismAlignment, report: AlignmentReport) -> dict[tuple[str, int, str], str]:
    """Each quote the mechanism cites (across its strategies), keyed by place and text."""
    out: dict[tuple[str, int, str], str] = {}
    for a in m.alignments:
        if a.verdict == "none":
            continue
        for e in a.evidence:
            key = (e.doc_id, e.page, " ".join(e.quote.split()))
            out[key] = f"{a.strategy}: \"{key[2][:160]}\" — {cite(e, report.sources.get(e.doc_id))}"
    return out


def _compare(before: MechanismAlignment, after: MechanismAlignment, old: AlignmentReport,
             new: AlignmentReport) -> MatchedDelta:
    best_a, best_b = _best(before), _best(after)
    ev_a, ev_b = _evidence(before, old), _evidence(after, new)
    return MatchedDelta(
        before.label, after.label, after.text,
        before.text if normalised(before.text) != normalised(after.text) else None,
        _name(best_a), _name(best_b), best_a.verdict if best_a else None,
        best_b.verdict if best_b else None,
        [ev_b[k] for k in ev_b if k not in ev_a], [ev_a[k] for k in ev_a if k not in ev_b])


def to_markdown(diff: AlignmentDiff) -> str:
    """The alignment diff as Markdown (``policykb diff --format md`` on a plan)."""
    lines = [f"## Alignment: version {diff.from_version} → version {diff.to_version}", "",
             f"{len(diff.added)} mechanism(s) added, {len(diff.dropped)} dropped, "
             f"{len(diff.changed)} changed, {diff.unchanged} unchanged.", ""]
    lines += [f"- **added** {m.label}. {m.text} → {m.best or 'no strategy'} ({m.verdict or '—'})"
              for m in diff.added]
    lines += [f"- **dropped** {m.label}. {m.text} (was {m.best or 'no strategy'}, "
              f"{m.verdict or '—'})" for m in diff.dropped]
    for c in diff.changed:
        head = f"- **changed** {c.label_from}→{c.label_to}. {c.text}"
        if c.text_from:
            head += f" (was worded: {c.text_from})"
        lines.append(head)
        if c.verdict_changed:
            lines.append(f"  - best strategy: {c.best_from} ({c.verdict_from}) → "
                         f"{c.best_to} ({c.verdict_to})")
        lines += [f"  - evidence gained: {e}" for e in c.evidence_gained[:3]]
        lines += [f"  - evidence lost: {e}" for e in c.evidence_lost[:3]]
    lines += [f"- national strategy no longer addressed: {s}" for s in diff.newly_unaddressed]
    lines += [f"- national strategy now addressed: {s}" for s in diff.newly_addressed]
    return "\n".join(lines) + "\n"
