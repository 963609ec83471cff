"""405 answers that name every method of the path.

Starlette answers a method a path does not take with the ``Allow`` of the first route that
matched the path, so ``OPTIONS /feedback`` said ``Allow: POST`` although ``GET /feedback``
exists too (found by schemathesis). This handler lists the methods of every route on the path.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.errors import error_name, error_response

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """The methods some route fully matches on the request's path. Each method is tried
    against the router (included routers are not flat route lists in recent FastAPI)."""
    allowed = []
    for method in METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in app.router.routes):
            allowed.append(method)
    return allowed


def install_allow_header(app: FastAPI) -> None:
    async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})
        methods = allowed_methods(app, request)
        if methods:
            headers["Allow"] = ", ".join(methods)
        detail = exc.detail if isinstance(exc, StarletteHTTPException) else "Method Not Allowed"
        return error_response(error_name(405), detail, 405, headers=headers)

    app.add_exception_handler(405, method_not_allowed)
