"""Child-process entry point for the PDF second opinions: cap this process, then extract.

Run as a script by ``pdf_tools`` (never imported by the loader): ``pdf_child.py MEMORY OUTPUT
pdfium FILE`` prints PDFium's text of every page as a JSON list; ``pdf_child.py MEMORY OUTPUT
exec CMD...`` replaces itself with CMD (pdftotext). The limits are set here, after the fork and
exec, because a ``preexec_fn`` is unsafe in a parent that runs threads (the API, torch).
PDFium only ever runs in such a process: a 2 MB embedded font that inflates to 2 GB made it
abort the whole ingest.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys


def limit(memory_bytes: int, output_bytes: int) -> None:
    """Lower (never raise: a parent's own hard limit stays) the address space and file size."""
    # Python ignores SIGXFSZ and an exec keeps it ignored: pdftotext would then exit 0 with its
    # text cut at the cap. Default, the signal kills it there, and a cut text is never used.
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    for kind, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_FSIZE, output_bytes),
                        (resource.RLIMIT_CORE, 0)):
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, hard if hard != resource.RLIM_INFINITY else value))


def pdfium_text(path: str) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    pages: list[str | None] = []
    for index in range(len(pdf)):
        try:
            pages.append(str(pdf[index].get_textpage().get_text_range()))
        except Exception:  # one unreadable page must not lose the others
            pages.append(None)
    json.dump(pages, sys.stdout, ensure_ascii=False)


def main(argv: list[str]) -> None:
    memory, output, mode, *rest = argv
    limit(int(memory), int(output))
    if mode == "pdfium":
        pdfium_text(rest[0])
    elif mode == "exec":
        os.execvp(rest[0], rest)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
