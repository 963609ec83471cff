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
from ingest.identity.opening import closing_lines
from ingest.identity.title import find_title
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
METADATA_VERSION = "4"


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
        date=normalize_date(meta.get("date")) or find_date(text[:HEAD_CHARS]),
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
