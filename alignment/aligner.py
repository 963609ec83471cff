"""Policy alignment: for each mechanism of a plan, which national strategies it serves, with
cited evidence, a score and a verdict; mechanisms nothing supports are gaps, and national
strategies the plan does not address are listed too.

A strategy's score combines two kinds of evidence: how close the mechanism is in meaning to
the strategy's own title (policies name their strategies precisely), and the best passage of
that strategy's section that the hybrid search finds for the mechanism (its best sentence,
scored lexically and, where the embedder reads it, densely). Hand-entered policies without
indexed text are judged on their titles alone and never called "strong".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from alignment.mechanisms import Mechanism
from alignment.registry.models import Policy, PolicyRegistry, RegistryNode
from core.models import ChunkRecord
from index.evidence import score_sentences, sentences_of
from index.search_types import Hit, ScoreBreakdown
from index.searcher import Searcher
from index.sparse import SparseIndex

STRONG = 0.55
PARTIAL = 0.42
TITLE_WEIGHT = 0.45
_BOILERPLATE = re.compile(r"\bmechanisms?\b|យន្តការ", re.IGNORECASE)


@dataclass
class EvidenceQuote:
    doc_id: str
    page: int
    quote: str
    start: int
    end: int


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
    note: str | None = None


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def verdict(score: float, has_text: bool = True) -> str:
    if score >= STRONG and has_text:
        return "strong"
    return "partial" if score >= PARTIAL else "none"


def strategy_name(node: RegistryNode) -> str:
    return f"{node.label}: {node.title}" if node.title else node.label


class Aligner:
    """Ranks registry strategies for each mechanism; dependencies are passed in.

    Every chunk of every policy with text is scored against the mechanism (BM25 normalised
    by the query's own weight, and cosine similarity of stored vectors where the embedder
    reads the chunk), so each strategy is judged on its whole section, not only on what a
    top-k search happened to return.
    """

    def __init__(self, searcher: Searcher, sparse: Callable[[], SparseIndex],
                 embed: Callable[[list[str]], np.ndarray],
                 split_sentences: Callable[[str], list[tuple[int, int]]],
                 catalog: Any, store: Any, *, keep: int = 5) -> None:
        self.searcher = searcher
        self.sparse = sparse
        self.embed = embed
        self.split_sentences = split_sentences
        self.catalog = catalog
        self.store = store
        self.keep = keep
        self._title_vectors: dict[str, np.ndarray] = {}
        self._sections: tuple[Any, _Sections] | None = None

    def align(self, document: str, mechanisms: list[Mechanism],
              registry: PolicyRegistry) -> AlignmentReport:
        targets = registry.strategies(include_untexted=True)
        sections = self._policy_sections(registry, targets)
        results = [self._align_one(m, targets, sections) for m in mechanisms]
        best: dict[str, float] = {}
        for mechanism in results:
            for a in mechanism.alignments:
                best[a.strategy_id] = max(best.get(a.strategy_id, 0.0), a.score)
        unaddressed = [{"policy": p.title, "strategy": strategy_name(n), "strategy_id": n.id}
                       for p, n in targets if p.has_text and best.get(n.id, 0.0) < PARTIAL]
        policies = [{"id": p.id, "title": p.title, "has_text": p.has_text, "note": p.note}
                    for p in registry.policies]
        return AlignmentReport(document, results, unaddressed, policies)

    def _policy_sections(self, registry: PolicyRegistry,
                         targets: list[tuple[Policy, RegistryNode]]) -> _Sections:
        """Chunks of each strategy's section, with their vectors; cached per registry."""
        if self._sections is not None and self._sections[0] is registry:
            return self._sections[1]
        owner = _strategy_owner(targets)
        chunks: list[ChunkRecord] = []
        strategy_of: list[str] = []
        for doc_id in sorted({p.doc_id for p, _ in targets if p.has_text and p.doc_id}):
            for chunk in self.catalog.chunks_of(doc_id):
                # the chunk belongs where its middle is (its first characters may be the
                # heading marks just before the node's own span begins)
                found = registry.node_for_page(doc_id, chunk.page, (chunk.start + chunk.end) // 2)
                strategy = owner.get(found[1].id) if found else None
                if strategy is not None:
                    chunks.append(chunk)
                    strategy_of.append(strategy.id)
        vectors = self.store.vectors([c.chunk_id for c in chunks]) if chunks else {}
        dim = len(next(iter(vectors.values()))) if vectors else 0
        matrix = np.stack([vectors.get(c.chunk_id, np.zeros(dim, np.float32)) for c in chunks]) \
            if chunks else np.zeros((0, 0), np.float32)
        sections = _Sections(chunks, strategy_of, matrix)
        self._sections = (registry, sections)
        return sections

    def _align_one(self, mechanism: Mechanism, targets: list[tuple[Policy, RegistryNode]],
                   sections: _Sections) -> MechanismAlignment:
        query_text = " ".join(_BOILERPLATE.sub(" ", mechanism.text).split()) or mechanism.text
        query = self.searcher.analyze(query_text)
        query_vector = self.searcher.query_vector(query)
        title_sims = self._title_similarities(targets, query_vector)
        chunk_scores = self._chunk_scores(query, query_vector, sections)
        raw: list[tuple[Policy, RegistryNode, float, float, float, list[EvidenceQuote]]] = []
        for policy, node in targets:
            rows = [i for i, sid in enumerate(sections.strategy_of) if sid == node.id]
            rows.sort(key=lambda i: -chunk_scores[i])
            evidence_sim = float(chunk_scores[rows[0]]) if rows else 0.0
            title_sim = title_sims.get(node.id, 0.0)
            if policy.has_text:
                absolute = TITLE_WEIGHT * title_sim + (1 - TITLE_WEIGHT) * evidence_sim
            else:
                absolute = title_sim * 0.85  # a title alone is weaker evidence than text
            raw.append((policy, node, absolute, title_sim, evidence_sim,
                        self._quotes(query, query_vector, [sections.chunks[i] for i in rows[:2]])))
        standing = _standing([r[2] for r in raw], [r[0].id for r in raw])
        alignments = []
        for (policy, node, absolute, title_sim, evidence_sim, evidence), z in zip(raw, standing, strict=True):
            # standing out lifts a weak-looking match; a strong match needs no lift (a policy
            # entirely about the mechanism's topic has no single strategy standing out)
            relative = 0.5 * absolute + 0.5 * min(1.0, max(0.0, z / 4))
            score = float(min(1.0, max(0.0, absolute, relative)))
            alignments.append(StrategyAlignment(
                policy=policy.title, policy_id=policy.id, strategy=strategy_name(node),
                strategy_id=node.id, score=round(score, 3),
                verdict=verdict(score, policy.has_text), evidence=evidence,
                title_similarity=round(title_sim, 3), evidence_similarity=round(evidence_sim, 3),
                note=None if policy.has_text else (policy.note or "entered by hand; no indexed text backs it")))
        alignments.sort(key=lambda a: -a.score)
        shown = [a for a in alignments if a.verdict != "none"][: self.keep] or alignments[:1]
        gap = all(a.verdict == "none" for a in alignments if a.note is None)
        return MechanismAlignment(mechanism.label, mechanism.text, shown, gap)

    def _chunk_scores(self, query: Any, query_vector: np.ndarray | None,
                      sections: _Sections) -> np.ndarray:
        n = len(sections.chunks)
        if n == 0:
            return np.zeros(0, np.float32)
        index = self.sparse()
        scores = index.normalized_scores(query.terms)
        if query.translated_terms:
            scores = np.maximum(scores, query.coverage * index.normalized_scores(query.translated_terms))
        rows = [index.row_of(c.chunk_id) for c in sections.chunks]
        lexical = np.array([min(1.0, float(scores[r])) if r is not None else 0.0 for r in rows],
                           dtype=np.float32)
        readable = self.searcher.embedder.languages | {"mixed"}
        if query_vector is None or sections.matrix.size == 0:
            return lexical
        dense = sections.matrix @ query_vector
        is_readable = np.array([c.language in readable for c in sections.chunks])
        dense = np.where(is_readable, dense, lexical)
        return 0.6 * dense + 0.4 * lexical

    def _title_similarities(self, targets: list[tuple[Policy, RegistryNode]],
                            query_vector: np.ndarray | None) -> dict[str, float]:
        if query_vector is None:
            return {}
        missing = [n for _, n in targets if n.id not in self._title_vectors]
        if missing:
            vectors = self.embed([n.title or n.label for n in missing])
            for node, vector in zip(missing, vectors, strict=True):
                self._title_vectors[node.id] = vector
        return {n.id: float(np.dot(self._title_vectors[n.id], query_vector)) for _, n in targets}

    def _quotes(self, query: Any, query_vector: np.ndarray | None,
                chunks: list[ChunkRecord]) -> list[EvidenceQuote]:
        """The best sentence of each of the strategy's best passages: exact, citable spans."""
        if not chunks:
            return []
        hits = [_as_hit(c) for c in chunks]
        sentences = sentences_of(hits, self.split_sentences, self.searcher.analyzer)
        index = self.sparse()
        score_sentences(sentences, query, index.idf, self.embed, query_vector,
                        self.searcher.embedder.languages, {h.chunk_id: i for i, h in enumerate(hits)},
                        max_embedded=12, unknown_idf=index.max_idf())
        quotes: list[EvidenceQuote] = []
        for hit in hits:
            own = [s for s in sentences if s.hit is hit]
            if own:
                best = max(own, key=lambda s: 0.6 * s.dense + 0.4 * s.lexical)
                if all((q.doc_id, q.page, q.start) != (hit.doc_id, hit.page, best.start) for q in quotes):
                    quotes.append(EvidenceQuote(hit.doc_id, hit.page, best.text, best.start, best.end))
        return quotes


@dataclass
class _Sections:
    chunks: list[ChunkRecord]
    strategy_of: list[str]
    matrix: np.ndarray


def _as_hit(chunk: ChunkRecord) -> Hit:
    return Hit(chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title="", doc_type="policy",
               language=chunk.language, doc_language=chunk.language, date=None, issuing_body=None,
               page=chunk.page, start=chunk.start, end=chunk.end, heading=chunk.heading,
               text=chunk.text, snippet="", highlights=[], scores=ScoreBreakdown(fused=0.0))


def _standing(scores: list[float], groups: list[str]) -> list[float]:
    """How far each strategy stands above the other strategies of the same policy for this
    mechanism (a z-score per policy). Similarities of a small English model fall in a narrow
    band; what marks the strategy of a policy that a mechanism serves is how much it stands
    out from that policy's other strategies."""
    out = [0.0] * len(scores)
    for group in dict.fromkeys(groups):
        idx = [i for i, g in enumerate(groups) if g == group]
        if len(idx) < 3:
            continue
        values = np.array([scores[i] for i in idx])
        std = float(values.std()) or 1.0
        for i in idx:
            out[i] = (scores[i] - float(values.mean())) / std
    return out


def _strategy_owner(targets: list[tuple[Policy, RegistryNode]]) -> dict[str, RegistryNode]:
    """Every node id -> the strategy (alignment target) it belongs to."""
    owner: dict[str, RegistryNode] = {}
    for _, node in targets:
        for inner in node.walk():
            owner[inner.id] = node
    return owner
