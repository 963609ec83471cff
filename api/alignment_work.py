"""One alignment as a piece of expensive work: queued in its own pool (``api/pools.py``),
waited for without holding a thread, stopped when its client leaves or its deadline passes,
and told as NDJSON progress events while it runs.

The progress callback runs in the worker thread between two mechanisms: it checks the
request's :class:`~api.pools.WorkToken` (so cancellation and the deadline take effect there,
and the partial report is dropped) and hands the event to the event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from alignment.aligner import Aligner
from alignment.mechanisms import Mechanism
from alignment.registry import RegistryCache
from alignment.report import to_json
from alignment.results import ResultStore
from alignment.service import align_plan
from alignment.types import AlignmentReport
from api.auth import Caller
from api.errors import status_of
from api.pools import ExpensiveWork, WorkCancelled, WorkToken
from core.access import Access
from core.errors import DeadlineExceededError, PolicyKBError
from index.catalog import Catalog

logger = logging.getLogger(__name__)

POLL_S = 0.25  # how often a waiting request looks for its client having left
Sink = Callable[[dict[str, Any]], None]
T = TypeVar("T")  # what the work returns: a report, a coverage view, a diff


@dataclass
class Plan:
    """A checked plan: its name, mechanisms and document id (None for pasted text), and the
    collections the caller may read: strategies of any other are never scored, quoted or
    listed (not even as unaddressed)."""

    name: str
    mechanisms: list[Mechanism]
    doc_id: str | None
    access: Access = field(default_factory=Access.everything)


def owner_of(caller: Caller) -> str:
    """Whose a stored result is: the key that asked for it (anonymous results are anyone's)."""
    return caller.key_id or ""


def start(work: ExpensiveWork, caller: Caller, token: WorkToken, plan: Plan,
          parts: tuple[Catalog, Aligner, RegistryCache], sink: Sink | None = None,
          ) -> Future[AlignmentReport]:
    """Queue the alignment (429 at once when the caller or the pool is full)."""
    catalog, aligner, registry = parts

    def progress(done: int, total: int, mechanism: Mechanism) -> None:
        token.check()
        if sink is not None:
            sink({"event": "progress", "done": done, "total": total,
                  "mechanism": {"label": mechanism.label, "text": mechanism.text}})

    def compute() -> AlignmentReport:
        token.check()  # it may have waited in the queue past its deadline
        report = align_plan(catalog, aligner, registry, plan.name, plan.mechanisms,
                            plan.doc_id, progress, access=plan.access)
        prepare_later(aligner, registry)
        return report

    return start_counted(work, caller, compute)


def start_counted(work: ExpensiveWork, caller: Caller, compute: Callable[[], T]) -> Future[T]:
    """Queue ``compute`` in the expensive-work pool under the caller's bucket (429 at once
    when the caller or the pool is full), counting how it ended: the pool's stats are what
    tests and operators read to know work was cancelled or timed out, not merely abandoned."""

    def counted() -> T:
        try:
            result = compute()
        except WorkCancelled:
            work.count("cancelled")
            raise
        except DeadlineExceededError:
            work.count("timed_out")
            raise
        work.count("completed")
        return result

    who = f"API key {caller.key_id}" if caller.key_id else f"client {caller.client}"
    return work.start(caller.bucket, counted, who)


def _stop(work: ExpensiveWork, future: Future[Any], token: WorkToken,
          waiting: asyncio.Future[Any]) -> None:
    """Stop work whose client or deadline is gone: a queued one never starts, a running one
    stops at its next mechanism (its outcome, no longer awaited, is dropped)."""
    if future.done():
        return
    waiting.cancel()
    token.cancel()
    if future.cancel():
        work.count("cancelled")


async def wait(request: Request, work: ExpensiveWork, future: Future[T],
               token: WorkToken) -> T:
    """The report, without holding a thread while it is computed; raises the work's error,
    :class:`DeadlineExceededError` past the deadline, ``WorkCancelled`` if the client left."""
    waiting = asyncio.wrap_future(future)
    try:
        while True:
            done, _ = await asyncio.wait({waiting}, timeout=max(0.0, min(POLL_S, token.remaining())))
            if done:
                return waiting.result()
            if token.remaining() <= 0:
                raise token.expired_error()
            if await request.is_disconnected():
                raise WorkCancelled()
    finally:
        _stop(work, future, token, waiting)


def ndjson(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False) + "\n"


async def stream(work: ExpensiveWork, future: Future[AlignmentReport], token: WorkToken,
                 events: asyncio.Queue[dict[str, Any]], results: ResultStore,
                 owner: str, access: Access) -> AsyncIterator[str]:
    """``progress`` events as the mechanisms are aligned, then ``result`` (the report, with
    its ``result_id``) or ``error``. A client that leaves cancels the generator (Starlette
    listens for the disconnect), which stops the work."""
    waiting = asyncio.wrap_future(future)
    try:
        while True:
            getter = asyncio.ensure_future(events.get())
            pending: set[asyncio.Future[Any]] = {getter, waiting}
            done, _ = await asyncio.wait(pending, timeout=max(0.0, token.remaining()),
                                         return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                yield ndjson(getter.result())
                continue
            getter.cancel()
            if waiting not in done:
                raise token.expired_error()
            while not events.empty():
                yield ndjson(events.get_nowait())
            report = waiting.result()
            result_id = await run_in_threadpool(results.put, report, owner, access)
            render_docx_later(results, result_id, report)
            yield ndjson({"event": "result", "result_id": result_id,
                          "report": {**to_json(report), "result_id": result_id}})
            return
    except WorkCancelled:
        return
    except PolicyKBError as exc:  # the stream has started: said in-band, not as a status
        yield ndjson({"event": "error", "error": type(exc).__name__, "detail": str(exc),
                      "status": status_of(exc)})
    except Exception as exc:
        logger.exception("the alignment stream failed")
        name = type(exc).__name__
        yield ndjson({"event": "error", "error": name, "status": 500,
                      "detail": f"{name}: the alignment could not be completed "
                                "(the details are in the server's log)"})
    finally:
        _stop(work, future, token, waiting)


def render_docx_later(results: ResultStore, result_id: str, report: AlignmentReport) -> None:
    """Write the report's DOCX in a background thread while the user reads the report, so
    its download is as instant as the Markdown's (writing one takes a few hundred ms)."""
    from alignment.report import to_docx

    def run() -> None:
        try:
            results.keep_rendered(result_id, "docx", to_docx(report))
        except Exception:  # the download then writes it itself
            logger.exception("writing the DOCX of alignment result %s ahead failed", result_id)

    threading.Thread(target=run, name="policykb-align-docx", daemon=True).start()


_PREPARING: set[int] = set()


def prepare_later(aligner: Aligner, registry: RegistryCache) -> None:
    """After an alignment, embed the rest of the registry's quotable sentences in a background
    thread (once per index generation), so the next plan, whatever it says, embeds only its
    own words. Not in the alignment pool: it must not hold a slot users wait for."""
    key = id(aligner)
    if key in _PREPARING:
        return
    _PREPARING.add(key)

    def run() -> None:
        try:
            current = registry.current()
            if not aligner.prepared(current):
                added = aligner.prepare(current)
                logger.info("alignment: %d sentences embedded ahead of requests", added)
        except Exception:
            logger.exception("preparing the alignment vectors failed; requests embed them")
        finally:
            _PREPARING.discard(key)

    threading.Thread(target=run, name="policykb-align-prepare", daemon=True).start()


def progress_queue() -> tuple[asyncio.Queue[dict[str, Any]], Sink]:
    """A queue on the running loop and a thread-safe way for the worker to fill it."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def sink(event: dict[str, Any]) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, event)

    return queue, sink
