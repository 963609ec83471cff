"""Size limits on what a request may carry: the body (413) and the query text (422).

Bodies: the route, never the Content-Type, picks the limit (a body merely labelled
``multipart/form-data`` must not get the upload limit): only the upload routes
(``app.state.upload_routes``, ``POST /documents``) take ``max_upload_mb`` plus 1 MB for the
form's own fields and boundaries; every other request at most ``max_body_kb``. A declared
``Content-Length`` over the limit is refused before anything is read; a chunked body (no
``Content-Length``) is counted as it streams and refused at the first chunk past the limit.

Queries: the search query and the question are limited to ``max_query_chars``. The request
models cannot see the settings, so the routes call :func:`check_query_length`, and
:func:`publish_query_limit` writes the configured limit into the OpenAPI schema so the
documented ``maxLength`` is the one enforced. Pasted drafts and plans (``/related``'s and
``/alignment``'s ``text``) are documents, not queries: they keep their own ``max_length``
and the body limit.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import domain_error_response
from core.errors import MalformedRequestError, PolicyKBError, RequestTooLargeError
from core.settings import Settings

UPLOAD_FORM_SLACK = 2**20  # multipart boundaries and form fields around the file itself
#: (method, path) of the routes that accept a file upload; install_limits copies it to
#: ``app.state.upload_routes``, where an app that adds an upload route adds it too.
UPLOAD_ROUTES: frozenset[tuple[str, str]] = frozenset({("POST", "/documents")})

# (request model, field) pairs limited to settings.max_query_chars
QUERY_FIELDS = (("SearchRequestIn", "query"), ("AskRequestIn", "question"),
                ("HistoryTurnIn", "question"))


class _BodyOverLimit(HTTPException):
    """Raised from ``receive`` when a streamed body passes its limit: a private signal that
    carries :class:`RequestTooLargeError` out of FastAPI's body parsing, which passes an
    HTTPException on but would turn any other exception into a 400."""

    def __init__(self, detail: str) -> None:
        super().__init__(status_code=413, detail=detail)


class BodyLimitMiddleware:
    """Pure ASGI middleware (no buffering): 413 for a body over its limit."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    @classmethod
    def options(cls, settings: Settings) -> dict[str, int]:
        """Keyword arguments for ``app.add_middleware(BodyLimitMiddleware, **...)``."""
        return {"max_body_bytes": settings.max_body_kb * 1024,
                "max_upload_bytes": settings.max_upload_mb * 2**20}

    def _limit(self, scope: Scope) -> tuple[int, str]:
        if _is_upload_route(scope):
            return (self.max_upload_bytes + UPLOAD_FORM_SLACK,
                    f"an upload may be at most {self.max_upload_bytes // 2**20} MB "
                    "(POLICYKB_MAX_UPLOAD_MB)")
        return (self.max_body_bytes,
                f"a request body may be at most {self.max_body_bytes // 1024} KB "
                "(POLICYKB_MAX_BODY_KB)")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit, detail = self._limit(scope)
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                error = MalformedRequestError("the Content-Length header is not a number")
                await _refuse(error)(scope, receive, send)
                return
            if int(declared) > limit:
                await _refuse(RequestTooLargeError(detail))(scope, receive, send)
                return

        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyOverLimit(detail)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _BodyOverLimit as exc:  # read outside FastAPI's handlers (a mounted app)
            if started:
                raise
            await _refuse(RequestTooLargeError(str(exc.detail)))(scope, receive, send)


def _is_upload_route(scope: Scope) -> bool:
    """Whether the request goes to an upload route (``scope["app"]`` is the application)."""
    app = scope.get("app")
    routes = getattr(getattr(app, "state", None), "upload_routes", UPLOAD_ROUTES)
    path = scope.get("path", "").rstrip("/") or "/"
    return (scope.get("method", ""), path) in routes


def install_limits(app: FastAPI, settings: Settings) -> None:
    """The body limit middleware, its error shape, and the query limit in the OpenAPI schema."""
    app.state.upload_routes = set(UPLOAD_ROUTES)
    app.add_middleware(BodyLimitMiddleware, **BodyLimitMiddleware.options(settings))

    async def too_large(_: Request, exc: Exception) -> Response:
        return _refuse(RequestTooLargeError(str(getattr(exc, "detail", exc))))

    app.add_exception_handler(_BodyOverLimit, too_large)
    publish_query_limit(app, settings.max_query_chars)


def _refuse(error: PolicyKBError) -> JSONResponse:
    # Close the connection: the body we did not read must not be taken for the next request.
    return domain_error_response(error, close=True)


def check_query_length(value: str, field: str, settings: Settings) -> None:
    """422, shaped like FastAPI's own validation errors and naming ``field``, when ``value``
    is longer than ``settings.max_query_chars``."""
    limit = settings.max_query_chars
    if len(value) > limit:
        raise RequestValidationError([{
            "type": "string_too_long",
            "loc": ("body", field),
            "msg": f"`{field}` has {len(value)} characters; at most {limit} are accepted "
                   "(POLICYKB_MAX_QUERY_CHARS)",
            "input": value[:100],
            "ctx": {"max_length": limit},
        }])


def publish_query_limit(app: FastAPI, max_chars: int) -> None:
    """Make ``/openapi.json`` state the configured ``maxLength`` of every query field."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            models = schema.get("components", {}).get("schemas", {})
            for model, field in QUERY_FIELDS:
                prop = models.get(model, {}).get("properties", {}).get(field)
                if prop is not None:
                    prop["maxLength"] = max_chars
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
