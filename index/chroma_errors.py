"""Store failures as ``IndexUnavailableError``: a server that restarted or a gateway that refused
the token is a 503 naming the URL, never a 500.

Kept apart from ``vector_store.py`` so every chromadb call (the store, whole collections, the
client) reports failures the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.errors import IndexUnavailableError, PolicyKBError


def _unavailable(exc: Exception) -> bool:
    """Failures of the store rather than bugs of ours: transport errors, chromadb's own
    errors, and the bare ``Exception(response text)`` its HTTP client raises for a status it
    does not know (a 401 from a gateway, a 502 from a proxy)."""
    import httpx
    from chromadb.errors import ChromaError

    return isinstance(exc, (httpx.HTTPError, ChromaError, OSError)) or type(exc) is Exception


@contextmanager
def guarded(where: str, action: str) -> Iterator[None]:
    """Report a store failure as ``IndexUnavailableError`` naming the store and the step."""
    try:
        yield
    except PolicyKBError:
        raise
    except Exception as exc:
        if not _unavailable(exc):
            raise
        hint = ""
        if where.startswith("http"):
            hint = " (POLICYKB_CHROMA_URL; is the server running, and POLICYKB_CHROMA_TOKEN right?)"
        detail = str(exc).strip() or type(exc).__name__
        raise IndexUnavailableError(
            f"the vector store at {where}{hint} failed to {action}: {detail}") from exc
