"""Known issuing bodies: one canonical English name per body, its country, and how texts name it.

Filters and chips need one spelling per body whatever the document's language, so a Khmer
letterhead (ក្រសួងមហាផ្ទៃ), an English byline (Ministry of the Interior) and an abbreviation
(MoI) all become "Ministry of Interior". This is data: add a body by adding a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.khmer.normalize import search_key

__all__ = [
    "BODIES",
    "KING",
    "ROYAL_GOVERNMENT",
    "Body",
    "bodies_in",
    "body_by_name",
    "country_of",
    "first_named",
    "government_of",
]

ROYAL_GOVERNMENT = "Royal Government of Cambodia"
KING = "King of Cambodia"


@dataclass(frozen=True)
class Body:
    name: str
    country: str
    #: case-insensitive English/Latin patterns (regex bodies)
    english: tuple[str, ...] = ()
    #: Khmer (or other script) spellings, matched on compact search keys so spacing,
    #: zero-width spaces and COENG DA/TA variants do not matter
    native: tuple[str, ...] = ()
    #: case-sensitive abbreviations, matched as whole words
    abbreviations: tuple[str, ...] = ()


def _ministry(name: str, native: str, *abbr: str, english: tuple[str, ...] = ()) -> Body:
    return Body(name, "KH", english or (re.escape(name).replace(r"\ ", r"\s+"),), (native,), abbr)


BODIES: tuple[Body, ...] = (
    Body(
        "Telecommunication Regulator of Cambodia",
        "KH",
        (r"Telecommunications?\s+Regulator\s+of\s+Cambodia",),
        ("និយ័តករទូរគមនាគមន៍កម្ពុជា", "និយតករទូរគមនាគមន៍កម្ពុជា"),
        ("TRC",),
    ),
    Body(
        "Ministry of Posts and Telecommunications",
        "KH",
        (r"Ministry\s+of\s+Posts?\s+and\s+Telecommunications?",),
        ("ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍", "ក្រសួងប្រៃសណីយនិងទូរគមនាគមន៍"),
        ("MPTC",),
    ),
    _ministry(
        "Ministry of Interior",
        "ក្រសួងមហាផ្ទៃ",
        "MOI",
        "MoI",
        english=(r"Ministry\s+of\s+(?:the\s+)?Interior",),
    ),
    _ministry("Ministry of Economy and Finance", "ក្រសួងសេដ្ឋកិច្ចនិងហិរញ្ញវត្ថុ", "MEF"),
    _ministry(
        "Ministry of Education, Youth and Sport",
        "ក្រសួងអប់រំយុវជននិងកីឡា",
        "MoEYS",
        "MOEYS",
        english=(r"Ministry\s+of\s+Education,?\s+Youth,?\s+and\s+Sports?",),
    ),
    _ministry("Ministry of Commerce", "ក្រសួងពាណិជ្ជកម្ម"),
    _ministry(
        "Ministry of Information",
        "ក្រសួងព័ត៌មាន",
        english=(r"Ministry\s+of\s+Information(?!\s+and\s+Communications?)",),
    ),
    _ministry("Ministry of Justice", "ក្រសួងយុត្តិធម៌"),
    _ministry("Ministry of Health", "ក្រសួងសុខាភិបាល"),
    _ministry("Ministry of Planning", "ក្រសួងផែនការ"),
    _ministry("Ministry of Tourism", "ក្រសួងទេសចរណ៍"),
    _ministry("Ministry of Environment", "ក្រសួងបរិស្ថាន"),
    _ministry("Ministry of Rural Development", "ក្រសួងអភិវឌ្ឍន៍ជនបទ"),
    _ministry(
        "Ministry of Civil Service",
        "ក្រសួងមុខងារសាធារណៈ",
        english=(r"Ministry\s+of\s+(?:Civil|Public)\s+Service",),
    ),
    _ministry(
        "Ministry of Women's Affairs",
        "ក្រសួងកិច្ចការនារី",
        english=(r"Ministry\s+of\s+Women'?s\s+Affairs",),
    ),
    _ministry(
        "Ministry of National Defence",
        "ក្រសួងការពារជាតិ",
        english=(r"Ministry\s+of\s+(?:National\s+)?Defen[cs]e",),
    ),
    _ministry(
        "Ministry of Foreign Affairs and International Cooperation",
        "ក្រសួងការបរទេសនិងសហប្រតិបត្តិការអន្តរជាតិ",
        "MFAIC",
        english=(r"Ministry\s+of\s+Foreign\s+Affairs(?:\s+and\s+International\s+Cooperation)?",),
    ),
    _ministry(
        "Ministry of Agriculture, Forestry and Fisheries",
        "ក្រសួងកសិកម្មរុក្ខាប្រមាញ់និងនេសាទ",
        "MAFF",
        english=(r"Ministry\s+of\s+Agriculture,?\s+Forestry,?\s+and\s+Fisheries",),
    ),
    _ministry(
        "Ministry of Industry, Science, Technology and Innovation",
        "ក្រសួងឧស្សាហកម្មវិទ្យាសាស្ត្របច្ចេកវិទ្យានិងនវានុវត្តន៍",
        "MISTI",
        english=(r"Ministry\s+of\s+Industry,?\s+Science,?\s+Technology,?\s+and\s+Innovation",),
    ),
    _ministry("Ministry of Mines and Energy", "ក្រសួងរ៉ែនិងថាមពល"),
    _ministry(
        "Ministry of Social Affairs, Veterans and Youth Rehabilitation",
        "ក្រសួងសង្គមកិច្ចអតីតយុទ្ធជននិងយុវនីតិសម្បទា",
        english=(
            r"Ministry\s+of\s+Social\s+Affairs,?\s+Veterans,?\s+and\s+Youth\s+Rehabilitation",
        ),
    ),
    _ministry("Ministry of Water Resources and Meteorology", "ក្រសួងធនធានទឹកនិងឧតុនិយម"),
    _ministry("Ministry of Public Works and Transport", "ក្រសួងសាធារណការនិងដឹកជញ្ជូន", "MPWT"),
    _ministry("Ministry of Culture and Fine Arts", "ក្រសួងវប្បធម៌និងវិចិត្រសិល្បៈ"),
    _ministry("Ministry of Cults and Religion", "ក្រសួងធម្មការនិងសាសនា"),
    _ministry(
        "Ministry of Labour and Vocational Training",
        "ក្រសួងការងារនិងបណ្តុះបណ្តាលវិជ្ជាជីវៈ",
        english=(r"Ministry\s+of\s+Labou?r\s+and\s+Vocational\s+Training",),
    ),
    _ministry(
        "Ministry of Land Management, Urban Planning and Construction",
        "ក្រសួងរៀបចំដែនដីនគរូបនីយកម្មនិងសំណង់",
        english=(r"Ministry\s+of\s+Land\s+Management,?\s+Urban\s+Planning,?\s+and\s+Construction",),
    ),
    Body(
        "Council of Ministers",
        "KH",
        (r"Office\s+of\s+the\s+Council\s+of\s+Ministers", r"Council\s+of\s+Ministers"),
        ("ទីស្តីការគណៈរដ្ឋមន្ត្រី",),
    ),
    Body(
        "Supreme National Economic Council",
        "KH",
        (r"Supreme\s+National\s+Economic\s+Council",),
        ("ឧត្តមក្រុមប្រឹក្សាសេដ្ឋកិច្ចជាតិ",),
        ("SNEC",),
    ),
    Body(
        "National Bank of Cambodia",
        "KH",
        (r"National\s+Bank\s+of\s+Cambodia",),
        ("ធនាគារជាតិនៃកម្ពុជា",),
    ),
    Body(
        KING,
        "KH",
        (r"King\s+of\s+(?:the\s+Kingdom\s+of\s+)?Cambodia",),
        ("ព្រះមហាក្សត្រនៃព្រះរាជាណាចក្រកម្ពុជា",),
    ),
    Body(
        ROYAL_GOVERNMENT,
        "KH",
        (r"Royal\s+Government\s+of\s+Cambodia",),
        ("រាជរដ្ឋាភិបាលកម្ពុជា",),
        ("RGC",),
    ),
    Body("Government of Kerala", "IN-KL", (r"Government\s+of\s+Kerala",)),
    Body("Government of India", "IN", (r"Government\s+of\s+India",)),
    Body(
        "Infocomm Media Development Authority",
        "SG",
        (r"Infocomm\s+Media\s+Development\s+Authority",),
        (),
        ("IMDA",),
    ),
    Body(
        "Smart Nation and Digital Government Office",
        "SG",
        (r"Smart\s+Nation\s+and\s+Digital\s+Government\s+Office",),
        (),
        ("SNDGO",),
    ),
    Body("Government Technology Agency", "SG", (r"Government\s+Technology\s+Agency",)),
    Body(
        "Government of Singapore", "SG", (r"Government\s+of\s+Singapore", r"Singapore\s+Government")
    ),
    Body("Government of Viet Nam", "VN", (r"Government\s+of\s+Viet\s*Nam", r"chính\s+phủ")),
    Body(
        "Ministry of Information and Communications (Viet Nam)",
        "VN",
        (r"Bộ\s+Thông\s+tin\s+và\s+Truyền\s+thông",),
    ),
    Body(
        "Ministry of Science and Technology (Viet Nam)",
        "VN",
        (r"Bộ\s+Khoa\s+học\s+và\s+Công\s+nghệ",),
    ),
)

_NATIONAL_GOVERNMENTS = {
    "KH": ROYAL_GOVERNMENT,
    "IN": "Government of India",
    "IN-KL": "Government of Kerala",
    "SG": "Government of Singapore",
    "VN": "Government of Viet Nam",
}


def government_of(country: str | None) -> str | None:
    """The government that issues a jurisdiction's policies when no other body is named."""
    return _NATIONAL_GOVERNMENTS.get(country or "")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", search_key(text))


@lru_cache(maxsize=1)
def _compiled() -> tuple[
    tuple[Body, re.Pattern[str] | None, re.Pattern[str] | None, tuple[str, ...]], ...
]:
    out = []
    for body in BODIES:
        latin = (
            re.compile("|".join(f"(?:{p})" for p in body.english), re.I) if body.english else None
        )
        abbr = (
            re.compile(
                r"(?<![\w.])(?:" + "|".join(map(re.escape, body.abbreviations)) + r")(?![\w])"
            )
            if body.abbreviations
            else None
        )
        out.append((body, latin, abbr, tuple(_compact(n) for n in body.native)))
    return tuple(out)


def bodies_in(text: str) -> list[Body]:
    """Every known body a text names, in order of first mention (Latin, Khmer or abbreviation).

    Positions in Latin and native matches are not comparable (native spellings are matched on
    a compact key), so each is ranked by its share of the way through the text.
    """
    text = text.replace("\u200b", "")
    if not text.strip():
        return []
    compact = _compact(text)
    hits: list[tuple[float, int, Body]] = []
    for order, (body, latin, abbr, natives) in enumerate(_compiled()):
        spots = [m.start() / len(text) for p in (latin, abbr) if p and (m := p.search(text))]
        spots += [compact.find(n) / max(len(compact), 1) for n in natives if n and n in compact]
        if spots:
            hits.append((min(spots), order, body))
    return [body for _, _, body in sorted(hits, key=lambda h: (h[0], h[1]))]


def first_named(*texts: str) -> str | None:
    """The body named earliest in the first text that names any (titles before body text)."""
    for text in texts:
        if found := bodies_in(text):
            return found[0].name
    return None


def country_of(name: object) -> str | None:
    """The country of the body a name refers to (None for unknown bodies)."""
    body = body_by_name(str(name)) if name else None
    return body.country if body else None


def body_by_name(name: str) -> Body | None:
    """The known body a short free-text name (an author field) refers to, if any."""
    found = bodies_in(name) if sum(ch.isalpha() for ch in name) < 90 else []
    return found[0] if found else None
