"""Questions that ask for the items of a set the documents enumerate ("What are the five
levels of building a digital government?", "the six mechanisms of the plan").

Scored as prose, the sentences *about* the set ("These five levels rely on ...") outrank the
items themselves ("- Level 2: Open government is ..."), and four sentences cannot hold five
items. An item is recognised by its shape: it opens with the set's noun and a number ("Level
2:"), or with a number or bullet and mentions the noun. Items weigh more and the answer may
hold as many sentences as the question asks items (up to :data:`MOST`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.evidence import EvidenceSentence

MOST = 6
#: a block of items under its lead-in is the list itself: all of it, up to this many
MOST_IN_BLOCK = 12
#: an item of the asked set weighs this much more
ITEM_BOOST = 1.3
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10}
_ASK = re.compile(r"\b(?:what|which|list|name)\b[^?]*?\bthe\s+(?:(?P<n>\d{1,2}|"
                  + "|".join(_COUNTS) + r")\s+)?(?:(?:main|key|core|implementation|"
                  r"strategic)\s+)?(?P<noun>[a-z]{3,}?)s\b", re.IGNORECASE)
_NOT_SETS = frozenset({"thi", "wa", "ha", "doe", "ye", "plu", "statu", "focu", "bu", "campu"})
_MARK = r"(?:[-*•▪●\uf000-\uf8ff]\s*|\(?\d{1,2}\s*[.)\-–]\s*|\(?[a-z]\)\s*)"


@dataclass(frozen=True)
class ItemsAsked:
    noun: str  # singular, lower case: "level", "mechanism"
    count: int | None  # how many the question says there are

    def is_item(self, text: str) -> bool:
        """The unit opens as an item of the set: "Level 2: ...", "- Level 2 ...",
        "3- Mechanism of ...", "(1) ... mechanism"."""
        head = text.lstrip()[:160]
        noun = re.escape(self.noun)
        if re.match(rf"{_MARK}?{noun}s?\s+(?:\d{{1,2}}|[IVX]{{1,4}}|[A-Z])\s*[:.\-–)]", head, re.IGNORECASE):
            return True
        return bool(re.match(_MARK, head)) and bool(
            re.search(rf"\b{noun}", head, re.IGNORECASE))


#: "What four areas did ... focus on?", "Which three types of team ...": the count right after
#: the question word
_ASK_COUNTED = re.compile(r"\b(?:what|which)\s+(?:are\s+the\s+)?(?P<n>\d{1,2}|"
                          + "|".join(_COUNTS) + r")\s+(?P<noun>[a-z]{3,}?)s\b", re.IGNORECASE)


def items_asked(question: str) -> ItemsAsked | None:
    """The set a question asks the items of, when it names one with a count ("the five
    levels", "what four areas") or asks for "the <plural> of" something."""
    if (m := _ASK_COUNTED.search(question)) is not None:
        noun = m.group("noun").lower()
        noun = noun[:-2] + "y" if noun.endswith("ie") else noun
        count = m.group("n")
        if noun not in _NOT_SETS:
            return ItemsAsked(noun, int(count) if count.isdigit() else _COUNTS[count.lower()])
    for m in _ASK.finditer(question):
        noun = m.group("noun").lower()
        noun = noun[:-2] + "y" if noun.endswith("ie") else noun
        if noun in _NOT_SETS:
            continue
        count = m.group("n")
        after = question[m.end():m.end() + 4].lower()
        if count is None and not after.startswith((" of", " in", " for")):
            continue
        number = int(count) if count and count.isdigit() else _COUNTS.get((count or "").lower())
        return ItemsAsked(noun, number)
    return None


#: "Which higher education institutions are partners ...?": a plural right before the verb
_ASK_PLURAL = re.compile(r"^\W*(?:which|what)\s+(?P<words>(?:(?!of\b)[a-z0-9][\w-]*\s+){0,3}?)"
                         r"(?P<noun>[a-z]{3,}?)s\s+(?:are|were|have|had|did|do|took|take|will|"
                         r"joined|attended|received|signed)\b", re.IGNORECASE)


def plural_asked(question: str) -> ItemsAsked | None:
    """"Which higher education institutions are partners ...?": a set asked by its plural,
    with no count or "the ... of" that makes it a list question. Only a block of items under
    a lead-in naming it answers it as a list (``block_after_lead_in``); otherwise the
    question is answered as any other."""
    if (m := _ASK_PLURAL.search(question)) is None:
        return None
    noun = m.group("noun").lower()
    noun = noun[:-2] + "y" if noun.endswith("ie") else noun
    counted = [int(w) if w.isdigit() else _COUNTS[w.lower()] for w in m.group("words").split()
               if w.isdigit() or w.lower() in _COUNTS]
    return None if noun in _NOT_SETS else ItemsAsked(noun, counted[0] if counted else None)


def boost_items(evidence: list[EvidenceSentence], asked: ItemsAsked) -> int:
    """Weigh the set's items more; returns how many sentences the answer may hold."""
    for sentence in evidence:
        if asked.is_item(sentence.text):
            sentence.score *= ITEM_BOOST
    return min(MOST, max(4, asked.count or 4))



def choose_items(pool: list[EvidenceSentence], asked: ItemsAsked, most: int,
                 near: float = 0.5) -> list[EvidenceSentence]:
    """When the evidence holds items of the asked set, they are the answer: once one item
    is strong enough (``near`` × the best score), every item of its document is taken (its
    siblings share its shape, not its words: "Level 1: Paper registers are scanned" says
    little of "levels of data maturity"), up to ``most``, with the best other sentence ahead
    of them while there is room (it often says what the set is). Empty when fewer than two
    items are found."""
    if not pool:
        return []
    top = max(s.score for s in pool)
    items = [s for s in pool if asked.is_item(s.text) and _statement(s.text)]
    strong = [s for s in items if s.score >= near * top]
    if not strong:
        return []
    doc = max(strong, key=lambda s: s.score).hit.doc_id
    mine = _distinct(sorted((s for s in items if s.hit.doc_id == doc),
                            key=lambda s: -s.score))[:most]
    if len(mine) < 2:
        return []
    others = [s for s in pool if s not in mine and not asked.is_item(s.text)]
    lead = [max(others, key=lambda s: s.score)] if others and len(mine) < most else []
    return lead + mine


#: the end of a lead-in that opens a list: "This forum focused on four areas namely:"
_OPENS_LIST = re.compile(r"(?::|\b(?:namely|including|as follows|following))\s*$", re.IGNORECASE)
#: how far before a block of items its lead-in may start (characters of the page)
LEAD_IN_REACH = 300


def block_after_lead_in(units: list[EvidenceSentence], asked: ItemsAsked,
                        page_text: Callable[[str, int], str | None],
                        strong_page: Callable[[str, int], bool]) -> list[EvidenceSentence]:
    """The marked lines ("1. Structural Transformation ...") that follow, on a ``strong_page``,
    a lead-in naming the asked set ("This forum focused on four areas namely:"): they are the
    answer whatever their own words. The forum's four areas never say "area", and another
    numbered list on the page ("2. Telecommunications and Media Forum") shares the
    question's words. With a count, exactly that many marked lines must follow (an item
    ending in "," shares a unit with the next). The lead-in itself
    answers nothing alone (it is no evidence unit), so only the items are cited."""
    noun = re.compile(rf"\b{re.escape(asked.noun)}", re.IGNORECASE)
    pages: dict[tuple[str, int], list[EvidenceSentence]] = {}
    for unit in units:
        pages.setdefault((unit.hit.doc_id, unit.hit.page), []).append(unit)
    for (doc_id, page), on_page in pages.items():
        text = page_text(doc_id, page)
        if not text or not strong_page(doc_id, page):
            continue
        ordered = sorted({(u.start, u.end): u for u in on_page}.values(), key=lambda u: u.start)
        for i, first in enumerate(ordered):
            if not re.match(_MARK, first.text.lstrip()):
                continue
            before = text[max(0, first.start - LEAD_IN_REACH):first.start].strip()
            lead = " ".join(before.splitlines()[-1:] if before else [])
            if not (noun.search(lead) and _OPENS_LIST.search(lead)):
                continue
            block = [first]
            for unit in ordered[i + 1:]:
                gap = text[block[-1].end:unit.start]
                if gap.strip() or not re.match(_MARK, unit.text.lstrip()):
                    break
                block.append(unit)
            # an item ending in "," runs into the next one's unit: count the marked lines
            marked = sum(bool(re.match(_MARK, line.lstrip()))
                         for line in text[first.start:block[-1].end].splitlines() if line.strip())
            if marked >= 2 and (asked.count is None or marked == asked.count):
                return block[:MOST_IN_BLOCK]
    return []


# "- Level 4: ...", "Mechanism 3 -", "ជំហានទី៣៖": a word and its number before a separator
_ITEM_LABEL = re.compile(r"^[\s\-\u2013\u2022*]*([A-Za-z\u1780-\u17ff]+\s*[0-9\u17e0-\u17e9]{1,2})"
                         r"\s*[:.\-\u2013)\u17d6]")


def _distinct(items: list[EvidenceSentence]) -> list[EvidenceSentence]:
    """Each item once (by its label, "Level 4", else its text), the best scored kept:
    overlapping chunks, a neighbour read beside its passage, or an annex restating the set
    hold an item twice, and a repeat would take the place of a missing one."""
    seen: set[str] = set()
    out = []
    for item in items:
        label = _ITEM_LABEL.match(item.text)
        key = " ".join(label.group(1).lower().split()) if label else " ".join(item.text.split())
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _statement(text: str) -> bool:
    """An item says something ("Level 2: Registers are typed ..."); a numbered section title
    ("1. The levels of data maturity") does not."""
    stripped = text.rstrip()
    return stripped.endswith((".", ";", "។", "៕", "!", "?")) or len(stripped) > 80
