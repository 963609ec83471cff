"""One small exception hierarchy, so the CLI and the API can turn user errors into clean messages.

Every error PolicyKB reports to a person is defined here, whichever layer raises it: the CLI
prints the message, the API answers ``{"error": <class name>, "detail": <message>}`` with the
status ``api/errors.py`` gives the class. Messages name the field, file or id at fault.
"""

from __future__ import annotations

from pathlib import Path


class PolicyKBError(Exception):
    """Base class for every error PolicyKB reports to a user rather than crashing on."""


# -- configuration: the server's fault, not the caller's --------------------------------------


class ConfigurationError(PolicyKBError):
    """A setting is missing or invalid (the message names the setting)."""


class RegistryFileError(ConfigurationError):
    """The reviewed policy-registry file is malformed; the message names the file and field.

    A server-side configuration fault, not a missing index: it must not read as "index
    unavailable", and the caller's request is not at fault either."""


class IndexUnavailableError(PolicyKBError):
    """The index directory cannot be opened or written (read-only, disk full, locked)."""


class GenerativeUnavailableError(PolicyKBError):
    """The configured answer model (POLICYKB_LLM_URL) is down, refused, or did not answer in
    time. The message names the setting, not the URL (that goes to the server's log)."""


class StorageFullError(PolicyKBError):
    """An append-only log reached its size cap (named, with what to do about it)."""


# -- documents and other things looked up by id -----------------------------------------------


class NotFoundError(PolicyKBError):
    """Nothing has the requested id (a document, a page, an API key, a job)."""


class DocumentNotFoundError(NotFoundError):
    """No indexed document has the requested id."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        super().__init__(f"no indexed document with id {doc_id!r}")


class KeyNotFoundError(NotFoundError):
    """No key with that id (or it is already revoked)."""


class JobNotFoundError(NotFoundError):
    """No background job with that id."""


class DocumentParseError(PolicyKBError):
    """A file could not be read as a document; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFormatError(DocumentParseError):
    """The file's extension is not one PolicyKB can ingest."""


class NoMechanismsError(PolicyKBError):
    """The text has no numbered mechanisms, objectives or measures to align."""


class ArchiveError(PolicyKBError):
    """The archive is damaged, incomplete or not a PolicyKB index archive (names the file)."""


class JobFailedError(PolicyKBError):
    """A job handler's way to fail a job with a message for the user (no traceback logged)."""


# -- requests: what a caller sent or may do ---------------------------------------------------


class MalformedRequestError(PolicyKBError):
    """The request cannot be parsed: a malformed multipart body, a body cut short, a
    Content-Length that is not a number."""


class InvalidFieldError(PolicyKBError):
    """A field's value is refused for a reason its type cannot state (a blank query, an
    unknown form field, a date that is no date); the message names the field."""


class BadFileNameError(InvalidFieldError):
    """The uploaded file's name cannot be made into a safe document id."""


class EmptyFileError(InvalidFieldError):
    """The uploaded file has no bytes."""


class UnsupportedMediaTypeError(PolicyKBError):
    """The body is not multipart, or the file's type is not one PolicyKB can ingest."""


class RequestTooLargeError(PolicyKBError):
    """A body or an uploaded file is over its size limit (the message names the setting)."""


class ConflictError(PolicyKBError):
    """The request conflicts with what the server holds or how it is set up: a document id
    already ingested from elsewhere, a mode that is not configured."""


class NotAuthenticatedError(PolicyKBError):
    """No API key where one is needed, or a key that is unknown, revoked or malformed."""


class ForbiddenError(PolicyKBError):
    """The caller's key has a role below the one the request needs."""


class DeadlineExceededError(PolicyKBError):
    """Work took longer than its time limit (the message names the setting); what it had
    done is discarded."""


class RateLimitedError(PolicyKBError):
    """The caller is over its request rate; ``retry_after`` is the whole seconds to wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)
