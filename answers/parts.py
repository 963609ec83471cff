"""Questions with several parts ("What is X and when does it end?"), and what kind of fact
each part asks for.

A two-part question scored as one tends to get sentences for its heavier half only; split
into parts, each part gets its own best sentence. A part is kept only if it is itself a
question (it has a question word), so "goals and strategies" or "ក្រសួងប្រៃសណីយ៍និងទូរគមនាគមន៍"
(a ministry whose name holds "and") stays whole.
"""

from __future__ import annotations

import re

from answers.definitions import defined_term, defined_terms, defines
from index.jurisdiction import DEFAULT_COUNTRY, countries_named
from ingest.khmer.script import DIGITS_TO_ASCII

_EN_QUESTION = r"(?:what|when|who|whom|whose|which|where|why|how|is|are|was|were|does|do|did|will|can|should)"
# "..., and when does it end" / "... and who chairs it"
#: "..., and when?", "..., and on what date was it signed?" (a preposition may lead the part)
#: "..., and roughly how many came?" (a hedge may lead it too)
#: "..., and until what date could they register?", "..., and through what process?"
_EN_SPLIT = re.compile(rf"\s*(?:,\s*)?\band\s+(?=(?:(?:on|in|at|from|for|by|with|to|until|till"
                       rf"|since|after|before|during|under|through|of|into|within|over|among"
                       rf"|roughly|about|approximately|around|also|exactly|then)\s+)?"
                       rf"{_EN_QUESTION}\b)|\?\s*(?=\S)", re.IGNORECASE)
_EN_WORD = re.compile(rf"\b{_EN_QUESTION}\b", re.IGNORECASE)
# Khmer question words: what, when, which year, who, how many, how, why, where, which
_KM_QUESTION = ("តើ", "អ្វី", "ពេលណា", "ឆ្នាំណា", "ថ្ងៃណា", "ខែណា", "នរណា", "អ្នកណា", "ប៉ុន្មាន", "យ៉ាងដូចម្តេច",
                "យ៉ាងដូចម្ដេច", "យ៉ាងណា", "ហេតុអ្វី", "ទីណា", "កន្លែងណា", "ណាខ្លះ", "អ្វីខ្លះ")
_KM_SPLIT = re.compile(r"\s*(?:ហើយ|និង)\s*(?=តើ)|\s+ហើយ\s*|[?？]\s*(?=\S)")

#: words that ask for a count ("ចំនួនប៉ុន្មាន", "the number of"), not what is counted
COUNT_WORDS = ("ចំនួន", "number", "many", "much")
#: verbs that only carry the question ("បានធ្វើអ្វីខ្លះ", "what did it do"): English's are stop
#: words already, Khmer's are indexed
QUESTION_VERBS = ("ធ្វើ", "happen", "happened")

YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_NUMBERS = re.compile(r"\d+")
# who: a person named with a title or role; which body: an organisation; where: a place
_ASKS_PERSON = re.compile(r"\bwho(?:m|se)?\b|\bwhich (?:official|minister|person|speaker)\b",
                          re.IGNORECASE)
_KM_PERSON = ("នរណា", "អ្នកណា", "ឯកឧត្តមណា")
_ASKS_BODY = re.compile(r"\b(?:which|what)\s+(?:\w+\s+)?(?:body|bodies|ministry|ministries|"
                        r"institution|organi[sz]ation|agency|council|committee|regulator|"
                        r"department|university|partner|company|operator|authority)\b",
                        re.IGNORECASE)
_ASKS_MINISTRY = re.compile(r"\b(?:which|what)\s+(?:\w+\s+)?(?:ministry|ministries)\b",
                            re.IGNORECASE)
_MINISTRY = re.compile(r"\bMinist(?:ry|er) of\b|ក្រសួង")
_KM_BODY = ("ក្រសួងណា", "ស្ថាប័នណា", "អង្គភាពណា", "សាកលវិទ្យាល័យណា", "ក្រុមហ៊ុនណា",
            "គណៈកម្មាធិការណា", "ក្រុមប្រឹក្សាណា")
_ASKS_PLACE = re.compile(r"\bwhere\b|\b(?:which|what)\s+(?:province|provinces|city|cities|"
                         r"district|districts|country|countries|region|location)\b", re.IGNORECASE)
#: where an event was held: a hall or hotel answers, not the city of the dateline
_ASKS_VENUE = re.compile(r"\b(?:venue|venues|location)\b|\bwhere\b.*\bheld\b", re.IGNORECASE)
_VENUE = re.compile(r"\b(?:Koh Pich|[A-Z][\w'-]+ (?:Hotel|Hall|Palace|Resort|Stadium)|"
                    r"(?:Convention|Exhibition|Conference)(?: and Exhibition)? (?:Center|Centre))\b"
                    r"|សណ្ឋាគារ|មជ្ឈមណ្ឌលសន្និបាត|សាលប្រជុំ")
_KM_PLACE = ("ខេត្តណា", "ទីណា", "កន្លែងណា", "ក្រុងណា", "ស្រុកណា", "ទីតាំងណា")
# which country: a province of Cambodia does not answer it, another country's name does
_ASKS_COUNTRY = re.compile(r"\b(?:which|what)\s+(?:country|countries|nations?)\b|ប្រទេសណា",
                           re.IGNORECASE)
_COUNTRY = re.compile(r"(?:ប្រទេស|សាធារណរដ្ឋ|ព្រះរាជាណាចក្រ|សហព័ន្ធ)[\s\u200b]*"
                      r"(?!កម្ពុជា|ជាតិ|នានា|ទាំង|ជា|និង)[\u1780-\u17ff]"
                      r"|\b(?:Republic|Kingdom|Federation|Sultanate|Commonwealth)\s+of\s+"
                      r"(?!Cambodia)[A-Z]")
_PERSON = re.compile(r"\b(?:H\.\s?E\.|His Excellency|Her Excellency|Excellency|Dr\.|Mr\.|Mrs\.|"
                     r"Ms\.|Lok Chumteav|Samdech|Minister|Secretary of State|Director|Chairman|"
                     r"Chairwoman|President|Governor|Ambassador|Prime Minister)\b|ឯកឧត្តម|"
                     r"លោកជំទាវ|សម្តេច|សម្ដេច|លោកស្រី|អ្នកស្រី|បណ្ឌិត|រដ្ឋមន្ត្រី|រដ្ឋមន្រ្តី")
# the words that make a name a body's ("Digital Government Committee")
_BODY_WORDS = (r"(?:Ministry|Council|Committee|Commission|Department|Authority|Regulator|"
               r"Agency|Office|Secretariat|Bank|University|Institute|Centre|Center|"
               r"Corporation|Company)")
_BODY = re.compile(rf"\bMinister of\b|\b{_BODY_WORDS}\b|ក្រសួង|ក្រុមប្រឹក្សា|គណៈកម្មាធិការ|នាយកដ្ឋាន|"
                   r"អាជ្ញាធរ|សាកលវិទ្យាល័យ|វិទ្យាស្ថាន|ក្រុមហ៊ុន|ធនាគារ")
# "province" before a name, not before a count or a generic word ("in 3 provinces", "ខេត្តចំនួន ៣")
_PLACE = re.compile(r"\b(?:[A-Z][a-z]+ (?:province|city|district)|(?:province|city|district) "
                    r"of [A-Z][a-z]+|Phnom Penh|Siem Reap|Battambang|Kampong \w+|Takeo|Kampot|"
                    r"Kandal|Kep|Kratie|Koh Kong|Preah \w+|Pursat|Prey Veng|Svay Rieng|"
                    r"Stung Treng|Tbong Khmum|Pailin|Mondulkiri|Ratanakiri|Banteay Meanchey|"
                    r"Oddar Meanchey|Sihanoukville|Preah Sihanouk)\b"
                    r"|(?:ខេត្ត|រាជធានី|ក្រុង|ស្រុក)(?!ចំនួន|គោលដៅ|នានា|ទាំង|និង|\s|$)")
_DATE_WORDS = re.compile(r"\b(?:january|february|march|april|may|june|july|august|september|"
                         r"october|november|december)\b", re.IGNORECASE)
_KM_MONTHS = "មករា|កុម្ភៈ|មីនា|មេសា|ឧសភា|មិថុនា|កក្កដា|សីហា|កញ្ញា|តុលា|វិច្ឆិកា|ធ្នូ"
#: "how often is it evaluated", "at what interval", Khmer "ប៉ុន្មានដង" (how many times),
#: "រៀងរាល់ប៉ុន្មាន" (every how many): a rate, which no date or bare count answers
_ASKS_FREQUENCY = re.compile(r"\bhow\s+(?:often|frequently)\b|\b(?:what|which)\s+(?:interval|"
                             r"frequency)\b|ប៉ុន្មានដង|រៀងរាល់ប៉ុន្មាន|ញឹកញាប់", re.IGNORECASE)
#: "every two years", "every three to five years", "quarterly", "twice a year", "ប្រចាំឆ្នាំ"
_FREQUENCY = re.compile(
    r"\bevery\s+(?:[\w-]+\s+){0,3}?(?:years?|months?|weeks?|days?|quarters?|semesters?)\b"
    r"|\b(?:annual(?:ly)?|yearly|quarterly|monthly|weekly|daily|biennial(?:ly)?|"
    r"bi-?annual(?:ly)?|semi-annual(?:ly)?|periodic(?:ally)?|regularly)\b"
    r"|\b(?:once|twice|\w+\s+times)\s+(?:a|per|each)\s+(?:year|month|week|day|quarter)\b"
    r"|រៀងរាល់|ប្រចាំឆ្នាំ|ប្រចាំខែ|ប្រចាំត្រីមាស|ប្រចាំសប្តាហ៍|ប្រចាំសប្ដាហ៍", re.IGNORECASE)
#: a day of a month: "19th November", "November 19", "on 3 March", Khmer "ថ្ងៃទី០៣ ... ខែមីនា"
DAY_OF_MONTH = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2}(?:st|nd|rd|th)?)?\s+(?:of\s+)?"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\b|\b(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\s+\d{1,2}\b"
    rf"|ថ្ងៃទី\s*\d{{1,2}}[^។]{{0,30}}?ខែ\s*(?:{_KM_MONTHS})", re.IGNORECASE)


#: "when was it adopted", "in which year", Khmer "ពេលណា / ឆ្នាំណា / ថ្ងៃណា": a point in time,
#: not a duration ("how long", "until when" are answered by periods)
_ASKS_WHEN = re.compile(r"^(?!.*\bhow long\b).*(?:\bwhen\b|\bwhat (?:year|date)\b|\bwhich year\b)",
                        re.IGNORECASE | re.DOTALL)
_TIME = re.compile(rf"\b(?:19|20)\d{{2}}\b|{_DATE_WORDS.pattern}|{_KM_MONTHS}|ព\.ស"
                   r"|\b(?:days?|weeks?|months?|years?|quarters?|annually|yearly|monthly|weekly|"
                   r"daily|yesterday|today|tomorrow|morning|afternoon|evening|tonight)\b"
                   r"|ថ្ងៃ|សប្តាហ៍|ខែ|ឆ្នាំ|ព្រឹក|រសៀល|ល្ងាច", re.IGNORECASE)


#: "Which provinces ...", "which were the nine priority provinces": the place noun is what is
#: asked (only counts and adjectives between), not "which policy covers smart cities"
_ASKS_NAMED_PLACE = re.compile(
    r"\b(?:which|what)\s+(?:(?:are|were|is|was)\s+the\s+)?(?:(?:\d+|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|priority|pilot|target|selected|border|coastal|main|new|other|"
    r"remaining)\s+){0,3}(?:provinces?|cities|city|districts?|municipalit(?:y|ies))\b"
    r"|ខេត្តណា|ក្រុងណា|ស្រុកណា", re.IGNORECASE)


def asks_named_place(question: str) -> bool:
    """Whether the question asks which provinces, cities or districts: a place's name
    answers it, "nine priority provinces" does not."""
    return bool(_ASKS_NAMED_PLACE.search(question))


def asks_when(question: str) -> bool:
    """Whether the question asks for a point in time (a day, a month, a year)."""
    return bool(_ASKS_WHEN.search(question)) or any(
        w in question for w in ("ពេលណា", "ឆ្នាំណា", "ថ្ងៃណា"))


#: a span counted from an event the sentence does not date: "Two years after the launch of
#: the DGB" does not say when the DGB was launched
_RELATIVE_SPAN = re.compile(r"\b[\w-]+\s+(?:days?|weeks?|months?|years?|decades?)\s+"
                            r"(?:after|before|later|earlier|ago|since)\b", re.IGNORECASE)


def names_time(text: str) -> bool:
    """Whether ``text`` says anything about time at all: a year, a month (English or Khmer),
    a Buddhist-era date (ព.ស.), a span ("within three working days") or a time of day; a
    span counted from an undated event ("two years after the launch") is none."""
    return bool(_TIME.search(_RELATIVE_SPAN.sub(" ", text.translate(DIGITS_TO_ASCII))))


def gives_day(text: str) -> bool:
    """Whether ``text`` gives a day of a month, not only a year: "When was the census held?"
    is answered by "from 3 to 13 March 2019" before "the 2016-2030 development goals"."""
    return bool(DAY_OF_MONTH.search(text.translate(DIGITS_TO_ASCII)))


_ASKS_CONTACT = re.compile(r"\b(?:hotline|phone|telephone|contact|call|e-?mail|website|web\s+site|"
                           r"address|telegram)\b|ទូរសព្ទ|ទូរស័ព្ទ|ទាក់ទង|គេហទំព័រ|អ៊ីមែល",
                           re.IGNORECASE)


def asks_contact(question: str) -> bool:
    """Whether the question asks how to reach someone (a hotline, a website, an email)."""
    return bool(_ASKS_CONTACT.search(question))


_ASKS_LEGAL_BASIS = re.compile(r"\blegal\s+basis\b|\bbased\s+on\s+which\b|\bhaving\s+seen\b"
                               r"|\bwhich\s+(?:laws?|decrees?|texts?)\b.*\b(?:cite|refer|rest|base)"
                               r"|មូលដ្ឋានគតិយុត្ត|បានឃើញ|ផ្អែកលើ", re.IGNORECASE)


def asks_legal_basis(question: str) -> bool:
    """Whether the question asks which texts an instrument rests on (its visas)."""
    return bool(_ASKS_LEGAL_BASIS.search(question))


def question_parts(question: str) -> list[str]:
    """The question's parts, each a question of its own; one part when it has only one."""
    text = question.strip()
    pieces = _KM_SPLIT.split(text) if re.search("[\u1780-\u17ff]", text) else _EN_SPLIT.split(text)
    parts = [p.strip(" ?,;") for p in pieces if p and p.strip(" ?,;")]
    if len(parts) < 2 or not all(is_question(p) for p in parts):
        return [text]
    return parts


def is_question(text: str) -> bool:
    return bool(_EN_WORD.search(text)) or any(w in text for w in _KM_QUESTION)


def asks_kinds(question: str) -> list[str]:
    """Every kind of fact the question asks for, in a fixed order: ``date``, ``number``,
    ``person`` (who), ``ministry`` (which ministry: a minister or ministry answers, not the
    council a sentence also names), ``body`` (which institution, committee...), ``place``
    (where, which province) or ``country`` (which country). "How many students, and in
    which province?" asks for two."""
    kinds = [k for k in (asks_for(question),) if k]
    if _ASKS_PERSON.search(question) or any(w in question for w in _KM_PERSON):
        kinds.append("person")
    if _ASKS_MINISTRY.search(question) or "ក្រសួងណា" in question:
        kinds.append("ministry")
    elif _ASKS_BODY.search(question) or any(w in question for w in _KM_BODY):
        kinds.append("body")
    if _ASKS_COUNTRY.search(question):
        kinds.append("country")
    elif _ASKS_PLACE.search(question) or any(w in question for w in _KM_PLACE):
        kinds.append("place")
    if _ASKS_VENUE.search(question):
        kinds.append("venue")
    if "number" not in kinds and "date" in kinds and re.search(r"\bhow (?:many|much)\b|ប៉ុន្មាន",
                                                              question, re.IGNORECASE):
        kinds.append("number")
    if defined_term(question):
        kinds.append("definition")
    return kinds


_ASKS_DATE = re.compile(r"\bwhen\b|\bwhat (?:year|date)\b|\bwhich year\b|\bhow long\b|\buntil\b"
                        r"|(?<!up to )\bdates?\b"
                        r"|\b(?:their|its|the|which|what) (?:years|dates|periods?|durations?|"
                        r"timeframes?|timelines?|deadlines?)\b")
_ASKS_NUMBER = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:percentage|share|number|amount)\b")


def asks_for(part: str) -> str | None:
    """The kind of fact a part asks for: ``frequency`` (how often), ``date`` (when, which
    year), ``number`` (how many, how much), or None."""
    lowered = part.lower()
    if _ASKS_FREQUENCY.search(part):
        return "frequency"
    date = _ASKS_DATE.search(lowered)
    number = _ASKS_NUMBER.search(lowered)
    if number and (not date or number.start() < date.start()):
        # "How many systems were in operation when the DGP was drafted": the clause after
        # the question phrase says which count, it does not ask for a time
        return "number"
    if date or any(w in part for w in ("ពេលណា", "ឆ្នាំណា", "ថ្ងៃណា", "រយៈពេល")):
        return "date"
    return "number" if "ប៉ុន្មាន" in part else None


def states(kind: str | None, text: str, known: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` states a fact of that kind (a year or date; a number) other than
    the ``known`` numbers (the question's own: "by 2027" does not answer "how many")."""
    if kind is None:
        return False
    if kind == "person":
        return bool(_PERSON.search(text))
    if kind in ("body", "ministry"):  # a body other than those the question names itself
        for name in known:
            if not name[:1].isdigit():
                text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
        return bool((_MINISTRY if kind == "ministry" else _BODY).search(text))
    if kind == "place":
        return bool(_PLACE.search(text))
    if kind == "venue":
        return bool(_VENUE.search(text))
    if kind == "country":  # another country than Cambodia and than the question names
        named = countries_named(text) - countries_named(" ".join(known)) - {DEFAULT_COUNTRY}
        return bool(named or _COUNTRY.search(text))
    if kind == "frequency":
        return bool(_FREQUENCY.search(text))
    if kind == "definition":  # the term defined is among what the question states itself
        return any(defines(term, text) for term in known if not term[:1].isdigit())
    text = text.translate(DIGITS_TO_ASCII)
    if kind == "date":
        return any(m.group() not in known for m in YEAR.finditer(text)) \
            or bool(_DATE_WORDS.search(text))
    # "how many" is not answered by a year ("2021-2035")
    return any(m.group() not in known and not YEAR.fullmatch(m.group())
               for m in _NUMBERS.finditer(text))


def numbers_in(text: str) -> frozenset[str]:
    return frozenset(m.group() for m in _NUMBERS.finditer(text.translate(DIGITS_TO_ASCII)))


# a body's name in English: capitalised words around the word that makes it a body
# ("Digital Government Committee", "Ministry of Post and Telecommunications")
_CAPITALISED = r"[A-Z][\w'’-]*"
_NAMED_BODY = re.compile(rf"(?:{_CAPITALISED}\s+(?:(?:of|and|for|on)\s+)?)*{_BODY_WORDS}"
                         rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{_CAPITALISED}"
                         rf"(?:\s+(?:and\s+)?{_CAPITALISED})*)?")


def known_facts(question: str) -> frozenset[str]:
    """What the question states itself and so cannot be its answer: its numbers ("by 2027"
    does not answer "how many") and the bodies it names ("Which ministry leads the Digital
    Government Committee?" is not answered by a sentence because it names that committee)."""
    return numbers_in(question) | {m.group() for m in _NAMED_BODY.finditer(question)} \
        | defined_terms(question)
