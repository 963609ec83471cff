"""Which API request is which audited action, and the ASGI middleware that writes its record
(the log itself is ``api/audit.py``).

The record is written after the response is complete, so its status is the real one. Routes
say what they returned with :func:`api.audit.note`; for routes that do not (``/search``,
``/related``, ``/alignment``) the doc ids are read from the JSON the route sent, and the query
is read from the request's JSON body. A document, page or file read records the document's
collection, looked up in the catalog once the read has succeeded (those routes do not note
it). An audit failure is logged, never a failed request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit import AuditLog, query_hash
from api.deps import get_catalog
from core.settings import Settings

logger = logging.getLogger(__name__)

_BODY_CAP = 8 * 2**20  # request/response bytes kept for extracting ids; past it, none are

# -- which request is which action ---------------------------------------------------------

_ROUTES: list[tuple[str, re.Pattern[str], str]] = [(m, re.compile(p), a) for m, p, a in [
    ("POST", r"/search", "search"),
    ("POST", r"/related", "related"),
    ("POST", r"/ask", "ask"),
    ("POST", r"/ask/stream", "ask_stream"),
    ("POST", r"/alignment(?:/stream)?", "alignment"),
    ("GET", r"/alignment/results/(?P<target>[^/]+)", "alignment"),
    ("GET", r"/alignment/coverage", "coverage"),
    ("GET", r"/documents/(?P<doc>.+)/versions/diff", "version_diff"),
    ("GET", r"/documents/(?P<doc>.+)/versions/(?P<version>\d{1,9})/pages/(?P<page>\d{1,18})",
     "version_page_read"),
    ("GET", r"/documents/(?P<doc>.+)/versions", "version_list"),
    ("GET", r"/documents/(?P<doc>.+)/file", "file_read"),
    ("GET", r"/documents/(?P<doc>.+)/pages/(?P<page>\d{1,18})", "page_read"),
    ("GET", r"/documents", "document_list"),
    ("GET", r"/documents/(?P<doc>.+)", "document_read"),
    ("POST", r"/documents", "upload"),
    ("DELETE", r"/documents/(?P<doc>.+)", "delete"),
    ("GET", r"/keys", "key_list"),
    ("POST", r"/keys", "key_create"),
    ("DELETE", r"/keys/(?P<target>[^/]+)", "key_revoke"),
    ("GET", r"/jobs(?:/(?P<target>[^/]+))?", "job_read"),
    ("GET", r"/feedback", "feedback"),
    ("POST", r"/feedback", "feedback"),
    ("GET", r"/policies", "policy_list"),
]]
ACTIONS = tuple(dict.fromkeys(action for _, _, action in _ROUTES))

#: The request body field that is the query, per action (hashed; kept only if configured).
_QUERY_FIELD = {"search": "query", "related": "text", "ask": "question",
                "ask_stream": "question", "alignment": "text", "feedback": "question"}
_QUERY_TEXT_CHARS = 2000
#: Reads of one document by id: their record names the document's collection.
_DOCUMENT_READS = frozenset({"document_read", "page_read", "file_read", "version_list",
                             "version_page_read", "version_diff"})


def classify(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """The action of a request and what its path names (doc, page, target); None: not audited."""
    method = "GET" if method == "HEAD" else method
    for wanted, pattern, action in _ROUTES:
        match = pattern.fullmatch(path)
        if wanted == method and match:
            return action, {k: v for k, v in match.groupdict().items() if v is not None}
    return None


def _search_docs(body: Any) -> list[str]:
    return [h["doc_id"] for h in body.get("hits", []) if isinstance(h, dict) and "doc_id" in h]


def _alignment_docs(body: Any) -> list[str]:
    report = body.get("report", body)  # the stream's `result` event wraps the report
    return [e["doc_id"] for m in report.get("mechanisms", []) for a in m.get("alignments", [])
            for e in a.get("evidence", []) if isinstance(e, dict) and "doc_id" in e]


def _job_docs(body: Any) -> list[str]:
    return [body["doc_id"]] if isinstance(body.get("doc_id"), str) else []


#: Doc ids read from the JSON a route sent, for routes that do not :func:`note` them.
_FROM_RESPONSE: dict[str, Callable[[Any], list[str]]] = {
    "search": _search_docs, "related": _search_docs, "alignment": _alignment_docs,
    "upload": _job_docs, "delete": _job_docs}


def _response_docs(action: str, content_type: str, body: bytes) -> list[str] | None:
    extract = _FROM_RESPONSE.get(action)
    if extract is None or not body:
        return None
    lines = body.splitlines() if "ndjson" in content_type else [body]
    docs: list[str] = []
    for raw in lines:
        try:
            value = json.loads(raw)
            if isinstance(value, dict) and value.get("event", "result") == "result":
                docs.extend(extract(value))
        except (ValueError, RecursionError, AttributeError, TypeError, KeyError):
            continue
    return list(dict.fromkeys(docs))


class AuditMiddleware:
    """Pure ASGI middleware: classifies the request, watches the status (and, where needed,
    the bodies), and writes the record once the response is complete."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.log = AuditLog.of(settings)
        self.query_text = settings.audit_query_text
        self._pepper: bytes | None = None
        self._warned = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = classify(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if kind is None:
            await self.app(scope, receive, send)
            return
        action, named = kind
        state: dict[str, Any] = scope.setdefault("state", {})
        started = time.monotonic()
        seen: dict[str, Any] = {"status": 500, "type": "", "out": bytearray(), "in": bytearray()}
        wants_query = scope["method"] == "POST" and action in _QUERY_FIELD

        async def tee_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(seen["in"]) < _BODY_CAP:
                seen["in"] += message.get("body", b"")
            return message

        async def tee_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                headers = dict(message.get("headers", []))
                seen["type"] = headers.get(b"content-type", b"").decode("latin-1")
                seen["result_id"] = headers.get(b"x-result-id", b"").decode("latin-1")
                seen["keep"] = (action in _FROM_RESPONSE and "audit_docs" not in state
                                and "json" in seen["type"])
            elif message["type"] == "http.response.body" and seen.get("keep"):
                if len(seen["out"]) + len(message.get("body", b"")) <= _BODY_CAP:
                    seen["out"] += message.get("body", b"")
                else:
                    seen["keep"], seen["out"] = False, bytearray()
            await send(message)

        try:
            await self.app(scope, tee_receive if wants_query else receive, tee_send)
        finally:
            await self._finish(scope, state, action, named, seen, started)

    async def _finish(self, *args: Any) -> None:
        """Write the record; a log that cannot be written is said once, never a failed request."""
        try:
            record = self._record(*args)
            if self.log.fsync:  # a disk flush must not stall the event loop
                await run_in_threadpool(self.log.append, record)
            else:
                self.log.append(record)
        except Exception as exc:  # never a failed request: the response is already sent
            if not self._warned:
                logger.error("the audit log %s cannot be written: %s", self.log.path, exc,
                             exc_info=not isinstance(exc, OSError))
                self._warned = True

    def _record(self, scope: Scope, state: dict[str, Any], action: str,
                named: dict[str, str], seen: dict[str, Any], started: float) -> dict[str, Any]:
        caller = state.get("caller")
        key_id = getattr(caller, "key_id", None)
        role = getattr(caller, "role", None)
        record: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "key_id": key_id or "anonymous", "role": getattr(role, "value", None),
            "action": action, "status": seen["status"],
            "ms": round((time.monotonic() - started) * 1000, 1)}
        if not key_id:
            client = getattr(caller, "client", None) or (scope.get("client") or ("unknown",))[0]
            record["client"] = self._address_hash(str(client))
            if caller is None and any(k == b"authorization" for k, _ in scope["headers"]):
                record["unverified_key"] = True  # a key was sent but never accepted (401, 413)
        sent = _json_body(bytes(seen["in"]))
        query = sent.get(_QUERY_FIELD.get(action, ""))
        if isinstance(sent.get("doc_id"), str) and action in ("related", "alignment"):
            named.setdefault("target", sent["doc_id"])  # the document the request was about
        if isinstance(query, str) and query:
            record["query_sha256"] = query_hash(query)
            if self.query_text:
                record["query"] = query[:_QUERY_TEXT_CHARS]
        docs = state.get("audit_docs")
        if docs is None:
            docs = _response_docs(action, seen["type"], bytes(seen["out"]))
        if docs is None and "doc" in named:
            docs = [named["doc"]]
        if docs is not None:
            record["docs"] = [str(d) for d in docs]
        if "page" in named:
            record["page"] = int(named["page"])
        if "version" in named:
            record["version"] = int(named["version"])
        if seen.get("result_id"):  # an alignment report, downloadable by this id
            record["result_id"] = seen["result_id"]
        target = state.get("audit_target") or named.get("target")
        if target:
            record["target"] = str(target)
        access = state.get("access")  # what the caller could read (api.auth.caller_access)
        if access is not None:
            record["collections"] = access.as_filter() if not access.unrestricted else "*"
        collection = state.get("audit_collection") or _read_collection(scope, action, named,
                                                                      seen["status"])
        if collection:
            record["collection"] = str(collection)
        return record

    def _address_hash(self, address: str) -> str:
        """HMAC of the address with a secret kept beside the log (an IPv4 address hashed
        without one is found again by trying all 2^32)."""
        if self._pepper is None:
            self._pepper = _pepper(self.log.path.parent)
        return hmac.new(self._pepper, address.encode(), hashlib.sha256).hexdigest()[:16]


def _pepper(directory: Path) -> bytes:
    """The installation's address-hash secret: made once (by whichever worker is first)."""
    path = directory / "address.key"
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it right now
            value = path.read_bytes()
            if len(value) == 32:
                return value
            time.sleep(0.01)
        raise OSError(f"{path} is not a 32-byte key; delete it to make a new one") from None
    value = secrets.token_bytes(32)
    try:
        os.write(fd, value)
    finally:
        os.close(fd)
    return value


def _read_collection(scope: Scope, action: str, named: dict[str, str],
                     status: int) -> str | None:
    """The collection of the document a successful document, page or file read returned (one
    indexed catalog query, after the response); None for any other request and for a refusal
    or a 404, which read nothing (their record still names the id asked for)."""
    if action not in _DOCUMENT_READS or "doc" not in named or not 200 <= status < 400:
        return None
    try:
        return get_catalog(Request(scope)).collection_of(named["doc"])
    except Exception:  # the record is still written, without the collection
        logger.warning("audit: no collection for %r", named["doc"], exc_info=True)
        return None


def _json_body(body: bytes) -> dict[str, Any]:
    """The request's JSON object (empty when there is none or it is not JSON: FastAPI's 422)."""
    if not body:
        return {}
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def install_audit(app: Any, settings: Settings) -> None:
    """Audit every API read and write (``POLICYKB_AUDIT``); the outermost middleware, so a
    request refused by an inner one (413, 401) is recorded too."""
    if settings.audit:
        app.add_middleware(AuditMiddleware, settings=settings)
