"""Structure-aware chunking that fits the embedder's window and keeps exact page offsets.

Chunks never cross pages (citations name one page); headings and numbered items start new
chunks; size is measured with the embedding model's own tokenizer plus a character cap,
because MiniLM turns a whole Khmer phrase into one [UNK] and would undercount it badly.
Every chunk is an exact slice ``page.text[start:end]``: quotes and highlights stay faithful.
Page furniture (running titles, repeated header/footer lines, page numbers; see
``ingest.furniture``) stays in the stored page text but never enters a chunk, and a table of
contents names headings without being them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.models import Page
from ingest.furniture import find_furniture
from ingest.label_blocks import held_lines
from ingest.schedule import find_sessions
from ingest.structure import HeadingPath, LineRole, classify_line, is_contents_page, runs_into

#: Bump when what becomes a chunk or a heading changes: part of the ingest fingerprint.
CHUNKING_VERSION = "9"  # 9: a spaced-out running title is furniture anywhere; 8: a numbered line that continues a sentence is no heading; 7: unreadable text is one passage, its title; 6: Markdown contents dropped

SentenceSplitter = Callable[[str], list[tuple[int, int]]]
TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class ChunkSpan:
    page: int
    start: int
    end: int
    heading: str
    text: str


@dataclass
class _Unit:
    page: int
    start: int
    end: int
    tokens: int
    kind: str  # heading | item | session (a programme session starts) | text
    heading: str  # heading path in force at this unit


def _default_splitter() -> SentenceSplitter:
    from ingest.sentences import split_sentences

    return split_sentences


class StructureAwareChunker:
    """Turns a document's pages into chunk spans."""

    def __init__(
        self,
        count_tokens: TokenCounter,
        *,
        max_tokens: int = 200,
        max_chars: int = 1200,
        overlap_sentences: int = 1,
        split_sentences: SentenceSplitter | None = None,
    ) -> None:
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.max_chars = max_chars
        self.overlap = overlap_sentences
        self.split_sentences = split_sentences or _default_splitter()

    def chunk(self, pages: Sequence[Page]) -> list[ChunkSpan]:
        path = HeadingPath()
        spans: list[ChunkSpan] = []
        furniture = find_furniture([p.text for p in pages])
        for page, skip in zip(pages, furniture, strict=True):
            units = list(self._units(page, path, {start for start, _ in skip}))
            spans.extend(self._pack(page, units))
        return spans

    # -- units: headings, and sentences tagged with whether a numbered item starts there --

    def _units(self, page: Page, path: HeadingPath, furniture: set[int]) -> list[_Unit]:
        """``furniture``: where the page's header/footer lines start (they are skipped)."""
        text = page.text
        contents = is_contents_page(text.splitlines())
        held = held_lines(text)  # "Keynote Speech by" / blank / the speaker: one unit
        sessions = {start for start, _, _ in find_sessions(text)}  # "14:00 - 15:15 ..."
        units: list[_Unit] = []
        para_start: int | None = None
        para_kind = "text"
        offset = 0

        def flush(end: int) -> None:
            nonlocal para_start, para_kind
            if para_start is None:
                return
            first = True
            for s, e in self.split_sentences(text[para_start:end]):
                for ws, we in self._windows(para_start + s, para_start + e, text):
                    units.append(
                        _Unit(page.number, ws, we, self.count_tokens(text[ws:we]),
                              para_kind if first else "text", str(path))
                    )
                    first = False
            para_start, para_kind = None, "text"

        previous = ""
        for line in text.splitlines(keepends=True):
            line_start, line_end = offset, offset + len(line.rstrip("\r\n"))
            offset += len(line)
            lead = len(line) - len(line.lstrip())
            if line_start + lead in furniture:
                flush(line_start)
                continue
            role = classify_line(line)
            # a contents entry, or a numbered line that carries on the sentence above it
            if role.kind == "heading" and (contents or runs_into(previous, line)):
                role = LineRole("text")
            previous = line if line.strip() else ""
            if role.kind == "blank":
                if line_start in held:
                    continue
                flush(line_start)
                continue
            if role.kind == "heading":
                flush(line_start)
                path.push(role.level, role.title)
                units.append(
                    _Unit(page.number, line_start + lead, line_end,
                          self.count_tokens(line), "heading", str(path))
                )
                continue
            if line_start + lead in sessions:
                flush(line_start)
                role = LineRole("session")
            elif role.kind == "item" and line_start not in held:
                flush(line_start)
            if para_start is None:
                para_start = line_start + (len(line) - len(line.lstrip()))
                para_kind = role.kind
        flush(len(text))
        return [u for u in units if u.end > u.start]

    def _windows(self, start: int, end: int, text: str) -> list[tuple[int, int]]:
        """Split one over-long sentence at spaces so no unit exceeds the character cap."""
        limit = self.max_chars
        out = []
        while end - start > limit:
            cut = text.rfind(" ", start + limit // 2, start + limit)
            cut = cut if cut > start else start + limit
            out.append((start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            out.append((start, end))
        return out

    # -- packing units into chunks ---------------------------------------------------------

    def _pack(self, page: Page, units: list[_Unit]) -> list[ChunkSpan]:
        chunks: list[list[_Unit]] = []
        current: list[_Unit] = []
        tokens = 0

        def has_body(group: list[_Unit]) -> bool:
            return any(u.kind != "heading" for u in group)

        session_tokens = self._session_tokens(units)
        in_session = False  # a session's speakers ("H.E. ...") read as items: not cut there
        for i, unit in enumerate(units):
            start_new = False
            if unit.kind in ("session", "heading"):
                in_session = unit.kind == "session"
            if current:
                chars = unit.end - current[0].start
                if unit.kind == "heading" and has_body(current):
                    start_new = True
                elif unit.kind == "session" and has_body(current) \
                        and tokens + session_tokens[i] > self.max_tokens:
                    start_new = True  # a session that fits a chunk is not cut in two
                elif unit.kind == "item" and not in_session and has_body(current) \
                        and tokens >= self.max_tokens // 4:
                    start_new = True
                elif tokens + unit.tokens > self.max_tokens or chars > self.max_chars:
                    start_new = True
            if start_new:
                chunks.append(current)
                carry = self._overlap(current, unit)
                current, tokens = carry, sum(u.tokens for u in carry)
            current.append(unit)
            tokens += unit.tokens
        if current:
            chunks.append(current)

        return [
            ChunkSpan(
                page=page.number,
                start=group[0].start,
                end=group[-1].end,
                heading=group[0].heading,
                text=page.text[group[0].start : group[-1].end],
            )
            for group in chunks
        ]

    @staticmethod
    def _session_tokens(units: list[_Unit]) -> dict[int, int]:
        """For each unit that opens a programme session, the tokens of the whole session
        (up to the next session or heading)."""
        out: dict[int, int] = {}
        for i, unit in enumerate(units):
            if unit.kind != "session":
                continue
            j, total = i, 0
            while j < len(units) and (j == i or units[j].kind not in ("session", "heading")):
                total += units[j].tokens
                j += 1
            out[i] = total
        return out

    def _overlap(self, previous: list[_Unit], incoming: _Unit) -> list[_Unit]:
        """Repeat the last sentences of a chunk split for size, never across structure."""
        if self.overlap == 0 or incoming.kind != "text":
            return []
        tail = [u for u in previous[-self.overlap :] if u.kind == "text"]
        if len(tail) >= len(previous):
            return []
        budget = self.max_tokens // 3
        if sum(u.tokens for u in tail) + incoming.tokens > budget * 2:
            return []
        if tail and incoming.end - tail[0].start > self.max_chars:
            return []  # the repeated sentence must not push the new chunk past the cap
        return tail
