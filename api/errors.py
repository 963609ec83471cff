"""Every error answer of the API: one table from domain errors to HTTP statuses, and the
handlers that give every error the same body, ``{"error": <name>, "detail": <message>}``.

Routes raise the domain errors of ``core/errors.py`` and never build an error response; the
HTTP meaning of each error (its status, and the headers it needs) is decided here only.
Errors the framework raises (no such path, a method the path does not take, a body that fails
validation) get the same shape, named after the domain error of the same status.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import (
    ConfigurationError,
    ConflictError,
    DeadlineExceededError,
    DocumentParseError,
    ForbiddenError,
    GenerativeUnavailableError,
    IndexUnavailableError,
    InvalidFieldError,
    MalformedRequestError,
    NoMechanismsError,
    NotAuthenticatedError,
    NotFoundError,
    PolicyKBError,
    RateLimitedError,
    RequestTooLargeError,
    StorageFullError,
    UnsupportedMediaTypeError,
)

logger = logging.getLogger(__name__)

#: The HTTP status of each domain error (a subclass takes its nearest listed ancestor's).
#: The first class listed for a status also names the framework's errors of that status.
STATUS: dict[type[PolicyKBError], int] = {
    MalformedRequestError: 400,
    NotAuthenticatedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    RequestTooLargeError: 413,
    UnsupportedMediaTypeError: 415,
    InvalidFieldError: 422,
    DocumentParseError: 422,
    NoMechanismsError: 422,
    RateLimitedError: 429,
    ConfigurationError: 500,  # the server's setup is at fault (e.g. RegistryFileError)
    IndexUnavailableError: 503,
    GenerativeUnavailableError: 503,
    StorageFullError: 507,
    DeadlineExceededError: 504,
}
#: Any other PolicyKBError: the request asked for something that cannot be done.
DEFAULT_STATUS = 400

_NAMES: dict[int, str] = {}
for _cls, _status in STATUS.items():
    _NAMES.setdefault(_status, _cls.__name__)

#: Set on ``request.state`` when a refused request's body may be partly unread.
CLOSE_CONNECTION = "close_connection"
#: The most of a request's own input a validation error echoes back (characters of JSON).
MAX_ECHOED_INPUT = 200


def status_of(exc: PolicyKBError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]  # type: ignore[index]
    return DEFAULT_STATUS


def error_name(status: int) -> str:
    """The ``error`` of a framework error: the domain error of that status, else its phrase."""
    if status in _NAMES:
        return _NAMES[status]
    try:
        return HTTPStatus(status).phrase.title().replace(" ", "").replace("-", "")
    except ValueError:
        return "Error"


def error_response(name: str, detail: Any, status: int, *,
                   headers: Mapping[str, str] | None = None,
                   close: bool = False) -> JSONResponse:
    """The one error body. ``close``: the rest of a refused body may be unread, and must not
    be taken for the next request on the connection."""
    headers = dict(headers or {})
    if close:
        headers["Connection"] = "close"
    return JSONResponse({"error": name, "detail": detail}, status_code=status,
                        headers=headers or None)


def domain_error_response(exc: PolicyKBError, *, close: bool = False) -> JSONResponse:
    status = status_of(exc)
    if status >= 500:  # the server's fault: the operator needs it in the log
        logger.error("%s: %s", type(exc).__name__, exc)
    return error_response(type(exc).__name__, str(exc), status, headers=_headers(exc),
                          close=close)


def _headers(exc: PolicyKBError) -> dict[str, str]:
    if isinstance(exc, NotAuthenticatedError):
        return {"WWW-Authenticate": 'Bearer realm="policykb"'}
    if isinstance(exc, RateLimitedError):
        return {"Retry-After": str(exc.retry_after)}
    return {}


def _bounded_issue(issue: Mapping[str, Any]) -> Any:
    """One validation issue with its ``input`` cut to :data:`MAX_ECHOED_INPUT` characters:
    echoing a body back whole turns a 20 MB request into a larger response."""
    bounded = dict(issue)
    if "input" not in bounded:
        return jsonable_encoder(bounded)
    value = bounded["input"]
    text = value if isinstance(value, str) else _as_json(value)
    if len(text) > MAX_ECHOED_INPUT:
        bounded["input"] = text[:MAX_ECHOED_INPUT]
        bounded["input_truncated"] = (f"the input has {len(text)} characters; "
                                      f"only the first {MAX_ECHOED_INPUT} are shown")
    return jsonable_encoder(bounded)


def _as_json(value: Any) -> str:
    try:
        return json.dumps(jsonable_encoder(value), ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _close(request: Request) -> bool:
    return bool(getattr(request.state, CLOSE_CONNECTION, False))


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors, validation errors and the framework's HTTP errors, in one shape."""

    async def domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PolicyKBError)
        return domain_error_response(exc, close=_close(request))

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        issues = [_bounded_issue(issue) for issue in exc.errors()]
        return error_response(error_name(422), issues, 422, close=_close(request))

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return error_response(error_name(exc.status_code), exc.detail, exc.status_code,
                              headers=exc.headers, close=_close(request))

    app.add_exception_handler(PolicyKBError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
