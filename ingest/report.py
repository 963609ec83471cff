"""What an ingest did, file by file: the report the CLI prints and a job stores as its result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FileOutcome:
    path: str
    source: str
    status: str  # indexed | unchanged | failed | removed | ignored
    documents: int = 0
    pages: int = 0
    chunks: int = 0
    ocr_pages: list[int] = field(default_factory=list)
    reason: str = ""


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {
        "parse": 0.0, "chunk": 0.0, "embed": 0.0, "store": 0.0, "total": 0.0})

    def _with(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def indexed(self) -> list[FileOutcome]:
        return self._with("indexed")

    @property
    def failed(self) -> list[FileOutcome]:
        return self._with("failed")

    @property
    def unchanged(self) -> list[FileOutcome]:
        return self._with("unchanged")

    @property
    def removed(self) -> list[FileOutcome]:
        return self._with("removed")

    def summary(self) -> dict[str, Any]:
        return {
            "documents": sum(o.documents for o in self.indexed),
            "pages": sum(o.pages for o in self.indexed),
            "chunks": sum(o.chunks for o in self.indexed),
            "files_indexed": len(self.indexed),
            "skipped_unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "ignored": len(self._with("ignored")),
            "failed": [{"path": o.path, "reason": o.reason} for o in self.failed],
            "ocr_pages": {o.source: o.ocr_pages for o in self.indexed if o.ocr_pages},
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }
