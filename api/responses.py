"""The error answers of the API, as the OpenAPI schema documents them.

Every error body has an ``error`` (its kind: a class of ``core/errors.py``, see
``api/errors.py``) and a ``detail`` (a sentence naming the field or file, or FastAPI's list of
validation issues). :data:`READER_ERRORS` and
:data:`WRITER_ERRORS` are given to routers where ``create_app`` sets their access;
:func:`document_body_errors` adds what any request body can cause (400, 413) and gives every
422 the one error schema, since a route's own 422 (a blank query, a plan without mechanisms)
carries a sentence rather than FastAPI's list. ``tests/api/test_fuzz_openapi.py`` checks
that every status the app answers is documented here or on its route.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field


class ValidationIssueOut(BaseModel):
    """One entry of FastAPI's validation error list."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(..., description="Where: ['body', 'query'], ['path', 'page'].")
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Any 4xx/5xx answer of the JSON API."""

    error: str | None = Field(None, description="The kind, e.g. DocumentNotFoundError, "
                              "RequestTooLargeError, UnsupportedMediaTypeError.")
    detail: str | list[ValidationIssueOut] = Field(
        ..., description="What is wrong, naming the field or file; or the validation issues.")


Responses = dict[int | str, dict[str, Any]]  # FastAPI's `responses=` argument


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


def not_found(what: str) -> Responses:
    return {404: _error(f"No {what} with this id.")}


UNAUTHORIZED: Responses = {401: _error("No API key where one is needed, or an unknown or revoked key.")}
RATE_LIMITED: Responses = {429: {**_error("Over POLICYKB_RATE_LIMIT_PER_MINUTE; see `Retry-After`."),
                      "headers": {"Retry-After": {"description": "Seconds to wait.",
                                                  "schema": {"type": "integer"}}}}}
READER_ERRORS: Responses = {**UNAUTHORIZED, **RATE_LIMITED}
WRITER_ERRORS: Responses = {
    **UNAUTHORIZED, 403: _error("The key's role is below the one this needs."), **RATE_LIMITED}

BODY_ERRORS = {
    "400": "The body cannot be parsed (not UTF-8, malformed multipart) or its Content-Length "
           "is not a number.",
    "413": "The body is larger than POLICYKB_MAX_BODY_KB (an upload: POLICYKB_MAX_UPLOAD_MB).",
}


def document_body_errors(app: FastAPI) -> None:
    """Make ``/openapi.json`` list 400 and 413 on every operation with a request body, and
    :class:`ErrorOut` as the body of every 422."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in error_schema.pop("$defs", {}).items():
                components.setdefault(name, definition)
            components.setdefault("ErrorOut", error_schema)
            content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
            for operation in _operations(schema):
                responses = operation.setdefault("responses", {})
                if "requestBody" in operation:
                    for code, description in BODY_ERRORS.items():
                        responses.setdefault(code, {"description": description,
                                                    "content": content})
                if "422" in responses:
                    responses["422"]["content"] = content
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return [operation for path in schema.get("paths", {}).values()
            for method, operation in path.items() if method in methods]
