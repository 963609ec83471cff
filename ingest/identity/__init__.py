"""Document identity: the title, issuing body and country a document is shown with.

Chips, citation cards, search results and alignment all name documents, so a wrong title
(the national motto, "KINGDOM OF CAMBODIA", OCR debris) or a wrong issuer (a ministry merely
mentioned in the text) shows everywhere. Each rule lives in one module: ``title`` picks the
title (``legal`` instruments, ``cover`` pages, ``boilerplate`` lines to skip, ``style`` for
capitals, ``ocr_repair`` for scanned titles), ``issuer`` the issuing body (``bodies`` is the
table of known bodies), ``country`` the jurisdiction. ``ingest.metadata`` calls them in order
and applies sidecar/manifest overrides last.
"""

from ingest.identity.bodies import BODIES, body_by_name, first_named, government_of
from ingest.identity.country import COUNTRIES, country_name, detect_country, normalize_country
from ingest.identity.issuer import IssuerClues, infer_issuer
from ingest.identity.title import FoundTitle, filename_title, find_title

__all__ = [
    "BODIES",
    "COUNTRIES",
    "FoundTitle",
    "IssuerClues",
    "body_by_name",
    "country_name",
    "detect_country",
    "filename_title",
    "find_title",
    "first_named",
    "government_of",
    "infer_issuer",
    "normalize_country",
]
