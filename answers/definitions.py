"""Questions that ask what a term means, and sentences that define it.

"What is Level 3 of digital government establishment?" asks for a definition as "define X"
does, and the annex line "- Level 3: Government is data-centric, ..." gives it; a sentence
that only uses the term ("building a digital government is an important agenda") does not.
Split from ``answers/parts.py``, which reads every other kind of fact a question asks for.
"""

from __future__ import annotations

import re

#: "How does the policy define digital government?", "What is the definition of open data?",
#: "What does interoperability mean?", "What is the Government Technology Stack?"
_DEFINE = re.compile(
    r"\bdefines?\s+(?:the\s+(?:term|concept)\s+(?:of\s+)?)?[\"“‘']?(?P<a>[^?\"”’']+?)[\"”’']?\s*\??$"
    r"|\b(?:definition|meaning)\s+of\s+(?:the\s+(?:term|concept)\s+)?[\"“‘']?(?P<b>[^?\"”’']+?)[\"”’']?"
    r"(?:\s+(?:in|according to)\b.*)?\s*\??$"
    r"|\bwhat\s+(?:does|do)\s+(?:the\s+term\s+)?[\"“‘']?(?P<c>[^?\"”’']+?)[\"”’']?\s+mean\b"
    r"|^\s*what\s+(?:is|are)\s+(?!(?:the\s+|a\s+)?(?:definition|meaning)\b)[\"“‘']?(?P<d>[^?\"”’']+?)[\"”’']?\s*\??$",
    re.IGNORECASE)
#: "Level 3 of digital government establishment": a numbered item of something, which the
#: document labels by its head alone ("- Level 3: Government is data-centric, ...")
_LABELLED_HEAD = re.compile(r"^(?P<head>(?:\w+\s+){0,2}\w*\d+[A-Za-z]?)\s+(?:of|in|under)\s+",
                            re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def defined_term(question: str) -> str | None:
    """The term a question asks the definition of, or None."""
    m = _DEFINE.search(question.strip())
    if not m:
        return None
    term = _ARTICLE.sub("", next(g for g in m.groups() if g).strip())
    return term if 0 < len(term.split()) <= 6 else None


def defines(term: str, text: str) -> bool:
    """Whether ``text`` opens by defining ``term``: "Digital government is the establishment
    of ...", "Open data refers to ...", "Interoperability (IOP): the ability ...". A sentence
    that only uses the term ("building a digital government is an important agenda") or
    rates it ("... is a driver for new growth") does not."""
    words = r"[\s-]+".join(re.escape(w) for w in term.split())
    if re.match(rf"\W*\d{{1,3}}\.\s*{words}\s+(?:\([^)]*\)\s*)?(?-i:(?:The|A|An|Any)\b)", text.strip(),
                re.IGNORECASE):
        return True  # a numbered glossary row: "47. Interoperability The ability of ..."
    return bool(re.match(
        rf"\W*(?:the\s+(?:term\s+)?)?{words}\s*(?:\([^)]*\)\s*)?"
        rf"(?:(?:is|are|refers?\s+to|means|(?:is|can\s+be)\s+defined\s+as)\b"
        rf"(?!\s+(?:a|an|the)?\s*(?:important|key|necessary|priority|driver|challenge)\b)|[:–—])",
        text.strip(), re.IGNORECASE))


def defined_terms(question: str) -> set[str]:
    """The term a question asks the definition of, and for "Level 3 of ..." its label alone
    ("Level 3"), which is how the document heads it; empty when it asks none."""
    term = defined_term(question)
    if not term:
        return set()
    labelled = _LABELLED_HEAD.match(term)
    return {term, labelled.group("head")} if labelled else {term}
