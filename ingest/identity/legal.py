"""Titles of legal instruments: the instrument word, then its subject line.

A Cambodian sub-decree's cover reads "អនុក្រឹត្យ / ស្តីពី / <subject>" (English versions
"SUB-DECREE / ON / <SUBJECT>"), a Vietnamese resolution "NGHỊ QUYẾT / <subject>", and the
preamble ("យើង ...", "រាជរដ្ឋាភិបាល", "- បានឃើញ ...", "Having seen ...", "Căn cứ ...") starts
right after. The title is the instrument plus that subject. OCR bends the instrument word
(អនូគ្រឹត្យ, អនុក្រត្យ), so the patterns allow the usual confusions and the title is written
with the instrument's proper spelling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.identity.boilerplate import is_boilerplate, is_noise
from ingest.identity.opening import Line
from ingest.identity.style import smart_case
from ingest.khmer.script import KHMER, khmer_share

__all__ = ["Instrument", "LegalTitle", "legal_title", "match_instrument"]


@dataclass(frozen=True)
class Instrument:
    name: str
    script: str  # "km", "en" or "vi": how the subject is joined and where the preamble starts
    pattern: re.Pattern[str]
    #: a kind of notice ("Press Release"), not a legal instrument: its title may follow it
    #: without a connector ("PRESS RELEASE / Ministry launches ...")
    label: bool = False


def _i(name: str, script: str, pattern: str, label: bool = False) -> Instrument:
    return Instrument(name, script, re.compile(pattern, re.I), label)


# Longest first: "Inter-Ministerial Prakas" before "Prakas", "Sub-Decree" before "Decree".
INSTRUMENTS: tuple[Instrument, ...] = (
    _i("សេចក្តីប្រកាសព័ត៌មាន", "km", r"សេចក្[តដ]ី\s*ប្រកាស\s*ព័ត៌មាន", label=True),
    _i("សេចក្តីជូនដំណឹង", "km", r"សេចក្[តដ]ី\s*ជូន\s*ដំណឹង", label=True),
    _i("ប្រកាសអន្តរក្រសួង", "km", r"ប្រ[កភ]ាស\s*អន្ត\s*រ\s*ក្រសួង"),
    _i("ព្រះរាជក្រឹត្យ", "km", r"ព្រ[ះ៖]\s*រាជ\s*ក្រ[ឹិី]?ត្យ"),
    _i("ព្រះរាជក្រម", "km", r"ព្រ[ះ៖]\s*រាជ\s*ក្រម"),
    _i("អនុក្រឹត្យ", "km", r"អន[ុូ]\s*[កគ]្រ[ឹិី]?ត្យ"),
    _i("សេចក្តីសម្រេច", "km", r"សេចក្[តដ]ី\s*សម្រេច"),
    _i("ប្រកាស", "km", r"ប្រ[កភ]ាស"),
    _i("សារាចរ", "km", r"សារាចរ"),
    _i("ច្បាប់", "km", r"ច្បាប់"),
    _i("Inter-Ministerial Prakas", "en", r"\binter-?\s?ministerial\s+prakas\b"),
    _i("Royal Decree", "en", r"\broyal\s+decree\b"),
    _i("Royal Kram", "en", r"\broyal\s+kram\b"),
    _i("Sub-Decree", "en", r"\bsub-?\s?decree\b"),
    _i("Prakas", "en", r"\bprakas\b"),
    _i("Circular", "en", r"\bcircular\b"),
    _i("Decree", "en", r"\bdecree\b"),
    _i("Law", "en", r"\blaw\b"),
    _i("Press Release", "en", r"\b(?:press|news)\s+release\b", label=True),
    _i("Announcement", "en", r"\bannouncement\b", label=True),
    _i("Notice", "en", r"\bnotice\b", label=True),
    _i("Nghị quyết", "vi", r"\bnghị\s+quyết\b"),
    _i("Nghị định", "vi", r"\bnghị\s+định\b"),
    _i("Quyết định", "vi", r"\bquyết\s+định\b"),
    _i("Thông tư", "vi", r"\bthông\s+tư\b"),
    _i("Chỉ thị", "vi", r"\bchỉ\s+thị\b"),
    _i("Luật", "vi", r"\bluật\b"),
)
_CONNECTOR = {
    "km": re.compile(r"ស្\s*[តដ]\s*ី\s*ព\s*[ីឹិ]"),
    "en": re.compile(r"\bon\b", re.I),
    "vi": re.compile(r"\bvề\b", re.I),
}
_JOIN = {"km": " ស្តីពី ", "en": " on ", "vi": " "}
_STOP = {
    "km": re.compile(
        r"^(?:យើង|រាជរដ្ឋាភិបាល\W*$|រដ្ឋមន្ត្រី|បាន\s*ឃើញ|បាន\s*ទ្រង់|ព្រះករុណា|"
        r"ស[េ]?ម្រ[េ]?ច|យោង|ប្រការ|មាត្រា|ជំពូក)"
    ),
    "en": re.compile(
        r"^(?:the\s+royal\s+government\b|having\s+seen|pursuant\s+to|we\b|hereby|"
        r"decides?\b|article\s+\d|chapter\s+[\divx]|by\s+order)",
        re.I,
    ),
    "vi": re.compile(
        r"^(?:căn\s+cứ|chính\s+phủ\s*$|quyết\s+nghị|điều\s+\d|theo\s+đề\s+nghị)", re.I
    ),
}
#: The lead of a notice starts with its dateline ("Phnom Penh: ...", "រាជធានីភ្នំពេញ ៖ ...").
_DATELINE = re.compile(r"^(?:[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}|[^\s]{2,20}ភ្នំពេញ|ភ្នំពេញ)\s*[:៖]\s")
#: A subject line may end on the state's name ("... in the Kingdom of Cambodia").
_CONTINUES = re.compile(r"^(?:នៅ|នៃ|ក្នុង|in\b|of\b|for\b|throughout\b|tại\b|của\b|trên\b)", re.I)
#: Tokens that number an instrument rather than name it: "លេខ", "No.", "០៨២១/...", "03/NQ-CP".
_NUMBERING = re.compile(r"^(?:no\.?|số|លេខ|[^\s]*[\d០-៩/][^\s]*)$", re.I)
MAX_SUBJECT_LINES = 4
MAX_SUBJECT_CHARS = 260


@dataclass(frozen=True)
class LegalTitle:
    instrument: Instrument
    subject: str
    #: index of the instrument's line among the opening lines (the letterhead is above it)
    start: int
    #: whether "on"/"ស្តីពី" was written (an instrument is titled with it either way)
    connector: bool = True

    @property
    def text(self) -> str:
        inst = self.instrument
        join = ": " if inst.label and not self.connector else _JOIN[inst.script]
        return inst.name + join + self.subject


def _script_letters(text: str, script: str) -> int:
    if script == "km":
        return sum(ch in KHMER and not ("\u17d4" <= ch <= "\u17e9") for ch in text)
    return sum(ch.isalpha() and ch not in KHMER for ch in text)


def _drop_numbering(text: str) -> str:
    return " ".join(t for t in text.split() if not _NUMBERING.match(t))


def match_instrument(text: str) -> tuple[Instrument, str, bool] | None:
    """(instrument, what follows it and its connector, whether the connector is there) when ``text`` is an instrument line of a
    cover: the instrument word alone (give or take a number and OCR debris) or followed by its
    connector ("Sub-Decree on ..."), never a sentence that merely cites a law."""
    for inst in INSTRUMENTS:
        m = inst.pattern.search(text)
        if not m:
            continue
        before = _drop_numbering(text[: m.start()])
        if _script_letters(before, inst.script) > 3 or before.startswith(("-", "•")):
            continue
        after = text[m.end() :]
        found, rest = _after_connector(_drop_numbering(after), inst.script)
        if found:
            return inst, rest, True
        if _script_letters(_drop_numbering(after), inst.script) <= 3:
            return inst, "", False
    return None


def _strip_edges(text: str, script: str) -> str:
    """Drop leading punctuation and, on Khmer lines, OCR debris in other scripts at either end."""
    words = text.split()
    if script == "km":
        while words and khmer_share(words[0]) < 0.5:
            words.pop(0)
        while words and khmer_share(words[-1]) < 0.5:
            words.pop()
    out = " ".join(words)
    return re.sub(r"^[\W\u17d4-\u17da_]+|[\s:;,\u17d4-\u17da]+$", "", out)


def _after_connector(text: str, script: str) -> tuple[bool, str]:
    bare = text.strip(" :.-\u17d6")
    if m := _CONNECTOR[script].match(bare):
        # Vietnamese titles keep their "về" ("Nghị quyết về ..."): no join word replaces it.
        return True, bare if script == "vi" else bare[m.end() :]
    return False, text


def _is_stop(text: str, script: str) -> bool:
    bare = re.sub(r"^[\W\d_]+", "", text)
    if not bare or _STOP[script].match(bare) or _DATELINE.match(bare) or is_noise(text):
        return True
    if is_boilerplate(text) and not _CONTINUES.match(bare):  # "នៅព្រះរាជាណាចក្រកម្ពុជា" ends a title
        return True
    if script == "km" and khmer_share(text) < 0.5:
        return True
    return len(text) > MAX_SUBJECT_CHARS or (
        script == "en" and text.endswith(".") and len(text.split()) > 12
    )


def _subject(
    lines: Sequence[Line], start: int, first: str, script: str, connector_seen: bool
) -> tuple[str, bool]:
    parts = [first] if first else []
    i = start
    while i < len(lines) and len(parts) < MAX_SUBJECT_LINES:
        text = lines[i].text
        i += 1
        if not text:
            if parts:
                break
            continue
        if not parts:
            found, rest = _after_connector(text, script)
            if not found and not connector_seen:
                # "នស/រកត/០៨២១ ស្តីពី": the instrument's number, then the connector
                pieces = _CONNECTOR[script].split(text, maxsplit=1)
                if len(pieces) == 2 and _script_letters(_drop_numbering(pieces[0]), script) <= 6:
                    found, rest = True, pieces[1]
            if found:
                connector_seen = True
                if rest := _strip_edges(rest, script):
                    parts.append(rest)
                continue
        if _is_stop(text, script):
            break
        if cleaned := _strip_edges(text, script):
            parts.append(cleaned)
    return " ".join(parts)[:MAX_SUBJECT_CHARS].strip(), connector_seen


def legal_title(lines: Sequence[Line], max_lines: int = 40) -> LegalTitle | None:
    """The instrument and subject from the first lines of a decree, law or prakas; None if the
    opening has no instrument line followed by a subject."""
    seen = 0
    for pos, line in enumerate(lines):
        if not line.text:
            continue
        seen += 1
        if seen > max_lines:
            break
        found = match_instrument(line.text)
        if not found:
            continue
        inst, rest, connector = found
        first = _strip_edges(rest, inst.script)
        if first and _script_letters(first, inst.script) < 3:
            first = ""
        subject, connector = _subject(lines, pos + 1, first, inst.script, connector)
        if _script_letters(subject, inst.script) < 6:
            continue
        if inst.script == "en":
            subject = smart_case(subject, lowercase_first=not inst.label)
        elif inst.script == "vi" and subject[:2].istitle():
            subject = subject[0].lower() + subject[1:]
        return LegalTitle(inst, subject, line.index, connector)
    return None
