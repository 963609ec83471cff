"""User overrides: a ``NAME.meta.yaml`` sidecar or a folder's ``policykb-manifest.yaml``, checked
key by key so a typo is an error naming the file and the field, never a silent default.

Kept apart from ``metadata.py``: uploads validate overrides without inferring anything.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from core.access import collection_name
from core.errors import DocumentParseError, InvalidFieldError
from core.models import DocType
from ingest.identity.country import normalize_country
from ingest.metadata_doctype import coerce_doc_type
from ingest.metadata_values import normalize_date, normalize_language

ALLOWED_KEYS = frozenset(
    {"title", "doc_type", "issuing_body", "country", "date", "language", "period", "author", "tags",
     "collection"}
)
MANIFEST_NAME = "policykb-manifest.yaml"
SIDECAR_SUFFIX = ".meta.yaml"


def validate_overrides(data: Any, source: Path, where: str = "") -> dict[str, Any]:
    """Check a sidecar/manifest entry: known keys only, valid doc_type and date; normalise values."""
    prefix = f"{where}: " if where else ""
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise DocumentParseError(source, f"{prefix}expected 'key: value' lines, got {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in ALLOWED_KEYS)
    if unknown:
        raise DocumentParseError(
            source, f"{prefix}unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(ALLOWED_KEYS))}")
    out: dict[str, Any] = {}
    for key, value in ((k, v) for k, v in data.items() if v is not None):
        if key == "doc_type":
            doc_type = coerce_doc_type(value)
            if doc_type is None:
                raise DocumentParseError(
                    source, f"{prefix}doc_type {value!r} is not one of {', '.join(t.value for t in DocType)}")
            out[key] = doc_type.value
        elif key == "date":
            iso = normalize_date(value)
            if iso is None:
                raise DocumentParseError(source, f"{prefix}date {value!r} is not a date (use yyyy-mm-dd)")
            out[key] = iso
        elif key == "tags":
            out[key] = [str(t) for t in (value if isinstance(value, list) else [value])]
        elif key == "language":
            out[key] = normalize_language(value)
        elif key == "collection":
            try:
                out[key] = collection_name(str(value), f"{prefix}collection")
            except InvalidFieldError as exc:
                raise DocumentParseError(source, str(exc)) from exc
        elif key == "country":
            if (code := normalize_country(value)) is None:
                raise DocumentParseError(
                    source, f"{prefix}country {value!r} is not a country code (KH, SG, IN-KL) or known name")
            out[key] = code
        else:
            out[key] = str(value).strip()
    return out


def _read_yaml(path: Path) -> Any:
    from ingest.loaders.yaml_bounds import check_yaml_size

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise DocumentParseError(path, f"invalid YAML at line {line}: {exc.problem}") from exc
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise DocumentParseError(path, f"cannot read YAML: {exc}") from exc
    check_yaml_size(data, path, "the YAML")  # aliases share nodes; a walk would not end
    return data


def load_sidecar(path: Path) -> dict[str, Any] | None:
    """Overrides from ``plan.pdf.meta.yaml`` (preferred) or ``plan.meta.yaml``; None if neither."""
    path = Path(path)
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)):
        if candidate.is_file():
            return validate_overrides(_read_yaml(candidate), candidate)
    return None


def load_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Per-file overrides from ``folder/policykb-manifest.yaml``, keyed by posix relative path."""
    manifest = Path(folder) / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    data = _read_yaml(manifest) or {}
    if not isinstance(data, dict):
        raise DocumentParseError(manifest, "expected a mapping of relative file paths to metadata")
    entries: dict[str, dict[str, Any]] = {}
    for rel, values in data.items():
        key = PurePosixPath(str(rel).replace("\\", "/")).as_posix().removeprefix("./")
        entries[key] = validate_overrides(values, manifest, where=str(rel))
    return entries
