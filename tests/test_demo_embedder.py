"""The deterministic demo embedder of tests/support: it must honour the Embedder protocol
and behave like a (very crude) embedding model, or unit tests built on it prove nothing."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from index.embedder import Embedder
from tests.support.demo_embedder import DemoEmbedder
from tests.support.paths import REPO


def test_has_everything_the_embedder_protocol_names() -> None:
    demo = DemoEmbedder()
    for attribute in Embedder.__annotations__:
        assert hasattr(demo, attribute), attribute
    for method in ("embed_batch", "count_tokens"):
        assert callable(getattr(demo, method))
    assert isinstance(demo.dimension, int) and isinstance(demo.max_tokens, int)
    assert demo.languages == frozenset({"en"})


def test_vectors_are_unit_length_float32_rows() -> None:
    demo = DemoEmbedder(dimension=32)
    vectors = demo.embed_batch(["digital government", "ក្រសួងមហាផ្ទៃ", ""], kind="passage")
    assert vectors.shape == (3, 32) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0)
    assert not vectors[2].any()  # no words, no direction
    assert demo.calls == [("passage", 3)]


def test_shared_words_mean_similar_vectors() -> None:
    demo = DemoEmbedder(dimension=256)
    query = demo.embed_query("cybersecurity training for officials")
    close = demo.embed_batch(["Officials get cybersecurity training."])[0]
    far = demo.embed_batch(["Rice exports rose in October."])[0]
    assert float(query @ close) == pytest.approx(3 / 4)  # three of four words shared
    assert abs(float(query @ far)) < 0.5
    assert float(query @ close) > float(query @ far)
    assert np.array_equal(demo.embed_query("A B"), demo.embed_query("a b"))  # case-folded


def test_same_text_same_vector_in_another_process() -> None:
    """blake2b, not hash(): Python salts str hashes per process."""
    code = ("from tests.support.demo_embedder import DemoEmbedder; "
            "print(DemoEmbedder().embed_query('digital skills for women').tolist())")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=60, env={"PYTHONHASHSEED": "12345"})
    here = DemoEmbedder().embed_query("digital skills for women")
    assert np.allclose(np.array(eval(out.stdout)), here)  # noqa: S307 - our own list literal


def test_counts_one_token_per_word_and_per_khmer_run() -> None:
    demo = DemoEmbedder()
    assert demo.count_tokens("Strategy 3: cyber-security!") == 4
    assert demo.count_tokens("ក្រសួង មហាផ្ទៃ and MPTC") == 4
    assert demo.count_tokens("") == 0
