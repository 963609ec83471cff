"""Which country (or sub-national jurisdiction) a document belongs to, as a short code.

Alignment compares Cambodian documents with comparable policies from elsewhere, so every
document needs its jurisdiction: ``KH``, ``SG``, ``VN``, ``IN`` or a subdivision such as
``IN-KL`` (ISO 3166 style). Cues, strongest first: an explicit value (sidecar, manifest,
front matter), the issuing body's country, names in the title, names and national headers in
the opening text (counted: a Cambodian article mentioning Japan once stays Cambodian), Khmer
or Vietnamese script, and last a leading code in the file name (``SG_blueprint.md``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from ingest.khmer.script import khmer_share

__all__ = ["COUNTRIES", "KHMER_NAMES", "Country", "country_name", "detect_country", "normalize_country"]


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    #: case-insensitive patterns that place a text in this country
    cues: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country("KH", "Cambodia", (r"\bcambodia", r"\bkhmer\b", r"phnom\s+penh", "កម្ពុជា", "ភ្នំពេញ")),
    Country("SG", "Singapore", (r"\bsingapore", r"\bsmart\s+nation\b", r"\.gov\.sg\b")),
    Country("VN", "Viet Nam", (r"\bviet\s*nam", r"việt\s+nam", r"\bhà\s+nội\b", r"\bhanoi\b")),
    Country("IN-KL", "Kerala, India", (r"\bkerala",)),
    Country("IN", "India", (r"\bindia\b", r"\bindian\b", r"\bnew\s+delhi\b")),
    Country("TH", "Thailand", (r"\bthailand\b", r"\bthai\b", r"\bbangkok\b")),
    Country("LA", "Lao PDR", (r"\blao\s+pdr\b", r"\blaos\b", r"\bvientiane\b")),
    Country("MY", "Malaysia", (r"\bmalaysia",)),
    Country("ID", "Indonesia", (r"\bindonesia",)),
    Country("PH", "Philippines", (r"\bphilippines?\b",)),
    Country("MM", "Myanmar", (r"\bmyanmar\b",)),
    Country("BN", "Brunei", (r"\bbrunei\b",)),
    Country("TL", "Timor-Leste", (r"\btimor[\s-]leste\b", r"\beast\s+timor\b")),
    # countries whose digital-government plans ministries compare themselves with
    # (names, not adjectives: "Chinese New Year" is a Cambodian holiday, not China)
    Country("CN", "China", (r"\bchina\b", r"\bbeijing\b")),
    Country("JP", "Japan", (r"\bjapan\b", r"\btokyo\b")),
    Country("KR", "Republic of Korea", (r"\bkorea\b", r"\bseoul\b")),
    Country("AU", "Australia", (r"\baustralia", r"\bcanberra\b")),
    Country("NZ", "New Zealand", (r"\bnew\s+zealand\b",)),
    Country("GB", "United Kingdom", (r"\bunited\s+kingdom\b", r"\bgov\.uk\b",
                                     r"\bgreat\s+britain\b")),
    Country("US", "United States", (r"\bunited\s+states\b", r"\bu\.s\.a?\b")),
    Country("CA", "Canada", (r"\bcanada\b", r"\bbritish\s+columbia\b", r"\bontario\b")),
    Country("EE", "Estonia", (r"\bestonia",)),
    Country("RW", "Rwanda", (r"\brwanda",)),
    Country("BD", "Bangladesh", (r"\bbangladesh",)),
    Country("LK", "Sri Lanka", (r"\bsri\s+lanka",)),
)
#: Khmer names of other countries, for questions only: a Khmer article naming Viet Nam is
#: still Cambodian, so document detection does not count them (``index/jurisdiction.py``).
KHMER_NAMES: dict[str, tuple[str, ...]] = {
    "SG": ("សិង្ហបុរី",), "VN": ("វៀតណាម", "ហាណូយ"), "IN-KL": ("កេរ៉ាឡា", "កេរាឡា"),
    "IN": ("ឥណ្ឌា",), "MY": ("ម៉ាឡេស៊ី",), "ID": ("ឥណ្ឌូណេស៊ី",), "PH": ("ហ្វីលីពីន",),
    "MM": ("មីយ៉ាន់ម៉ា",), "TH": ("ថៃ", "បាងកក"), "LA": ("ឡាវ", "វៀងចន្ទន៍"),
    "BN": ("ប្រ៊ុយណេ",), "TL": ("ទីម័រ",), "JP": ("ជប៉ុន",), "KR": ("កូរ៉េ",),
    # ចិន alone is also the Chinese New Year (បុណ្យចូលឆ្នាំចិន) of Cambodian news
    "CN": ("ប្រទេសចិន", "សាធារណរដ្ឋប្រជាមានិតចិន"),
    "AU": ("អូស្ត្រាលី", "អូស្រ្តាលី"), "GB": ("ចក្រភពអង់គ្លេស",), "US": ("សហរដ្ឋអាមេរិក",),
    "CA": ("កាណាដា",),
}
_BY_CODE = {c.code: c for c in COUNTRIES}
_ALIASES = {
    **{c.name.lower(): c.code for c in COUNTRIES},
    "vietnam": "VN",
    "viet nam": "VN",
    "kerala": "IN-KL",
    "lao": "LA",
    "laos": "LA",
    "kampuchea": "KH",
    "khmer": "KH",
    "korea": "KR",
    "south korea": "KR",
    "uk": "GB",
    "usa": "US",
    "united states of america": "US",
}
_CODE_RE = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")
#: Sub-national codes outrank their country when both are cued ("Kerala, India").
_PARENT = {"IN-KL": "IN"}
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def normalize_country(value: object) -> str | None:
    """``kh``/``Cambodia``/``IN-KL`` -> a code; None when the value names no country."""
    text = " ".join(str(value or "").split())
    if not text:
        return None
    if (code := text.upper()) in _BY_CODE or _CODE_RE.fullmatch(code):
        return code
    return _ALIASES.get(text.lower())


def country_name(code: str | None) -> str | None:
    """Display name for a code (the code itself for codes this table does not know)."""
    if not code:
        return None
    return _BY_CODE[code].name if code in _BY_CODE else code


def _cue_counts(text: str) -> Counter[str]:
    folded = unicodedata.normalize("NFC", text.replace("\u200b", ""))
    counts: Counter[str] = Counter()
    for country in COUNTRIES:
        counts[country.code] = sum(len(re.findall(p, folded, re.I)) for p in country.cues)
    for child, parent in _PARENT.items():
        if counts[child]:  # "Kerala ... India": the state is the more precise answer
            counts[child] += counts.pop(parent, 0)
    return +counts


def _best(counts: Counter[str]) -> str | None:
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _path_code(path: str) -> str | None:
    """A leading country code in a file or folder name: ``KH_policy.pdf``, ``sg/plan.md``."""
    for part in reversed(PurePosixPath(path.split("#", 1)[0]).parts):
        head = re.split(r"[_\-. ]", part, maxsplit=1)[0]
        if head.isupper() and head in _BY_CODE:
            return head
    return None


def detect_country(
    title: str, text: str, path: str = "", body_country: str | None = None
) -> str | None:
    """The document's jurisdiction code from the cues above, or None when nothing points anywhere."""
    if body_country:
        return body_country
    if code := _best(_cue_counts(title)):
        return code
    if code := _best(_cue_counts(text)):
        return code
    head = f"{title}\n{text}"
    if khmer_share(head) >= 0.5:
        return "KH"
    if len(_VIETNAMESE.findall(head)) >= 20:
        return "VN"
    return _path_code(path)
