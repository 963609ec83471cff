"""What changed between two versions of a document: sections added, removed and changed.

Sections are the heading paths the chunker found (``ingest/structure.py``), each with the text
of its chunks; a version without headings is compared page by page. A section counts as changed
only when its text differs after the analyser's normalisation (``search_key``: zero-width
characters, Khmer syllable order, variant letters, case; then spaces between Khmer letters
dropped): a Khmer document re-typed with other spacing has not changed. A changed section gets a
short word-level excerpt (``[-old-] {+new+}``), words cut by khmer-nltk for Khmer.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from core.errors import NotFoundError
from core.models import PageRecord
from index.versions import Section, VersionStore
from ingest.khmer.normalize import search_key
from ingest.khmer.script import KHMER_CLASS
from ingest.khmer.segment import tokenize_mixed
from ingest.structure import HeadingPath, classify_line, is_contents_page

_SPACE_AROUND_KHMER = re.compile(f"(?<=[{KHMER_CLASS}])\\s+|\\s+(?=[{KHMER_CLASS}])")
PREAMBLE = "(before the first heading)"
_CONTEXT = 4  # words shown either side of a change
_MAX_RUN = 12  # words shown of one inserted or deleted run
_MAX_HUNKS = 3


@dataclass
class SectionChange:
    section: str  # the heading path, or "page N" for a document without headings
    status: str  # added | removed | changed
    page_from: int | None = None  # first page of the section in the old version
    page_to: int | None = None  # ... and in the new one
    excerpt: list[str] = field(default_factory=list)  # "... [-old words-] {+new words+} ..."


@dataclass
class DocumentDiff:
    doc_id: str
    from_version: int
    to_version: int
    by: str  # "heading" or "page"
    added: list[SectionChange]
    removed: list[SectionChange]
    changed: list[SectionChange]
    unchanged: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalised(text: str) -> str:
    """The form two versions are compared in (see the module docstring)."""
    return _SPACE_AROUND_KHMER.sub("", " ".join(search_key(text).split()))


def resolve(store: VersionStore, doc_id: str, from_version: int | None,
            to_version: int | None) -> tuple[int, int]:
    """The two version numbers to compare (default: the one before the current, and the
    current); a :class:`NotFoundError` naming the document or version otherwise."""
    numbers = [v.version for v in store.versions(doc_id)]
    if not numbers:
        raise NotFoundError(f"no indexed document with id {doc_id!r}")
    to_version = numbers[-1] if to_version is None else to_version
    if from_version is None:
        earlier = [n for n in numbers if n < to_version]
        if not earlier:
            raise NotFoundError(f"{doc_id} has no version before version {to_version} "
                                f"(versions: {', '.join(map(str, numbers))})")
        from_version = earlier[-1]
    for number in (from_version, to_version):
        if number not in numbers:
            raise NotFoundError(f"{doc_id} has no version {number} "
                                f"(versions: {', '.join(map(str, numbers))})")
    return from_version, to_version


def diff_versions(store: VersionStore, doc_id: str, from_version: int | None = None,
                  to_version: int | None = None) -> DocumentDiff:
    """Sections added, removed and changed from one version to another."""
    old_n, new_n = resolve(store, doc_id, from_version, to_version)
    old_pages, new_pages = store.pages(doc_id, old_n), store.pages(doc_id, new_n)
    old = sections_of(old_pages, store.sections(doc_id, old_n))
    new = sections_of(new_pages, store.sections(doc_id, new_n))
    by_heading = set(old) != {PREAMBLE} and set(new) != {PREAMBLE} and bool(old and new)
    if not by_heading:
        old, new = _by_page(old_pages), _by_page(new_pages)
    added = [SectionChange(name, "added", page_to=new[name][0]) for name in new if name not in old]
    removed = [SectionChange(name, "removed", page_from=old[name][0])
               for name in old if name not in new]
    changed, unchanged = [], 0
    for name in (n for n in new if n in old):
        (page_a, text_a), (page_b, text_b) = old[name], new[name]
        if normalised(text_a) == normalised(text_b):
            unchanged += 1
            continue
        changed.append(SectionChange(name, "changed", page_a, page_b, word_excerpt(text_a, text_b)))
    return DocumentDiff(doc_id, old_n, new_n, "heading" if by_heading else "page",
                        added, removed, changed, unchanged)


def sections_of(pages: list[PageRecord], spans: list[Section]) -> dict[str, tuple[int, str]]:
    """Heading path -> (first page, its text), in reading order.

    The text is what the chunks cover (page furniture left out, overlapping sentences taken
    once), walked line by line with the chunker's own heading rules: a chunk may begin under
    one heading and run into the next, so its stored heading alone would misplace text."""
    texts = {p.page: p.text for p in pages}
    contents = {p.page: is_contents_page(p.text.splitlines()) for p in pages}
    path = HeadingPath()
    covered: dict[int, int] = {}
    out: dict[str, tuple[int, list[str]]] = {}
    for span in spans:
        start = max(span.start, covered.get(span.page, 0))
        if start >= span.end:
            continue
        covered[span.page] = span.end
        for line in texts.get(span.page, "")[start:span.end].splitlines():
            role = classify_line(line)
            if role.kind == "heading" and not contents.get(span.page, False):
                path.push(role.level, role.title)
                out.setdefault(str(path), (span.page, []))
                continue
            out.setdefault(str(path) or PREAMBLE, (span.page, []))[1].append(line)
    return {name: (first, "\n".join(lines)) for name, (first, lines) in out.items()}


def _by_page(pages: list[PageRecord]) -> dict[str, tuple[int, str]]:
    return {f"page {p.page}": (p.page, p.text) for p in pages}


def word_excerpt(old: str, new: str) -> list[str]:
    """Up to three hunks of ``[-removed-] {+inserted+}`` words with a little context."""
    a, b = tokenize_mixed(old), tokenize_mixed(new)
    keys_a, keys_b = [normalised(t) for t in a], [normalised(t) for t in b]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    hunks: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = a[max(0, i1 - _CONTEXT):i1]
        after = a[i2:i2 + _CONTEXT]
        parts = ["…" if i1 > _CONTEXT else "", *before]
        if i2 > i1:
            parts.append(f"[-{_run(a[i1:i2])}-]")
        if j2 > j1:
            parts.append(f"{{+{_run(b[j1:j2])}+}}")
        parts += [*after, "…" if i2 + _CONTEXT < len(a) else ""]
        hunks.append(" ".join(p for p in parts if p))
        if len(hunks) == _MAX_HUNKS:
            break
    return hunks


def _run(words: list[str]) -> str:
    shown = " ".join(words[:_MAX_RUN])
    return shown + (f" … (+{len(words) - _MAX_RUN} words)" if len(words) > _MAX_RUN else "")


def to_markdown(diff: DocumentDiff) -> str:
    """The diff as a short Markdown report (``policykb diff --format md``)."""
    unit = "sections" if diff.by == "heading" else "pages"
    lines = [f"# {diff.doc_id}: version {diff.from_version} → version {diff.to_version}", "",
             f"Compared by {unit}: {len(diff.added)} added, {len(diff.removed)} removed, "
             f"{len(diff.changed)} changed, {diff.unchanged} unchanged.", ""]
    for title, items in (("Added", diff.added), ("Removed", diff.removed),
                         ("Changed", diff.changed)):
        lines += [f"## {title}", ""]
        for change in items:
            lines.append(f"- {_where(change)}")
            lines += [f"  - {hunk}" for hunk in change.excerpt]
        lines += [""] if items else ["- none", ""]
    return "\n".join(lines)


def _where(change: SectionChange) -> str:
    page = change.page_to if change.page_to is not None else change.page_from
    return f"**{change.section}** (p. {page})"
