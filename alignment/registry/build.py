"""Building the registry: every indexed policy document extracted, the reviewed file applied,
hand-entered policies added."""

from __future__ import annotations

import fnmatch
import logging
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from alignment.registry.checks import check_policy
from alignment.registry.corrections import apply_corrections
from alignment.registry.extraction import parse_structure
from alignment.registry.models import AUTO_NOTE, HAND_NOTE, Policy, PolicyRegistry, RegistryNode
from alignment.registry.reviewed import load_reviewed
from alignment.registry.schema import ReviewedFile, ReviewedPolicy
from alignment.registry.tree import key_from_label, policy_from_extraction, renumber
from core.models import DocumentRecord, PageRecord

if TYPE_CHECKING:
    from index.catalog import Catalog

logger = logging.getLogger(__name__)


def build_registry(catalog: Catalog, reviewed_path: Path) -> PolicyRegistry:
    """Extract every indexed policy document, apply the reviewed file, add hand-entered policies.

    Reviewed policies come first, in the file's order, then other ``policy`` documents whose
    text shows a structure. Disagreements are logged as warnings naming the policy and kept on
    ``Policy.warnings``. A malformed reviewed file raises ``RegistryFileError`` naming the file
    and the key path.
    """
    started = time.perf_counter()
    reviewed = ReviewedFile()
    if reviewed_path.exists():
        reviewed = load_reviewed(reviewed_path)
    else:
        logger.warning("no reviewed policy registry at %s: extraction only", reviewed_path)
    docs = catalog.documents()
    policies: list[Policy] = []
    claimed: set[str] = set()
    for entry in reviewed.policies:
        if not entry.has_text:
            policies.append(_hand_policy(entry))
            continue
        doc, ambiguity = _match(entry, docs)
        if doc is None:
            policies.append(Policy(
                id=entry.id, title=entry.title, short_name=entry.display_short_name, doc_id=None,
                period=entry.period, issuing_body=entry.issuing_body, has_text=False,
                note=f"its document ({entry.match}) is not indexed"))
            continue
        claimed.add(doc.doc_id)
        policy = _reviewed_policy(entry, doc, catalog.pages_of(doc.doc_id), ambiguity)
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


def extract_policy(doc: DocumentRecord, pages: list[PageRecord]) -> Policy | None:
    """A policy's goals, strategies and measures from its pages' headings and numbering.

    Returns None when the text shows no goal or strategy structure. The result is unreviewed:
    ``build_registry`` applies the reviewed file's corrections on top of this.
    """
    ext = parse_structure(pages)
    if not ext.nodes:
        return None
    policy = policy_from_extraction(
        doc, ext, policy_id=_slug(Path(doc.doc_id.split("#", 1)[0]).stem), title=doc.title,
        short_name=doc.title[:40], period=doc.period, issuing_body=doc.issuing_body,
        note=AUTO_NOTE, measure_word=None, measure_labels="per_strategy")
    policy.warnings.extend(check_policy(policy, expected=None))
    return policy


def _reviewed_policy(entry: ReviewedPolicy, doc: DocumentRecord, pages: list[PageRecord],
                     ambiguity: str | None) -> Policy:
    """Extraction, named as the entry says, then its corrections, then the checks."""
    policy = policy_from_extraction(
        doc, parse_structure(pages), policy_id=entry.id, title=entry.title,
        short_name=entry.display_short_name, period=entry.period or doc.period,
        issuing_body=entry.issuing_body or doc.issuing_body, note=entry.note,
        measure_word=entry.measure_word, measure_labels=entry.measure_labels)
    policy.level_words = {level: tuple(words) for level, words in entry.level_words.items()}
    if ambiguity:
        policy.warnings.append(ambiguity)
    policy.warnings.extend(apply_corrections(policy, entry.corrections))
    policy.warnings.extend(check_policy(policy, entry.expected.as_dict()
                                        if entry.expected is not None else None))
    return policy


def _hand_policy(entry: ReviewedPolicy) -> Policy:
    policy = Policy(id=entry.id, title=entry.title, short_name=entry.display_short_name,
                    doc_id=None, period=entry.period, issuing_body=entry.issuing_body,
                    has_text=False, note=entry.note if entry.note is not None else HAND_NOTE,
                    level_words={level: tuple(words) for level, words in entry.level_words.items()})
    for i, goal in enumerate(entry.goals, 1):
        node = RegistryNode(id="", level="goal", label=goal.label, title=goal.title,
                            doc_id=None, page_start=None, page_end=None,
                            key=key_from_label(goal.label, i))
        for k, child in enumerate(goal.strategies, 1):
            node.children.append(RegistryNode(
                id="", level="strategy", label=child.label, title=child.title, doc_id=None,
                page_start=None, page_end=None,
                key=f"{node.key}.{key_from_label(child.label, k)}"))
        policy.goals.append(node)
    renumber(policy)
    return policy


def _match(entry: ReviewedPolicy,
           docs: list[DocumentRecord]) -> tuple[DocumentRecord | None, str | None]:
    """The first document a glob of the entry matches (case-insensitive), and a note when
    several do."""
    match = entry.match or []
    patterns = match if isinstance(match, list) else [match]
    for pattern in patterns:
        found = [d for d in docs if fnmatch.fnmatchcase(d.doc_id.lower(), pattern.lower())]
        if found:
            note = (f"{len(found)} documents match {pattern!r}; used {found[0].doc_id}"
                    if len(found) > 1 else None)
            return found[0], note
    return None, None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "policy"
