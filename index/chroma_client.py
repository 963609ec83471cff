"""Opening chromadb: an HttpClient bounded in time for a server URL, else the embedded client,
and making an embedded client read files another process wrote since.

Kept apart from ``vector_store.py``: the store, whole-collection operations (restore) and
backups all open clients the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from core.errors import IndexUnavailableError


def open_client(chroma_dir: Path, url: str | None, token: str | None,
                timeout_s: float = 30.0) -> Any:
    """A chromadb client: an HttpClient for ``url`` (the token sent as a Bearer header on
    every request, each request bounded by ``timeout_s``), else the embedded PersistentClient
    on ``chroma_dir``.

    chromadb's HTTP client waits forever (``httpx.Client(timeout=None)``): a server that
    accepts connections but never answers would hold every API worker. So the server is
    probed first with a bounded request, and the client's session gets the same bound."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise IndexUnavailableError(
                f"POLICYKB_CHROMA_URL={url!r} is not an http:// or https:// URL")
        headers = {"Authorization": f"Bearer {token}"} if token else None
        _probe(url, headers, timeout_s)
        # The whole URL as host keeps a path prefix (a server behind a proxy at /chroma).
        client = chromadb.HttpClient(
            host=url.rstrip("/"),
            port=parsed.port or (443 if parsed.scheme == "https" else 80),
            ssl=parsed.scheme == "https",
            headers=headers,
            settings=chroma_settings,
        )
        _bound(client, timeout_s)
        return client
    chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(chroma_dir), settings=chroma_settings)


def _probe(url: str, headers: dict[str, str] | None, timeout_s: float) -> None:
    """One bounded heartbeat before chromadb's unbounded client makes its first request."""
    import httpx

    try:
        httpx.get(f"{url.rstrip('/')}/api/v2/heartbeat", headers=headers, timeout=timeout_s)
    except httpx.TimeoutException as exc:
        raise IndexUnavailableError(
            f"the vector store at {url} did not answer within {timeout_s:g} s "
            "(POLICYKB_CHROMA_TIMEOUT_S)") from exc
    except httpx.HTTPError:
        pass  # refused or reset: chromadb's own error below says it better


def _bound(client: Any, timeout_s: float) -> None:
    """Give chromadb's HTTP session a timeout (it has no setting for one)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if not isinstance(session, httpx.Client):
        raise IndexUnavailableError("this chromadb version's HTTP client cannot be given a "
                                    "timeout; PolicyKB needs one (see index/vector_store.py)")
    session.timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0))


def forget_embedded(chroma_dir: Path, *, stop: bool = False) -> None:
    """Make the next embedded client on ``chroma_dir`` read the files as they are now.

    chromadb shares one in-process "system" per folder, so a new PersistentClient alone would
    hand back the same stale index; the folder's entry is dropped from that cache (chromadb
    1.5 internals, pinned in pyproject). Without ``stop`` the old system lives on until the
    last query running on it lets go; ``stop`` releases it at once (nothing may still use it).
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_refcount.pop(str(chroma_dir), None)
    system = SharedSystemClient._identifier_to_system.pop(str(chroma_dir), None)
    if stop and system is not None:
        system.stop()


def fresh_collection(chroma_dir: Path, name: str) -> Any:
    forget_embedded(chroma_dir)
    return open_client(chroma_dir, None, None).get_collection(name, embedding_function=None)
