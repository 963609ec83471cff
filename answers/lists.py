"""List questions ("What strategies does the Digital Government Policy have?", in English or
Khmer) answered from the policy registry: every item, in document order, with its page and a
citation of its heading's exact span.

Retrieval cannot answer these: ten strategies spread over ten pages never fit in four
sentences, and the passages that list them ("...with the following two strategies:") stop
before the list. The registry already knows the items, so no model is called at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from answers.counting import NUMBER_VALUES
from answers.notices import OTHER_LANGUAGE_NOTE
from answers.sections import ListItem, PolicyRef, SectionLookup
from answers.types import Answer, AnswerSentence, Citation
from ingest.khmer.normalize import search_key
from ingest.khmer.script import DIGITS_TO_ASCII

_EN_LEVEL = (  # the plural the question asks for -> registry level (first match wins)
    ("goal", re.compile(r"\b(?:strategic\s+)?(?:goals|objectives|policy\s+directions)\b", re.I)),
    ("measure", re.compile(r"\b(?:measures|priority\s+actions|actions|key\s+policy\s+measures)\b",
                           re.I)),
    ("strategy", re.compile(r"\b(?:strategies|strategic\s+priorities|measure\s+groups|pillars)\b",
                            re.I)),
)
# "How many" alone is not a list question: the document's own sentence that states the total
# is the answer a drafter cites (a count of registry items cites no page that says it). "How
# many ... and what are they?" asks for both, and the list (its count first) gives both.
_EN_ASK = re.compile(r"\b(?:what|which|list|name|enumerate|show)\b", re.I)
_COUNT = re.compile(r"\bhow\s+many\b|ប៉ុន្មាន", re.I)
_THEN_LIST = re.compile(r"\b(?:what|which)\s+(?:are|were)\s+(?:they|these|those|their\s+names)\b"
                        r"|\b(?:list|name|enumerate)\s+(?:them|these|those|each|all)\b"
                        r"|អ្វីខ្លះ|ណាខ្លះ", re.I)
# "Which strategies ... deal with data?" asks for the items about a topic, not for all of them:
# the sentences that say so (each named by its strategy) answer it, the whole list does not
_TOPIC = re.compile(r"\b(?:deal(?:s|ing)?\s+with|address(?:es|ing)?|cover(?:s|ing)?|"
                    r"relat(?:e|es|ing)\s+to|concern(?:s|ing)?|focus(?:es|ing)?\s+on|"
                    r"target(?:s|ing)?|tackl(?:e|es|ing)|involv(?:e|es|ing)|mention(?:s|ing)?|"
                    r"about|regarding)\s+(?!(?:it|them|this|that)\b)\w", re.I)
_KM_LEVEL = (
    ("goal", ("គោលដៅយុទ្ធសាស្ត្រ", "គោលដៅ")),
    ("measure", ("សកម្មភាពអាទិភាព", "វិធានការ")),
    ("strategy", ("យុទ្ធសាស្ត្រ",)),
)
_KM_ASK = ("អ្វីខ្លះ", "ណាខ្លះ", "រាយ", "ទាំងអស់")
_KHMER_GAP = re.compile(r"(?<=[\u1780-\u17ff])\s+(?=[\u1780-\u17ff])")
_KHMER = re.compile("[\u1780-\u17ff]")
_LABEL_NUMBER = re.compile(r"\s*(?:no\.?\s*)?[0-9]+(?:\.[0-9A-Za-z]+)*\s*$", re.I)
_EN_SCOPE = re.compile(r"\b(strategic\s+goal|goal|strategy|policy\s+direction|measure\s+group)"
                       r"\s+(?:no\.?\s*)?([0-9]+(?:\.[0-9A-Za-z]+)*)\b", re.I)
_KM_SCOPE = re.compile(r"(គោលដៅយុទ្ធសាស្ត្រ|គោលដៅ|យុទ្ធសាស្ត្រ)\s*(?:ទី)?\s*([0-9]+)")
_KM_SCOPE_WORDS = {"គោលដៅយុទ្ធសាស្ត្រ": "strategic goal", "គោលដៅ": "goal", "យុទ្ធសាស្ត្រ": "strategy"}
_LABEL_WORDS = {  # how the registry may label a node a question calls "goal 2"
    "strategic goal": ("Strategic Goal", "Goal"),
    "goal": ("Strategic Goal", "Goal", "Policy direction"),
    "strategy": ("Strategy", "Measure group"),
    "policy direction": ("Policy direction",),
    "measure group": ("Measure group",),
}
_PLURAL = {"en": {"goal": "goals", "strategy": "strategies", "measure": "measures"},
           "km": {"goal": "គោលដៅ", "strategy": "យុទ្ធសាស្ត្រ", "measure": "វិធានការ"}}
_WORD = re.compile(r"[a-z0-9]+")
# "What is the total budget ... of the 83 priority actions?", "In the list of priority actions,
# which institution leads ...?": one thing asked of the list, not the list
_ONE_THING = re.compile(r"^\W*what\s+(?:is|was)\s+the\s+(?!list\b|names?\b)"
                        r"|\bwhich\s+(?:institution|ministry|body|agency|organi[sz]ation|"
                        r"committee|phase|year|date|one|person|official)\b", re.I)
_NAME_NOISE = frozenset({"cambodia", "the", "of", "and", "for", "policy", "2021", "2022", "2035"})


@dataclass(frozen=True)
class ListQuestion:
    level: str  # goal | strategy | measure
    scopes: tuple[str, ...]  # labels that may name the node the list is under ("Strategy 3")


LevelWords = Sequence[tuple[str, Sequence[str]]]


def _own_level(keyed: str, own_words: LevelWords) -> str | None:
    """The level a policy's own word in the question names ("pillars" -> goal)."""
    for level, words in own_words:
        for word in words:
            if _KHMER.search(word):
                if _KHMER_GAP.sub("", search_key(word)) in keyed:
                    return level
            elif re.search(rf"\b{re.escape(word)}\b", keyed, re.I):
                return level
    return None


def list_question(question: str, own_words: LevelWords = ()) -> ListQuestion | None:
    """The level a list question asks for, or None if it is not one (a bare "how many", or
    a question after the items about one topic). ``own_words`` are a policy's own names for
    its levels (``PolicyRef.level_words``), looked for before the usual ones."""
    keyed = search_key(question).translate(DIGITS_TO_ASCII)
    # Khmer words are matched across spaces: a follow-up comes back re-spaced by word
    # ("តើ មាន យុទ្ធសាស្ត្រ អ្វី ខ្លះ") once its pronoun is dropped
    keyed = _KHMER_GAP.sub("", keyed)
    if _COUNT.search(keyed) and not _THEN_LIST.search(keyed) or _TOPIC.search(keyed) \
            or _ONE_THING.search(keyed):
        return None
    asks = any(w in keyed for w in _KM_ASK) or bool(_COUNT.search(keyed) or _EN_ASK.search(keyed))
    level = _own_level(keyed, own_words) if asks else None
    if level is None and (any(w in keyed for w in _KM_ASK) or _COUNT.search(keyed)):
        level = next((lv for lv, words in _KM_LEVEL if any(w in keyed for w in words)), None)
    if level is None and _EN_ASK.search(keyed):
        level = next((lv for lv, rx in _EN_LEVEL if rx.search(keyed)), None)
    if level is None:
        return None
    scopes: list[str] = []
    for m in _EN_SCOPE.finditer(keyed):
        scopes += [f"{w} {m.group(2)}" for w in _LABEL_WORDS[" ".join(m.group(1).lower().split())]]
    for m in _KM_SCOPE.finditer(keyed):
        scopes += [f"{w} {m.group(2)}" for w in _LABEL_WORDS[_KM_SCOPE_WORDS[m.group(1)]]]
    return ListQuestion(level, tuple(scopes))


_STATED_COUNT = re.compile(r"(?<![\d.])(\d{1,3})(?![\d.])|\b(" + "|".join(NUMBER_VALUES) + r")\b",
                           re.I)


def _count_fits(question: str, items: int) -> bool:
    """Whether the registry's list is the one the question counts: "the 5 fundamental
    principles of digital tax policy" (ទាំង៥) is not the framework's 6 policy directions, and
    "the four features that differentiate the digital economy" not its 3 foundations. A
    question that states no count, or that names a numbered node ("Strategy 3"), fits."""
    keyed = _EN_SCOPE.sub(" ", _KM_SCOPE.sub(" ", question.translate(DIGITS_TO_ASCII)))
    stated = {int(m.group(1)) if m.group(1) else NUMBER_VALUES[m.group(2).lower()]
              for m in _STATED_COUNT.finditer(keyed)}
    return not stated or items in stated


def named_policy(question: str, translations: Sequence[str],
                 policies: Sequence[PolicyRef]) -> PolicyRef | None:
    """The policy the question names (by title, short name or document title, in the
    question or in its glossary translation): the one whose name's words it holds most of."""
    haystack = set(_WORD.findall(" ".join([question, *translations]).casefold()))
    best: tuple[float, int, PolicyRef] | None = None
    for policy in policies:
        for name in policy.names:
            words = set(_WORD.findall(name.casefold())) - _NAME_NOISE
            if len(words) < 2 or not words <= haystack:
                continue
            candidate = (1.0, len(words), policy)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return best[2] if best else None


def _plural(noun: str) -> str:
    """An English label's plural: "strategy" -> "strategies", "policy direction" -> "...s"."""
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def list_answer(question: str, language: str, policy: PolicyRef, asked: ListQuestion,
                sections: SectionLookup) -> Answer | None:
    """Every item of that level (under the named node, if the question names one), each a
    sentence citing its heading; None when the registry has none."""
    items: list[ListItem] = []
    for scope in asked.scopes:
        items = sections.items(policy.policy_id, asked.level, within=scope)
        if items:
            break
    if not items:
        items = sections.items(policy.policy_id, asked.level)
    if not items or not _count_fits(question, len(items)):
        return None
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    plural = _PLURAL.get(language, _PLURAL["en"])[asked.level]
    kinds = {_LABEL_NUMBER.sub("", item.label).strip() for item in items}
    if language == "en" and len(kinds) == 1 and (kind := kinds.pop()):
        plural = _plural(kind.lower())  # the policy's own word: "6 policy directions"
    page_word = "ទំព័រ" if language == "km" else "p."
    source = f"{policy.title}: {len(items)} {plural}"
    for item in items:
        if item.quote:
            citations.append(Citation(id=len(citations) + 1, doc_id=item.doc_id,
                                      title=policy.doc_title or policy.title, page=item.page,
                                      start=item.start, end=item.end, quote=item.quote,
                                      language="en", doc_type="policy",
                                      passage_start=item.passage_start,
                                      passage_end=item.passage_end))
        if not citations:
            continue  # nothing before it to cite either: the item cannot be shown as fact
        text = f"{item.label}: {item.title} ({page_word} {item.page})"
        if not sentences:
            text = f"{source} — {text}"
        sentences.append(AnswerSentence(text, [citations[-1].id], "en",
                                        source=source if not sentences else None))
    if not sentences:
        return None
    note = OTHER_LANGUAGE_NOTE.get((language, "en")) if language != "en" else None
    answer = " ".join(f"{s.text} [{s.citations[0]}]" for s in sentences)
    return Answer(question=question, language=language, mode="extractive", found=True,
                  answer=answer, sentences=sentences, citations=citations, note=note)
