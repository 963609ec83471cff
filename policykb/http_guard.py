"""Limits on a request's head that uvicorn does not have: its size and the time to send it.

uvicorn with httptools accepts request headers of any size (a 40 MB header was read into
memory before authentication) and waits forever for a request whose headers never end (a
slowloris client holds a connection, and enough of them hold the server). This protocol is
uvicorn's httptools protocol plus two checks made before the application sees anything:

* the head (request line and headers) larger than ``max_header_kb`` gets
  ``431 Request Header Fields Too Large`` and the connection is closed;
* a head not complete within ``header_timeout_s`` of the connection opening (or of the previous
  response on a kept-alive connection) gets ``408 Request Timeout`` and is closed (an idle
  connection that sent nothing is closed without a word, as uvicorn's keep-alive timeout does).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from core.settings import get_settings

_END_OF_HEAD = b"\r\n\r\n"


def _reply(transport: asyncio.Transport, status: bytes, message: str) -> None:
    body = message.encode("ascii")
    transport.write(b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
                    b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
                    + body)
    transport.close()


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """``http=`` for uvicorn: the httptools protocol with a bounded, timed request head."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()  # the worker's settings (read from its environment once)
        self.max_head = settings.max_header_kb * 1024
        self.head_timeout = settings.header_timeout_s
        self.head_bytes = 0
        self.awaiting_head = True
        self.head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.awaiting_head:
            end = data.find(_END_OF_HEAD)
            size = self.head_bytes + (len(data) if end < 0 else end + len(_END_OF_HEAD))
            if size > self.max_head:
                self._stop_timer()
                _reply(self.transport, b"431 Request Header Fields Too Large",
                       f"request headers over {self.max_head // 1024} KB (POLICYKB_MAX_HEADER_KB)")
                return
            self.head_bytes = size if end < 0 else 0
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self.awaiting_head = False
        self._stop_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_head()  # the next request on this kept-alive connection

    def _await_head(self) -> None:
        self._stop_timer()
        self.awaiting_head = True
        self.head_bytes = 0
        self.head_timer = asyncio.get_running_loop().call_later(self.head_timeout, self._too_slow)

    def _stop_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _too_slow(self) -> None:
        self.head_timer = None
        if not self.awaiting_head or self.transport.is_closing():
            return
        if self.head_bytes:  # a head begun and not finished: say why
            _reply(self.transport, b"408 Request Timeout",
                   f"request headers not complete within {self.head_timeout:g} s")
        else:  # an idle connection (nothing sent, or kept alive after a response): just close
            self.transport.close()
