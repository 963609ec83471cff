"""Document metadata: what loaders read, plus inference from path/title/text, plus user overrides.

Filters in the UI (type, issuing body, date, period) only work if every document has these keys,
yet most files carry little metadata. So we infer from the path, title and opening text with
simple, explainable keyword rules, and let users correct any document with a ``NAME.meta.yaml``
sidecar or a folder ``policykb-manifest.yaml``; those overrides always win.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from core.errors import DocumentParseError
from core.models import DocType, ParsedDocument
from ingest.identity.bodies import country_of, first_named
from ingest.identity.country import country_name, detect_country, normalize_country
from ingest.identity.issuer import IssuerClues, infer_issuer
from ingest.identity.opening import closing_lines
from ingest.identity.title import find_title
from ingest.khmer.script import DIGITS_TO_ASCII

logger = logging.getLogger(__name__)

ALLOWED_KEYS = frozenset(
    {"title", "doc_type", "issuing_body", "country", "date", "language", "period", "author", "tags"}
)
_MAIN_DOC_ONLY = frozenset({"title", "doc_type"})
#: Bump when inference of titles, issuers, countries or types (or what of them a chunk carries)
#: changes: it is part of every file's ingest fingerprint, so an upgraded index re-reads
#: documents named the old way.
METADATA_VERSION = "4"
MANIFEST_NAME = "policykb-manifest.yaml"
SIDECAR_SUFFIX = ".meta.yaml"
_HEAD_CHARS = 4000  # inference reads the opening only: later mentions are rarely about the doc

_EN_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_KM_MONTHS = {"មករា": 1, "កុម្ភៈ": 2, "កុម្ភះ": 2, "កម្ភៈ": 2, "មីនា": 3, "មេសា": 4, "ឧសភា": 5,
              "មិថុនា": 6, "កក្កដា": 7, "សីហា": 8, "កញ្ញា": 9, "តុលា": 10, "វិច្ឆិកា": 11, "ធ្នូ": 12}
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, str, str]], ...] = (
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), ("m", "d", "y")),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.I), ("d", "m", "y")),
    (re.compile(r"ថ្ងៃទី\s*([0-9០-៩]{1,2})\s*ខែ\s*(" + "|".join(_KM_MONTHS) + r")\s*ឆ្នាំ\s*([0-9០-៩]{4})"),
     ("d", "m", "y")),
    (re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"), ("y", "m", "d")),
)
_PERIOD_RE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*(?:[-–—‐]|\bto\b|\buntil\b|ដល់(?:ឆ្នាំ)?)\s*((?:19|20)\d\d)(?!\d)", re.I)

_LAW_EN = r"(?:inter-?ministerial\s+)?(?:laws?|sub-?\s?decree|prakas|royal\s?decree|royal\s?kram|circular|regulations?)"
_LAW_KM = r"(?:ច្បាប់|អនុក្រឹត្យ|ប្រកាស|ព្រះរាជក្រឹត្យ|ព្រះរាជក្រម|សារាចរ)"
_PRESS = (DocType.NEWS, re.compile(
    r"press[ -]release|news[ -]release|announcement|សេចក្[តដ]ីប្រកាសព័ត៌មាន|សេចក្[តដ]ីជូនដំណឹង", re.I))
_MEETING = (DocType.MEETING, re.compile(
    r"\bmeetings?\b|\bchair(?:s|ed|ing)?\b|presid(?:es|ed|ing) over|\bminutes\b|កិច្ចប្រជុំ", re.I))
_PLAN = (DocType.PLAN, re.compile(
    r"\bdraft\b.*\bplan\b|strategic\s+plan|action\s+plan|master\s?plan|road\s?map|ផែនការ", re.I))
_POLICY = (DocType.POLICY, re.compile(
    r"\bpolicy\b|policy\s+framework|\bstrategy\b|\bblueprint\b|គោលនយោបាយ|យុទ្ធសាស្ត្រ", re.I))
_NEWS = (DocType.NEWS, re.compile(r"\bnews\b", re.I))
# A title *starting* with an instrument ("Sub-Decree on ...", "អនុក្រឹត្យស្តីពី...") is the law itself;
# a title merely mentioning one ("Assembly adopts two draft laws") is news about it.
_TITLE_RULES: tuple[tuple[DocType, re.Pattern[str]], ...] = (
    _PRESS, _MEETING,
    (DocType.LAW, re.compile(
        rf"^\W*(?:the\s+)?(?:draft\s+)?{_LAW_EN}\b"
        rf"|^\W*(?:សេចក្[តដ]ីព្រាង)?{_LAW_KM}\s*(?:អន្តរក្រសួង\s*)?(?:ស្[តដ]ីពី|លេខ|នៃ)"
        r"|^\W*(?:nghị\s+(?:quyết|định)|quyết\s+định|thông\s+tư|luật|chỉ\s+thị)\b", re.I)),
    _PLAN, _POLICY, _NEWS,
)
# File and folder names are chosen labels, so any instrument word there counts.
_PATH_RULES: tuple[tuple[DocType, re.Pattern[str]], ...] = (
    _PRESS, _MEETING,
    (DocType.LAW, re.compile(rf"\b{_LAW_EN}\b|\blegal\b|{_LAW_KM}", re.I)),
    _PLAN, _POLICY, _NEWS,
    (DocType.NEWS, re.compile(r"\bposts?\b|\bactivit(?:y|ies)\b|\bevents?\b", re.I)),
)

_LANG_ALIASES = {"kh": "km", "khm": "km", "khmer": "km", "eng": "en", "english": "en"}
_DOCTYPE_ALIASES = {"law": "law_regulation", "regulation": "law_regulation", "meeting": "meeting_record",
                    "plan": "plan_draft", "draft": "plan_draft"}


def _build_date(y: str, m: str, d: str) -> str | None:
    month = int(m) if m.isdigit() else _KM_MONTHS.get(m) or _EN_MONTHS.get(m[:3].lower(), 0)
    try:
        return dt.date(int(y.translate(DIGITS_TO_ASCII)), month, int(d.translate(DIGITS_TO_ASCII))).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """First valid date in ``text`` (English, Khmer or ISO form), as ISO yyyy-mm-dd."""
    text = text.replace("\u200b", "")
    found: list[tuple[int, str]] = []
    for pattern, order in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            if iso := _build_date(parts["y"], parts["m"], parts["d"]):
                found.append((match.start(), iso))
                break
    return min(found)[1] if found else None


def normalize_date(value: Any) -> str | None:
    """A date from front matter, a sidecar or document properties as ISO yyyy-mm-dd (None if unknown).

    ``a/b/yyyy`` is read month-first (the TRC site's front matter uses 11/26/2020) unless a > 12.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().translate(DIGITS_TO_ASCII)
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?", text):
        return _build_date(m.group(1), m.group(2), m.group(3))
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
        a, b = int(m.group(1)), int(m.group(2))
        month, day = (b, a) if a > 12 else (a, b)
        return _build_date(m.group(3), str(month), str(day))
    return find_date(text)


def find_period(*texts: str) -> str | None:
    """A plan/policy period like ``2022-2035`` from the first text that has a plausible one."""
    for text in texts:
        for match in _PERIOD_RE.finditer(text.translate(DIGITS_TO_ASCII)):
            start, end = int(match.group(1)), int(match.group(2))
            if start < end <= start + 30:
                return f"{start}-{end}"
    return None


def infer_doc_type(path: str, title: str, text: str, hints: str = "") -> DocType:
    """Keyword rules, strongest signal first: title, file name, front-matter hints, folders, text."""
    name = PurePosixPath(path).name
    folders = " ".join(PurePosixPath(path).parts[:-1])
    title, text = title.replace("\u200b", ""), text.replace("\u200b", "")
    for signal, rules in ((title, _TITLE_RULES), (_words(name), _PATH_RULES),
                          (hints, _PATH_RULES), (_words(folders), _PATH_RULES)):
        for doc_type, pattern in rules:
            if signal and pattern.search(signal):
                return doc_type
    head = text[:_HEAD_CHARS]
    if re.search(r"(?:chaired|presided over|led|convened) (?:a|the) .{0,40}meeting|ដឹកនាំកិច្ចប្រជុំ", head, re.I):
        return DocType.MEETING
    if re.search(r"(?:strategic|action) plan|ផែនការ", head, re.I) and re.search(r"mechanism|យន្តការ", head, re.I):
        return DocType.PLAN
    if re.search(r"^\s*(?:article|មាត្រា)\s*[0-9០-៩]", head, re.I | re.M):
        return DocType.LAW
    return DocType.OTHER


def _words(path_part: str) -> str:
    """File names as words, so ``KH_SubDecree_x`` and ``1-post.md`` meet the title rules."""
    return re.sub(r"[_./]+", " ", path_part)


def infer_issuing_body(*texts: str) -> str | None:
    """The known body named earliest in the first text that names any (titles before body text).

    A mention finder for callers that only have text; documents get their issuer from
    ``ingest.identity.issuer``, which reads letterheads and signatures, not mentions.
    """
    return first_named(*(t[:_HEAD_CHARS] for t in texts))


def infer_metadata(doc_id: str, doc: ParsedDocument, sidecar: dict | None) -> dict[str, Any]:
    """Complete metadata for one document: loader values, then inference, then sidecar overrides."""
    meta: dict[str, Any] = dict(doc.metadata)
    source_path = doc_id[: -len(doc.suffix)] if doc.suffix and doc_id.endswith(doc.suffix) else doc_id
    text = doc.text
    garbled = any(w.startswith("text looks garbled") for w in doc.warnings)
    found, lines = find_title(doc_id, str(meta.get("title") or ""), doc.pages, garbled)
    title = found.text
    hints = " ".join(str(meta.get(k) or "") for k in ("categories", "type"))
    doc_type = _coerce_doc_type(meta.get("doc_type")) or infer_doc_type(source_path, title, text, hints)
    head = "" if garbled else text[:_HEAD_CHARS]
    issuing_body = infer_issuer(IssuerClues(
        doc_id=source_path, title=found, lines=lines, text=head, doc_type=doc_type,
        closing=[] if garbled else closing_lines(doc.pages),
        country=normalize_country(meta.get("country")) or detect_country(title, head, source_path),
        loaded=str(meta.get("issuing_body") or ""), author=str(meta.get("author") or "")))
    meta.update(
        title=title,
        doc_type=doc_type.value,
        issuing_body=issuing_body,
        date=normalize_date(meta.get("date")) or find_date(text[:_HEAD_CHARS]),
        language=normalize_language(meta.get("language")),
        # News mentions many periods in passing; only its title is trusted for one.
        period=str(meta.get("period") or "") or find_period(
            title, *(() if doc_type is DocType.NEWS else (text[:_HEAD_CHARS],))) or None,
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


def _coerce_doc_type(value: Any) -> DocType | None:
    key = str(value or "").strip().lower()
    key = _DOCTYPE_ALIASES.get(key, key)
    return DocType(key) if key in {t.value for t in DocType} else None


def normalize_language(value: Any) -> str | None:
    """``km-KH``/``kh``/``Khmer`` -> ``km``: one code per language so filters match."""
    if not value:
        return None
    code = str(value).strip().lower().replace("_", "-").split("-")[0]
    return _LANG_ALIASES.get(code, code)


def validate_overrides(data: Any, source: Path, where: str = "") -> dict[str, Any]:
    """Check a sidecar/manifest entry: known keys only, valid doc_type and date; normalise values."""
    prefix = f"{where}: " if where else ""
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise DocumentParseError(source, f"{prefix}expected 'key: value' lines, got {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in ALLOWED_KEYS)
    if unknown:
        raise DocumentParseError(
            source, f"{prefix}unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(ALLOWED_KEYS))}")
    out: dict[str, Any] = {}
    for key, value in ((k, v) for k, v in data.items() if v is not None):
        if key == "doc_type":
            doc_type = _coerce_doc_type(value)
            if doc_type is None:
                raise DocumentParseError(
                    source, f"{prefix}doc_type {value!r} is not one of {', '.join(t.value for t in DocType)}")
            out[key] = doc_type.value
        elif key == "date":
            iso = normalize_date(value)
            if iso is None:
                raise DocumentParseError(source, f"{prefix}date {value!r} is not a date (use yyyy-mm-dd)")
            out[key] = iso
        elif key == "tags":
            out[key] = [str(t) for t in (value if isinstance(value, list) else [value])]
        elif key == "language":
            out[key] = normalize_language(value)
        elif key == "country":
            if (code := normalize_country(value)) is None:
                raise DocumentParseError(
                    source, f"{prefix}country {value!r} is not a country code (KH, SG, IN-KL) or known name")
            out[key] = code
        else:
            out[key] = str(value).strip()
    return out


def _read_yaml(path: Path) -> Any:
    from ingest.loaders.yaml_bounds import check_yaml_size

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise DocumentParseError(path, f"invalid YAML at line {line}: {exc.problem}") from exc
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise DocumentParseError(path, f"cannot read YAML: {exc}") from exc
    check_yaml_size(data, path, "the YAML")  # aliases share nodes; a walk would not end
    return data


def load_sidecar(path: Path) -> dict[str, Any] | None:
    """Overrides from ``plan.pdf.meta.yaml`` (preferred) or ``plan.meta.yaml``; None if neither."""
    path = Path(path)
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)):
        if candidate.is_file():
            return validate_overrides(_read_yaml(candidate), candidate)
    return None


def load_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Per-file overrides from ``folder/policykb-manifest.yaml``, keyed by posix relative path."""
    manifest = Path(folder) / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    data = _read_yaml(manifest) or {}
    if not isinstance(data, dict):
        raise DocumentParseError(manifest, "expected a mapping of relative file paths to metadata")
    entries: dict[str, dict[str, Any]] = {}
    for rel, values in data.items():
        key = PurePosixPath(str(rel).replace("\\", "/")).as_posix().removeprefix("./")
        entries[key] = validate_overrides(values, manifest, where=str(rel))
    return entries
