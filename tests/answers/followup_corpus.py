"""A small corpus written for the follow-up tests (all text is original and illustrative).

* ``broadband.pdf``: the Rural Broadband Policy, three pages; page 3 is its timeline.
* ``teachers.pdf``: an unrelated Digital Skills Plan for Teachers, two pages, with a schedule
  of its own, so "What about its timeline?" asked alone has two candidates.
* ``radio_km.md``: a Khmer policy on community radio with its own timeline paragraph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.hostile import _stream, _text_content, assemble_pdf

BROADBAND = "Rural Broadband Policy"
BROADBAND_TIMELINE_PAGE = 3
TEACHERS = "Digital Skills Plan for Teachers"
RADIO_KM = "គោលនយោបាយវិទ្យុសហគមន៍"

BROADBAND_PAGES = [
    ["Rural Broadband Policy",
     "Ministry of Rural Connectivity",
     "The Rural Broadband Policy sets three goals for village internet access.",
     "The first goal is to connect every commune hall with a fibre line.",
     "The second goal is to offer affordable mobile data to farming families.",
     "The third goal is to train one digital helper in every village."],
    ["Measures of the Rural Broadband Policy",
     "Operators that build towers in remote districts receive a lower licence fee.",
     "Each province names a broadband officer who reports to the ministry every quarter."],
    ["Implementation timeline",
     "The timeline of the policy has two phases of five and three years.",
     "The first phase runs from 2025 to 2027 and connects five hundred commune halls.",
     "The second phase runs from 2028 to 2030 and brings fibre to every district town.",
     "A midterm review of the rollout is held in 2027 before the second phase starts."],
]

TEACHERS_PAGES = [
    ["Digital Skills Plan for Teachers",
     "Ministry of Education",
     "The Digital Skills Plan for Teachers trains secondary school teachers to use tablets.",
     "Teachers learn to prepare lessons online and to mark homework on a shared platform."],
    ["Schedule of the teacher training",
     "The timeline of the teacher training covers four school years.",
     "Training starts in the dry season of 2026 in twelve provinces.",
     "The last teachers finish the course by the end of 2029."],
]

RADIO_KM_MD = """---
title: គោលនយោបាយវិទ្យុសហគមន៍
date: 2024-03-01
doc_type: policy
language: km
---
# គោលនយោបាយវិទ្យុសហគមន៍

គោលនយោបាយវិទ្យុសហគមន៍ មានគោលដៅផ្សព្វផ្សាយព័ត៌មានកសិកម្មដល់ប្រជាកសិករនៅតាមភូមិ។
ស្ថានីយវិទ្យុសហគមន៍នីមួយៗ ត្រូវមានអ្នកស្ម័គ្រចិត្តយ៉ាងតិចប្រាំនាក់។

## កាលវិភាគអនុវត្ត

ដំណាក់កាលទីមួយ ចាប់ផ្តើមពីឆ្នាំ២០២៥ ដល់ឆ្នាំ២០២៦ ដោយបើកស្ថានីយវិទ្យុសហគមន៍ចំនួនដប់។
ដំណាក់កាលទីពីរ ចាប់ផ្តើមពីឆ្នាំ២០២៧ ដល់ឆ្នាំ២០២៩ ដោយពង្រីកស្ថានីយទៅគ្រប់ខេត្ត។
"""


def pages_pdf(pages: list[list[str]]) -> bytes:
    """A real PDF, one page per list of lines (Helvetica text: what every extractor reads)."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", font]
    kids = []
    for lines in pages:
        page_obj, content_obj = len(objects) + 1, len(objects) + 2
        kids.append(b"%d 0 R" % page_obj)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_obj)
        objects.append(_stream(_text_content(lines)))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(pages))
    return assemble_pdf(objects)


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broadband.pdf").write_bytes(pages_pdf(BROADBAND_PAGES))
    (folder / "broadband.pdf.meta.yaml").write_text(
        f"title: {BROADBAND}\ndoc_type: policy\nlanguage: en\n", encoding="utf-8")
    (folder / "teachers.pdf").write_bytes(pages_pdf(TEACHERS_PAGES))
    (folder / "teachers.pdf.meta.yaml").write_text(
        f"title: {TEACHERS}\ndoc_type: plan_draft\nlanguage: en\n", encoding="utf-8")
    (folder / "radio_km.md").write_text(RADIO_KM_MD, encoding="utf-8")
    return folder


def ingested_services(root: Path, embedder: Any) -> Any:
    """The corpus ingested on the real stack (chromadb, the packaged MiniLM, khmer-nltk)."""
    from core.settings import Settings
    from policykb.services import Services

    docs = write_corpus(root / "docs")
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None),
                        model=embedder)
    report = services.ingestor.ingest([docs])
    assert not report.failed, report.summary()["failed"]
    return services
