"""One small exception hierarchy, so the CLI and the API can turn user errors into clean messages."""

from __future__ import annotations

from pathlib import Path


class PolicyKBError(Exception):
    """Base class for every error PolicyKB reports to a user rather than crashing on."""


class ConfigurationError(PolicyKBError):
    """A setting is missing or invalid (the message names the setting)."""


class DocumentParseError(PolicyKBError):
    """A file could not be read as a document; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFormatError(DocumentParseError):
    """The file's extension is not one PolicyKB can ingest."""


class DocumentNotFoundError(PolicyKBError):
    """No indexed document has the requested id."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        super().__init__(f"no indexed document with id {doc_id!r}")


class IndexUnavailableError(PolicyKBError):
    """The index directory cannot be opened or written (read-only, disk full, locked)."""


class RegistryFileError(ConfigurationError):
    """The reviewed policy-registry file is malformed; the message names the file and field.

    A server-side configuration fault, not a missing index: it must not read as "index
    unavailable", and the caller's request is not at fault either."""
