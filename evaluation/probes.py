"""Conversations a ministry reader had with the chat, replayed over HTTP and checked.

Each line of ``evaluation/dev/probes.jsonl`` is one question: ``q``; ``follow`` (true: asked
after the lines before it, with their turns as ``history``, as the page sends them); and what
a right answer is: ``decline`` (true: the index does not answer it), or ``docs`` (prefixes of
document ids one of which the first citation must come from) and optionally ``fact`` (a
string the answer must contain, case ignored: a sentence cut in half loses it).

These are the questions an answer round was built on, kept so a later change that breaks
one shows; they are development probes, not a held-out set (``answers.jsonl`` is the
benchmark). Two servers side by side compare two versions on the same index:

    python -m evaluation.probes --url http://127.0.0.1:8766 --before http://127.0.0.1:8767
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from evaluation.followups import as_turn
from evaluation.jsonl import jsonl_objects

PROBES = Path(__file__).resolve().parent / "dev" / "probes.jsonl"


@dataclass
class Probe:
    q: str
    follow: bool = False
    decline: bool = False
    docs: list[str] = field(default_factory=list)
    fact: str = ""


def load_probes(path: Path = PROBES) -> list[Probe]:
    """The probes of ``path``; a bad line is an error naming the line and the field."""
    probes = []
    for n, row in jsonl_objects(path):
        if not isinstance(row.get("q"), str) or not row["q"].strip():
            raise ValueError(f"{path}:{n}: missing q")
        if not row.get("decline") and not (isinstance(row.get("docs"), list) and row["docs"]):
            raise ValueError(f"{path}:{n}: `docs` (a list of id prefixes) or `decline` needed")
        unknown = set(row) - {"q", "follow", "decline", "docs", "fact"}
        if unknown:
            raise ValueError(f"{path}:{n}: unknown field {sorted(unknown)[0]}")
        probes.append(Probe(**row))
    return probes


def judged(probe: Probe, answer: dict[str, Any]) -> bool:
    """Whether ``answer`` is what the probe calls right."""
    if probe.decline:
        return not answer["found"]
    citations = answer.get("citations") or []
    if not answer["found"] or not citations:
        return False
    if not any(citations[0]["doc_id"].startswith(prefix) for prefix in probe.docs):
        return False
    return probe.fact.casefold() in answer["answer"].casefold()


def run(base: str, probes: list[Probe]) -> list[bool]:
    """Ask every probe in order (a follow-up carries the turns since the last fresh one)."""
    verdicts: list[bool] = []
    history: list[dict[str, Any]] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for probe in probes:
            if not probe.follow:
                history = []
            response = client.post("/ask", json={"question": probe.q, "history": history})
            response.raise_for_status()
            answer = response.json()
            history = [*history, as_turn(probe.q, answer)]
            verdicts.append(judged(probe, answer))
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the server to ask")
    parser.add_argument("--before", help="a second server (the earlier version) to compare")
    parser.add_argument("--probes", type=Path, default=PROBES)
    args = parser.parse_args(argv)
    probes = load_probes(args.probes)
    after = run(args.url, probes)
    before = run(args.before, probes) if args.before else None
    for i, probe in enumerate(probes):
        mark = "yes" if after[i] else "no"
        if before is not None:
            mark = f"{'yes' if before[i] else 'no'} -> {mark}"
        print(f"{mark:10} {'  +' if probe.follow else ''}{probe.q}")
    summary = f"right: {sum(after)}/{len(probes)}"
    if before is not None:
        summary = f"right: before {sum(before)}/{len(probes)}, after {sum(after)}/{len(probes)}"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
