"""Values kept per index generation (index/generation.py) and the search caches built on it:
rebuilt once when the generation moves on, never read twice when the caller has it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from index.generation import GenerationWatcher
from index.result_cache import ResultCache, VectorCache
from index.search_types import SearchResponse
from index.sparse import SparseIndexHolder, SparseRow


class Version:
    def __init__(self, value: str = "1") -> None:
        self.value = value
        self.reads = 0

    def __call__(self) -> str:
        self.reads += 1
        return self.value


def test_builds_once_per_version_and_again_when_it_moves_on() -> None:
    version, built = Version(), []
    watcher = GenerationWatcher(lambda v: built.append(v) or f"value@{v}", version)
    assert watcher.current() == "value@1" and watcher.current() == "value@1"
    assert built == ["1"] and version.reads == 2
    version.value = "2"
    assert watcher.current() == "value@2" and built == ["1", "2"]


def test_a_version_passed_in_is_not_read_again() -> None:
    version = Version("5")
    watcher = GenerationWatcher(lambda v: f"value@{v}", version)
    assert watcher.current("5") == "value@5"
    assert version.reads == 0
    with pytest.raises(TypeError):
        GenerationWatcher(lambda v: v).current()  # nothing to read the version from


def test_concurrent_callers_share_one_build() -> None:
    builds = []

    def slow(v: object) -> list[object]:
        time.sleep(0.05)
        builds.append(v)
        return builds

    watcher = GenerationWatcher(slow, lambda: "7")
    threads = [threading.Thread(target=watcher.current) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert builds == ["7"]


def test_a_failed_build_is_not_kept() -> None:
    attempts = []

    def flaky(v: object) -> str:
        attempts.append(v)
        if len(attempts) == 1:
            raise ValueError("broken file")
        return "ok"

    watcher = GenerationWatcher(flaky, lambda: "1")
    with pytest.raises(ValueError):
        watcher.current()
    assert watcher.current() == "ok" and len(attempts) == 2


def _response(query: str) -> SearchResponse:
    return SearchResponse(query=query, language="en", expansions=[], hits=[], took_ms=1.0)


def test_result_cache_keeps_one_generation_least_recent_first_out() -> None:
    cache = ResultCache(size=2)
    first = cache.at("1")
    assert cache.at("1") is first
    for q in ("a", "b"):
        first.put(q, _response(q))
    assert first.get("a") is not None  # "a" is now the most recent
    first.put("c", _response("c"))
    assert first.get("b") is None and first.get("a") is not None and first.get("c") is not None
    assert cache.at("2").get("a") is None  # a new generation starts empty
    off = ResultCache(size=0).at("1")
    off.put("a", _response("a"))
    assert off.get("a") is None


def test_vector_cache_embeds_each_text_once_unless_off() -> None:
    calls: list[str] = []
    cache = VectorCache(lambda text: calls.append(text) or [len(text)], size=2)
    assert cache("ab") == [2] and cache("ab") == [2] and calls == ["ab"]
    cache("c"), cache("d")  # "ab" is the oldest: dropped
    cache("ab")
    assert calls == ["ab", "c", "d", "ab"]
    off = VectorCache(lambda text: calls.append(text) or [0], size=0)
    off("x"), off("x")
    assert calls[-2:] == ["x", "x"]


def test_sparse_holder_serves_the_generation_it_is_given(tmp_path: Path) -> None:
    version = Version("3")
    rows = [SparseRow("c1", "digit govern", "d", "en", "en", "policy", "", 20220101)]
    holder = SparseIndexHolder(tmp_path / "bm25", version, lambda: rows)
    index = holder.current("3")
    assert index.generation == "3" and version.reads == 0 and len(index) == 1
    assert holder.current() is index and version.reads == 1
