"""Generate corpus/sample/ministry_ict_plan_draft_en.docx, the sample corpus's Word document.

The .docx is committed so `make run` needs no generation step; this script is how it was made.
Zip timestamps and core properties are fixed, so re-running it gives byte-identical output and
no spurious diff. Run: ``python corpus/make_sample_docx.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx

OUTPUT = Path(__file__).resolve().parent / "sample" / "ministry_ict_plan_draft_en.docx"
FIXED_TIME = dt.datetime(2025, 2, 20, 9, 0, tzinfo=dt.UTC)
TITLE = "Draft ICT Strategic Plan of the Ministry of Interior 2025–2029"

OBJECTIVES = [
    "Objective 1: Every official who uses a computer at work has basic digital skills by 2027.",
    "Objective 2: Core administrative services of the ministry are available online by 2029.",
    "Objective 3: Ministry systems meet national minimum cybersecurity standards by 2026.",
    "Objective 4: Departments share data through common standards instead of paper requests.",
]

MECHANISMS = [
    ("Mechanism 1: Digital skills and knowledge sharing",
     "Train officials at national, provincial and district level in three tiers (basic, "
     "service operators, specialists); create an internal knowledge portal; name a digital "
     "champion in each general department.",
     "ICT Training Office", "Officials trained", "12,000"),
    ("Mechanism 2: Secure network and shared data centre",
     "Connect all provincial administrations to the ministry network; consolidate servers into "
     "one shared data centre with backup at a second site; retire unsupported systems.",
     "Department of Information Technology", "Provinces connected", "25"),
    ("Mechanism 3: Cybersecurity and prevention of cybercrime",
     "Apply minimum security standards, set up an incident response procedure with the national "
     "response team, and train investigators in handling digital evidence.",
     "Cybersecurity Unit", "Incidents handled within 24 hours", "90%"),
    ("Mechanism 4: Research, digital innovation and pilots",
     "Run small pilots with universities and start-ups, evaluate them within six months, and "
     "scale up only those that improve a service measurably.",
     "Innovation Secretariat", "Pilots evaluated", "10"),
    ("Mechanism 5: Better administrative and public services",
     "Simplify and digitise the most requested services, starting with residence certificates "
     "and civil registration extracts, at national and sub-national levels.",
     "General Department of Administration", "Services fully online", "40"),
    ("Mechanism 6: ICT governance, standards and coordination",
     "Adopt common data and software standards, review ICT purchases against them, and report "
     "progress on this plan to the ministry leadership twice a year.",
     "ICT Working Group Secretariat", "Progress reports issued", "2 per year"),
]


def build() -> bytes:
    """The document as .docx bytes (before timestamp normalisation)."""
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("Ministry of Interior – ICT Working Group Secretariat")
    document.add_paragraph("Draft for consultation, 20 February 2025. Sample document written "
                           "for PolicyKB; not an official text.")

    document.add_heading("1. Purpose", level=1)
    document.add_paragraph(
        "This draft plan sets out how the Ministry of Interior will use information and "
        "communication technology over five years, from 2025 to 2029, to deliver faster and "
        "simpler services, in line with the national Digital Government Policy. It is organised "
        "around four objectives and six strategic mechanisms.")

    document.add_heading("2. Vision and objectives", level=1)
    document.add_paragraph("Vision: a ministry whose services are simple, secure and available "
                           "online to every citizen, at national and sub-national levels.")
    for objective in OBJECTIVES:
        document.add_paragraph(objective, style="List Bullet")

    document.add_heading("3. Strategic mechanisms", level=1)
    for heading, activities, *_ in MECHANISMS:
        document.add_heading(heading, level=2)
        document.add_paragraph("Key activities: " + activities)

    document.add_heading("4. Implementation schedule and indicators", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, ["Mechanism", "Lead unit", "Indicator",
                                                  "Target 2029"], strict=True):
        cell.text = label
    for heading, _activities, lead, indicator, target in MECHANISMS:
        row = table.add_row().cells
        for cell, value in zip(row, [heading.split(":")[0], lead, indicator, target], strict=True):
            cell.text = value

    document.add_heading("5. Monitoring and review", level=1)
    document.add_paragraph(
        "The ICT Working Group Secretariat collects progress reports from each lead unit every "
        "six months. A mid-term review in 2027 may adjust targets; a final review in 2029 will "
        "prepare the next plan.")

    props = document.core_properties
    props.title = TITLE
    props.author = "Ministry of Interior ICT Working Group Secretariat"
    props.last_modified_by = "PolicyKB sample corpus"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Template parts a document does not need: dropping them halves the file (the sample corpus is
# kept small). References to them in the relationship and content-type parts go too.
DROP_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")
_DROP_REFS = re.compile(
    r'<Relationship [^>]*Target="(?:stylesWithEffects\.xml|\.\./customXml/[^"]*|docProps/thumbnail\.jpeg)"[^>]*/>'
    r'|<Override PartName="/(?:word/stylesWithEffects\.xml|customXml/[^"]*)"[^>]*/>'
)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite the archive without unused template parts and with fixed member timestamps,
    so the output is small and reproducible."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename.startswith(DROP_PARTS):
                continue
            blob = source.read(info.filename)
            if info.filename.endswith((".rels", "[Content_Types].xml")):
                blob = _DROP_REFS.sub("", blob.decode("utf-8")).encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, blob, compresslevel=9)
    return out.getvalue()


def main() -> None:
    OUTPUT.write_bytes(normalise_zip(build()))


if __name__ == "__main__":
    main()
