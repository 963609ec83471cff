"""One file from disk to a :class:`~ingest.records.PreparedFile`: hash, skip if unchanged,
parse, chunk. Nothing here writes to the index or to the report, so it can run on the prefetch
thread (``ingest/prefetch.py``) while the pipeline embeds and commits earlier files; the
pipeline records each outcome in file order.
"""

from __future__ import annotations

import json
import logging
import time
import unicodedata
from pathlib import Path
from typing import Protocol

from core.access import DEFAULT_COLLECTION
from core.errors import DocumentParseError, PolicyKBError
from core.models import ParsedDocument
from ingest.files import SourceFile, file_digest
from ingest.records import Chunker, DocumentReaders, PreparedFile, add_document
from ingest.report import FileOutcome

logger = logging.getLogger(__name__)


class Loader(Protocol):
    def supports(self, path: Path) -> bool: ...
    def load(self, path: Path) -> list[ParsedDocument]: ...


class HashReader(Protocol):
    def source_hash(self, source: str) -> str | None: ...


class FilePreparer:
    """Prepares files with the Ingestor's collaborators; ``fingerprint`` is part of every
    file's hash (pipeline version, model, settings)."""

    def __init__(self, loader: Loader, readers: DocumentReaders, chunker: Chunker,
                 catalog: HashReader, fingerprint: str) -> None:
        self.loader = loader
        self.readers = readers
        self.chunker = chunker
        self.catalog = catalog
        self.fingerprint = fingerprint

    def prepare(
        self, file: SourceFile, manifests: dict[Path, dict[str, dict]],
        collection: str | None = None,
    ) -> tuple[PreparedFile | None, FileOutcome, float, float]:
        """Parse and chunk one file: ``(prepared or None, outcome, parse s, chunk s)``; runs on
        the prefetch thread, so it records nothing in the report (the consumer does, in
        file order) and writes nothing."""
        outcome = FileOutcome(str(file.path), file.source, "indexed")
        t0 = time.perf_counter()
        try:
            if any(unicodedata.category(ch) == "Cc" for ch in file.source):
                # a document id with a newline or escape could not be named in a URL, a log
                # line or a terminal table: refused, by name, before anything is stored
                raise DocumentParseError(file.path, "its path contains a control character "
                                         f"({ascii(file.source)}); rename the file or folder")
            overrides = self.overrides(file, manifests, collection)
            # Stat before the hash and after the parse: a write in between (an editor saving,
            # a copy still running) would pair the text of one version with the hash of another.
            before = _identity(file.path)
            file_hash = file_digest(
                file.path, json.dumps(overrides, sort_keys=True, default=str).encode(),
                self.fingerprint.encode(),
            )
            if self.catalog.source_hash(file.source) == file_hash:
                outcome.status = "unchanged"
                return None, outcome, time.perf_counter() - t0, 0.0
            parsed = self.loader.load(file.path)
            if _identity(file.path) != before:
                raise DocumentParseError(
                    file.path, "the file changed while it was being read; ingest it again "
                               "once it is no longer being written")
            if not parsed or not any(p.text.strip() for d in parsed for p in d.pages):
                warnings = [w for d in parsed or [] for w in d.warnings][:2]
                raise DocumentParseError(file.path, "no text could be extracted" + (
                    f" ({'; '.join(warnings)})" if warnings else ""))
        except PolicyKBError as exc:
            return None, _failed(outcome, str(exc)), time.perf_counter() - t0, 0.0
        except OSError as exc:
            return None, _failed(outcome, f"{file.path}: {exc.strerror or exc}"), \
                time.perf_counter() - t0, 0.0
        except Exception as exc:  # a loader bug must not stop the batch
            logger.exception("unexpected error reading %s", file.path)
            return None, _failed(outcome, f"{file.path}: unexpected {type(exc).__name__}: {exc}"), \
                time.perf_counter() - t0, 0.0
        t1 = time.perf_counter()
        prepared = PreparedFile(file, file_hash, outcome)
        for doc in parsed:
            add_document(prepared, doc, overrides, self.readers, self.chunker)
        return prepared, outcome, t1 - t0, time.perf_counter() - t1

    def overrides(self, file: SourceFile, manifests: dict[Path, dict[str, dict]],
                   collection: str | None = None) -> dict:
        """Manifest entry, then sidecar (the more specific wins), then the run's collection.
        A public document hashes as before collections existed (no key): an index upgraded
        in place is not re-embedded; any other collection is part of the file's hash."""
        if file.root not in manifests:
            manifests[file.root] = self.readers.load_manifest(file.root)
        merged = dict(manifests[file.root].get(file.source, {}))
        merged.update(self.readers.load_sidecar(file.path) or {})
        if collection is not None:
            merged.setdefault("collection", collection)
        if merged.get("collection") == DEFAULT_COLLECTION:
            del merged["collection"]
        return merged


def _failed(outcome: FileOutcome, reason: str) -> FileOutcome:
    outcome.status, outcome.reason = "failed", reason
    return outcome


def _identity(path: Path) -> tuple[int, int, int, int, int]:
    """What changes when a file is rewritten, appended to or replaced by a rename."""
    info = path.stat()
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns
