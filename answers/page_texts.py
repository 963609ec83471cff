"""The stored text of a page or a whole document, read by the answerer only when a passage is
not enough: a sentence the chunker cut between passages is quoted from its page; a year the
question names and no retrieved passage repeats is looked for in the passages' documents."""

from __future__ import annotations

from dataclasses import dataclass

from index.search_ports import ChunkCatalog


@dataclass(frozen=True)
class PageTexts:
    catalog: ChunkCatalog

    def page(self, doc_id: str, page: int) -> str | None:
        """A page's text, or None when the catalog has no such page."""
        record = self.catalog.page(doc_id, page)
        return record.text if record is not None else None

    def document(self, doc_id: str) -> str:
        """A document's whole text, its pages joined."""
        return "\n".join(page.text for page in self.catalog.pages_of(doc_id))
