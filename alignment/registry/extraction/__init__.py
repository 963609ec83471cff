"""The heading parser behind the policy registry: goals, strategies and measures from page texts.

Policy documents announce their own structure: "Strategic Goal 1: ...", "Strategy 7: ...",
"3.4.1. Infrastructure Development ...", "A. Policy Measures on Digital Connectivity", bullets
under a strategy ("● Develop a data governance policy ..."), "Measure 2.1", "1." items, Khmer
"គោលដៅទី១", "យុទ្ធសាស្ត្រទី២", "វិធានការទី៣". This package reads those lines, in order, from the
page texts PolicyKB extracted (the same texts search results cite), and returns raw nodes with
exact spans: (page, character offset) where each starts and where the next node of the same or a
higher level (or the end of the policy part of the document) begins.

What it skips and why:

* table-of-contents pages (dot leaders, "TABLE OF CONTENTS"): they list every heading once more
  with a page number; their entries are kept only to cross-check the extraction;
* running headers (a line repeated at the top of three or more pages, digits ignored): the DGP
  repeats "7-PRIORITY ACTIONS" on every page of section 7, which would otherwise look like a
  new section each page;
* bullets that carry a heading ("- Strategy 1: ...": a summary list, not the section);
* duplicate headings: when "Strategy 3" opens twice (a summary, then the section), the
  occurrence with the longer span wins.

Where the policy part ends: at an "Annex"/"Appendix" heading, at a numbered heading outside the
numbered section that holds the structure ("8-MECHANISMS ..." after "7- PRIORITY ACTIONS",
"4. IMPLEMENTATION ..." after "3.4. Policy Directions ..."), or at an unnumbered upper-case
heading such as "IMPLEMENTATION" or "CONCLUSION".

Annex matrices ("Appendix 1: Priority Actions List", "ANNEX 1. MATRIX OF POLICY MEASURES") are
parsed separately into numbered rows grouped under their strategy markers ("7 Strategy 2:",
"A. Digital Connectivity", Roman "I." directions): the registry compares those groups with what
the text gave and records the annex pages of each strategy and measure.

Modules: ``pages`` (the lines read), ``toc``, ``patterns`` and ``headings`` (what a line is),
``parser`` (the pass over the lines), ``matrix`` (annexes), ``structure`` (``parse_structure``,
the entry point), ``raw`` (what it returns).

Everything here is generic: no page numbers, no document names. The reviewed file
(``corpus/registry/policies.yaml``) corrects what a generic parser cannot know.
"""

from alignment.registry.extraction.headings import short_title
from alignment.registry.extraction.raw import Extraction, MatrixGroup, RawNode
from alignment.registry.extraction.structure import parse_structure

__all__ = ["Extraction", "MatrixGroup", "RawNode", "parse_structure", "short_title"]
