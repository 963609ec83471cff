"""The line-by-line parser: opens and closes goals and strategies, collects measure candidates
and settles each strategy's measures when it closes."""

from __future__ import annotations

import re

from alignment.registry.extraction.headings import (
    annex_heading,
    continue_title,
    heading_like,
    is_upper,
    keyword_label,
    short_title,
)
from alignment.registry.extraction.patterns import (
    ANNEX,
    BULLET,
    CONTAINER,
    END_SECTION,
    GROUP_PREFIX,
    ITEM,
    KEYWORD_HEADING,
    KEYWORDS,
    KHMER_DIGITS,
    LETTERED,
    NUMBERED,
    PROSE_ACTION,
    fold,
)
from alignment.registry.extraction.raw import Line, RawNode


class StructureParser:
    """One pass over a document's kept lines, in reading order; ``run`` returns the top nodes.

    State is the open goal and strategy, the numbered section holding the structure
    (``container``) and whether an annex has started: the same line means different things
    inside and outside them."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.top: list[RawNode] = []
        self.goal: RawNode | None = None
        self.strategy: RawNode | None = None
        self.container: tuple[int, ...] | None = None
        self.container_kind: str | None = None
        self.annexed = False
        self.warnings: list[str] = []

    # opening and closing ------------------------------------------------------------

    def close_strategy(self, at: tuple[int, int]) -> None:
        if self.strategy is not None:
            self.strategy.end = at
            self._settle_measures(self.strategy)
            self.strategy = None

    def close_all(self, at: tuple[int, int]) -> None:
        self.close_strategy(at)
        if self.goal is not None:
            self.goal.end = at
            self.goal = None

    def open_goal(self, node: RawNode) -> None:
        self.close_all((node.page, node.offset))
        self.goal = node
        self.top.append(node)

    def open_strategy(self, node: RawNode) -> None:
        self.close_strategy((node.page, node.offset))
        self.strategy = node
        (self.goal.children if self.goal is not None else self.top).append(node)

    def _settle_measures(self, strategy: RawNode) -> None:
        """Pick the strategy's measures: explicit headings, else numbered items, else bullets,
        else a single action named in prose ("The priority action of this strategy is ...")."""
        bullets = [v for k, v in strategy.candidates.items() if k.startswith("bullet")]
        # the most frequent bullet character marks the measures; others are sub-points
        main_bullets = max(bullets, key=len) if bullets else []
        found: list[RawNode] = []
        for kind in ("explicit", "numbered", "bullet", "prose"):
            found = main_bullets if kind == "bullet" else strategy.candidates.get(kind, [])
            if found:
                break
        for i, measure in enumerate(found):
            measure.end = ((found[i + 1].page, found[i + 1].offset) if i + 1 < len(found)
                           else strategy.end)
            if measure.text_buffer:
                title = short_title(" ".join(measure.text_buffer))
                title = re.sub(r"^(?:the|a|an)\s+", "", title, flags=re.IGNORECASE)
                measure.title = title[:1].upper() + title[1:]
                measure.text_buffer = []
        strategy.children = list(found)
        strategy.candidates = {}
        strategy.text_buffer = []

    @property
    def structured(self) -> bool:
        return bool(self.top)

    # main loop ----------------------------------------------------------------------

    def run(self) -> list[RawNode]:
        lines = self.lines
        i = 0
        current_measure: RawNode | None = None
        while i < len(lines):
            line = lines[i]
            at = (line.page, line.start)
            text, folded = line.text, line.fold

            bullet = BULLET.match(text)
            if bullet and not re.match(r"^[-–—]\s*[0-9]", text):
                current_measure = None
                if self.strategy is not None and bullet.group("rest"):
                    current_measure = RawNode("measure", "", "", "", *at, positional=True)
                    current_measure.text_buffer.append(bullet.group("rest"))
                    kind = "bullet" + bullet.group("char")
                    self.strategy.candidates.setdefault(kind, []).append(current_measure)
                i += 1
                continue

            kw = KEYWORD_HEADING.match(folded)
            if kw and len(text) <= 200 and self._keyword_ok(kw, text):
                current_measure = None
                level = KEYWORDS[kw.group("kw").lower()]
                label, key = keyword_label(kw)
                title, used = continue_title(text[kw.start("title"):].strip(), lines, i)
                if self.annexed and self.structured and level != "measure":
                    i += 1 + used
                    continue
                if level == "goal":
                    node = RawNode("goal", key, label, title, *at)
                    if self.container is None:
                        sec = kw.group("sec")
                        parts = tuple(int(p) for p in sec.split(".")) if sec else None
                        self.container = parts[:-1] if parts and len(parts) > 1 else parts
                    self.open_goal(node)
                elif level == "strategy":
                    self.open_strategy(RawNode("strategy", key, label, title, *at))
                elif self.strategy is not None:
                    node = RawNode("measure", key, label, title, *at)
                    self.strategy.candidates.setdefault("explicit", []).append(node)
                i += 1 + used
                continue

            annex = ANNEX.match(text)
            if annex and annex_heading(annex, text):
                current_measure = None
                if self.structured:
                    self.annexed = True
                self.close_all(at)
                self.container = None
                i += 1
                continue

            numbered = NUMBERED.match(text)
            if numbered:
                handled, used = self._numbered(numbered, line, i)
                if handled:
                    current_measure = None
                    i += 1 + used
                    continue

            lettered = LETTERED.match(text)
            if (lettered and self.goal is not None and not self.annexed
                    and (self.strategy is None or not self.strategy.explicit)
                    and heading_like(lettered.group("title"), text)):
                current_measure = None
                letter = lettered.group("letter")
                title, used = continue_title(lettered.group("title").strip(), lines, i)
                title = GROUP_PREFIX.sub("", title).strip() or title
                key = f"{self.goal.key}.{letter}"
                node = RawNode("strategy", key, "", title, *at, explicit=False)
                self.open_strategy(node)
                i += 1 + used
                continue

            if (self.structured and (self.goal or self.strategy) and self.container is None
                    and is_upper(text) and END_SECTION.match(text) and len(text.split()) <= 12):
                current_measure = None
                self.close_all(at)
                i += 1
                continue

            if self.strategy is not None:
                prose = PROSE_ACTION.search(text)
                if prose and not self.strategy.candidates.get("prose"):
                    node = RawNode("measure", "", "", "", *at, positional=True)
                    rest = [prose.group("rest")] + [ln.text for ln in lines[i + 1:i + 3]]
                    node.text_buffer.extend(rest)
                    self.strategy.candidates["prose"] = [node]
                elif (current_measure is not None
                      and sum(map(len, current_measure.text_buffer)) < 300):
                    current_measure.text_buffer.append(text)
            i += 1

        if lines:
            last = lines[-1]
            self.close_all((last.page, 10**9))
        return self.top

    def _keyword_ok(self, m: re.Match[str], text: str) -> bool:
        """A keyword line is a heading when numbered and followed by punctuation or a short,
        sentence-less title ("Strategy 3: Cybersecurity", "Goal 2", "Strategy 4 Postal ...")."""
        title = m.group("title").strip()
        if m.group("sep") or not title:
            return True
        return len(text.split()) <= 14 and not title.endswith((".", ";", ",")) \
            and (title[0].isupper() or not title[0].isascii())

    def _numbered(self, m: re.Match[str], line: Line, i: int) -> tuple[bool, int]:
        """Numbered lines: measure items inside a strategy, goals under a container
        ("3.4.1." under "3.4. Policy Directions"), section headings, or the end of the part."""
        raw_num = m.group("num").translate(KHMER_DIGITS)
        parts = tuple(int(p) for p in raw_num.split("."))
        title = m.group("title").strip()
        text = line.text
        at = (line.page, line.start)
        strategy = self.strategy
        # 1. an item of the open strategy: "1." "2." ..., or "2.1" under Strategy 2
        if strategy is not None:
            items = strategy.candidates.get("numbered", [])
            expected = int(items[-1].key.rsplit(".", 1)[-1]) + 1 if items else 1
            skey = strategy.key
            is_item = False
            if len(parts) == 1 and parts[0] == expected and ITEM.match(text):
                container_major = self.container[0] if self.container else None
                is_item = not (is_upper(title) and (container_major is None
                                                     or parts[0] > container_major))
            elif (len(parts) == 2 and skey.isdigit() and parts[0] == int(skey)
                  and parts[1] == expected):
                is_item = True
            if is_item:
                key = f"{skey}.{parts[-1]}"
                node = RawNode("measure", key, "", title, *at)
                node.text_buffer.append(title)
                strategy.candidates.setdefault("numbered", []).append(node)
                return True, 0
        if not heading_like(title, text):
            return False, 0
        container = self.container or ()
        inside = bool(container) and parts[: len(container)] == container \
            and len(parts) > len(container)
        open_part = self.goal is not None or self.strategy is not None
        if inside and (len(parts) == len(container) + 1 and self.container_kind
                       and not self.annexed and not KEYWORD_HEADING.match(fold(title))):
            full, used = continue_title(title, self.lines, i)
            key = ".".join(map(str, parts))
            self.open_goal(RawNode("goal", key, f"{self.container_kind} {key}", full, *at,
                                   explicit=False))
            return True, used
        if inside and open_part:
            return False, 0  # a subsection inside a goal or strategy
        # outside the container: the end of the policy part, or a new section
        if open_part and not inside:
            later = not container or parts[0] > container[0] or (
                len(parts) <= len(container) and parts > container[: len(parts)])
            if not later or (len(parts) == 1 and not is_upper(title) and len(title.split()) > 12):
                return False, 0
            self.close_all(at)
        kind = CONTAINER.search(title)
        if kind and not (self.annexed and self.structured):
            self.container = parts
            self.container_kind = _container_label(kind.group("kind"))
        else:
            self.container = parts if not self.structured else None
            self.container_kind = None
        return False, 0


def _container_label(kind: str) -> str:
    kind = " ".join(kind.lower().split())
    singular = {"policy directions": "policy direction", "strategic goals": "strategic goal",
                "strategic pillars": "strategic pillar", "pillars": "pillar", "goals": "goal",
                "strategic priorities": "strategic priority", "priority areas": "priority area",
                "strategic areas": "strategic area"}.get(kind, kind)
    return singular[0].upper() + singular[1:] if singular.isascii() else singular
