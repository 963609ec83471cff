"""A document's type from keyword rules, strongest signal first: title, file name, front-matter
hints, folders, then the opening text.

Kept apart from ``metadata.py``: the rules are the part most often tuned, and the headline
splitter (``ingest.loaders.headlines``) types its documents with them too.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from core.models import DocType

HEAD_CHARS = 4000  # inference reads the opening only: later mentions are rarely about the doc

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

_DOCTYPE_ALIASES = {"law": "law_regulation", "regulation": "law_regulation", "meeting": "meeting_record",
                    "plan": "plan_draft", "draft": "plan_draft"}


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
    head = text[:HEAD_CHARS]
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


def coerce_doc_type(value: Any) -> DocType | None:
    key = str(value or "").strip().lower()
    key = _DOCTYPE_ALIASES.get(key, key)
    return DocType(key) if key in {t.value for t in DocType} else None
