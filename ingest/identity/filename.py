"""A title made from a file name, for text nobody can read (legacy-font or Latin-OCR'd Khmer).

The file name is then the only clue, and it is usually the English title with its small
words dropped ("KH_SubDecree_Organization_Functioning_TRC_EN.txt"). For a legal instrument,
putting back what such names habitually drop gets most of the real title: the connector
("Sub-Decree on ..."), the stock phrases of Cambodian legal titles ("Organization and
Functioning of", "Establishment of") and known bodies' abbreviations spelled out ("TRC" ->
"the Telecommunication Regulator of Cambodia", linked with "of the" when nothing links it).
Other names only lose their tags and CamelCase: "TRC report" stays as it is.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ingest.identity.bodies import BODIES

__all__ = ["filename_title"]

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_FILE_WORDS = {
    "subdecree": "Sub-Decree",
    "sub decree": "Sub-Decree",
    "royaldecree": "Royal Decree",
    "interministerial": "Inter-Ministerial",
    "royal decree": "Royal Decree",
    "inter ministerial": "Inter-Ministerial",
}
_FILE_TAGS = re.compile(
    r"^(?:[A-Z]{2}|EN|KM|KH|VI|ENG|KHM|scan(?:ned)?|final|draft\d*|v\d+)$", re.I
)
#: Instruments a file name starts with; their titles read "<instrument> on <subject>".
_INSTRUMENT = re.compile(
    r"^(?:Inter-Ministerial Prakas|Royal Decree|Royal Kram|Sub-Decree|Decree|Prakas|Law|"
    r"Circular|Decision)\b",
    re.I,
)
#: Stock phrases of legal subjects whose "and"/"of" file names drop.
_PHRASES = (
    (
        re.compile(r"\bOrgani[sz]ation (?:and )?Functioning(?: of)?\b", re.I),
        "Organization and Functioning of",
    ),
    (re.compile(r"\b(Establishment|Creation|Appointment) (?!of\b)", re.I), r"\1 of "),
)
#: Words after which a body's name needs no "of the".
_LINKED = {"of", "the", "and", "by", "for", "to", "on"}


def _spell_out(words: list[str]) -> list[str]:
    """Known abbreviations ("TRC", "MPTC") replaced by the body's name, linked with "of the"."""
    names = {abbr: body.name for body in BODIES for abbr in body.abbreviations}
    out: list[str] = []
    for word in words:
        name = names.get(word)
        if not name:
            out.append(word)
            continue
        link = [] if not out or out[-1].lower() in _LINKED else ["of"]
        out += link + ([] if out and out[-1].lower() == "the" else ["the"]) + [name]
    return out


def filename_title(doc_id: str) -> str:
    """``policy/KH_SubDecree_Organization_Functioning_TRC_EN.txt`` -> "Sub-Decree on the
    Organization and Functioning of the Telecommunication Regulator of Cambodia"."""
    stem = PurePosixPath(doc_id.split("#", 1)[0]).name.split(".", 1)[0]
    words = [w for w in re.split(r"[_\-\s]+", stem) if w]
    while words and _FILE_TAGS.match(words[0]) and len(words) > 1:
        words.pop(0)
    while words and _FILE_TAGS.match(words[-1]) and len(words) > 1:
        words.pop()
    text = " ".join(_CAMEL.sub(" ", w) if not w.isupper() else w for w in words)
    for raw, nice in _FILE_WORDS.items():
        text = re.sub(rf"\b{raw}\b", nice, text, flags=re.I)
    text = " ".join(text.split())
    if not text:
        return doc_id
    if not (m := _INSTRUMENT.match(text)):
        return text
    instrument, subject = m.group(0), text[m.end() :]
    for pattern, phrase in _PHRASES:
        subject = pattern.sub(phrase, subject)
    subject = " ".join(_spell_out(subject.split()))
    if subject:
        if not subject.lower().startswith(("on ", "the ")):
            article = "the " if re.search(r"\bof\b", subject) else ""
            subject = f"{article}{subject}"
        subject = subject if subject.lower().startswith("on ") else f"on {subject}"
    return " ".join(f"{instrument} {subject}".split())
