"""Weighted reciprocal-rank fusion and the per-query weights, as pure functions."""

from __future__ import annotations

import math

import pytest

from index.fusion import RRF_K, FusionWeights, RankedList, reciprocal_rank_fusion, weights_for


def ranking(fused: dict) -> list:
    return sorted(fused, key=lambda key: (-fused[key], str(key)))


def test_each_list_adds_weight_over_k_plus_rank() -> None:
    fused = reciprocal_rank_fusion([RankedList("sparse", ["a", "b", "c"], 1.0),
                                    RankedList("dense", ["c", "a"], 0.5)])
    assert fused["a"] == pytest.approx(1 / (RRF_K + 1) + 0.5 / (RRF_K + 2))
    assert fused["b"] == pytest.approx(1 / (RRF_K + 2))
    assert fused["c"] == pytest.approx(1 / (RRF_K + 3) + 0.5 / (RRF_K + 1))
    assert ranking(fused) == ["a", "c", "b"]


def test_agreement_beats_one_strong_list() -> None:
    """Second in both lists outranks first in only one: the point of fusing."""
    fused = reciprocal_rank_fusion([RankedList("sparse", ["x", "both"], 1.0),
                                    RankedList("dense", ["y", "both"], 1.0)])
    assert ranking(fused)[0] == "both"


def test_weight_decides_between_disagreeing_lists() -> None:
    lists = [RankedList("sparse", ["s", "d"], 1.0), RankedList("dense", ["d", "s"], 1.0)]
    tie = reciprocal_rank_fusion(lists)
    assert math.isclose(tie["s"], tie["d"])
    trusted_dense = [lists[0], RankedList("dense", ["d", "s"], 1.2)]
    assert ranking(reciprocal_rank_fusion(trusted_dense))[0] == "d"
    trusted_sparse = [lists[0], RankedList("dense", ["d", "s"], 0.8)]
    assert ranking(reciprocal_rank_fusion(trusted_sparse))[0] == "s"


def test_zero_and_negative_weights_contribute_nothing() -> None:
    fused = reciprocal_rank_fusion([RankedList("sparse", ["a"], 1.0),
                                    RankedList("off", ["b", "a"], 0.0),
                                    RankedList("negative", ["c"], -1.0)])
    assert set(fused) == {"a"}
    assert fused["a"] == pytest.approx(1 / (RRF_K + 1))


def test_none_is_a_placeholder_that_keeps_the_other_ranks() -> None:
    """The dense stand-in list puts None where a readable chunk was, so an unreadable chunk
    keeps its sparse rank instead of moving up."""
    fused = reciprocal_rank_fusion([RankedList("stand_in", [None, "km", None, "km2"], 1.0)])
    assert None not in fused
    assert fused["km"] == pytest.approx(1 / (RRF_K + 2))
    assert fused["km2"] == pytest.approx(1 / (RRF_K + 4))


def test_smaller_k_rewards_the_top_ranks_more() -> None:
    lists = [RankedList("a", ["top", "second"], 1.0)]
    for k in (1, 10, RRF_K):
        fused = reciprocal_rank_fusion(lists, k=k)
        assert fused["top"] / fused["second"] == pytest.approx((k + 2) / (k + 1))


def test_empty_input_fuses_to_nothing() -> None:
    assert reciprocal_rank_fusion([]) == {}
    assert reciprocal_rank_fusion([RankedList("sparse", [], 1.0)]) == {}


def test_repeated_key_in_one_list_counts_at_each_rank() -> None:
    fused = reciprocal_rank_fusion([RankedList("sparse", ["a", "a"], 1.0)])
    assert fused["a"] == pytest.approx(1 / (RRF_K + 1) + 1 / (RRF_K + 2))


# -- weights_for ----------------------------------------------------------------------------

ENGLISH_ONLY = frozenset({"en"})
BILINGUAL = frozenset({"en", "km"})


def test_english_query_trusts_dense_fully() -> None:
    assert weights_for("en", ENGLISH_ONLY, has_translation=True) == FusionWeights(1.0, 0.7, 1.0)
    assert weights_for("en", ENGLISH_ONLY, has_translation=False) == FusionWeights(1.0, 0.0, 1.0)


def test_khmer_query_on_an_english_only_model_leans_on_the_glossary() -> None:
    weights = weights_for("km", ENGLISH_ONLY, has_translation=True)
    assert weights == FusionWeights(sparse=1.0, sparse_translated=1.2, dense=0.2)
    assert weights.sparse_translated > weights.sparse > weights.dense


def test_khmer_query_without_translation_has_no_dense_evidence() -> None:
    """Without a glossary translation MiniLM would embed [UNK]s: dense must not count."""
    assert weights_for("km", ENGLISH_ONLY, has_translation=False) == FusionWeights(1.0, 0.0, 0.0)


def test_khmer_query_on_a_multilingual_model_is_read_directly() -> None:
    assert weights_for("km", BILINGUAL, has_translation=True) == FusionWeights(1.0, 0.7, 1.0)
    assert weights_for("km", BILINGUAL, has_translation=False).dense == 1.0


def test_only_khmer_queries_are_down_weighted() -> None:
    """A mixed or English query always has words the model reads; only an all-Khmer query
    on a model without Khmer loses its dense evidence."""
    for language in ("en", "mixed"):
        for model in (ENGLISH_ONLY, BILINGUAL, frozenset({"km"})):
            assert weights_for(language, model, has_translation=True).dense == 1.0
    assert weights_for("km", frozenset({"km"}), has_translation=True).dense == 1.0
