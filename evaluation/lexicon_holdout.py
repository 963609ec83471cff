"""How much cross-language quality the learned lexicon recovers when the glossary lacks the
rows the questions need.

Holds out every glossary row that a set of cross-language questions (``km_en`` and ``en_km``
by default) matches, learns a lexicon from the index's twin documents plus the remaining rows
only (the held-out rows never reach the learner), and scores those questions three ways on the
same index: the full glossary, the glossary without the held-out rows, and that glossary with
the learned lexicon merged under it. Recovery = (learned − held out) / (full − held out).

Run: ``policykb lexicon holdout [--json F]`` on an index of ``../shared/corpus``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.settings import Settings
from evaluation.factory import ServicesFactory
from evaluation.harness import policykb_search, run_queries
from evaluation.metrics import Query, evaluate, load_qrels, load_queries
from index.glossary import Glossary, GlossaryEntry, fold_english
from index.lexicon.holder import GlossaryHolder
from index.lexicon.learn import build_lexicon
from index.lexicon.store import LexiconStore
from ingest.khmer.normalize import search_key

__all__ = ["held_out_rows", "holdout_report"]

_SPACES = str.maketrans("", "", " \u200b\u200c\u200d\u2060\ufeff\t")


def _km_key(text: str) -> str:
    return search_key(text).translate(_SPACES)


def _en_key(text: str) -> tuple[str, ...]:
    return tuple(fold_english(w) for w in search_key(text).split())


def held_out_rows(glossary: Glossary, queries: Sequence[Query]) -> set[GlossaryEntry]:
    """Every row whose source-language term a question matches (all spelling variants of it)."""
    km_terms: set[str] = set()
    en_terms: set[tuple[str, ...]] = set()
    for query in queries:
        source = "km" if query.lang == "km" else "en"
        for match in glossary.translate(query.text, source):
            if source == "km":
                km_terms.add(_km_key(match.term))
            else:
                en_terms.add(_en_key(match.term))
    return {e for e in glossary.entries if _km_key(e.km) in km_terms or _en_key(e.en) in en_terms}


def holdout_report(settings: Settings, factory: ServicesFactory, queries_path: Path,
                   qrels_path: Path, kinds: Sequence[str] = ("km_en", "en_km"),
                   min_score: float = 0.3) -> dict[str, Any]:
    """nDCG@10 and recall@10 per kind for the three glossaries, and the recovery."""
    base = factory(settings)
    full = base.glossary
    if full is None:
        raise ValueError(f"no glossary at {settings.glossary_path}")
    every = load_queries(queries_path)
    queries = [q for q in every if q.kind in kinds]
    if not queries:
        raise ValueError(f"{queries_path}: no queries of kind {', '.join(kinds)}")
    qrels, page_qrels = load_qrels(qrels_path, [q.id for q in every])
    held = held_out_rows(full, queries)
    reduced = Glossary([e for e in full.entries if e not in held], key=search_key)
    systems: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = LexiconStore(Path(tmp) / "lexicon.sqlite3")
        report = build_lexicon(base.catalog, reduced.entries, base.analyzer, store)
        learned = store.learned()
        with_learned = GlossaryHolder(reduced, store, min_score=min_score, key=search_key,
                                      words=base.analyzer.analyze)
        used = len(with_learned.learned())
        for name, glossary in (("full glossary", full), ("rows held out", reduced),
                               ("rows held out + learned", with_learned)):
            services = factory(settings, model=base.model, catalog=base.catalog,
                               store=base.store, sparse=base.sparse, analyzer=base.analyzer,
                               glossary=glossary)
            run, _ = run_queries(policykb_search(services.searcher), queries)
            systems[name] = evaluate(run, queries, qrels, page_qrels, 10)
    recovery: dict[str, float | None] = {}
    for group in ["overall", *kinds]:
        def ndcg(name: str, group: str = group) -> float:
            res = systems[name]
            values = res["overall"] if group == "overall" else res["by_kind"].get(group, {})
            return float(values.get("ndcg@10", 0.0))
        lost = ndcg("full glossary") - ndcg("rows held out")
        recovery[group] = (ndcg("rows held out + learned") - ndcg("rows held out")) / lost if lost > 0 else None
    return {"queries": len(queries), "held_out_rows": len(held), "glossary_rows": len(full),
            "learned_pairs": len(learned), "learned_used": used,
            "twin_pairs": report.twin_pairs, "segments": report.segments,
            "systems": systems, "recovery": recovery}
