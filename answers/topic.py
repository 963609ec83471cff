"""The topic a question asks a document about, and whether the passages found mention it.

"What does the Digital Government Policy say about blockchain voting?" retrieves the policy's
blockchain measure, and an answer built from it would read as the policy's word on voting,
which it never mentions. The words after "about" (or "regarding", "concerning") are what the
question is about; a word of them that no retrieved passage holds, in its text or under its
heading, is a topic the evidence does not cover, and the answer is "not found", naming it.

English questions only: Khmer topic words are compounds the segmenter splits differently in
a question and in a page, so a word-level check would decline answerable Khmer questions.
"What about its timeline?" is a follow-up's framing, not a topic (the conversation carries
the subject), so a question opening with "what/how about" has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from index.evidence import EvidenceSentence

#: "about" after a word (a verb or noun: "say about", "news about"), not "About how many"
#: (roughly) nor "about 4,000 students"
_ABOUT = re.compile(r"(?<=\w\s)(?:about|regarding|concerning)\s+(?!how\b|\d|approximately\b)"
                    r"([^?.!;:]+)", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^\W*(?:and\s+)?(?:what|how)\s+about\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: words that frame a topic rather than name it ("about the use of ...", "about it")
_FRAMING = frozenset("""
a an the this that these those it its their them his her our your my of for to in on at by
with and or from as any anything something all each what which who whom how why when where
use uses using role roles plan plans policy policies document documents issue issues topic
topics matter matters area areas field fields aspect aspects thing things say says said
""".split())


def topic_words(question: str) -> list[str]:
    """The content words of the topic the question asks about (none without one)."""
    if _FOLLOW_UP.match(question):
        return []
    found = _ABOUT.search(question)
    if found is None:
        return []
    words = [w for w in _WORD.findall(found.group(1)) if w.casefold() not in _FRAMING]
    return [w for w in words if len(w) > 2]


def unmentioned_topic(question: str, evidence: Iterable[EvidenceSentence],
                      analyze: Callable[[str], list[str]]) -> list[str]:
    """The topic words no English passage of the evidence holds (by index term, so "voting"
    is found as "votes"). Empty when the topic is covered, when there is none, or when no
    evidence can be checked in English (a Khmer-only or Vietnamese set of passages)."""
    words = topic_words(question)
    if not words:
        return []
    held: set[str] = set()
    checked = False
    for sentence in evidence:
        if sentence.language in ("en", "mixed"):
            checked = True
            held.update(sentence.terms)
            held.update(sentence.context_terms)
    if not checked:
        return []
    return [w for w in words if (terms := analyze(w)) and not held.intersection(terms)]
