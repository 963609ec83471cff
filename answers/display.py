"""What an evidence unit shows in an answer, and which units say nothing by themselves.

The citation always quotes the exact span of the page; the answer shows it readably (a
table row as its columns, whitespace folded, bullets dropped). Kept apart from scoring so
the composer and the alternates show a unit the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from answers.parts import asks_contact, asks_legal_basis
from index.evidence import EvidenceSentence
from ingest.identity.boilerplate import is_boilerplate
from ingest.schedule import Session, is_capitals_line

_SPACES = re.compile(r"\s+")
# list bullets, PDF private-use bullet glyphs and Markdown heading marks at a sentence's start
_LEADING_MARKS = re.compile(r"^(?:[#\-*•▪●\uf000-\uf8ff]+\s*)+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|https?://\S+|\S+\.(?:pdf|html?|aspx?)\b")
# "Figure 4: ...", "Table 2.1 - ...", "Source: ITU 2019": a caption names a graphic or a
# reference; it answers nothing without the graphic
_CAPTION = re.compile(r"^(?:figure|fig\.|table|chart|graph|source|sources|note)\s*[\dA-Z.]*\s*[:\-–]",
                      re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]{2,}")
# "... focuses on three areas viz.,", "... are as follows": the list it announces is elsewhere
_LIST_FOLLOWS = re.compile(r"\b(?:viz\.?|namely|as follows|the following|following)[\s,.;:-]*$",
                           re.IGNORECASE)
# a heading or headline line: "C. Digital Security Committee", "Coverage of the Mobile Network
# as of July 2020"; words of four letters or more carry the case ("of", "the", "as" do not)
_LONG_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")
TITLE_CASE_SHARE = 0.75
# a line naming a person and their post answers "who ...?" though it is set like a title
_PERSON = re.compile(r"\b(?:H\.\s?E\.|Mrs?\.|Ms\.|Dr\.|Prof\.|Excellency|Samdech|Lok Chumteav|"
                     r"Oknha)(?=\W)", re.IGNORECASE)
TITLE_MAX_WORDS = 20
# a full date ("Tuesday 19th November 2024", "5 December 2025", "November 19, 2024"): to a
# question asking "when", a title-case line holding one is a dateline that answers it
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December)")
_FULL_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}\b"
                        rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b")
_KHMER = re.compile(r"[\u1780-\u17ff]")


def display_text(quote: str) -> str:
    """The quote as a sentence of the answer: whitespace folded, bullets dropped. The
    citation keeps the exact quote."""
    return _LEADING_MARKS.sub("", _SPACES.sub(" ", quote).strip()).replace("\uf0b7", "")


def shown(sentence: EvidenceSentence) -> str:
    """What the answer shows for an evidence unit: a priority-action table row read as its
    columns (action — responsible — timeline), any other sentence as its display text; the
    citation keeps the exact quote either way."""
    row = getattr(sentence, "row", None)
    if row is not None:
        return display_text(row.display())
    return display_text(getattr(sentence, "display", "") or sentence.text)


def folded(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


#: "... will focus on: (1)." / "... resources and capacity; and (2).": the splitter took the
#: next item's marker for a sentence end, so the unit is a lead-in or a run-in list's middle
_FIRST_MARKER = re.compile(r"(?:[:៖;]|\band)\s*\(?(?:\d{1,2}|[a-z])\)\.?$")


def is_lead_in(sentence: EvidenceSentence) -> bool:
    """A sentence that only introduces what follows ("The priority actions are:") or repeats
    the document's title above its text says nothing by itself (a headline that is the
    whole passage does)."""
    text = folded(sentence.text)
    if text.endswith((":", "៖")) or _LIST_FOLLOWS.search(text) or _FIRST_MARKER.search(text):
        return True
    title = folded(sentence.hit.title)
    return text.casefold() == title.casefold() and len(sentence.hit.text.strip()) > 1.5 * len(text)


# "3. Collaborating and cooperating nationally" / "2) Approaches to convergence": a numbered item
_NUMBERED = re.compile(r"^\(?\d{1,2}[.)]\s+")
#: a bullet item or label this short, with no stop, no figure and no "label: value", names a
#: topic; it states nothing
FRAGMENT_WORDS = 12


def is_fragment(sentence: EvidenceSentence) -> bool:
    """A short list item or label ("• Government and digital public services", "Digital
    value chains / Impact of digital transformation on the economy and society" from a
    diagram): an item of a list a list answer reads whole, but
    as a sentence of any other answer a fragment. A question that only names a document
    ("What is the ... Policy Framework?") holds every word of it, and MiniLM rates such a
    fragment close to the question. Khmer is not judged: its words are not spaced."""
    if getattr(sentence, "row", None) is not None:
        return False
    raw = sentence.text.strip()
    if _KHMER.search(raw):
        return False
    marked = _LEADING_MARKS.match(raw) or _NUMBERED.match(raw)
    text = folded(raw[marked.end():] if marked else raw)
    if text.endswith((".", "!", "?")) or _PERSON.search(text):
        return False  # a statement; a person and their post ("H.E. Sok Dara, Secretary ...")
    # a figure or a "label: value" is a fact however short ("• 3,508 services online")
    return len(text.split()) <= FRAGMENT_WORDS and not re.search(r"\d|:", text)


def is_break(sentence: EvidenceSentence) -> bool:
    """A programme session with a title and nobody in it ("15:15 - 15:45 TEA & COFFEE
    BREAK", "NETWORKING LUNCH"): it answers only a question about itself."""
    row = getattr(sentence, "row", None)
    return isinstance(row, Session) and bool(row.lines) \
        and all(is_capitals_line(line) for line in row.lines)


_REFERRAL = re.compile(r"^\W*(?:for\s+(?:more|additional|further)\s+(?:information|details)\b"
                       r"|សម្រាប់ព័ត៌មានបន្ថែម)", re.IGNORECASE)


def is_referral(sentence: EvidenceSentence) -> bool:
    """"For more information, please visit the official website of CTC at www.ctc.edu.kh":
    a news item's closing pointer. It names the programme, so it shares the question's
    words ("What is the purpose of the Digital Skills Development Program?") and was quoted
    as a fact; it answers only a question about a contact (``asks_contact``)."""
    return bool(_REFERRAL.search(folded(sentence.text)))


_VISA = re.compile(r"^[\W\d_]*(?:បានឃើញ|having\s+seen\b|having\s+regard\s+to\b)", re.IGNORECASE)


def is_visa(sentence: EvidenceSentence) -> bool:
    """A legal instrument's citation of the texts it rests on ("- បានឃើញរដ្ឋធម្មនុញ្ញ ...",
    "Having seen the Constitution ..."): a block of decree numbers and dates that shares
    words with many questions (ប្រកាស "promulgate", លេខ "number", the ministries) and
    answered "What did the TRC announce about the common codes?" from a sub-decree's
    preamble. It answers only a question about the legal basis (``asks_legal_basis``)."""
    return bool(_VISA.search(folded(sentence.text)))


# "(Scoring scale 0-1, where 0 = lowest) Figure 20.": a note under a graphic, then its label
_CAPTION_NOTE = re.compile(r"^\(.*\)\s*(?:figure|fig\.|table|chart|graph)\s*[\dA-Z.]*\s*[.:]?$",
                           re.IGNORECASE | re.DOTALL)


def is_debris(sentence: EvidenceSentence) -> bool:
    """A unit that is page furniture rather than a statement: a link or list of links (a web
    page's "[Blueprint (Summary)](/files/x.pdf)"), the state letterhead ("ROYAL GOVERNMENT OF
    CAMBODIA"), a figure or table caption, or a line set all in capitals (a cover title or a
    schedule's session name). Shown as an answer, each reads as debris."""
    if getattr(sentence, "row", None) is not None:
        return False  # a table row or programme session, read whole by its shape
    text = folded(_LEADING_MARKS.sub("", sentence.text.strip()))
    bare = _LINK.sub(lambda m: m.group(1) or "", text)
    if _LINK.search(text) and len(_WORDS.findall(bare)) < 8:
        return True
    if (len(text) < 80 and is_boilerplate(text)) or _CAPTION.match(text) \
            or _CAPTION_NOTE.match(text):
        return True
    if is_column_stack(sentence.text) or is_reference_list(sentence.text):
        return True
    if _is_header_block(sentence.text, sentence.hit.title):
        return True
    letters = [c for c in text if c.isalpha() and c.isascii()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.85 * len(letters) \
        and len(text.split()) <= 16


# "KYC     Know Your Customer", "NiDA National Information ...": an abbreviation and its
# expansion; "2.1 Background ........ 14": a contents line
_ABBREVIATION_LINE = re.compile(r"^\s*[A-Za-z][\w&./-]{0,11}(?: [A-Z]{1,4})?\s{2,}\S"
                                r"|^\s*(?=\S*[A-Z]\S*[A-Z])[A-Z][\w&./-]{1,11}\s+[A-Z][a-z]")
_CONTENTS_LINE = re.compile(r"(?:\.{3,}|…|\s)\s*(?:[0-9]{1,3}|[ivxl]{1,4})\s*$")  # not a year
#: share of a unit's lines that must be entries for it to be a list of them
REFERENCE_SHARE = 0.6


def is_reference_list(raw: str) -> bool:
    """A list of abbreviations or a table of contents cut into a unit: it names every term
    of a policy and states nothing ("e-KYC" answered with "KYC Know Your Customer MCT
    Malaysia Cambodia Thailand ...")."""
    lines = [line for line in raw.strip().splitlines() if line.strip()]
    if len(lines) < COLUMN_MIN_LINES or raw.rstrip().endswith((".", "។")):
        return False
    entries = max(sum(bool(_ABBREVIATION_LINE.match(line)) for line in lines),
                  sum(bool(_CONTENTS_LINE.search(line)) for line in lines))
    return entries >= REFERENCE_SHARE * len(lines)


#: A narrow table column's cells, read down the page: lines this short on average...
COLUMN_WORDS_PER_LINE = 3.0
#: ...over at least this many lines, with no sentence end.
COLUMN_MIN_LINES = 3
#: ...or, for a stack of Khmer and English labels, lines this short on average (characters)
COLUMN_CHARS_PER_LINE = 20


def is_column_stack(raw: str) -> bool:
    """Cells of a table column read as one "sentence" ("Commerce / Ministry of Information /
    Relevant Ministries and / Institutions / Short- to / Medium-term"): the names run
    together and state nothing. Wrapped prose carries many more words per line, and a
    stack that ends a sentence is kept (a narrow cell may hold a whole statement). Khmer
    puts no space between words, so a Khmer line's spaces say nothing about its width: a
    stack with Khmer in it is judged by its lines' length, and only when it mixes both
    scripts (a bilingual figure's labels: "រដ្ឋាភិបាល" / "(Open" / "Government)")."""
    lines = [line.split() for line in raw.strip().splitlines() if line.strip()]
    if len(lines) < COLUMN_MIN_LINES or raw.rstrip().endswith((".", "។", "!", "?")):
        return False
    if _KHMER.search(raw):
        texts = [" ".join(words) for words in lines]
        latin = sum(not _KHMER.search(t) and re.search(r"[A-Za-z]{3}", t) is not None
                    for t in texts)
        khmer = sum(not re.search(r"[A-Za-z]", t) for t in texts)
        return min(latin, khmer) >= 2 and sum(map(len, texts)) / len(texts) \
            <= COLUMN_CHARS_PER_LINE
    return sum(len(words) for words in lines) / len(lines) <= COLUMN_WORDS_PER_LINE



def is_heading_line(sentence: EvidenceSentence, dates_asked: bool = False) -> bool:
    """A unit that is a heading or headline set in title case inside a longer passage ("C.
    Digital Security Committee", "Coverage of the Mobile Network as of July 2020"): shown as
    an answer sentence it reads as a fragment, and the answer's source line already names
    the section. A headline that is the whole passage stays (it is all the record says).
    When the question asks for a date (``dates_asked``), a line with a full date is the
    dateline that answers it ("Tuesday 19th November 2024 @ CADT" under an agenda's title);
    to any other question a signature dateline ("Kampot, March 4, 2024") says nothing."""
    if getattr(sentence, "row", None) is not None:
        return False
    text = folded(_LEADING_MARKS.sub("", sentence.text.strip()))
    if dates_asked and _FULL_DATE.search(text):
        return False
    return is_title_line(text) and len(sentence.hit.text.strip()) > 1.5 * len(text)


def is_title_line(text: str) -> bool:
    """Text written as a title, not a sentence: no stop at its end, no "label: value" colon,
    at most ``TITLE_MAX_WORDS`` words, and most of its longer words capitalised ("1. Partner
    Institutions & Number of Scholarships", "Kerala IT Policy Framework 2017 - Elements").
    Khmer has no case and is never judged; a line naming a person ("H.E. Mao Sela, Secretary
    of State") is a statement of who holds a post."""
    text = text.strip()
    if not text or _KHMER.search(text) or text[-1] in ".!?;:…\"”’" or ": " in text \
            or len(text.split()) > TITLE_MAX_WORDS or _PERSON.search(text):
        return False
    words = _LONG_WORD.findall(text)
    if len(words) < 2:
        return False
    return sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


_SOURCE_LINE = re.compile(r"^\s*(?:source|sources|src|url)\s*:", re.IGNORECASE)


def _is_header_block(raw: str, title: str) -> bool:
    """A saved page's header: its title and a "Source: <site or file>" line ("Community Tech
    Center (CTC) — About\nSource: MPTCDITR/ctc-website src/i18n/ui.ts (site copy ...)")."""
    lines = [line.strip() for line in raw.split("\n") if line.strip()]
    if len(lines) < 2 or not any(_SOURCE_LINE.match(line) for line in lines):
        return False
    rest = [line for line in lines if not _SOURCE_LINE.match(line)]
    return all(folded(line).casefold() == folded(title).casefold() or is_title_line(line)
               for line in rest)


def can_answer(question: str, terms: Collection[str], dates_asked: bool,
               list_asked: bool) -> Callable[[EvidenceSentence], bool]:
    """Whether a unit may answer this question at all: not a heading (a dateline may, for a
    "when"), not a short fragment (a list question reads its items), not a programme break
    that shares no word with it, not a closing pointer unless a contact is asked, not an
    instrument's visas unless its legal basis is."""
    contact, basis, asked = asks_contact(question), asks_legal_basis(question), set(terms)
    return lambda s: (not is_heading_line(s, dates_asked)
                      and (list_asked or not is_fragment(s))
                      and (not is_break(s) or bool(s.terms & asked))
                      and (contact or not is_referral(s)) and (basis or not is_visa(s)))


#: "Cambodia Digital Government Policy 2022-2035  Page 34", "- 12 -"
_PAGE_FOOTER = re.compile(r"(?:\bpage\s*\d{1,4}|^\W*\d{1,4}\W*)$", re.IGNORECASE)


def is_running_line(line: str) -> bool:
    """A whole line a page prints above its text: a chapter title in capitals ("9. IMPACT
    AVOIDANCE, MITIGATION ...") or a footer with the page number. The chunker left them out
    of every passage; a sentence's head is never read across one."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and not any(c.islower() for c in letters) and len(letters) > 3 \
        or bool(_PAGE_FOOTER.search(line.strip()))
