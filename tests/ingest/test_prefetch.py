"""Preparing the next files on a thread while a batch embeds (``ingest/prefetch.py``): the
same order, the same chunks and ids as a serial run, each file whole or absent, and a failure
on the thread raised in the caller with the file's name."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from core.errors import PolicyKBError
from ingest.prefetch import PrepareError, prefetch
from tests.support.paths import SAMPLE_CORPUS

# -- the producer alone -----------------------------------------------------------------------


def test_results_come_back_in_order_and_at_most_depth_ahead():
    started: list[int] = []
    consumed: list[int] = []
    ahead: list[int] = []

    def work(n: int) -> int:
        started.append(n)
        ahead.append(len(started) - len(consumed))
        time.sleep(0.02 if n % 3 == 0 else 0.0)  # uneven work: order must not depend on it
        return n * n

    out = []
    for step in prefetch(list(range(20)), work, depth=2):
        out.append((step.item, step.result))
        consumed.append(step.item)
        time.sleep(0.01)
    assert out == [(n, n * n) for n in range(20)]
    assert threading.current_thread().name not in {"policykb-ingest-prepare"}
    # depth results queued + the one being prepared + the one the consumer holds
    assert max(ahead) <= 2 + 2


def test_an_exception_on_the_thread_names_the_item_and_stops_the_run():
    def work(path: Path) -> str:
        if path.name == "b.md":
            raise ValueError("chunker bug")
        return path.name

    got = []
    with pytest.raises(PrepareError) as raised:
        for step in prefetch([Path("a.md"), Path("b.md"), Path("c.md")], work, depth=4):
            got.append(step.result)
    assert got == ["a.md"]
    assert "b.md" in str(raised.value) and "ValueError: chunker bug" in str(raised.value)
    assert isinstance(raised.value.__cause__, ValueError)


def test_a_policykb_error_keeps_its_class_and_is_noted_with_the_item():
    class Refused(PolicyKBError):
        pass

    def work(n: int) -> int:
        raise Refused("no")

    with pytest.raises(Refused) as raised:
        list(prefetch([7], work, depth=1, name=lambda n: f"file-{n}"))
    assert "while preparing file-7" in raised.value.__notes__


def test_closing_early_stops_the_thread_before_returning():
    done: list[int] = []

    def work(n: int) -> int:
        time.sleep(0.01)
        done.append(n)
        return n

    steps = prefetch(list(range(100)), work, depth=2)
    assert next(steps).item == 0
    steps.close()
    count = len(done)
    time.sleep(0.1)
    assert len(done) == count < 10  # nothing runs after close returned
    assert not [t for t in threading.enumerate() if t.name == "policykb-ingest-prepare"]


def test_depth_zero_runs_inline_and_reports_the_time_as_waiting():
    steps = list(prefetch([1, 2], lambda n: time.sleep(0.02) or n, depth=0))
    assert [s.result for s in steps] == [1, 2] and all(s.waited >= 0.015 for s in steps)
    with pytest.raises(PrepareError, match="x"):
        list(prefetch(["x"], lambda s: 1 / 0, depth=0))


# -- the pipeline, on the real stack ----------------------------------------------------------


def _snapshot(services):
    docs = sorted((d.doc_id, d.file_hash, d.n_chunks) for d in services.catalog.documents())
    chunks = sorted((c.chunk_id, c.doc_id, c.ordinal, c.page, c.heading, c.text, c.search_key)
                    for c in services.catalog.iter_chunks())
    return docs, chunks, sorted(services.store.all_ids())


def _record_writes(ingestor) -> list[str]:
    order: list[str] = []
    replace_file = ingestor.writer.replace_file

    def recording(source, *args, **kwargs):
        order.append(source)
        return replace_file(source, *args, **kwargs)

    ingestor.writer.replace_file = recording
    return order


def test_sample_corpus_prefetched_matches_serial_chunks_ids_and_write_order(
        tmp_path, make_services, embedder):
    from core.settings import Settings

    overlapped = make_services(Settings(data_dir=tmp_path / "a", ocr_enabled=False, _env_file=None))
    serial = make_services(Settings(data_dir=tmp_path / "b", ocr_enabled=False, _env_file=None))
    overlapped.ingestor.prefetch_files = 16  # whatever the wiring's default is
    serial.ingestor.prefetch_files = 0
    serial.ingestor.chunker.count_tokens = embedder.count_tokens  # the model's own tokenizer
    serial.ingestor.batch_chunks = overlapped.ingestor.batch_chunks = 16  # several batches
    order_a, order_b = _record_writes(overlapped.ingestor), _record_writes(serial.ingestor)

    a = overlapped.ingestor.ingest([SAMPLE_CORPUS])
    b = serial.ingestor.ingest([SAMPLE_CORPUS])
    assert a.summary()["files_indexed"] >= 5 and not a.failed
    assert [(o.source, o.status, o.chunks) for o in a.outcomes] == \
        [(o.source, o.status, o.chunks) for o in b.outcomes]
    assert order_a == order_b and len(order_a) == a.summary()["files_indexed"]
    assert _snapshot(overlapped) == _snapshot(serial)
    assert a.seconds["wait"] <= a.seconds["total"]


def test_a_chunker_failure_on_the_thread_leaves_earlier_files_whole_and_names_the_file(
        tmp_path, services):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(8):
        (corpus / f"plan_{n}.md").write_text(
            f"# Plan {n}\n\n" + f"The ministry will connect province {n} to the backbone. " * 40,
            encoding="utf-8")
    ingestor = services.ingestor
    ingestor.prefetch_files = 4
    ingestor.batch_chunks = 1  # every file its own batch: commits interleave with preparation
    chunk = ingestor.chunker.chunk

    def failing(pages):
        if "Plan 5" in pages[0].text:
            raise RuntimeError("boom in the chunker")
        return chunk(pages)

    ingestor.chunker.chunk = failing
    order = _record_writes(ingestor)
    with pytest.raises(PrepareError) as raised:
        ingestor.ingest([corpus])
    assert "plan_5.md" in str(raised.value) and "boom in the chunker" in str(raised.value)
    assert order == [f"plan_{n}.md" for n in range(5)]
    docs = {d.doc_id: d.n_chunks for d in services.catalog.documents()}
    assert sorted(docs) == [f"plan_{n}.md" for n in range(5)]
    per_doc: dict[str, int] = {}
    for c in services.catalog.iter_chunks():
        per_doc[c.doc_id] = per_doc.get(c.doc_id, 0) + 1
    assert per_doc == docs
    assert services.store.all_ids() == services.catalog.all_chunk_ids()

    ingestor.chunker.chunk = chunk  # fixed: the next run resumes with the rest
    again = ingestor.ingest([corpus])
    assert len(again.unchanged) == 5 and len(again.indexed) == 3
