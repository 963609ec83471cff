"""Sessions of a programme or agenda, each read whole as one evidence unit.

Why: an agenda reaches the text layer as short lines: a time range, a session title in
capitals, then speakers' names and roles on lines of their own ("Moderator: Mrs. ...",
"Director General, ..."). Cut into sentences, "Who moderated the open data panel?" meets a
name without its session and a session title without its people: neither holds enough of
the question to answer it, and a title set in capitals alone reads as page furniture. A
session (from its time range to the next one) holds the title, the roles and the names
together, as a priority-action table row holds its action, bodies and timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_SESSION_CHARS", "Session", "find_sessions", "is_capitals_line", "opens_with_time_range"]

#: "08:30 -\n09:30", "14:00 – 15:15", "9.00 to 10.30": a time range opening a line
_TIME_RANGE = re.compile(
    r"^[ \t]*(?P<start>[0-2]?\d[:.h][0-5]\d)[ \t]*(?:[-–—]|to)[ \t]*\n?[ \t]*"
    r"(?P<end>[0-2]?\d[:.h][0-5]\d)\b[ \t]*", re.MULTILINE | re.IGNORECASE)
#: fewer time ranges than this in a passage is no schedule (a sentence may name one)
MIN_SESSIONS = 2
#: a longer span is not one session (a page of prose after the last time range)
MAX_SESSION_CHARS = 1200
# a line that introduces the next one ("Keynote Speech by", "Moderator:") or that a narrow
# column wrapped ("Ministry of Post and" / "Telecommunications")
_LEADS_ON = re.compile(r"(?:\b(?:by|and|of|for|the|in|on|to|at)|[:,&–-])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Session:
    """One session of a programme: its time range and its lines (title, roles, people)."""

    start: str
    end: str
    lines: tuple[str, ...]

    def display(self) -> str:
        """The session as a line of an answer: "14:00–15:15 OPEN DATA ... — Keynote Speech
        by Ms. ...; Director, ...; Moderator: Mrs. ..."; the citation keeps the page text."""
        title: list[str] = []
        rest = list(self.lines)
        while rest and is_capitals_line(rest[0]):
            title.append(rest.pop(0))
        parts: list[str] = []
        for line in rest:
            if parts and (_LEADS_ON.search(parts[-1]) or line[:1].islower()):
                parts[-1] = f"{parts[-1]} {line}"
            else:
                parts.append(line)
        head = f"{self.start}\u2013{self.end}"
        if title:
            head = f"{head} {' '.join(title)}"
        return f"{head} \u2014 {'; '.join(parts)}" if parts else head


def is_capitals_line(line: str) -> bool:
    """A line set (mostly) in capitals: a session title, not a name or a role."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def find_sessions(text: str) -> list[tuple[int, int, Session]]:
    """``(start, end, session)`` offsets into ``text`` of each session of a programme: from
    a line opening with a time range to the next one (the last to the end of the text);
    none when the text holds fewer than :data:`MIN_SESSIONS` time ranges."""
    opens = list(_TIME_RANGE.finditer(text))
    if len(opens) < MIN_SESSIONS:
        return []
    out: list[tuple[int, int, Session]] = []
    for here, following in zip(opens, [*opens[1:], None], strict=True):
        start = here.start()
        while start < here.end() and text[start].isspace():
            start += 1
        end = following.start() if following else len(text)
        while end > here.end() and text[end - 1].isspace():
            end -= 1
        if end - start > MAX_SESSION_CHARS:
            continue
        lines = tuple(" ".join(line.split()) for line in text[here.end():end].splitlines()
                      if line.strip())
        out.append((start, end, Session(_clock(here.group("start")),
                                        _clock(here.group("end")), lines)))
    return out


def _clock(time: str) -> str:
    return re.sub(r"[.h]", ":", time, count=1)


def opens_with_time_range(text: str) -> bool:
    """Whether ``text`` starts as a programme session does ("12:30 - 14:00 NETWORKING ...")."""
    return _TIME_RANGE.match(text) is not None
