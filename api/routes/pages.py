"""The web page for ministry staff: ``/`` (index.html) and its static assets under ``/static``.

The page is plain HTML + ES modules (no build step). ``/`` is served with a strict
Content-Security-Policy: only this origin's scripts run (no inline scripts, no ``eval``), so even
if document text ever reached the DOM as markup, an injected ``<script>`` or ``onerror=`` handler
would not execute. The page itself never renders data as HTML (``textContent`` only).

``create_app`` includes this router after the JSON API's routers and mounts :func:`static_app` at
``/static``; neither ``/`` nor ``/static/...`` overlaps an API path.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    # the PDF viewer panel shows /documents/{id}/file#page=N, or (signed in: a frame cannot
    # send the key) the same file fetched with it, from a blob: URL
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])

_PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",  # revalidate: a deploy must not leave stale modules behind
}

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=FileResponse)
def index() -> FileResponse:
    """The chat / search / alignment page."""
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                        headers=_PAGE_HEADERS)


_STATIC_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-cache")]
#: What an HTML file under /static needs besides: ``/static/index.html`` is the same page as
#: ``/``, and without these it could be framed and would leak its URL as a referrer.
_HTML_HEADERS = [(name.lower().encode(), value.encode()) for name, value in _PAGE_HEADERS.items()
                 if (name.lower().encode(), value.encode()) not in _STATIC_HEADERS]


class _StaticFiles(StaticFiles):
    """StaticFiles that asks browsers to revalidate (ETag) and never to sniff types, and
    serves any HTML with the page's security headers (CSP, frame-ancestors, Referrer-Policy)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_STATIC_HEADERS)
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    headers.extend(_HTML_HEADERS)
                message = {**message, "headers": headers}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def static_app() -> StaticFiles:
    """The ASGI app ``create_app`` mounts at ``/static`` (index.html's scripts and styles)."""
    return _StaticFiles(directory=STATIC_DIR)
