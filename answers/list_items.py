"""A short list item quoted with the lead-in that says what its list is.

"- Developing the Digital Framework for BC" answers "Who is responsible for developing the
Digital Framework for BC?" only with the line above its list: "The Digital Platforms and Data
Division is responsible for:". Alone, the item is a fragment no answer may show, and the
lead-in is left out as saying nothing by itself, so the question was answered with the
longer bullets of other lists. Policies are written this way throughout ("The Committee has
the following duties: - ..."). The joined unit is one exact span of the page, from the
lead-in to the item, the items between included. An item that is a sentence of its own ("1.
Deactivating active mobile phone numbers and reselling them.") is quoted alone, with its
lead-in's words as its context ("... has found irregularities ..., leading to penalties for two
main violations:"), the way a heading's words are a passage's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from answers.display import is_fragment
from index.evidence import EvidenceSentence

__all__ = ["MAX_JOINED_CHARS", "with_lead_ins"]

#: a lead-in and the items down to the one asked about, at most this long (characters)
MAX_JOINED_CHARS = 600
_ITEM = re.compile(r"^\s*(?:[-*•▪●◦\uf000-\uf8ff]+|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_LEAD_IN_END = (":", "៖")


def with_lead_ins(units: Sequence[EvidenceSentence], keep: Sequence[bool]
                  ) -> Iterator[EvidenceSentence]:
    """A passage's kept ``units`` (in passage order; ``keep`` says which), each run of short
    list items that follows a lead-in replaced by the span from the lead-in to the run's last
    item ("... subjects, including: - Scratch programming - Digital design - Algorithms"),
    shorter when the whole run would pass ``MAX_JOINED_CHARS``."""
    lead: EvidenceSentence | None = None
    i = 0
    while i < len(units):
        unit, kept = units[i], keep[i]
        i += 1
        text = unit.text.strip()
        if unit.row is None and text.endswith(_LEAD_IN_END):
            lead = unit
            if kept:  # a lead-in the question readmitted ("A total of 139 measures ...:")
                yield unit
            continue
        if lead is not None and unit.row is None and _ITEM.match(unit.text):
            if kept and _short_item(unit, lead):
                last = unit
                while i < len(units) and keep[i] and units[i].row is None \
                        and _ITEM.match(units[i].text) and _short_item(units[i], lead):
                    last, i = units[i], i + 1
                yield _joined(lead, last)
                continue
            if kept:  # a whole-sentence item: its lead-in is its context, as a heading is
                yield replace(unit, context_terms=unit.context_terms | lead.terms)
                continue
        else:
            lead = None  # a unit that is no item ends the list
        if kept:
            yield unit


def _short_item(item: EvidenceSentence, lead: EvidenceSentence) -> bool:
    """A fragment item close enough to its lead-in to be quoted with it."""
    return is_fragment(item) and item.end - lead.start <= MAX_JOINED_CHARS


def _joined(lead: EvidenceSentence, item: EvidenceSentence) -> EvidenceSentence:
    hit = item.hit
    text = hit.text[lead.start - hit.start:item.end - hit.start]
    return replace(item, start=lead.start, text=text, terms=lead.terms | item.terms,
                   display="")
