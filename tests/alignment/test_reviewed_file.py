"""The reviewed registry file: its corrections and hand-entered policies, and the pydantic
schema that names the file and the key path of every mistake (for the CLI and the API too)."""

from __future__ import annotations

import logging

import pytest

from alignment.registry import build_registry, load_reviewed
from core.errors import ConfigurationError, IndexUnavailableError, RegistryFileError


def _tree(policy):
    return {n.short_id: n for n in policy.walk()}


def test_reviewed_file_corrections_and_hand_entered_policies(policy_index, caplog):
    with caplog.at_level(logging.WARNING, logger="alignment.registry"):
        registry = build_registry(policy_index.catalog, policy_index.settings.registry_path)
    ids = [p.id for p in registry.policies]
    assert ids == ["provincial-digital-inclusion", "national-example-strategy", "missing-policy"]
    policy = registry.get("provincial-digital-inclusion")
    assert policy.title == "Provincial Digital Inclusion Policy 2025-2030"
    assert policy.period == "2025-2030"
    assert policy.issuing_body == "Provincial Office of Rural Connectivity"  # from the document
    nodes = _tree(policy)
    assert nodes["strategy-2"].title == "Affordable devices for poor households"
    # the inserted measure takes position 2.2; the bullet after it is renumbered
    assert [(m.label, m.title[:20]) for m in nodes["strategy-2"].children] == [
        ("Measure 2.1", "Offer a low-cost tab"), ("Measure 2.2", "Give a data bundle w"),
        ("Measure 2.3", "Collect and refurbis")]
    assert [m.title for m in nodes["strategy-4"].children] == [
        nodes["measure-4.1"].title, "Teach pensioners to use two-factor login"]
    assert nodes["measure-4.2"].page_start == 5 and nodes["measure-4.2"].page_end == 5
    assert (nodes["strategy-3"].page_start, nodes["strategy-3"].page_end) == (4, 5)
    assert registry.counts()["provincial-digital-inclusion"] == {
        "goals": 2, "strategies": 4, "measures": 9}
    # the reviewed counts (8 measures) disagree with the corrected extraction (9): a warning
    # naming the policy
    assert any("provincial-digital-inclusion" in r.getMessage() and "expects 2/4/8" in r.getMessage()
               for r in caplog.records)
    assert any("expects 2/4/8" in w for w in policy.warnings)

    hand = registry.get("national-example-strategy")
    assert hand.has_text is False and hand.doc_id is None
    assert hand.note == "entered by hand; no indexed text backs it"
    assert [(g.label, g.title, g.page_start) for g in hand.goals] == [
        ("Pentagon 1", "People", None), ("Pentagon 2", "Roads", None)]
    missing = registry.get("missing-policy")
    assert missing.has_text is False and "not indexed" in missing.note and not missing.goals

    assert [s.label for _, s in registry.strategies()] == [
        "Strategy 1", "Strategy 2", "Strategy 3", "Strategy 4"]
    assert len(registry.strategies(include_untexted=True)) == 6
    data = registry.to_dict()
    assert data["policies"][0]["counts"]["measures"] == 9
    assert data["policies"][0]["goals"][0]["children"][0]["children"][0]["label"] == "Measure 1.1"


def test_a_correction_whose_node_is_gone_is_reported(policy_index, tmp_path):
    reviewed = tmp_path / "gone.yaml"
    reviewed.write_text(
        "policies:\n  - id: p\n    title: P\n    match: '*provincial*'\n    corrections:\n"
        "      - {op: retitle, id: strategy-9, title: X}\n", encoding="utf-8")
    policy = build_registry(policy_index.catalog, reviewed).get("p")
    assert any("strategy-9" in w and "skipped" in w for w in policy.warnings)
    assert policy.counts() == {"goals": 2, "strategies": 4, "measures": 8}


_POLICY = "policies:\n  - id: a\n    title: A\n    match: '*'\n"
_OPS = "must be one of retitle, relabel, pages, drop, add, split"


@pytest.mark.parametrize(("text", "message"), [
    # unknown keys, at every depth
    (_POLICY + "    titel: B\n", "policies[0].titel: unknown key"),
    ("polices: []\n", "polices: unknown key"),
    (_POLICY + "    corrections:\n      - {op: retitle, id: goal-1, title: X, titel: X}\n",
     "policies[0].corrections[0].titel: unknown key"),
    ("policies:\n  - id: a\n    title: A\n    has_text: false\n    goals:\n"
     "      - {label: G1, title: X, strategies: [{label: S, title: T, strategies: []}]}\n",
     "policies[0].goals[0].strategies[0].strategies: unknown key"),
    # wrong types
    (_POLICY + "    expected: {goals: many}\n",
     "policies[0].expected.goals: must be a whole number, not str"),
    (_POLICY + "    expected: {goals: true}\n",
     "policies[0].expected.goals: must be a whole number, not bool"),
    (_POLICY + "  - id: b\n    title: B\n    has_text: false\n    goals:\n"
     "      - {label: G1, title: 7}\n", "policies[1].goals[0].title: must be text, not int"),
    ("policies: {id: a}\n", "policies: must be a list, not dict"),
    ("- a\n- b\n", "(top level): must be a mapping, not list"),
    (_POLICY + "    has_text: 'no'\n", "policies[0].has_text: must be true or false, not str"),
    (_POLICY + "    match: 5\n", "policies[0].match: must be a glob or a list of globs"),
    (_POLICY + "    corrections:\n      - {op: pages, id: goal-1, page_start: 0, page_end: 2}\n",
     "policies[0].corrections[0].page_start: Input should be greater than or equal to 1"),
    # unknown or missing op, missing keys, keys that depend on others
    (_POLICY + "    corrections:\n      - {op: rename, id: goal-1}\n",
     "policies[0].corrections[0].op: " + _OPS),
    (_POLICY + "    corrections:\n      - {id: goal-1}\n",
     "policies[0].corrections[0].op: " + _OPS),
    ("policies:\n  - id: a\n    title: A\n",
     "policies[0].match: missing (a doc_id glob; or set has_text: false)"),
    (_POLICY + "    corrections:\n      - {op: add, level: strategy, parent: goal-1, title: T}\n",
     "policies[0].corrections[0].label: missing (e.g. 'Strategy 11')"),
    (_POLICY + "    corrections:\n      - {op: add, level: measure, parent: s, title: T, "
     "page_start: 3}\n",
     "policies[0].corrections[0]: give both page_start and page_end, or neither"),
    ("policies:\n  - id: a\n    title: A\n    has_text: false\n    match: '*'\n",
     "policies[0].match: only for policies with indexed text"),
    (_POLICY + "    goals: [{label: G, title: T}]\n",
     "policies[0].goals: only for hand-entered policies (has_text: false)"),
    (_POLICY + "  - id: b\n    title: B\n    match: '*'\n  - id: a\n    title: C\n    match: '*'\n",
     "policies: duplicate policy id 'a' (policies[0] and policies[2])"),
    ("policies:\n  - id: Policy A\n    title: A\n    match: '*'\n",
     "policies[0].id: use lower-case letters, digits and '-' only"),
])
def test_malformed_reviewed_file_names_file_and_key(tmp_path, text, message):
    bad = tmp_path / "bad-registry.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryFileError) as info:
        load_reviewed(bad)
    assert str(info.value) == f"{bad}: {message}"


def test_several_mistakes_are_listed_in_the_files_order(tmp_path):
    bad = tmp_path / "bad-registry.yaml"
    bad.write_text("policies:\n  - id: a\n    title: A\n    match: '*'\n    titel: B\n"
                   "    expected: {goal: 4}\n", encoding="utf-8")
    with pytest.raises(RegistryFileError) as info:
        load_reviewed(bad)
    assert str(info.value) == (f"{bad}: policies[0].expected.goal: unknown key; "
                               "policies[0].titel: unknown key")


@pytest.mark.parametrize(("content", "message"), [
    (b"policies:\n  - [unclosed\n", "not valid YAML: while parsing a flow sequence"),
    (b"policies:\n  - id: \xff\xfe\n", "not UTF-8 text"),
])
def test_unreadable_reviewed_file_names_the_file(tmp_path, content, message):
    bad = tmp_path / "bad-registry.yaml"
    bad.write_bytes(content)
    with pytest.raises(RegistryFileError) as info:
        load_reviewed(bad)
    assert str(info.value).startswith(f"{bad}: {message}")


def test_empty_values_count_as_not_given(tmp_path):
    path = tmp_path / "policies.yaml"
    path.write_text("", encoding="utf-8")
    assert load_reviewed(path).policies == []
    path.write_text("version: 1\npolicies:\n", encoding="utf-8")
    assert load_reviewed(path).policies == []
    path.write_text("policies:\n  - id: a\n    title: A\n    has_text: false\n    note:\n"
                    "    period: 2023\n    goals:\n"
                    "      - {label: Pillar 2, title: B, strategies:}\n", encoding="utf-8")
    entry = load_reviewed(path).policies[0]
    assert entry.note is None and entry.period == "2023" and entry.goals[0].strategies == []


def test_build_registry_raises_the_file_error_not_index_unavailable(policy_index, tmp_path):
    bad = tmp_path / "bad-registry.yaml"
    bad.write_text(_POLICY + "    titel: B\n", encoding="utf-8")
    with pytest.raises(RegistryFileError, match=r"policies\[0\]\.titel: unknown key") as info:
        build_registry(policy_index.catalog, bad)
    assert isinstance(info.value, ConfigurationError)
    assert not isinstance(info.value, IndexUnavailableError | ValueError)


def test_the_repository_reviewed_file_is_valid():
    from core.settings import Settings

    entries = load_reviewed(Settings(_env_file=None).registry_path).policies
    by_id = {e.id: e for e in entries}
    dgp = by_id["digital-government-policy-2022-2035"]
    assert dgp.expected is not None and dgp.expected.as_dict() == {
        "goals": 4, "strategies": 10, "measures": 83}
    assert [c.op for c in dgp.corrections] == ["add", "split"]
    pentagons = by_id["pentagonal-strategy-phase-1"]
    assert pentagons.has_text is False and len(pentagons.goals) == 5
    assert len(by_id["rectangular-strategy-phase-4"].goals) == 4


def test_cli_names_a_malformed_reviewed_file(policy_index, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from policykb.cli import app

    bad = tmp_path / "bad-registry.yaml"
    bad.write_text(_POLICY + "    corrections:\n      - {op: rename, id: goal-1}\n",
                   encoding="utf-8")
    monkeypatch.setenv("POLICYKB_REGISTRY_PATH", str(bad))
    result = CliRunner().invoke(
        app, ["--data-dir", str(policy_index.settings.data_dir), "policies"])
    assert result.exit_code == 1, result.output
    message = " ".join(result.stderr.split())  # rich wraps long lines
    assert message.startswith("error: ") and "bad-registry.yaml" in message
    assert "policies[0].corrections[0].op: must be one of retitle" in message
    assert "index" not in message.lower() and "Traceback" not in result.output
