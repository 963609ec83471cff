"""What a PDF page looks like, as a hash and as "has an image": the OCR cache key and scan test.

Object numbers are never hashed, so an identical page in another file gets the same key and
shares its OCR cache entry.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

#: Page-dictionary entries that change what a page looks like (others, e.g. /Parent, do not).
_PAGE_KEYS = ("/Contents", "/Resources", "/MediaBox", "/CropBox", "/Rotate", "/UserUnit", "/Annots")
_SKIP_KEYS = {"/Parent", "/P", "/StructParents", "/StructParent", "/Metadata", "/PieceInfo"}
_MAX_DEPTH = 16


def page_fingerprint(page: DictionaryObject) -> str:
    """sha256 over everything that determines a page's pixels, independent of the file.

    Hashes the raw (still-encoded) bytes of the content streams and of every resource they can
    reach (images, fonts, form XObjects) plus the page boxes and rotation. Object numbers are
    not hashed, so an identical page in another file gets the same key and shares the OCR
    cache; the content stream alone is not enough, because every scanned page has the same
    one ("q 612 0 0 792 0 0 cm /Im0 Do Q") and only the image data differs.
    """
    h = hashlib.sha256()
    seen: dict[tuple[int, int], int] = {}
    for key in _PAGE_KEYS:
        value = page.get(key)
        if value is None and key in ("/Resources", "/MediaBox", "/CropBox", "/Rotate"):
            value = _inherited(page, key)
        h.update(key.encode())
        _hash_obj(h, value, 0, seen)
    return h.hexdigest()


def _inherited(page: DictionaryObject, key: str) -> Any:
    node, hops = page.get("/Parent"), 0
    while node is not None and hops < _MAX_DEPTH:
        node = node.get_object()
        if key in node:
            return node[key]
        node, hops = node.get("/Parent"), hops + 1
    return None


def _hash_obj(h: Any, obj: Any, depth: int, seen: dict[tuple[int, int], int]) -> None:
    if depth > _MAX_DEPTH:
        h.update(b"<deep>")
        return
    if isinstance(obj, IndirectObject):
        ref = (obj.idnum, obj.generation)
        if ref in seen:  # shared or cyclic object: hash its first-visit ordinal, not its number
            h.update(b"<ref%d>" % seen[ref])
            return
        seen[ref] = len(seen)
        obj = obj.get_object()
    if isinstance(obj, StreamObject):
        h.update(b"<stream>")
        _hash_dict(h, obj, depth, seen)
        h.update(obj._data if isinstance(obj._data, bytes) else bytes(obj._data))
    elif isinstance(obj, DictionaryObject):
        _hash_dict(h, obj, depth, seen)
    elif isinstance(obj, ArrayObject):
        h.update(b"[")
        for item in obj:
            _hash_obj(h, item, depth + 1, seen)
        h.update(b"]")
    else:
        h.update(repr(obj).encode("utf-8", "replace") + b";")


def _hash_dict(h: Any, obj: DictionaryObject, depth: int, seen: dict[tuple[int, int], int]) -> None:
    h.update(b"{")
    for key in sorted(obj.keys()):
        if key in _SKIP_KEYS:
            continue
        h.update(key.encode("utf-8", "replace"))
        _hash_obj(h, obj.raw_get(key), depth + 1, seen)
    h.update(b"}")


def page_has_images(page: DictionaryObject) -> bool:
    """True when the page's own resources contain an image XObject (scans, photos)."""
    try:
        resources: Any = page.get("/Resources") or _inherited(page, "/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        if not xobjects:
            return False
        xobjects = xobjects.get_object()
        return any(xobjects[name].get_object().get("/Subtype") == "/Image" for name in xobjects)
    except Exception:  # damaged resources: treat as no images
        return False
