"""The leak suite's stacks: the leak corpus ingested for real (OCR off), six API keys, and the
API served over HTTP on 127.0.0.1, in three ways: the embedded chromadb in-process, a real
``chroma run`` server as the vector store, and ``policykb serve --workers 2`` as a subprocess.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.security.leak_corpus import RESTRICTED_MARKERS, write_leak_corpus, write_registry

#: who -> (role, collections)
KEYS = {
    "reader": ("reader", ""),  # the caller without access: nothing restricted may reach it
    "cabinet": ("reader", "cabinet"),  # the same role with access: it must find it all
    "editor": ("editor", ""),  # writes into open collections only
    "cabinet_editor": ("editor", "cabinet"),
    "admin": ("admin", ""),
}


@dataclass
class Stack:
    mode: str
    base: str
    secrets: dict[str, str]
    markers: list[str] = field(default_factory=lambda: list(RESTRICTED_MARKERS))

    def call(self, method: str, path: str, who: str = "reader", **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if who != "anonymous":
            headers["Authorization"] = f"Bearer {self.secrets[who]}"
        return httpx.request(method, f"{self.base}{path}", headers=headers,
                             timeout=kwargs.pop("timeout", 120), **kwargs)


def settings_for(root: Path, chroma_url: str | None = None) -> Any:
    from core.settings import Settings

    extra: dict[str, Any] = ({"chroma_url": chroma_url, "collection": "leak-suite"}
                             if chroma_url else {})
    return Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None,
                    registry_path=write_registry(root / "policies.yaml"),
                    rate_limit_per_minute=0, read_access="keys", **extra)


def build(root: Path, model: Any, chroma_url: str | None = None) -> tuple[Any, dict[str, str]]:
    """Services over ``root/data`` with the leak corpus ingested, and a secret per key."""
    from policykb.services import Services

    services = Services(settings_for(root, chroma_url), model=model)
    report = services.ingestor.ingest([write_leak_corpus(root / "corpus")])
    assert not report.failed, report.summary()["failed"]
    # a collection first named at ingest is created restricted: nobody opened `cabinet`
    assert services.catalog.open_collections() == {"public"}
    secrets = {who: services.keys.create(role, who, collections)[1]
               for who, (role, collections) in KEYS.items()}
    return services, secrets


def leaked(stack: Stack, response: httpx.Response) -> list[str]:
    """The restricted markers anywhere in the response (headers, raw body, decoded JSON),
    apart from the caller's own words echoed back (a search answers with its query)."""
    texts = [response.text, json.dumps(dict(response.headers), ensure_ascii=False)]
    if response.headers.get("content-type", "").startswith("application/json"):
        texts.append(json.dumps(response.json(), ensure_ascii=False))
    if response.headers.get("content-type", "").startswith("application/vnd.openxml"):
        texts.append(docx_text(response.content))
    sent = sorted(_sent_words(response.request), key=len, reverse=True)
    for words in sent:
        texts = [text.replace(words, "") for text in texts]
    # a marker the caller typed may come back in a note about the question ("none of the
    # closest passages mentions ..."): the ids, titles and other phrases still count
    markers = [m for m in stack.markers if not any(m in words for words in sent)]
    return sorted({m for m in markers for text in texts if m in text})


def _sent_words(request: httpx.Request) -> set[str]:
    """The free text the request sent (its query, question, pasted text), never an id."""
    try:
        body = json.loads(request.content or b"null")
    except ValueError:
        return set()
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("query", "question", "text", "answer") and isinstance(item, str):
                    found.add(item)
                    found.add(json.dumps(item, ensure_ascii=False)[1:-1])
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    return found


def docx_text(content: bytes) -> str:
    import io

    import docx

    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def same_as_unknown(stack: Stack, restricted: httpx.Response, path: str, doc_id: str,
                    method: str = "GET", who: str = "reader", **kwargs: Any) -> None:
    """A restricted id's 404 is the very 404 an unknown id gets (the id itself aside)."""
    unknown_id = f"no_such_{doc_id}"
    unknown = stack.call(method, path.replace(doc_id, unknown_id), who,
                         **_swap(kwargs, doc_id, unknown_id))
    assert restricted.status_code == unknown.status_code == 404, (restricted.text, unknown.text)
    assert restricted.text.replace(doc_id, "X") == unknown.text.replace(unknown_id, "X")


def _swap(kwargs: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    if "json" in kwargs:
        return {**kwargs, "json": json.loads(json.dumps(kwargs["json"]).replace(old, new))}
    return kwargs


def wait_for_job(stack: Stack, job_id: str, who: str, timeout_s: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = stack.call("GET", f"/jobs/{job_id}", who).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish in {timeout_s} s")


@contextmanager
def two_workers(services: Any, root: Path) -> Iterator[str]:
    """`policykb serve --workers 2` on the embedded index ``services`` wrote."""
    from tests.support.crash_helpers import policykb_serve

    settings = services.settings
    with policykb_serve(settings.data_dir, root / "serve.log", "--workers", "2",
                        POLICYKB_REGISTRY_PATH=str(settings.registry_path),
                        POLICYKB_READ_ACCESS="keys") as (base, _):
        yield base


def ndjson_events(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def sse_events(text: str) -> list[str]:
    return re.findall(r"^event: (\w+)$", text, flags=re.M)
