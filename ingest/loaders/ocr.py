"""OCR of single PDF pages with the tesseract CLI, cached on disk.

Why the CLI and not a Python binding: tesseract and poppler are system packages already needed
for other tools, a subprocess can be killed on timeout, and nothing has to be compiled. Why a
cache: OCR costs several seconds per 300-dpi page (~6.5 s for a real A4 scan here: 2.6 s
rendering + 3.7 s tesseract), so a re-ingest must never OCR the same page twice. The cache key
is a fingerprint of the page content (``page_fingerprint``) plus the OCR settings, so identical
pages in different files share one entry and changed settings never return stale text.

Why a pool (``ocr_pages``): tesseract is fastest single-threaded (see ``_tesseract``), so one
page used one core while the others idled (530 s for a 97-page scan on 2 cores). The pages of a
file that need OCR run side by side instead, one single-threaded tesseract process per core;
threads suffice to drive them, since each only waits on its child processes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core.errors import DocumentParseError
from ingest.loaders.ocr_tools import pdfium_render_possible, render_with_pdfium, run_tool
from ingest.loaders.page_fingerprint import page_fingerprint, page_has_images

__all__ = ["TESSERACT_PSM", "TesseractOcr", "page_fingerprint", "page_has_images"]

logger = logging.getLogger(__name__)

#: Page segmentation mode 4 ("single column of variable sizes") keeps line ends; the default
#: mode 3 drops many of them on Khmer legal documents.
TESSERACT_PSM = 4
_CACHE_VERSION = "1"


class TesseractOcr:
    """Render a PDF page with poppler (or pdfium) and OCR it with tesseract."""

    def __init__(
        self, cache_dir: Path, languages: str = "khm+eng", dpi: int = 300, timeout_s: int = 120,
        workers: int | None = None,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.languages = languages
        self.dpi = dpi
        self.timeout_s = timeout_s
        #: pages OCR'd at once by ``ocr_pages`` (None: one per core)
        self.workers = max(1, workers or os.cpu_count() or 1)
        #: counters so callers (and tests) can see whether work was really done
        self.cache_hits = 0
        self.ocr_runs = 0
        #: the most pages ever OCR'd at the same time (1 = the pool was never used in parallel)
        self.peak_parallel = 0
        self._running = 0
        self._counters = threading.Lock()
        self._available: bool | None = None

    # -- availability -------------------------------------------------------------------
    def available(self) -> bool:
        """True when tesseract, every requested language pack and a page renderer exist."""
        if self._available is None:
            self._available = self._check_available()
        return self._available

    def _check_available(self) -> bool:
        exe = shutil.which("tesseract")
        if exe is None:
            logger.info("OCR disabled: tesseract is not installed")
            return False
        if shutil.which("pdftoppm") is None and not pdfium_render_possible():
            logger.info("OCR disabled: neither pdftoppm nor pypdfium2+Pillow can render pages")
            return False
        try:
            out = subprocess.run(
                [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            logger.warning("OCR disabled: 'tesseract --list-langs' failed: %s", exc)
            return False
        # First line is a header ("List of available languages in ..."), then one per line.
        lines = (out.stdout + "\n" + out.stderr).splitlines()
        installed = {ln.strip() for ln in lines if ln.strip() and " " not in ln.strip()}
        missing = [lang for lang in self.languages.split("+") if lang not in installed]
        if missing:
            logger.warning("OCR disabled: tesseract language packs missing: %s", ", ".join(missing))
            return False
        return True

    # -- cache --------------------------------------------------------------------------
    def cache_path(self, page_key: str) -> Path:
        """Where the OCR text of a page with this fingerprint is (or will be) stored."""
        settings = f"v{_CACHE_VERSION}|{page_key}|{self.languages}|{self.dpi}|psm{TESSERACT_PSM}"
        digest = hashlib.sha256(settings.encode("utf-8")).hexdigest()
        return self.cache_dir / digest[:2] / f"{digest}.txt"

    def _write_cache(self, target: Path, text: str) -> None:
        """Atomic write (temp file + os.replace): a crash never leaves a half-written entry."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".txt")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:  # an unwritable cache must not fail the ingest
            logger.warning("could not write OCR cache %s: %s", target, exc)

    # -- OCR ----------------------------------------------------------------------------
    def ocr_page(self, pdf_path: Path, page_number: int, page_key: str) -> str:
        """OCR one 1-based page, returning cached text when this page was seen before."""
        cached = self._cached(page_key)
        return cached if cached is not None else self._ocr_uncached(pdf_path, page_number, page_key)

    def ocr_pages(
        self, pdf_path: Path, pages: Sequence[tuple[int, str]], max_failures: int | None = None
    ) -> list[str | DocumentParseError | None]:
        """OCR several pages of one file, ``(1-based number, page_key)`` each, in parallel.

        Returns one entry per page in the order given: the text, or the page's
        DocumentParseError (a failure or timeout stays with its page), or None for a page that
        was never started because ``max_failures`` pages had already failed. Cached pages are
        read here; the others run on up to ``workers`` threads.
        """
        results: list[str | DocumentParseError | None] = [self._cached(key) for _, key in pages]
        todo = [i for i, text in enumerate(results) if text is None]
        failures, lock = [0], threading.Lock()

        def attempt(i: int) -> str | DocumentParseError | None:
            if max_failures is not None and failures[0] >= max_failures:
                return None  # given up: each further failure could cost a whole timeout
            try:
                return self._ocr_uncached(pdf_path, *pages[i])
            except DocumentParseError as exc:
                with lock:
                    failures[0] += 1
                return exc

        workers = min(self.workers, len(todo))
        if workers <= 1:
            done = [attempt(i) for i in todo]
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="policykb-ocr") as pool:
                done = list(pool.map(attempt, todo))
        for i, outcome in zip(todo, done, strict=True):
            results[i] = outcome
        return results

    def _cached(self, page_key: str) -> str | None:
        target = self.cache_path(page_key)
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            logger.warning("ignoring unreadable OCR cache entry %s: %s", target, exc)
            return None
        with self._counters:
            self.cache_hits += 1
        return text

    def _ocr_uncached(self, pdf_path: Path, page_number: int, page_key: str) -> str:
        with self._counters:
            self._running += 1
            self.peak_parallel = max(self.peak_parallel, self._running)
        try:
            with tempfile.TemporaryDirectory(prefix="policykb-ocr-") as tmp:
                image = self._render(Path(pdf_path), page_number, Path(tmp))
                text = self._tesseract(Path(pdf_path), page_number, image)
        finally:
            with self._counters:
                self._running -= 1
        with self._counters:
            self.ocr_runs += 1
        self._write_cache(self.cache_path(page_key), text)
        return text

    def _render(self, pdf_path: Path, page_number: int, workdir: Path) -> Path:
        where = f"page {page_number}"
        if shutil.which("pdftoppm"):
            cmd = ["pdftoppm", "-r", str(self.dpi), "-f", str(page_number), "-l", str(page_number),
                   "-png", str(pdf_path.absolute()), str(workdir / "page")]
            run_tool(cmd, pdf_path, f"{where}: rendering for OCR", self.timeout_s)
            images = sorted(workdir.glob("page*.png"))
            if not images:
                raise DocumentParseError(pdf_path, f"{where}: pdftoppm produced no image")
            return images[0]
        return render_with_pdfium(pdf_path, page_number, self.dpi, workdir)

    def _tesseract(self, pdf_path: Path, page_number: int, image: Path) -> str:
        cmd = ["tesseract", str(image), "-", "-l", self.languages, "--psm", str(TESSERACT_PSM),
               "--dpi", str(self.dpi)]
        # tesseract's OpenMP threads make it ~3.5x *slower* on a page (measured: 12.4 s vs 3.5 s
        # on 2 cores, identical text); one thread per process unless the user says otherwise.
        env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
        out = run_tool(cmd, pdf_path, f"page {page_number}: OCR", self.timeout_s, env)
        return out.replace("\f", "").rstrip() + "\n" if out.strip() else ""
