"""Which loader reads which file: one table keyed by extension, with uniform error reporting.

Ingestion walks whole folders, so every failure must become a DocumentParseError naming the file
(reported and skipped), never an unexpected exception that stops the run.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path

from core.errors import DocumentParseError, UnsupportedFormatError
from core.models import ParsedDocument
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.text import load_text
from ingest.metadata import MANIFEST_NAME, SIDECAR_SUFFIX

logger = logging.getLogger(__name__)

Loader = Callable[[Path], list[ParsedDocument]]
# Office lock files (~$name.docx), macOS resource forks (._name.pdf): look like documents, are not.
_JUNK_PREFIXES = ("~$", "._", ".~lock")


def _extension(path: Path | str) -> str:
    return Path(path).suffix.lower()


def is_sidecar(path: Path | str) -> bool:
    """Metadata files that live next to documents and must never be ingested as documents."""
    name = Path(path).name.lower()
    return name.endswith(SIDECAR_SUFFIX) or name == MANIFEST_NAME


class LoaderTable:
    """Maps file extensions (``.txt``) to loader callables."""

    def __init__(self, max_file_bytes: int | None = None) -> None:
        self._loaders: dict[str, Loader] = {}
        self.max_file_bytes = max_file_bytes

    def register(self, ext: str, loader: Loader) -> None:
        """Register ``loader`` for ``ext`` (``"txt"`` or ``".txt"``, any case); replaces any earlier one."""
        ext = ext.lower().strip()
        if not ext.lstrip("."):
            raise ValueError("extension must not be empty")
        self._loaders[ext if ext.startswith(".") else f".{ext}"] = loader

    @property
    def extensions(self) -> list[str]:
        return sorted(self._loaders)

    def supports(self, path: Path | str) -> bool:
        """True for files this registry would load (by name only; the file is not opened)."""
        name = Path(path).name
        if is_sidecar(path) or name.startswith(_JUNK_PREFIXES):
            return False
        return _extension(path) in self._loaders

    def load(self, path: Path | str) -> list[ParsedDocument]:
        """Load ``path`` with its loader; every failure is a DocumentParseError naming the file."""
        path = Path(path)
        if not self.supports(path):
            known = ", ".join(self.extensions)
            what = "a metadata sidecar" if is_sidecar(path) else f"'{path.suffix or path.name}'"
            raise UnsupportedFormatError(path, f"unsupported file type {what}; supported: {known}")
        self._check_file(path)
        loader = self._loaders[_extension(path)]
        try:
            docs = loader(path)
        except DocumentParseError:
            raise
        except (MemoryError, RecursionError) as exc:
            raise DocumentParseError(path, f"too large or too deeply nested to parse ({type(exc).__name__})") from exc
        except Exception as exc:  # a loader bug or library failure on one file must not stop a run
            logger.warning("%s: unexpected %s in loader", path, type(exc).__name__, exc_info=True)
            raise DocumentParseError(path, f"could not be read: {type(exc).__name__}: {exc}") from exc
        if not docs:
            raise DocumentParseError(path, "no documents found in the file")
        return docs

    def _check_file(self, path: Path) -> None:
        try:
            info = path.stat()
        except FileNotFoundError as exc:
            raise DocumentParseError(path, "file not found") from exc
        except OSError as exc:
            raise DocumentParseError(path, f"cannot access file: {exc.strerror or exc}") from exc
        if stat.S_ISDIR(info.st_mode):
            raise DocumentParseError(path, "is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise DocumentParseError(path, "not a regular file (device, pipe or socket)")
        if self.max_file_bytes is not None and info.st_size > self.max_file_bytes:
            raise DocumentParseError(
                path,
                f"file is {info.st_size / 2**20:.1f} MB; the limit is "
                f"{self.max_file_bytes / 2**20:.0f} MB (POLICYKB_MAX_FILE_MB)",
            )
        if not os.access(path, os.R_OK):
            raise DocumentParseError(path, "permission denied")


def default_loaders(pdf_loader: Loader | None = None, max_file_mb: int | None = 200) -> LoaderTable:
    """The standard loaders; ``.pdf`` only when a PDF loader is given (it lives in its own module)."""
    registry = LoaderTable(max_file_bytes=max_file_mb * 2**20 if max_file_mb else None)
    registry.register(".txt", load_text)
    registry.register(".md", load_markdown)
    registry.register(".markdown", load_markdown)
    registry.register(".html", load_html)
    registry.register(".htm", load_html)
    registry.register(".docx", load_docx)
    if pdf_loader is not None:
        registry.register(".pdf", pdf_loader)
    return registry
