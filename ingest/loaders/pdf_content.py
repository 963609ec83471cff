"""How much content-stream code each PDF page makes a text extractor interpret, measured first.

pypdf's text extraction is slow and superlinear in a page's content (1 MB: 1.8 s, 5 MB: 30 s for
one page) and re-reads a form XObject every time a ``Do`` paints it. A 31 KB file whose 100 pages
share one 5 MB content stream would have kept an ingest busy for 50 minutes, and forms that paint
forms multiply without bound. A page's *expanded* size is its content streams plus, for every
``Do`` of a form, that form's expanded size; shared streams count once per use, the way an
extractor pays for them. Decoding goes through pypdf, so its own 75 MB per-stream limit applies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, StreamObject

#: Pages with more content than this are not given to pypdf (pdftotext/pdfium read them).
PAGE_PYPDF_BYTES = 1 * 2**20
#: A whole document above this is a PDF bomb: no extractor is asked to read it ...
DOCUMENT_MAX_BYTES = 256 * 2**20
#: ... and so is a small file whose content expands more than this many times (real files: 1-3x;
#: a page template painted on every page of a long report: ~150x).
MAX_EXPANSION = 500
#: Forms painting forms deeper than this are a bomb too (real files nest two or three).
MAX_FORM_DEPTH = 12
# "/Name Do", with comments allowed between the operand and the operator as PDF allows.
_DO_RE = re.compile(rb"/([^\s/\[\]()<>{}%]+)(?:\s|%[^\r\n]*[\r\n])*Do(?![^\s\[\]()<>{}/%])")
_NAME_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")


def pypdf_budget(file_bytes: int) -> int:
    """Expanded content pypdf may read in one document: a real PDF's content is 1-3x its size."""
    return 4 * 2**20 + 20 * file_bytes


def document_cap(file_bytes: int) -> int:
    """Expanded content above which a file is refused as a PDF bomb."""
    return min(DOCUMENT_MAX_BYTES, max(16 * 2**20, MAX_EXPANSION * file_bytes))


class ContentBomb(Exception):
    """The expanded content passed DOCUMENT_MAX_BYTES, or forms nest or loop without end."""


class ContentMeter:
    """Measures pages of one document, remembering each form's expanded size."""

    def __init__(self, cap: int = DOCUMENT_MAX_BYTES) -> None:
        self.cap = cap
        self.total = 0
        self._forms: dict[int, int] = {}
        self._open: set[int] = set()

    def page(self, page: Any) -> int:
        size = 0
        resources = _resolve(page.get("/Resources"))
        for data in _contents(page.get("/Contents")):
            size += len(data)
            self._charge(size)
            size += self._painted(data, resources, resources, 0, size)
            self._charge(size)
        self.total += size
        return size

    def _charge(self, extra: int) -> None:
        if self.total + extra > self.cap:
            raise ContentBomb(f"its pages' content expands to more than {self.cap / 2**20:.0f} MB")

    def _painted(self, data: bytes, resources: Any, page_resources: Any, depth: int,
                 pending: int = 0) -> int:
        """Bytes of forms that ``data`` paints, each counted as often as it is painted
        (``pending``: what the page has cost so far, charged along)."""
        counts: dict[bytes, int] = {}
        for match in _DO_RE.finditer(data):
            name = _NAME_ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
            counts[name] = counts.get(name, 0) + 1
        if not counts:
            return 0
        xobjects = _resolve((resources or {}).get("/XObject")) or _resolve(
            (page_resources or {}).get("/XObject")) or {}
        size = 0
        for name, times in counts.items():
            form = xobjects.get("/" + name.decode("latin-1"))
            form_size = self._form(form, page_resources, depth + 1) if form is not None else 0
            size += times * form_size
            self._charge(pending + size)
        return size

    def _form(self, ref: Any, page_resources: Any, depth: int) -> int:
        form = _resolve(ref)
        if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
            return 0  # images and broken references cost text extraction nothing
        key = id(form)
        if key in self._forms:
            return self._forms[key]
        if key in self._open or depth > MAX_FORM_DEPTH:
            raise ContentBomb(f"form XObjects paint each other in a loop or more than "
                              f"{MAX_FORM_DEPTH} deep")
        self._open.add(key)
        data = form.get_data()
        size = len(data) + self._painted(data, _resolve(form.get("/Resources")), page_resources, depth)
        self._open.discard(key)
        self._forms[key] = size
        return size


def _resolve(obj: Any) -> Any:
    return obj.get_object() if obj is not None and hasattr(obj, "get_object") else obj


def _contents(obj: Any) -> Iterator[bytes]:
    obj = _resolve(obj)
    items = obj if isinstance(obj, ArrayObject) else [obj] if obj is not None else []
    for item in items:
        stream = _resolve(item)
        if isinstance(stream, StreamObject):
            yield stream.get_data()


def measure(reader: PdfReader, cap: int = DOCUMENT_MAX_BYTES) -> list[int]:
    """Expanded content bytes of every page; raises ContentBomb or pypdf's LimitReachedError.

    A page whose content cannot be decoded counts 0: the extractors report the damage.
    """
    meter = ContentMeter(cap)
    sizes: list[int] = []
    for page in reader.pages:
        try:
            sizes.append(meter.page(page))
        except (ContentBomb, LimitReachedError):
            raise
        except Exception:  # a damaged stream or resource dictionary
            sizes.append(0)
    return sizes
