"""Where a sentence of the answer comes from, said in front of it:
"Cambodia Digital Government Policy 2022-2035, Strategy 3: Building and strengthening digital
security infrastructure (p. 29): ...".

The policy registry names the strategy where the document is a registered policy; elsewhere
the heading the passage sits under does. A reader can then tell the national policy from a
news item or a foreign draft without opening the citation.
"""

from __future__ import annotations

from typing import Any

from answers.sections import Section, SectionLookup

_PAGE = {"en": "p. {page}", "km": "ទំព័រ {page}"}


def section_of(sections: SectionLookup | None, doc_id: str, page: int,
               offset: int) -> Section | None:
    return sections.section(doc_id, page, offset) if sections is not None else None


def heading_name(heading: str, title: str) -> str:
    """The innermost heading of a passage's heading path ("A > B > C" -> "C"), unless it
    merely repeats the title or is the page-wide front matter."""
    last = heading.rsplit(" > ", 1)[-1].strip() if heading else ""
    if not last or last.casefold() == title.casefold() or len(last) > 120:
        return ""
    return last


def page_text(hit: Any, language: str) -> str:
    """"p. 24", or "p. 12 (PDF p. 24)" where the printed page label differs."""
    label = getattr(hit, "page_label", None)
    page = _PAGE.get(language, _PAGE["en"]).format(page=hit.page)
    if label and str(label) != str(hit.page):
        return f"{_PAGE.get(language, _PAGE['en']).format(page=label)} (PDF {page})"
    return page


def lead(title: str, section: Section | None, heading: str, page: str,
         *, with_title: bool) -> str:
    """"<title>, <section> (<page>)" — the title only where a new document starts."""
    where = section.name if section is not None else heading_name(heading, title)
    parts = [p for p in ((title if with_title else ""), where) if p]
    return f"{', '.join(parts)} ({page})" if parts else f"({page})"
