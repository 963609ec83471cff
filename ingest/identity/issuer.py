"""Who issued a document: the body it speaks for, not every ministry it mentions.

A sub-decree lists the ministries on its committee; a news story names the partners at an
event. Taking the first body mentioned anywhere made the digital security sub-decree a
Ministry of Economy and Finance document. So the issuer comes from where documents state
it, strongest first: the loader's own field; an author field that names an organisation; the
letterhead above the title (several bodies there = a joint instrument); a "Prepared by" line;
the instrument itself (a Cambodian sub-decree is the Royal Government's, a royal decree the
King's); a minister's signature at the end of a legal text; a body named in the file's path
(``news_trc/``); a body named in the title; for news and meeting records the body that opens
the lead (its actor, not the partners named later); and for a policy, law or plan that speaks
of "the Government" and names no one else, the government of its country.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import DocType
from ingest.identity.bodies import (
    KING,
    ROYAL_GOVERNMENT,
    Body,
    bodies_in,
    body_by_name,
    government_of,
)
from ingest.identity.legal import INSTRUMENTS
from ingest.identity.opening import Line
from ingest.identity.title import FoundTitle

__all__ = ["IssuerClues", "infer_issuer"]

_ORG_WORDS = re.compile(
    r"\b(?:ministry|department|authority|agency|office|council|commission|committee|government|"
    r"regulator|bank|university|institute|secretariat|association|organi[sz]ation|bureau|board|"
    r"centre|center)\b|ក្រសួង|និយ័តករ|រាជរដ្ឋាភិបាល|ក្រុមប្រឹក្សា|អគ្គនាយកដ្ឋាន|គណៈកម្មាធិការ",
    re.I,
)
_CREDIT = re.compile(
    r"^(?:prepared|issued|published|compiled|developed|drafted)\s+by\b\s*:?\s*(?:the\s+)?(.*)$",
    re.I,
)
_SIGNATORY = re.compile(
    r"\bminister\b|secretary\s+of\s+state|director[- ]general|រដ្ឋមន្ត្រី|រដ្ឋលេខាធិការ", re.I
)
_MINISTER_OF = re.compile(r"\bMinister\s+of\b", re.I)
#: Instruments whose issuer follows from the instrument (Cambodian usage).
_BY_INSTRUMENT = {
    "Sub-Decree": ROYAL_GOVERNMENT,
    "អនុក្រឹត្យ": ROYAL_GOVERNMENT,
    "Royal Decree": KING,
    "ព្រះរាជក្រឹត្យ": KING,
    "Royal Kram": KING,
    "ព្រះរាជក្រម": KING,
}
#: The document speaks of its government ("the Government's ambition", រាជរដ្ឋាភិបាល).
_GOVERNMENT = re.compile(r"\bgovernment\b|រដ្ឋាភិបាល|chính\s+phủ", re.I)
HEADER_MAX_LINES = 15
LEAD_CHARS = 400
#: A body named this early in the lead is its actor ("Phnom Penh: The Ministry of X opened ...").
LEAD_ACTOR_CHARS = 160


@dataclass(frozen=True)
class IssuerClues:
    """Everything the issuer rules read, gathered once by ``ingest.metadata``."""

    doc_id: str
    title: FoundTitle
    lines: Sequence[Line]
    closing: Sequence[str]
    #: the opening text (for the government fallback's cue)
    text: str
    doc_type: DocType
    country: str | None
    loaded: str = ""
    author: str = ""


def _names(bodies: Sequence[Body]) -> str | None:
    names = list(dict.fromkeys(b.name for b in bodies))
    if len(names) > 1 and ROYAL_GOVERNMENT in names:  # "RGC / Ministry of X": the ministry's
        names.remove(ROYAL_GOVERNMENT)
    return "; ".join(names) or None


def _organisation(text: str) -> str | None:
    """A known body's canonical name, or the text itself when it reads like an organisation."""
    text = " ".join(text.split()).strip(" .,;:")
    if not text:
        return None
    if body := body_by_name(text):
        return body.name
    return text if _ORG_WORDS.search(text) and len(text) <= 120 else None


def _header(clues: IssuerClues) -> str | None:
    """Bodies in the letterhead: the short lines above the title on its page."""
    start = clues.title.start
    if start is None:
        return None
    page = clues.lines[start].page if start < len(clues.lines) else 1
    above = [ln.text for ln in clues.lines[:start] if ln.text and ln.page == page]
    return _names(
        [b for text in above[:HEADER_MAX_LINES] if len(text) <= 120 for b in bodies_in(text)]
    )


def _credit(clues: IssuerClues) -> str | None:
    filled = [ln.text for ln in clues.lines if ln.text]
    for i, text in enumerate(filled):
        if m := _CREDIT.match(text):
            rest = m.group(1) or (filled[i + 1] if i + 1 < len(filled) else "")
            if found := _organisation(rest):
                return found
    return None


def _instrument(clues: IssuerClues) -> str | None:
    inst = clues.title.instrument or next(
        (i for i in INSTRUMENTS if i.pattern.match(clues.title.text.strip())), None
    )
    if inst is None or (clues.country not in (None, "KH") and inst.script != "km"):
        return None
    return _BY_INSTRUMENT.get(inst.name)


def _signature(clues: IssuerClues) -> str | None:
    if clues.doc_type not in (DocType.LAW, DocType.OTHER):
        return None
    signed = [
        _MINISTER_OF.sub("Ministry of", t)
        for t in clues.closing
        if len(t) <= 100 and _SIGNATORY.search(t)
    ]
    return _names([b for t in signed for b in bodies_in(t)])


def _path(clues: IssuerClues) -> str | None:
    words = re.sub(r"[_./\-]+", " ", clues.doc_id.split("#", 1)[0])
    found = bodies_in(words)
    return found[0].name if found else None


def _lead(clues: IssuerClues) -> str:
    """The first sentence after the title, where a news story or record names its actor."""
    start = clues.title.start
    key = clues.title.text.strip().lower()
    after = [
        ln.text
        for ln in clues.lines
        if ln.text and (ln.index > start if start is not None else ln.text.lower() != key)
    ]
    text = " ".join(after)[:LEAD_CHARS]
    return re.split(r"(?<=[a-z]{2}[.!?])\s|។", text, maxsplit=1)[0]  # not after "H.E."


def _named_in(text: str) -> str | None:
    """The first body a title or lead names ("Minister of Interior" names the ministry)."""
    found = bodies_in(_MINISTER_OF.sub("Ministry of", text))
    return found[0].name if found else None


def infer_issuer(clues: IssuerClues) -> str | None:
    """The issuing body by the rules above; None when the document does not say."""
    if clues.loaded.strip():
        body = body_by_name(clues.loaded)
        return body.name if body else " ".join(clues.loaded.split())
    steps = (
        lambda: _organisation(clues.author),
        lambda: _header(clues),
        lambda: _credit(clues),
        lambda: _instrument(clues),
        lambda: _signature(clues),
        lambda: _path(clues),
        lambda: _named_in(clues.title.text),
        lambda: (
            _named_in(_lead(clues)[:LEAD_ACTOR_CHARS])
            if clues.doc_type in (DocType.NEWS, DocType.MEETING)
            else None
        ),
        lambda: (
            government_of(clues.country)
            if clues.doc_type in (DocType.POLICY, DocType.LAW, DocType.PLAN)
            and _GOVERNMENT.search(clues.text)
            else None
        ),
    )
    for step in steps:
        if found := step():
            return found
    return None
