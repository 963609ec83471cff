"""From parsed documents to the rows the index stores: documents, pages, chunks (with their
BM25 terms) and the metadata each vector is filtered on.

The functions that read what a file says about itself beyond its text travel together as one
:class:`DocumentReaders`, so the Ingestor takes a few grouped collaborators instead of a
dozen loose callables, and a test or the benchmark swaps one of them with ``replace()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from core.access import DEFAULT_COLLECTION
from core.dates import date_key
from core.models import ChunkRecord, DocumentRecord, Page, PageRecord, ParsedDocument
from ingest.chunking import ChunkSpan
from ingest.files import SourceFile, stable_id
from ingest.report import FileOutcome

MetadataFn = Callable[[str, ParsedDocument, dict | None], dict]
SidecarFn = Callable[[Path], dict | None]
ManifestFn = Callable[[Path], dict[str, dict]]


class Chunker(Protocol):
    def chunk(self, pages: Sequence[Page]) -> list[ChunkSpan]: ...


@dataclass(frozen=True)
class DocumentReaders:
    """Plain functions, each replaceable: a folder's manifest, a file's sidecar, the metadata
    inferred from a document, the language of a text, the BM25 terms of a chunk."""

    load_manifest: ManifestFn
    load_sidecar: SidecarFn
    infer_metadata: MetadataFn
    detect_language: Callable[[str], str]
    search_key: Callable[[str], str]


@dataclass
class PreparedFile:
    """A parsed and chunked file waiting for its vectors."""

    file: SourceFile
    file_hash: str
    outcome: FileOutcome
    documents: list[DocumentRecord] = field(default_factory=list)
    pages: list[PageRecord] = field(default_factory=list)
    chunks: list[ChunkRecord] = field(default_factory=list)
    embed_texts: list[str] = field(default_factory=list)
    vector_meta: list[dict[str, Any]] = field(default_factory=list)


def add_document(prepared: PreparedFile, doc: ParsedDocument, overrides: dict,
                 readers: DocumentReaders, chunker: Chunker) -> None:
    """Chunk one parsed document and append its rows (and the texts to embed) to ``prepared``."""
    # llama-index costs ~0.8 s to import: only an ingest that chunks something pays it
    from llama_index.core.schema import MetadataMode

    from ingest.nodes import to_text_nodes

    file = prepared.file
    doc_id = file.source + doc.suffix
    meta = readers.infer_metadata(doc_id, doc, overrides or None)
    language = str(meta.get("language") or readers.detect_language(doc.text))
    spans = chunker.chunk(doc.pages)
    if doc.unreadable:
        # nothing in garbled text (legacy-font Khmer) can be searched or quoted: the document
        # is one passage, searched and embedded by its title. Title words on every passage
        # would count as many documents holding them (lowering their idf for every question),
        # and a title-only search key on one passage and vectors on others never fuse.
        spans = spans[:1]
    # only a sidecar, manifest or --collection names it (a loader's front matter never does)
    collection = str((overrides or {}).get("collection") or DEFAULT_COLLECTION)
    if overrides and "collection" in overrides:
        meta.pop("collection", None)
    record = DocumentRecord(
        doc_id=doc_id, source=file.source, root=str(file.root), file_hash=prepared.file_hash,
        title=str(meta.get("title") or Path(file.source).stem), doc_type=str(meta.get("doc_type") or "other"),
        language=language, issuing_body=meta.get("issuing_body"), date=meta.get("date"),
        period=meta.get("period"), metadata={**doc.metadata, **meta, "warnings": doc.warnings},
        n_pages=len(doc.pages), n_chunks=len(spans), ocr_pages=doc.ocr_pages,
        collection=collection,
    )
    prepared.documents.append(record)
    prepared.pages += [PageRecord(doc_id, p.number, p.text, p.method, p.label) for p in doc.pages]
    id_prefix = f"{stable_id(doc_id, length=10)}-{prepared.file_hash[:10]}"
    title_only = record.title if doc.unreadable else None
    for node in to_text_nodes(doc_id, record, spans):
        ordinal = node.metadata["ordinal"]
        chunk_lang = readers.detect_language(node.text)
        prepared.chunks.append(ChunkRecord(
            chunk_id=f"{id_prefix}-{ordinal:05d}", doc_id=doc_id, ordinal=ordinal,
            page=node.metadata["page"], start=node.start_char_idx or 0,
            end=node.end_char_idx or 0, heading=node.metadata["heading"],
            language=str(chunk_lang), text=node.text,
            search_key=readers.search_key(f"{node.metadata['heading']}\n{title_only or node.text}"),
        ))
        prepared.embed_texts.append(title_only or node.get_content(metadata_mode=MetadataMode.EMBED))
        prepared.vector_meta.append(vector_metadata(record, node.metadata["page"], str(chunk_lang)))
    outcome = prepared.outcome
    outcome.documents += 1
    outcome.pages += len(doc.pages)
    outcome.chunks += len(spans)
    outcome.ocr_pages += doc.ocr_pages


def vector_metadata(doc: DocumentRecord, page: int, chunk_language: str) -> dict[str, Any]:
    """What chromadb filters on; None values are not allowed there."""
    meta: dict[str, Any] = {
        "doc_id": doc.doc_id, "page": page, "language": chunk_language,
        "doc_language": doc.language, "doc_type": doc.doc_type, "collection": doc.collection,
    }
    if doc.issuing_body:
        meta["issuing_body"] = doc.issuing_body
    if country := doc.metadata.get("country"):
        meta["country"] = str(country)
    if date := date_key(doc.date):
        meta["date"] = date
    return meta
