"""Who chairs, heads or leads a named body: the sentence that ties the role to that body.

"Who chairs the Digital Security Committee under the National Digital Economy and Society
Council?" was answered with "the Digital Government Committee, chaired by the Minister of Post
and Telecommunications ..., in collaboration with ... the Digital Security Committee ...": it
holds more of the question's words than "the Digital Security Committee will be chaired and led
directly by Samdech ... Prime Minister", but its "chaired" belongs to another committee. A
sentence where the body asked about stands right before the role verb ("X will be chaired",
"X, chaired by") or right after the role noun ("Chairman of the X") weighs more; one that
names the body and a role word tied to something else weighs less.
"""

from __future__ import annotations

import re

#: the body a "who chairs / heads / leads / presides over" question asks about
_ASKS_ROLE = re.compile(
    r"(?i:\bwho\s+(?:chairs|chaired|heads|headed|leads|led|presides\s+over|presided\s+over|"
    r"(?:is|was|became|becomes|was\s+appointed|was\s+named)\s+(?:as\s+)?(?:the\s+)?"
    r"(?:new\s+|newly\s+appointed\s+)?(?:chair|chairman|chairperson|head|president)\s+of)"
    r"\s+(?:the\s+)?)"
    r"(?P<body>[A-Z][\w'’-]*(?:\s+(?:and|of|for|on|the)?\s*[A-Z][\w'’-]*)*)")
_VERB = r"(?:chaired|headed|led|presided)"
_NOUN = r"(?:chair|chairman|chairwoman|chairperson|head|president)"
#: at most this many words between the body and the role word
GAP_WORDS = 4
#: a sentence that ties the role to the body weighs this much more, and one that names the
#: body but ties its role word to another body this much less
ROLE_BOOST = 1.25


def body_asked(question: str) -> str | None:
    """The named body whose chair (head, leader) the question asks for, or None."""
    found = _ASKS_ROLE.search(question)
    return found.group("body") if found else None


def ties_role_to(body: str, text: str) -> bool:
    """Whether ``text`` puts a role word right after ``body`` ("the Digital Security
    Committee will be chaired by ...") or ``body`` right after a role noun ("Chairman of the
    Digital Security Committee")."""
    name = _name_or_initials(body)
    # "X (NDESC), chaired by", '"X" chaired by'
    gap = rf"[\"”’')]*(?:[\s,]+\S+){{0,{GAP_WORDS}}}?[\s,]+"
    return bool(re.search(rf"{name}{gap}{_VERB}\b", text, re.IGNORECASE)
                or re.search(rf"\b{_NOUN}\s+of\s+(?:the\s+)?{name}", text, re.IGNORECASE))


def _name_or_initials(body: str) -> str:
    """A pattern for the body as named, or by its initials ("chairman of TRC" for the
    Telecommunication Regulator of Cambodia)."""
    name = r"\s+".join(re.escape(w) for w in body.split())
    initials = "".join(w[0] for w in body.split() if w[0].isupper())
    return rf"(?:{name}|\b{initials}\b)" if len(initials) >= 2 else name


def role_weight(body: str, text: str) -> float:
    """``ROLE_BOOST`` when ``text`` ties the role to ``body``, its inverse when it names the
    body and has a role word tied to another, else 1."""
    if ties_role_to(body, text):
        return ROLE_BOOST
    name = _name_or_initials(body)
    if re.search(name, text, re.IGNORECASE) and re.search(rf"\b(?:{_VERB}|{_NOUN})\b", text,
                                                          re.IGNORECASE):
        return 1 / ROLE_BOOST
    return 1.0
