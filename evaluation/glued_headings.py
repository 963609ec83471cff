"""Count headings glued into the quotes of cited answers (issue #12, "answers that read as
fragments"): "Strategy 2: Title\\nThe priority action ..." quoted as one sentence.

A quote holds a glued heading when one of its lines, before another line, reads as a heading:
short, no closing punctuation, not running on ("... of the"), and numbered ("3.4.2",
"4-", "IV."), a structure heading ("Strategy 3: ...", "យុទ្ធសាស្ត្រទី២៖ ..."), all capitals or
Title Case, while the next line starts a sentence. The rule is written here on its own,
apart from the splitter's, so the count does not just echo what the splitter decided.

    python -m evaluation.glued_headings --data-dir /tmp/pkb-S     # starts `policykb serve`
    python -m evaluation.glued_headings --url http://127.0.0.1:8000 --show
    python -m evaluation.glued_headings --data-dir /tmp/pkb-S --units  # every unit, no server
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

from evaluation.harness import load_answer_cases
from evaluation.server_process import ServerProcess
from index.evidence import evidence_units
from ingest.sentences import split_sentences
from ingest.structure import classify_line

DEV_ANSWERS = Path(__file__).resolve().parent / "dev" / "answers.jsonl"
_ENDS = ".?!;:,\u17d4\u17d5\u17d6\u17da)\"'\u201d\u2019"
_RUNS_ON = frozenset("a an the of and or to in on at by for from with as is are will be".split())
_NUMBERED = re.compile(
    r"^(?:[0-9\u17e0-\u17e9]{1,2}(?:\.[0-9\u17e0-\u17e9]{1,2})*[.\-\u2013)]?\s|[IVX]{1,4}\.\s|[A-H]\.\s)")
_SENTENCE_END = re.compile(r"[.?!\u17d4\u17d5](?:\s|$)")
_SMALL = frozenset("a an the of and or to in on at by for from with".split())


def _heading_like(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 14 or len(line) > 110 or line[-1] in _ENDS:
        return False
    if not (line[0].isupper() or line[0].isdigit() or "\u1780" <= line[0] <= "\u17ff"):
        return False
    if words[-1].lower() in _RUNS_ON:
        return False
    if classify_line(line).kind == "heading" or _NUMBERED.match(line):
        return True
    latin = [w for w in words if w[0].isalpha() and w.isascii()]
    # Title Case or capitals; a long capitalised line is more often a wrapped sentence
    return 2 <= len(latin) <= 8 and all(w[0].isupper() or w.lower() in _SMALL for w in latin)


def _starts_sentence(line: str) -> bool:
    first = line[:1]
    return bool(first) and (first.isupper() or first.isdigit() or "\u1780" <= first <= "\u17ff")


def _opens_heading(line: str) -> bool:
    """A numbered or structure heading's first line, even when it wraps ("... for")."""
    return bool(line) and (classify_line(line).kind == "heading" or bool(_NUMBERED.match(line)))


def glued_headings(quote: str) -> list[str]:
    """The heading lines that ``quote`` carries in front of a sentence: a heading line (or a
    numbered heading wrapped over two lines) at the quote's start or after a sentence's end,
    before a line that starts a sentence which ends later in the quote or runs long (a
    table row's cells do neither)."""
    lines = [line.strip() for line in quote.split("\n")]
    found = []
    for i, line in enumerate(lines[:-1]):
        before = lines[i - 1] if i else ""
        if before and before[-1] not in _ENDS and not _heading_like(before):
            continue
        heading, rest = line, i + 1
        if (not _heading_like(line) and _opens_heading(line) and i + 2 < len(lines)
                and _heading_like(f"{line} {lines[i + 1]}".replace(":", " "))):
            heading, rest = f"{line} / {lines[i + 1]}", i + 2  # wrapped over two lines
        elif not _heading_like(line):
            continue
        body = "\n".join(lines[rest:])
        if _starts_sentence(lines[rest]) and (_SENTENCE_END.search(body) or len(body) >= 150):
            found.append(heading)
    return found


def quotes(url: str, questions: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(question, quote) of every citation of the answers a running server gives."""
    with httpx.Client(base_url=url, timeout=120) as client:
        for question in questions:
            response = client.post("/ask", json={"question": question})
            response.raise_for_status()
            for citation in response.json().get("citations", []):
                yield question, citation["quote"]


def unit_quotes(data_dir: Path, split: Callable[[str], list[tuple[int, int]]] = split_sentences,
                ) -> Iterator[tuple[str, str]]:
    """(doc_id, unit) of every evidence unit an answer could quote from the index's chunks
    (read only): the whole corpus, not only what the dev questions retrieve."""
    uri = f"file:{data_dir / 'catalog.sqlite3'}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        for doc_id, text in conn.execute("SELECT doc_id, text FROM chunks ORDER BY doc_id, ordinal"):
            for start, end, row in evidence_units(text, split):
                if row is None:
                    yield doc_id, text[start:end]


def count(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Quotes, quotes with a glued heading, and the glued headings themselves."""
    everything, glued = [], []
    for question, quote in pairs:
        everything.append({"question": question, "quote": quote})
        found = glued_headings(quote)
        if found:
            glued.append({"question": question, "headings": found, "quote": quote})
    return {"quotes": len(everything), "with_glued_heading": len(glued), "glued": glued,
            "all": everything}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--data-dir", type=Path, help="index to serve (read only)")
    where.add_argument("--url", help="a running server")
    parser.add_argument("--units", action="store_true",
                        help="count over every evidence unit of --data-dir's chunks, not answers")
    parser.add_argument("--set", type=Path, default=DEV_ANSWERS, help="answer set JSONL")
    parser.add_argument("--show", action="store_true", help="print every glued quote")
    parser.add_argument("--json", type=Path, help="write the result here")
    args = parser.parse_args(argv)
    questions = [case.question for case in load_answer_cases(args.set)]
    if args.units:
        if not args.data_dir:
            parser.error("--units needs --data-dir")
        result = count(unit_quotes(args.data_dir))
    elif args.url:
        result = count(quotes(args.url, questions))
    else:
        with ServerProcess(args.data_dir) as server:
            result = count(quotes(server.url, questions))
    if args.show:
        for item in result["glued"]:
            print(f"- {item['headings']}\n  {item['quote'][:300]!r}")
    what = "evidence units" if args.units else "quotes"
    print(f"{result['with_glued_heading']} of {result['quotes']} {what} carry a glued heading")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
