"""Receive a multipart upload straight into the uploads folder, counting bytes as they come.

FastAPI's ``UploadFile`` would first spool the whole body to a temporary file outside the
data directory, with no size limit; here the body is parsed as it streams, the file part is
written to an ``.incoming`` file (see :class:`ingest.uploads.UploadStore`) and refused the
moment it passes ``max_bytes``. The file's name is checked from its part headers, before any
of its bytes are stored, so a wrong type is refused at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from core.errors import (
    EmptyFileError,
    InvalidFieldError,
    MalformedRequestError,
    RequestTooLargeError,
    UnsupportedMediaTypeError,
)
from ingest.uploads import UploadStore

FILE_FIELD = "file"
MAX_FIELD_BYTES = 2000


@dataclass
class ReceivedUpload:
    """A completely received file, still under its ``.incoming`` name."""

    file_name: str
    temp: Path
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)


def _decode(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


class _Receiver:
    """The parser's callbacks: one file part to disk, a few small text fields in memory."""

    def __init__(self, store: UploadStore, max_bytes: int, allowed_fields: frozenset[str],
                 accept_name: Callable[[str], str], check_field: Callable[[str, str], None]):
        self.store = store
        self.max_bytes = max_bytes
        self.allowed_fields = allowed_fields
        self.accept_name = accept_name
        self.check_field = check_field
        self.upload: ReceivedUpload | None = None
        self.fields: dict[str, str] = {}
        self.file_done = False
        self.ended = False
        self._handle: BinaryIO | None = None
        self._headers: dict[bytes, bytes] = {}
        self._header_name = b""
        self._header_value = b""
        self._field: str | None = None
        self._value = bytearray()
        self._in_file = False

    # python-multipart callbacks ----------------------------------------------------------
    def on_part_begin(self) -> None:
        self._headers, self._field, self._value, self._in_file = {}, None, bytearray(), False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = _decode(options.get(b"name", b""))
        if b"filename" not in options:
            if name not in self.allowed_fields:
                known = ", ".join([FILE_FIELD, *sorted(self.allowed_fields)])
                raise InvalidFieldError(f"unknown form field {name!r}; accepted: {known}")
            self._field = name
            return
        if name != FILE_FIELD:
            raise InvalidFieldError(f"the file must be sent in the form field '{FILE_FIELD}', "
                                    f"not {name!r}")
        if self.upload is not None:
            raise InvalidFieldError("one file per upload")
        file_name = self.accept_name(_decode(options[b"filename"]))
        self.upload = ReceivedUpload(file_name, self.store.new_temp())
        self._handle = self.upload.temp.open("wb")
        self._in_file = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            assert self.upload is not None and self._handle is not None
            self.upload.size += end - start
            if self.upload.size > self.max_bytes:
                raise RequestTooLargeError(
                    f"{self.upload.file_name} is larger than "
                    f"{self.max_bytes // 2**20} MB (POLICYKB_MAX_UPLOAD_MB)")
            self._handle.write(data[start:end])  # small writes to the page cache
        else:
            self._value += data[start:end]
            if len(self._value) > MAX_FIELD_BYTES:
                raise InvalidFieldError(f"form field {self._field!r} is "
                                        f"longer than {MAX_FIELD_BYTES} bytes")

    def on_part_end(self) -> None:
        if self._in_file:
            assert self._handle is not None
            self._handle.close()
            self._handle = None
            self.file_done = True
        elif self._field is not None:
            value = _decode(bytes(self._value)).strip()
            self.check_field(self._field, value)
            self.fields[self._field] = value

    def on_end(self) -> None:
        self.ended = True

    def callbacks(self) -> dict[str, Callable]:
        return {name: getattr(self, name) for name in (
            "on_part_begin", "on_header_field", "on_header_value", "on_header_end",
            "on_headers_finished", "on_part_data", "on_part_end", "on_end")}

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self.upload is not None:
            with contextlib.suppress(OSError):
                self.upload.temp.unlink()


async def receive_upload(
    request: Request, *, store: UploadStore, max_bytes: int, allowed_fields: frozenset[str],
    accept_name: Callable[[str], str], check_field: Callable[[str, str], None],
) -> ReceivedUpload:
    """Parse the request body; the file is under ``.incoming`` when this returns. Raises
    a PolicyKBError (nothing is left behind) for anything not a complete, valid upload."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise UnsupportedMediaTypeError(
            f"send the file as multipart/form-data in the field "
            f"'{FILE_FIELD}' (got {content_type.decode() or 'no content type'})")
    receiver = _Receiver(store, max_bytes, allowed_fields, accept_name, check_field)
    parser = MultipartParser(params[b"boundary"], receiver.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        if receiver.upload is None:
            raise InvalidFieldError(f"the form has no file in the field '{FILE_FIELD}'")
        if not (receiver.file_done and receiver.ended):
            raise MalformedRequestError(f"{receiver.upload.file_name}: the upload ended "
                                        "before its last byte (body cut short)")
        if receiver.upload.size == 0:
            raise EmptyFileError(f"{receiver.upload.file_name} is empty (0 bytes)")
    except MultipartParseError as exc:
        receiver.discard()
        raise MalformedRequestError(f"malformed multipart body: {exc}") from exc
    except BaseException:  # rejected, client gone, body too large, cancelled: leave nothing
        receiver.discard()
        raise
    receiver.upload.fields = receiver.fields
    return receiver.upload
