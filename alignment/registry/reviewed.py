"""Loading the reviewed registry file (``corpus/registry/policies.yaml``).

The file is edited by hand, so a mistake must say where it is: YAML that does not parse, an
unknown key, a wrong type or a missing key raises ``RegistryFileError`` naming the file and the
key path (``policies[0].corrections[2].titel: unknown key``), which the CLI prints and the API
returns instead of a registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from alignment.registry.schema import OPS, ReviewedFile
from core.errors import RegistryFileError


def load_reviewed(path: Path) -> ReviewedFile:
    """The reviewed file, validated; ``RegistryFileError`` names the file and the key path."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RegistryFileError(f"{path}: not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RegistryFileError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise RegistryFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if data is None:
        return ReviewedFile()
    try:
        return ReviewedFile.model_validate(data)
    except ValidationError as exc:
        raise RegistryFileError(f"{path}: {describe_errors(exc.errors())}") from exc


_MESSAGES = {  # pydantic's wording -> the reviewer's; types also say what was found
    "missing": "missing",
    "extra_forbidden": "unknown key",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
}
_SHOWN = 3


def describe_errors(errors: Sequence[ErrorDetails]) -> str:
    """``key.path: message`` for the first few errors, in the file's order."""
    lines = [_describe(error) for error in errors[:_SHOWN]]
    more = len(errors) - _SHOWN
    return "; ".join(lines) + (f" (and {more} more)" if more > 0 else "")


def _describe(error: ErrorDetails) -> str:
    loc = tuple(error["loc"])
    message = _MESSAGES.get(error["type"], error["msg"])
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):  # a correction's op
        loc = (*loc, "op")
        message = f"must be one of {', '.join(OPS)}"
    if error["type"].endswith("_type"):
        found = error.get("input")
        message += f", not {'nothing' if found is None else type(found).__name__}"
    return f"{_key_path(loc)}: {message}"


def _key_path(loc: tuple[int | str, ...]) -> str:
    """``policies[0].corrections[2].title`` from pydantic's location, without the op name it
    inserts after a correction's index (a tag of the union, not a key of the file)."""
    parts: list[str] = []
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif (item in OPS and i >= 2 and loc[i - 2] == "corrections"
              and isinstance(loc[i - 1], int)):
            continue
        else:
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts) or "(top level)"
