"""PDFs served to a browser without their scripts.

A PDF can carry JavaScript that the browser's viewer runs when it opens the file (an
``/OpenAction``, document-level ``/Names/JavaScript``, ``/AA`` additional actions on the document,
its pages, annotations and form fields). PolicyKB serves ingested and uploaded PDFs inline for
reading at a cited page; an uploaded PDF must not become a way to run code in a reader's
browser. So the file route serves a copy without any action that is not a plain jump inside
the document; the copy is made once per file content and cached.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

__all__ = ["pdf_without_scripts", "strip_scripts"]

_HARMLESS = {"/GoTo"}  # a jump to a page of the same document


def _dangerous(action: Any) -> bool:
    action = action.get_object() if hasattr(action, "get_object") else action
    if not isinstance(action, DictionaryObject):
        return False  # an /OpenAction that is a destination array is a plain jump
    if action.get("/S") not in _HARMLESS or "/JS" in action:
        return True
    chained = action.get("/Next")
    if chained is None:
        return False
    chained = chained.get_object()
    return any(_dangerous(a) for a in (chained if isinstance(chained, list) else [chained]))


def _strip_dict(obj: Any) -> int:
    """Drop the script-bearing entries of one dictionary; how many went."""
    obj = obj.get_object()
    if not isinstance(obj, DictionaryObject):
        return 0
    removed = 0
    if "/AA" in obj:
        del obj[NameObject("/AA")]
        removed += 1
    if "/A" in obj and _dangerous(obj["/A"]):
        del obj[NameObject("/A")]
        removed += 1
    return removed


def strip_scripts(writer: PdfWriter) -> int:
    """Remove every JavaScript or other non-jump action from the document; returns how many."""
    root = writer._root_object
    removed = 0
    if "/OpenAction" in root and _dangerous(root["/OpenAction"]):
        del root[NameObject("/OpenAction")]
        removed += 1
    removed += _strip_dict(root)
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        del names.get_object()[NameObject("/JavaScript")]
        removed += 1
    for page in writer.pages:
        removed += _strip_dict(page)
        for annotation in page.get("/Annots") or []:
            removed += _strip_dict(annotation)
    form = root.get("/AcroForm")
    pending = list(form.get_object().get("/Fields") or []) if form is not None else []
    while pending:
        field = pending.pop().get_object()
        removed += _strip_dict(field)
        pending += list(field.get("/Kids") or [])
    return removed


def pdf_without_scripts(path: Path, content_hash: str, cache_dir: Path) -> Path:
    """``path`` itself when it has no scripts, else a cached copy without them."""
    safe = cache_dir / f"{content_hash}.pdf"
    clean = cache_dir / f"{content_hash}.clean"
    if clean.exists():
        return path
    if safe.exists():
        return safe
    writer = PdfWriter(clone_from=PdfReader(path))
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not strip_scripts(writer):
        clean.touch()
        return path
    # the removed actions are still objects of the file until unreferenced ones are dropped
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    partial = safe.with_suffix(f".{os.getpid()}.part")
    with partial.open("wb") as handle:
        writer.write(handle)
    partial.replace(safe)
    return safe
