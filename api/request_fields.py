"""What every JSON request body shares: non-finite numbers rejected as a 422 naming their
field, JSON Schema integers, the not-blank pattern, the page limit, and the filters that
/search, /related and /ask all take (split from ``api/schemas.py``, which re-exports them)."""

from __future__ import annotations

import math
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from ingest.identity.country import normalize_country

# Some character that is not whitespace. Written so that pydantic's Rust regex, Python's `re`
# and str.strip() agree (Python also counts \x1c-\x1f as whitespace; Unicode does not).
NOT_BLANK = r"[^\s\x1c-\x1f]"


#: The highest page number a request may name: pages are stored as SQLite integers (< 2**63),
#: and no document has more pages than this, so a larger one is a 422, never an overflow.
MAX_PAGE = 1_000_000


def _as_json_text(value: float) -> str:
    """How JSON extensions spell a non-finite number: the error echoes it as a string, since
    strict JSON (our responses) has no NaN."""
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


class RequestModel(BaseModel):
    """Base of every JSON request body. Python's json parses ``NaN``, ``Infinity`` and
    ``1e400``; pydantic's errors echo their input, which then could not be written as JSON
    (a 500). So any non-finite number fails first, as a 422 naming its field."""

    @model_validator(mode="wrap")
    @classmethod
    def _finite_numbers(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if bad := _non_finite(data):
            raise ValidationError.from_exception_data(cls.__name__, [
                {"type": "finite_number", "loc": loc, "input": _as_json_text(value)}
                for loc, value in bad])
        return handler(data)  # no NaN left: every error's input is valid JSON


def _non_finite(value: Any, loc: tuple[str | int, ...] = ()) -> list[tuple[Any, Any]]:
    """(location, value) of every NaN or infinity inside a parsed JSON body."""
    if isinstance(value, float) and not math.isfinite(value):
        return [(loc, value)]
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    return [found for key, item in items for found in _non_finite(item, (*loc, key))]


def _json_integer(value: Any) -> Any:
    """JSON Schema's integer: a number without a fraction (3 or 3.0), never true or "3",
    which pydantic's lax mode would take."""
    if isinstance(value, bool | str | bytes):
        raise ValueError("must be a JSON number, not a boolean or a string")
    return value


def json_integers(*fields: str) -> Any:
    """A before-validator making ``fields`` JSON Schema integers (a model attribute:
    ``_numbers = json_integers("k")``); the fields' own constraints still apply and show in
    the schema."""
    return field_validator(*fields, mode="before")(staticmethod(_json_integer))


def one_of_required(*fields: str) -> ConfigDict:
    """Say in the JSON schema that at least one of ``fields`` must be given (the route
    checks it: the model alone cannot)."""
    return ConfigDict(json_schema_extra={"anyOf": [
        {"required": [f], "properties": {f: {"type": "string"}}} for f in fields]})


class SearchFiltersIn(BaseModel):
    languages: list[str] | None = Field(None, description="Passage languages: km, en, mixed.")
    doc_types: list[str] | None = Field(
        None, description="policy, law_regulation, meeting_record, news, plan_draft, other.")
    issuing_bodies: list[str] | None = None
    date_from: str | None = Field(None, description="ISO date or year, inclusive.",
                                  pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    date_to: str | None = Field(None, description="ISO date or year, inclusive.",
                                pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    doc_ids: list[str] | None = None
    countries: list[str] | None = Field(
        None, description="Jurisdiction codes or names (KH, SG, VN, IN, IN-KL; IN includes "
        "IN-KL). Documents of unknown country never match.")
    collections: list[str] | None = Field(
        None, description="Only these collections (within those the caller's key may read: "
        "this narrows, never widens).")

    @field_validator("countries")
    @classmethod
    def _country_codes(cls, value: list[str] | None) -> list[str] | None:
        """Codes as stored: "Singapore" or "sg" mean SG."""
        return [normalize_country(v) or v.strip().upper() for v in value] if value else value
