"""The chunks beside the best passages are read from the real catalog as extra evidence
(``answers/neighbours.py``): same document, same or next page, exact spans, ranked below
their passage. A plan written for this test, ingested for real (MiniLM, chromadb)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from answers.neighbours import NEIGHBOUR_RANK_STEP, with_neighbours

PLAN_ID = "policy/harbour_data_plan.txt"
PLAN = """[[page 1]]
Harbour Data Plan 2026-2030

Strategy 1: Registers of vessels
The harbour office keeps one register of vessels and updates it every week.

Strategy 2: Status of harbour services
The office assessed the status of its services in 2025 and found that most requests are
still made on paper at the harbour gate.

Strategy 3: Services launched
By the end of 2025, 214 harbour services were launched online for shipping agents.

[[page 2]]
Strategy 4: Training
Every clerk of the harbour office is trained in data protection each year.
"""


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    from core.settings import Settings
    from policykb.services import Services

    root: Path = tmp_path_factory.mktemp("neighbour-index")
    path = root / "corpus" / PLAN_ID
    path.parent.mkdir(parents=True)
    path.write_text(PLAN, encoding="utf-8")
    built = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None),
                     model=embedder)
    assert not built.ingestor.ingest([root / "corpus"]).failed
    yield built
    built.catalog.close()


def test_the_chunks_beside_a_passage_join_the_evidence(services: Any) -> None:
    chunks = services.catalog.chunks_of(PLAN_ID)
    assert len(chunks) >= 4, [c.text for c in chunks]
    hits = services.searcher.search("status of harbour services assessed in 2025", k=8).hits
    best = hits[0]
    assert best.doc_id == PLAN_ID and "assessed the status" in best.text
    ordinal = next(c.ordinal for c in chunks if c.chunk_id == best.chunk_id)
    expanded, ranks = with_neighbours([best], services.catalog)
    added = {h.chunk_id: h for h in expanded[1:]}
    assert set(added) == {c.chunk_id for c in chunks if abs(c.ordinal - ordinal) == 1}
    assert any("214 harbour services" in h.text for h in added.values())  # the fact beside it
    for hit in added.values():
        assert ranks[hit.chunk_id] == ranks[best.chunk_id] + NEIGHBOUR_RANK_STEP
        page = services.catalog.page(hit.doc_id, hit.page)
        assert page is not None and page.text[hit.start:hit.end] == hit.text
    # a passage already retrieved is not added twice
    again, _ = with_neighbours([best, *expanded[1:]], services.catalog, top=1)
    assert len({h.chunk_id for h in again}) == len(again)


def test_a_chunk_two_pages_away_is_no_neighbour(services: Any) -> None:
    chunks = services.catalog.chunks_of(PLAN_ID)
    last = chunks[-1]
    assert last.page == 2
    hit = next(h for h in services.searcher.search("clerk trained data protection", k=8).hits
               if h.chunk_id == last.chunk_id)
    far = replace(hit, page=4)  # as if it sat two pages on
    expanded, _ = with_neighbours([far], services.catalog)
    assert expanded == [far]
