"""Closed sets of option values as Enums: typer lists the choices in ``--help`` and refuses
anything else before a model is loaded, instead of each command checking a free string."""

from __future__ import annotations

from enum import StrEnum

from core.models import DocType


class AnswerMode(StrEnum):
    extractive = "extractive"
    generative = "generative"


class ReportFormat(StrEnum):
    md = "md"
    csv = "csv"
    json = "json"
    docx = "docx"


class Lang(StrEnum):
    """A chunk's language, as the search filters know it."""

    km = "km"
    en = "en"
    mixed = "mixed"


def values(chosen: list[Lang] | list[DocType] | None) -> list[str] | None:
    """The plain strings of repeated Enum options; None when none was given."""
    return [str(c.value) for c in chosen] if chosen else None


__all__ = ["AnswerMode", "DocType", "Lang", "ReportFormat", "values"]
