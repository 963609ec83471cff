"""The second-opinion PDF text extractors, run as child processes with hard limits.

pdftotext (poppler) and PDFium are C code reading hostile bytes: they have no decompression
limits of their own (PDFium aborts the process when a 2 MB font inflates to 2 GB) and can
loop for minutes. Each runs in its own process (``pdf_child.py``) with an address-space cap, an
output-size cap and a timeout, so a bomb costs one failed second opinion instead of the ingest.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

#: Address space of a child extractor: PDFium reads a real document in ~50 MB, poppler in less.
TOOL_MEMORY_BYTES = 1 * 2**30
#: Largest text a child may write: ~30x the text of a 2,000-page report.
MAX_TEXT_BYTES = 64 * 2**20
_CHILD = Path(__file__).with_name("pdf_child.py")


def tool_timeout(pages: int) -> float:
    """Seconds a child extractor gets: pdftotext reads ~200 real pages a second."""
    return 15.0 + 0.2 * pages


def _child(mode: str, *args: str) -> list[str]:
    return [sys.executable, "-I", str(_CHILD), str(TOOL_MEMORY_BYTES), str(MAX_TEXT_BYTES), mode, *args]


def run_bounded(cmd: list[str], timeout: float, what: str) -> bytes | None:
    """stdout of a pdf_child command, or None (logged) when it fails in any way.

    stdout goes to a temporary file whose size the child's RLIMIT_FSIZE caps (SIGXFSZ kills it).
    """
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            logger.warning("%s: timed out after %.0f s", what, timeout)
            return None
        except OSError as exc:
            logger.warning("%s: could not start: %s", what, exc)
            return None
        if proc.returncode != 0:
            logger.warning("%s: failed (exit %s)", what, proc.returncode)
            return None
        out.seek(0)
        return out.read()


def pdftotext_pages(path: Path, pages: int) -> list[str] | None:
    """poppler's ``pdftotext -raw`` of every page, or None when it is missing or failed."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    raw = run_bounded(_child("exec", exe, "-raw", "-enc", "UTF-8", str(path.absolute()), "-"),
                      tool_timeout(pages), f"{path}: pdftotext")
    if raw is None:
        return None
    parts = raw.decode("utf-8", "replace").split("\f")
    return parts[:pages] if len(parts) >= pages else None


def pdfium_pages(path: Path, pages: int) -> list[str | None] | None:
    """PDFium's text of every page (None for a page it could not read), or None on failure."""
    raw = run_bounded(_child("pdfium", str(path.absolute())),
                      tool_timeout(pages), f"{path}: pdfium")
    if raw is None:
        return None
    try:
        texts = json.loads(raw)
    except ValueError:
        logger.warning("%s: pdfium: unreadable output", path)
        return None
    if not isinstance(texts, list) or len(texts) < pages:
        return None
    return [t if isinstance(t, str) else None for t in texts[:pages]]
