"""Document metadata: what loaders read, plus inference from path/title/text, plus user overrides.

Filters in the UI (type, issuing body, date, period) only work if every document has these keys,
yet most files carry little metadata. So we infer from the path, title and opening text with
simple, explainable keyword rules, and let users correct any document with a ``NAME.meta.yaml``
sidecar or a folder ``policykb-manifest.yaml``; those overrides always win.
"""

from __future__ import annotations

import logging
from typing import Any

from core.models import DocType, ParsedDocument
from ingest.identity.bodies import country_of, first_named
from ingest.identity.country import country_name, detect_country, normalize_country
from ingest.identity.issuer import IssuerClues, infer_issuer
from ingest.identity.opening import Line, closing_lines
from ingest.identity.title import FoundTitle, find_title
from ingest.metadata_doctype import HEAD_CHARS, coerce_doc_type, infer_doc_type
from ingest.metadata_overrides import (
    ALLOWED_KEYS,
    MANIFEST_NAME,
    SIDECAR_SUFFIX,
    load_manifest,
    load_sidecar,
    validate_overrides,
)
from ingest.metadata_values import find_date, find_period, normalize_date, normalize_language

__all__ = ["ALLOWED_KEYS", "MANIFEST_NAME", "METADATA_VERSION", "SIDECAR_SUFFIX", "find_date",
           "find_period", "infer_doc_type", "infer_issuing_body", "infer_metadata",
           "load_manifest", "load_sidecar", "normalize_date", "normalize_language",
           "validate_overrides"]

logger = logging.getLogger(__name__)

_MAIN_DOC_ONLY = frozenset({"title", "doc_type"})
#: Bump when inference of titles, issuers, countries or types (or what of them a chunk carries)
#: changes: it is part of every file's ingest fingerprint, so an upgraded index re-reads
#: documents named the old way.
METADATA_VERSION = "5"
#: files whose loader date is the file's own (PDF and DOCX properties: when it was saved or
#: exported), which a date printed with the title outranks
_PROPERTY_DATED = (".pdf", ".docx")
#: how far around the title a printed date is read as the document's (lines)
_TITLE_AREA = (3, 8)


def _document_date(doc_id: str, loaded: str | None, title: FoundTitle, lines: list[Line],
                   head: str) -> str | None:
    """The document's date: front matter's; for a PDF or DOCX a date printed beside its title
    ("13 June 2018" under the headline) before the file's properties, whose date is when the
    file was made (an export made today of a 2018 article); else the first date it states.
    Not for a legal instrument: the dates printed under its title are the instruments it
    cites ("having seen Royal Decree ... dated 22 August 2023")."""
    if loaded and not doc_id.lower().endswith(_PROPERTY_DATED) or title.source == "legal":
        # an instrument is dated at its signature: the dates under its title are its visas'
        return loaded or find_date(head)
    start = title.start if title.start is not None else 0
    area = lines[max(0, start - _TITLE_AREA[0]): start + _TITLE_AREA[1]]
    printed = find_date("\n".join(line.text for line in area))
    return printed or loaded or find_date(head)


def infer_issuing_body(*texts: str) -> str | None:
    """The known body named earliest in the first text that names any (titles before body text).

    A mention finder for callers that only have text; documents get their issuer from
    ``ingest.identity.issuer``, which reads letterheads and signatures, not mentions.
    """
    return first_named(*(t[:HEAD_CHARS] for t in texts))


def infer_metadata(doc_id: str, doc: ParsedDocument, sidecar: dict | None) -> dict[str, Any]:
    """Complete metadata for one document: loader values, then inference, then sidecar overrides."""
    meta: dict[str, Any] = dict(doc.metadata)
    source_path = doc_id[: -len(doc.suffix)] if doc.suffix and doc_id.endswith(doc.suffix) else doc_id
    text = doc.text
    garbled = doc.unreadable
    found, lines = find_title(doc_id, str(meta.get("title") or ""), doc.pages, garbled)
    title = found.text
    hints = " ".join(str(meta.get(k) or "") for k in ("categories", "type"))
    doc_type = coerce_doc_type(meta.get("doc_type")) or infer_doc_type(source_path, title, text, hints)
    head = "" if garbled else text[:HEAD_CHARS]
    issuing_body = infer_issuer(IssuerClues(
        doc_id=source_path, title=found, lines=lines, text=head, doc_type=doc_type,
        closing=[] if garbled else closing_lines(doc.pages),
        country=normalize_country(meta.get("country")) or detect_country(title, head, source_path),
        loaded=str(meta.get("issuing_body") or ""), author=str(meta.get("author") or "")))
    meta.update(
        title=title,
        doc_type=doc_type.value,
        issuing_body=issuing_body,
        date=_document_date(doc_id, normalize_date(meta.get("date")), found, lines, head),
        language=normalize_language(meta.get("language")),
        # News mentions many periods in passing; only its title is trusted for one.
        period=str(meta.get("period") or "") or find_period(
            title, *(() if doc_type is DocType.NEWS else (text[:HEAD_CHARS],))) or None,
        source_path=source_path,
    )
    # A sidecar describes its file's main document; documents split off it (``#headline-3``)
    # keep their own title and type but take every other override.
    skip = _MAIN_DOC_ONLY if doc.suffix else frozenset()
    meta.update({k: v for k, v in (sidecar or {}).items() if v is not None and k not in skip})
    # The country follows the (possibly overridden) issuer's, else the document's own cues.
    country = normalize_country(meta.get("country")) or detect_country(
        title, head, source_path, body_country=country_of(meta.get("issuing_body")))
    meta.update(country=country, country_name=country_name(country))
    return meta
