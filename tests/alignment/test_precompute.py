"""Precomputed alignment vectors (``alignment/precompute.py``) on the real stack: kept in a file
per index generation, read by another process so it embeds only the plan's own words, and
giving exactly the report of embedding every text per request; the progress callback sees
each mechanism and can stop the alignment between two."""

from __future__ import annotations

from typing import Any

import pytest

from alignment.aligner import Aligner
from alignment.precompute import TextVectors
from alignment.report import to_json
from alignment.service import align_document
from core.errors import InvalidFieldError

PLAN = """The district plan rests on three mechanisms:
1- Mechanism for operators to share masts and fibre so that remote villages get networks,
2- Mechanism for training a digital volunteer in every village,
3- Mechanism for reporting online scams and hacked accounts through a hotline.
"""


def _report(services: Any, aligner: Aligner | None = None, **target: Any) -> dict[str, Any]:
    report = to_json(align_document(services.catalog, aligner or services.aligner,
                                    services.registry, **target))
    report.pop("date")
    return report


def _fresh(services: Any, embedder: Any, directory: Any = None) -> Aligner:
    """An aligner like the application's, with its own (empty) vector memory."""
    base = services.aligner

    def embed(texts: list[str]) -> Any:
        return embedder.embed_batch(texts, kind="passage")

    return Aligner(base.searcher, base.sparse, embed, base.split_sentences, base.catalog,
                   base.store, synonyms=base.synonyms,
                   vectors=TextVectors(embed, directory, model="all-MiniLM-L6-v2"))


def test_prepared_vectors_are_kept_per_generation_and_spare_the_model(policy_index, embedder):
    services = policy_index
    registry = services.registry.current()
    added = services.aligner.prepare(registry)
    assert added > 10 and services.aligner.prepared(registry)
    generation = services.catalog.generation()
    path = services.aligner.vectors.path(str(generation))
    assert path is not None and path.exists() and path.parent.name == "alignment"
    # another process: reads the file, gives the model only the plan's own words
    other = _fresh(services, embedder, path.parent)
    with_file = _report(services, other, text=PLAN)
    assert other.vectors.embedded == 0, "every title and sentence came from the file"
    # the same report as embedding every text during the request
    assert with_file == _report(services, _fresh(services, embedder), text=PLAN)


def test_a_new_generation_writes_its_own_file_and_removes_the_old(tmp_path, embedder):
    vectors = TextVectors(lambda texts: embedder.embed_batch(texts, kind="passage"), tmp_path,
                          model="m")
    vectors.use("1")
    first = vectors.embed(["Digital security of government systems"])
    assert vectors.save() and (tmp_path / "m-g1.npz").exists()
    vectors.use("2")
    assert vectors.save() and not (tmp_path / "m-g1.npz").exists()
    again = TextVectors(lambda texts: pytest.fail("nothing to embed"), tmp_path, model="m")
    again.use("2")
    assert (again.embed(["Digital security of government systems"]) == first).all()
    (tmp_path / "m-g2.npz").write_bytes(b"not a numpy file")
    damaged = TextVectors(lambda texts: embedder.embed_batch(texts), tmp_path, model="m")
    damaged.use("2")  # a damaged file is ignored (and rebuilt), never fatal
    assert len(damaged) == 0


def test_progress_is_told_each_mechanism_and_may_stop_the_alignment(policy_index):
    services = policy_index
    seen: list[tuple[int, int, str]] = []
    parts = (services.catalog, services.aligner, services.registry)
    align_document(*parts, text=PLAN, progress=lambda d, n, m: seen.append((d, n, m.label)))
    assert seen == [(0, 3, "1"), (1, 3, "2"), (2, 3, "3"), (3, 3, "3")]

    class Stop(Exception):
        pass

    def stop_after_one(done: int, total: int, mechanism: Any) -> None:
        if done == 1:
            raise Stop()

    runs = services.aligner.runs
    with pytest.raises(Stop):
        align_document(*parts, text=PLAN, progress=stop_after_one)
    assert services.aligner.runs == runs + 1


def test_a_plan_over_the_cap_is_refused_naming_the_field(policy_index):
    services = policy_index
    parts = (services.catalog, services.aligner, services.registry)
    runs = services.aligner.runs
    with pytest.raises(InvalidFieldError, match=r"^text: uploaded text lists 3 mechanisms; at most 2"):
        align_document(*parts, text=PLAN, max_mechanisms=2)
    assert services.aligner.runs == runs
