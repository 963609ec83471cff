"""The key entities of a question (a place, an institution, a name, a year or number) and
whether the evidence mentions them.

Retrieval always finds *something*: asked about a province the corpus never mentions, it
returns other provinces' figures, and an answer built from them would mislead. An entity is
looked for in the evidence in every form the glossary knows (a Khmer place name is found in
an English passage through its English gloss, and the reverse), and Khmer digits count as
digits. An entity that cannot be checked in the evidence's language (a name the glossary
does not know, against Khmer text) is not held against it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ingest.khmer.normalize import search_key
from ingest.khmer.script import DIGITS_TO_ASCII

if TYPE_CHECKING:
    from index.glossary import Glossary

_KHMER = re.compile("[\u1780-\u17ff]")
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:of|and|for|the|de|on)?\s*[A-Z][\w'’-]*)*")
_WORD = re.compile(r"[a-z0-9]+")
_PLURAL_ACRONYM = re.compile(r"\b([A-Z]{2,})s\b")
# Capitalised words that say what kind of thing a name is, not which one: a question about
# "the Digital Government Policy" is answered by a passage that calls it "the policy".
_GENERIC = frozenset("""
what when who whom whose which where why how is are was were does do did will can should
the a an of and for on in to by with from at as this that these those its their it i we you
tell list give show name explain describe please
policy policies strategy strategies strategic plan plans action actions law laws decree
sub-decree prakas framework programme program project ministry ministries minister department
general national royal government kingdom cambodia cambodian khmer digital economy society
council committee office agency authority institution institutions regulator public state
goal goals measure measures priority pillar phase chapter section article annex appendix
resolution resolutions conference forum meeting summit workshop agenda report session
mr mrs ms dr he excellency samdech lok chumteav h.e ict it
organisation organization company companies association partner firm operator
""".split())
_GENERIC_PLACES = frozenset({"cambodia", "kingdom of cambodia", "province", "provincial", "city",
                             "capital", "district", "commune", "village", "town", "rural",
                             "rural area", "urban area", "municipality", "region", "khan",
                             "sangkat", "commune/sangkat", "communes and sangkats"})
_NAME_CATEGORIES = frozenset({"place", "institution", "ministry"})
#: a month named alone ("November") dates the question like its year: a ``date`` entity
_MONTHS = frozenset("january february march april may june july august september october "
                    "november december".split())


@dataclass(frozen=True)
class Entity:
    """A key entity and the keyed forms it may take in evidence (Latin and Khmer)."""

    text: str
    kind: str  # number | date (a month) | name
    latin: frozenset[str]  # casefolded words/phrases; all words of one form must occur
    khmer: frozenset[str]  # search-keyed, spaces removed
    #: every surface form the glossary knows ("Ministry of Post and Telecommunications"),
    #: generic words included: what a question says *about* the entity is the rest
    forms: frozenset[str] = frozenset()


def _key_km(text: str) -> str:
    return _SPACES.sub("", search_key(text))


def _years_and_numbers(text: str) -> list[Entity]:
    out = []
    for m in _NUMBER.finditer(text.translate(DIGITS_TO_ASCII)):
        digits = m.group().replace(",", "")
        if len(digits.replace(".", "")) < 2:  # "5G", "Strategy 3": not a key figure
            continue
        out.append(Entity(m.group(), "number", frozenset({digits}), frozenset()))
    return out


# "(besides the E-Commerce and Consumer Protection laws adopted in 2019)": what a question sets
# aside is not what it asks about; the clause runs to its closing bracket or the next comma
_SET_ASIDE = re.compile(r"\b(?:besides|apart\s+from|aside\s+from|other\s+than|except(?:\s+for)?"
                        r"|excluding|not\s+counting)\b[^),;?]*", re.IGNORECASE)


def set_aside(question: str) -> str:
    """The question with the clauses that set things aside blanked (same length, so spans
    found in it are spans of the question): their names are not the question's subject."""
    return _SET_ASIDE.sub(lambda m: " " * len(m.group()), question)


def key_entities(question: str, glossary: Glossary | None) -> list[Entity]:
    """Years and figures of the question, the places and institutions the glossary knows in
    it, and (English) capitalised names with a distinctive word; none from a clause that sets
    them aside ("besides the laws adopted in 2019")."""
    question = set_aside(question)
    found: list[Entity] = _years_and_numbers(question)
    covered: list[tuple[int, int]] = []
    if glossary is not None:
        for source in ("en", "km"):
            if source == "km" and not _KHMER.search(question):
                continue
            for match in glossary.translate(question, source):
                if match.category not in _NAME_CATEGORIES:
                    continue
                forms = (match.term, *match.equivalents)
                english = [f for f in forms if not _KHMER.search(f)]
                if any(f.casefold() in _GENERIC_PLACES for f in english):
                    continue
                latin = {" ".join(_distinctive(f)) for f in english} - {""}
                if source == "en" and not latin:
                    continue  # "Ministry of Interior"'s distinctive word comes below
                # a name made only of generic words ("Digital Government Committee") is
                # looked for whole: its abbreviation ("DGC") alone is rarely in the text
                latin |= {" ".join(_WORD.findall(f.casefold())) for f in english
                          if not _distinctive(f)} - {""}
                khmer = {_key_km(f) for f in forms if _KHMER.search(f)}
                found.append(Entity(match.term, "name", frozenset(latin), frozenset(khmer),
                                    frozenset(forms)))
                covered.append(match.span)
    for start, name in _names_in(question):
        # "KPIs" is looked for as "KPI": a text lists "New KPI: ..." one at a time
        words = _distinctive(_PLURAL_ACRONYM.sub(r"\1", name))
        if start == 0 and " " not in name and not name.isupper():
            continue  # the question's first word is capitalised as any first word is
        if not words or any(s <= start < e for s, e in covered):
            continue
        if any(words[0] in e.latin or " ".join(words) in e.latin for e in found):
            continue
        kind = "date" if all(w in _MONTHS for w in words) else "name"
        found.append(Entity(name, kind, frozenset({" ".join(words)}), frozenset()))
    return found


# "KPIs of Singapore's Blueprint", "MoU on Community Tech Centers": an acronym is a thing of
# the name after "of" or "on", not part of one name with it (as "Ministry of Interior" is)
_ACRONYM_OF = re.compile(r"^([A-Z][A-Za-z]?[A-Z]{1,5}s?)\s+(?:of|on|for)\s+")


def _names_in(question: str) -> list[tuple[int, str]]:
    """The capitalised names of a question with where each starts."""
    out: list[tuple[int, str]] = []
    for m in _NAME.finditer(question):
        for start, name in _pieces(m.group(), m.start()):
            if (split := _ACRONYM_OF.match(name)) is not None:
                out.append((start, split.group(1)))
                name, start = name[split.end():], start + split.end()
            out.append((start, name))
    return out


# "the Interior Ministry's November 2022 review": a month is a date of its own, not a word of
# the name before it
_NAME_BREAK = re.compile(r"\s+(?=(?:January|February|March|April|May|June|July|"
                         r"August|September|October|November|December)\b)")


# "In the DESPF matrix", "During Sar Kheng's visit": a capitalised preposition or article that
# opens the question is no word of the name after it, nor is a possessive's "'s"
_LEADING_WORDS = re.compile(r"^(?:(?:in|at|on|for|by|with|from|during|under|according|after|"
                            r"before|since|between|among|of|the|a|an|to|as|besides|within|"
                            r"through|unlike|like|via|per)\s+)+", re.IGNORECASE)


# "its Verify-based platform", "a Japan-funded project": the name is the capitalised head
_ADJECTIVE_SUFFIX = re.compile(r"(?<=[A-Za-z])-(?:based|led|driven|owned|funded|run|related|"
                               r"style|like|wide|level|specific|enabled|powered|backed|"
                               r"sponsored|focused|centric|oriented|made|built)\b")


def _pieces(name: str, start: int) -> list[tuple[int, str]]:
    """A capitalised run cut where a month begins (``_NAME_BREAK``), each piece with where it
    starts, without the words that lead into it (``_LEADING_WORDS``)."""
    pieces: list[tuple[int, str]] = []
    at = 0
    for cut in [*_NAME_BREAK.finditer(name), None]:
        end = cut.start() if cut is not None else len(name)
        lead = _LEADING_WORDS.match(name, at, end)
        first = lead.end() if lead is not None else at
        piece = _ADJECTIVE_SUFFIX.sub("", re.sub(r"['’]s$", "", name[first:end]))
        if piece.strip():
            pieces.append((start + first, piece))
        if cut is not None:
            at = cut.end()
    return pieces


def place_kinds(glossary: Glossary | None) -> frozenset[str]:
    """The words that say what kind of place a name is ("province", ខេត្ត), in every form
    the glossary knows: in "the population of Preah Vihear province" they belong to the
    name, not to what is asked about it."""
    forms = set(_GENERIC_PLACES)
    if glossary is not None:
        for word in _GENERIC_PLACES:
            for match in glossary.translate(word, "en"):
                if match.category == "place":
                    forms.update(match.equivalents)
    return frozenset(forms)


def _distinctive(name: str) -> list[str]:
    return [w for w in _WORD.findall(name.casefold())
            if w not in _GENERIC and _singular(w) not in _GENERIC and len(w) > 1]


def mentions(entity: Entity, texts: Iterable[str]) -> bool | None:
    """Whether the texts mention the entity; None when no form of it can be checked in them
    (a name known only in English, against Khmer text)."""
    texts = list(texts)
    if entity.kind == "number":
        joined = "\n".join(texts)
        plain = joined.translate(DIGITS_TO_ASCII)
        compact = re.sub(r"(?<=\d)[,\s\u202f](?=\d{3}\b)", "", plain)
        return any(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", compact) for n in entity.latin)
    checked = False
    acronym = _acronym_letters(entity.text)
    for text in texts:
        khmer_letters = len(_KHMER.findall(text))
        words = _text_words(text)
        if entity.latin and words:
            # a Khmer text that spells the name in Latin letters names it ("ហៅកាត់ថា GMAC");
            # only a mostly Latin text can show it does not
            checked = checked or khmer_letters < len(text) / 3
            if any(all(_in_words(w, words) for w in form.split()) for form in entity.latin):
                return True
            if acronym and khmer_letters < len(text) / 3 \
                    and any(acronym in run for run in _initials(text)):
                return True
        if entity.khmer and khmer_letters:
            checked = True
            keyed = _key_km(text)
            if any(form in keyed for form in entity.khmer):
                return True
    return False if checked else None


#: an acronym a reader makes of a name ("DES" for the Digital Economy and Society framework)
_ACRONYM = re.compile(r"[A-Z]{3,6}")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:and|of|for|the|&)\s+)?[A-Z][\w'’-]*)*")


#: "MoU", "MoEYS": capitals with at most one lower-case letter between the first two
_MIXED_ACRONYM = re.compile(r"[A-Z][a-z]?[A-Z][A-Za-z]{0,4}")


def _acronym_letters(text: str) -> str | None:
    """The capitals of an acronym ("DESPF"; "MoU" gives "MU", as the initials of "Memorandum
    of Understanding" do: a lower-case word's letter is no initial), else None."""
    if _ACRONYM.fullmatch(text):
        return text
    if _MIXED_ACRONYM.fullmatch(text):
        capitals = "".join(c for c in text if c.isupper())
        return capitals if len(capitals) >= 2 else None
    return None


def _initials(text: str) -> list[str]:
    """The initials of each run of capitalised words ("Digital Economy and Society Policy"
    gives "DESP"): an acronym the text never spells may be one of their stretches."""
    return ["".join(w[0] for w in run.split() if w[0].isupper())
            for run in _CAPITALISED_RUN.findall(text)]


def _text_words(text: str) -> set[str]:
    """A text's words (made singular), and each two neighbours written as one: the question's
    "Technopark" is the text's "Techno park", its "database" a "data base"."""
    found = _WORD.findall(text.casefold())
    return {_singular(w) for w in found} | {_singular(a + b) for a, b in itertools.pairwise(found)}


def _singular(word: str) -> str:
    """A word without its plural "s": the same ministry is "of Post and Telecommunication"
    on one page and "of Posts and Telecommunications" on another."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") \
        else word


def _in_words(word: str, words: set[str]) -> bool:
    """Whether a question's word is among a text's (``words``, made singular), as itself or,
    for a people's adjective, as its country: "South Korean agency" is named by "South
    Korea", "Japanese grant" by "Japan", "Singaporean" by "Singapore", "Chinese" by "China"."""
    word = _singular(word)
    if word in words:
        return True
    if len(word) > 4 and word.endswith("an"):
        return word[:-1] in words or word[:-2] in words
    if len(word) > 5 and word.endswith("ese"):
        return word[:-3] in words or word[:-3] + "a" in words
    return False


def missing(entities: list[Entity], texts: list[str]) -> list[Entity]:
    """The entities the texts can be checked for and do not mention."""
    return [e for e in entities if mentions(e, texts) is False]


def with_long_forms(entities: list[Entity], long_forms: dict[str, str]) -> list[Entity]:
    """An abbreviation the corpus defines is also found by its long form: "CADT" is supported
    by a page that says "the Cambodia Academy of Digital Technology has trained ..."."""
    out = []
    for entity in entities:
        long_form = long_forms.get(entity.text)
        if entity.kind == "name" and long_form:
            words = " ".join(_WORD.findall(long_form.casefold()))
            entity = replace(entity, latin=entity.latin | {words})
        out.append(entity)
    return out
