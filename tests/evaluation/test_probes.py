"""The probe file loads, bad lines are named, and a probe's verdict reads the answer right."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.probes import Probe, judged, load_probes


def test_the_shipped_probes_load() -> None:
    probes = load_probes()
    assert len(probes) >= 10
    assert any(p.follow for p in probes) and any(p.decline for p in probes)
    assert not probes[0].follow  # a follow-up needs a question before it


@pytest.mark.parametrize(("line", "error"), [
    ('{"docs": ["a/"]}', "missing q"),
    ('{"q": "Why?"}', "`docs`"),
    ('{"q": "Why?", "docs": ["a/"], "doc": "x"}', "unknown field doc"),
    ("not json", "not JSON"),
])
def test_a_bad_probe_line_is_named(tmp_path: Path, line: str, error: str) -> None:
    path = tmp_path / "probes.jsonl"
    path.write_text('{"q": "Fine?", "decline": true}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"probes.jsonl:2: .*{error}"):
        load_probes(path)


def test_a_verdict_needs_the_document_and_the_fact() -> None:
    probe = Probe(q="What does the committee do?", docs=["policy/plan"], fact="social security.")
    answer = {"found": True, "answer": "It manages national social security. [1]",
              "citations": [{"doc_id": "policy/plan_en.pdf", "page": 3}]}
    assert judged(probe, answer)
    assert not judged(probe, {**answer, "answer": "It manages the entire national [1]"})
    assert not judged(probe, {**answer, "citations": [{"doc_id": "news/x.md", "page": 1}]})
    assert judged(Probe(q="Price of rice?", decline=True), {"found": False, "answer": "",
                                                           "citations": []})
    assert not judged(Probe(q="Price of rice?", decline=True), answer)
