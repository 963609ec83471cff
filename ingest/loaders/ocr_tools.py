"""The child processes of OCR: running a tool with a timeout, and pdfium rendering as fallback.

Every failure becomes a DocumentParseError naming the file and page, so a broken scan is a
warning on that page and never a traceback.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from core.errors import DocumentParseError


def run_tool(
    cmd: list[str], pdf_path: Path, what: str, timeout_s: int, env: dict[str, str] | None = None
) -> str:
    """Run a tool with a timeout, turning every failure into a DocumentParseError."""
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False, env=env)
    except subprocess.TimeoutExpired as exc:
        raise DocumentParseError(pdf_path, f"{what} timed out after {timeout_s} s") from exc
    except OSError as exc:
        raise DocumentParseError(pdf_path, f"{what} could not start {cmd[0]}: {exc}") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise DocumentParseError(
            pdf_path, f"{what} failed ({cmd[0]} exit {proc.returncode}): {' | '.join(err)}"
        )
    return proc.stdout.decode("utf-8", "replace")


def pdfium_render_possible() -> bool:
    try:
        import PIL  # noqa: F401
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def render_with_pdfium(pdf_path: Path, page_number: int, dpi: int, workdir: Path) -> Path:
    """Fallback renderer for machines without poppler (needs Pillow)."""
    import pypdfium2

    target = workdir / "page.png"
    try:
        pdf = pypdfium2.PdfDocument(str(pdf_path))
        try:
            bitmap = pdf[page_number - 1].render(scale=dpi / 72, grayscale=True)
            bitmap.to_pil().save(target, dpi=(dpi, dpi))
        finally:
            pdf.close()
    except Exception as exc:  # pdfium raises its own error types; report them uniformly
        raise DocumentParseError(pdf_path, f"page {page_number}: rendering failed: {exc}") from exc
    return target
