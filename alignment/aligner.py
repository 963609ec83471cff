"""Policy alignment: for each mechanism of a plan, which national strategies it serves, with
cited evidence, a score and a verdict; mechanisms nothing supports are gaps, and national
strategies the plan does not address are listed too.

A strategy's score combines two kinds of evidence: how close the mechanism is in meaning to
the strategy's own title (policies name their strategies precisely), and the best passage of
that strategy's section that the hybrid search finds for the mechanism (its best sentence,
scored lexically and, where the embedder reads it, densely). Hand-entered policies without
indexed text are judged on their titles alone, never called "strong", and rank after every
strategy with evidence: they are context, not findings.

A mechanism is matched in its own words and in its synonyms' (``alignment.synonyms``: the plan
says "cybersecurity", the policy "digital security"): a passage's words and a strategy's title
are compared with every wording, the best counting, a synonym's at 0.9; a passage's meaning
(its stored vector) is compared with the plan's own words only.

Titles and the sentences a quote may be cut from are embedded through
``alignment.precompute.TextVectors`` (once per index generation, kept beside the index), so a
request embeds only the plan's own words; ``prepare`` embeds all of them ahead of a request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from alignment import scoring
from alignment.cited_sources import cited_sources
from alignment.mechanisms import Mechanism
from alignment.precompute import TextVectors
from alignment.quotes import best_quotes, candidate_texts
from alignment.registry.access import hidden_policies
from alignment.registry.models import Policy, PolicyRegistry, RegistryNode
from alignment.sections import Sections, build_sections
from alignment.synonyms import Synonyms
from alignment.table_rows import RowIndex
from alignment.types import (
    PARTIAL,
    STRONG,
    AlignmentReport,
    EvidenceQuote,
    MechanismAlignment,
    StrategyAlignment,
    TableRow,
    strategy_name,
    verdict,
)
from core.access import Access
from core.models import ChunkRecord
from index.query import AnalyzedQuery
from index.searcher import Searcher
from index.sparse import SparseIndex

__all__ = ["PARTIAL", "STRONG", "Aligner", "AlignmentReport", "EvidenceQuote",
           "MechanismAlignment", "StrategyAlignment", "TableRow", "strategy_name", "verdict"]

TITLE_WEIGHT = 0.45
SYNONYM_WEIGHT = 0.9  # a synonym's wording is trusted a little less than the plan's own
_BOILERPLATE = re.compile(r"\bmechanisms?\b|យន្តការ", re.IGNORECASE)

#: Told ``(done, total, mechanism)`` before the first mechanism and after each one; it may
#: raise to stop the alignment between mechanisms (a cancelled request, a passed deadline).
Progress = Callable[[int, int, Mechanism], None]
ALL = Access.everything()


@dataclass
class _Wording:
    """One way of saying the mechanism: its own text or a synonym variant."""

    weight: float
    query: AnalyzedQuery
    vector: np.ndarray | None


class Aligner:
    """Ranks registry strategies for each mechanism; dependencies are passed in.

    Every chunk of every policy with text is scored against the mechanism (BM25 normalised
    by the query's own weight, and cosine similarity of stored vectors where the embedder
    reads the chunk), so each strategy is judged on its whole section, not only on what a
    top-k search happened to return. ``synonyms`` gives the mechanism's other wordings.
    """

    def __init__(self, searcher: Searcher, sparse: Callable[[], SparseIndex],
                 embed: Callable[[list[str]], np.ndarray],
                 split_sentences: Callable[[str], list[tuple[int, int]]],
                 catalog: Any, store: Any, *, keep: int = 5,
                 synonyms: Synonyms | None = None, vectors: TextVectors | None = None) -> None:
        self.searcher = searcher
        self.sparse = sparse
        self.embed = embed
        self.split_sentences = split_sentences
        self.catalog = catalog
        self.store = store
        self.keep = keep
        self.synonyms = synonyms
        self.vectors = vectors if vectors is not None else TextVectors(embed)
        self.runs = 0  # alignments computed: a download of a stored result must not add one
        self._sections: tuple[Any, Sections] | None = None

    def align(self, document: str, mechanisms: list[Mechanism],
              registry: PolicyRegistry, progress: Progress | None = None,
              access: Access = ALL) -> AlignmentReport:
        """``access``: the caller's collections. The sections are prepared for the whole
        registry (cached for every caller), but the strategies of a policy whose document the
        caller may not read are dropped before anything is scored: never ranked, quoted or
        listed as unaddressed, and the report's policies leave them out."""
        self.runs += 1
        everything = registry.strategies(include_untexted=True)
        sections = self._policy_sections(registry, everything)
        hidden = hidden_policies(registry.policies, self.catalog, access)
        targets = [(p, n) for p, n in everything if p.id not in hidden]
        results: list[MechanismAlignment] = []
        for done, item in enumerate(mechanisms):
            if progress is not None:
                progress(done, len(mechanisms), item)
            results.append(self._align_one(item, targets, sections))
        if progress is not None and mechanisms:
            progress(len(mechanisms), len(mechanisms), mechanisms[-1])
        self.vectors.save()  # what this plan made the model embed, for the next request
        best: dict[str, float] = {}
        for mechanism in results:
            for a in mechanism.alignments:
                best[a.strategy_id] = max(best.get(a.strategy_id, 0.0), a.score)
        unaddressed = [{"policy": p.title, "strategy": strategy_name(n), "strategy_id": n.id}
                       for p, n in targets if p.has_text and best.get(n.id, 0.0) < PARTIAL]
        policies = [{"id": p.id, "title": p.title, "has_text": p.has_text, "note": p.note}
                    for p in registry.policies if p.id not in hidden]
        return AlignmentReport(document, results, unaddressed, policies,
                               sources=cited_sources(results, registry, self.catalog),
                               date=date.today().isoformat())

    def prepare(self, registry: PolicyRegistry,
                should_stop: Callable[[], bool] = lambda: False) -> int:
        """Embed every title and quotable sentence of the registry's policies that is not
        embedded yet, and keep them beside the index; how many were embedded."""
        texts = self._candidates(registry)
        added = self.vectors.fill(texts, should_stop)
        self.vectors.save()
        return added

    def prepared(self, registry: PolicyRegistry) -> bool:
        """Whether every text ``prepare`` would embed is embedded already."""
        return not self.vectors.missing(self._candidates(registry))

    def _candidates(self, registry: PolicyRegistry) -> list[str]:
        targets = registry.strategies(include_untexted=True)
        sections = self._policy_sections(registry, targets)
        if sections.candidates is None:
            readable = frozenset(self.searcher.embedder.languages)
            sections.candidates = [n.title or n.label for _, n in targets] + candidate_texts(
                sections.chunks, split=self.split_sentences, analyzer=self.searcher.analyzer,
                readable=readable, rows=sections.rows)
        return sections.candidates

    def _policy_sections(self, registry: PolicyRegistry,
                         targets: list[tuple[Policy, RegistryNode]]) -> Sections:
        """Each strategy's section (``alignment.sections``), cached per registry (a new
        registry means a new index generation: its precomputed vectors are loaded)."""
        if self._sections is not None and self._sections[0] is registry:
            return self._sections[1]
        self.vectors.use(str(self.catalog.generation()))
        sections = build_sections(registry, targets, self.catalog, self.store)
        self._sections = (registry, sections)
        return sections

    def _wordings(self, mechanism: Mechanism) -> list[_Wording]:
        """The mechanism in its own words, then in its synonyms' (see ``alignment.synonyms``)."""
        text = " ".join(_BOILERPLATE.sub(" ", mechanism.text).split()) or mechanism.text
        own = self.searcher.analyze(text)
        wordings = [_Wording(1.0, own, self.searcher.query_vector(own))]
        if self.synonyms is not None:
            for variant in self.synonyms.variants(text, own.language):
                query = self.searcher.analyze(variant)
                wordings.append(_Wording(SYNONYM_WEIGHT, query, self.searcher.query_vector(query)))
        return wordings

    def _align_one(self, mechanism: Mechanism, targets: list[tuple[Policy, RegistryNode]],
                   sections: Sections) -> MechanismAlignment:
        wordings = self._wordings(mechanism)
        own = wordings[0]
        # a title is a short name, so a synonym counts there too ("human capital" for the
        # plan's "human resources"); a passage's meaning is compared with the plan's own words
        title_sims: dict[str, float] = {}
        for wording in wordings:
            for node_id, sim in self._title_similarities(targets, wording.vector).items():
                title_sims[node_id] = max(title_sims.get(node_id, -1.0), wording.weight * sim)
        # lexical evidence in every wording (the best counts), meaning from the plan's own
        lexical = np.stack([w.weight * scoring.lexical_scores(self.sparse, w.query, sections)
                            for w in wordings])
        chunk_scores = scoring.chunk_scores(lexical.max(axis=0), own.vector, sections,
                                            self.searcher.embedder.languages)
        rows_of: dict[str, list[int]] = {}
        for i, sid in enumerate(sections.strategy_of):
            rows_of.setdefault(sid, []).append(i)
        raw: list[tuple[Policy, RegistryNode, float, float, float]] = []
        for policy, node in targets:
            rows = rows_of.get(node.id, [])
            evidence_sim = float(chunk_scores[rows].max()) if rows else 0.0
            title_sim = title_sims.get(node.id, 0.0)
            if policy.has_text:
                absolute = TITLE_WEIGHT * title_sim + (1 - TITLE_WEIGHT) * evidence_sim
            else:
                absolute = title_sim * 0.85  # a title alone is weaker evidence than text
            raw.append((policy, node, absolute, title_sim, evidence_sim))
        standing = scoring.standing([r[2] for r in raw], [r[0].id for r in raw])
        alignments = []
        for (policy, node, absolute, title_sim, evidence_sim), z in zip(raw, standing, strict=True):
            # standing out lifts a weak-looking match; a strong match needs no lift (a policy
            # entirely about the mechanism's topic has no single strategy standing out)
            relative = 0.5 * absolute + 0.5 * min(1.0, max(0.0, z / 4))
            score = float(min(1.0, max(0.0, absolute, relative)))
            alignments.append(StrategyAlignment(
                policy=policy.title, policy_id=policy.id, strategy=strategy_name(node),
                strategy_id=node.id, score=round(score, 3),
                verdict=verdict(score, policy.has_text),
                title_similarity=round(title_sim, 3), evidence_similarity=round(evidence_sim, 3),
                note=None if policy.has_text
                else (policy.note or "entered by hand; no indexed text backs it")))
        # evidence first: a hand-entered strategy is context, never above a match with text
        alignments.sort(key=lambda a: (not a.has_text, -a.score))
        shown = [a for a in alignments if a.verdict != "none"][: self.keep] or alignments[:1]
        for alignment in shown:
            rows = sorted(rows_of.get(alignment.strategy_id, []), key=lambda i: -chunk_scores[i])[:2]
            if rows:  # quoted in the wording that found the best passage's words
                wording = wordings[int(lexical[:, rows[0]].argmax())]
                alignment.evidence = self._quotes(own, wording, [sections.chunks[i] for i in rows],
                                                  sections.rows)
        gap = all(a.verdict == "none" for a in alignments if a.has_text)
        return MechanismAlignment(mechanism.label, mechanism.text, shown, gap)

    def _title_similarities(self, targets: list[tuple[Policy, RegistryNode]],
                            query_vector: np.ndarray | None) -> dict[str, float]:
        if query_vector is None:
            return {}
        vectors = self.vectors.embed([n.title or n.label for _, n in targets])
        return {n.id: float(np.dot(vector, query_vector))
                for (_, n), vector in zip(targets, vectors, strict=True)}

    def _quotes(self, own: _Wording, wording: _Wording, chunks: list[ChunkRecord],
                rows: RowIndex) -> list[EvidenceQuote]:
        """The best sentence of each of the strategy's best passages: exact, citable spans."""
        return best_quotes(chunks, wording.query, own.vector, split=self.split_sentences,
                           analyzer=self.searcher.analyzer, index=self.sparse(), embed=self.vectors.embed,
                           readable=self.searcher.embedder.languages, rows=rows)
