"""The policy registry: extraction from headings and numbering, the reviewed file, page mapping.

The fixture policy below is original text written for these tests (a fictional provincial
policy); it is worded differently from the real Cambodian policies on purpose: "Goal N",
"Strategy N", explicit "Measure N.M" headings, bullets, numbered items and a table of contents.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from alignment.registry import PolicyRegistry, RegistryCache, build_registry, extract_policy
from alignment.registry_extract import parse_structure, short_title

REPO = Path(__file__).resolve().parents[2]
SHARED_POLICY = REPO.parent / "shared" / "corpus" / "policy"

FIXTURE_POLICY = """[[page 1]]
PROVINCIAL DIGITAL INCLUSION POLICY 2025-2030

TABLE OF CONTENTS
1. Introduction ........................................ 2
2. Goals and Strategies ................................ 2
Goal 1: Connected villages ............................. 2
Strategy 1: Shared village networks .................... 2
Strategy 2: Affordable devices ......................... 3
Goal 2: Confident digital users ........................ 4
Strategy 3: Skills for every household ................. 4
Strategy 4: Safe online services ....................... 5
3. Implementation and Review ........................... 6
[[page 2]]
1. Introduction
Many villages in the province still have no reliable internet, and many families cannot
afford a device. This policy sets out what the provincial office will do about it.

2. Goals and Strategies
The policy has two goals and four strategies.

Goal 1: Connected villages
Every village should reach the internet at a fair price by 2030.

Strategy 1: Shared village networks
Operators will share masts and fibre so that remote villages are worth serving.
Measure 1.1: Open a shared mast programme in the poorest districts
Operators that share a mast pay a lower licence fee for it.
Measure 1.2: Map every fibre route on one public register
The register is updated every quarter and is open to all operators.
[[page 3]]
Strategy 2: Affordable devices
Devices remain the main barrier for poor households. The actions of this strategy are:
• Offer a low-cost tablet lease to families with school children, through the commune office.
• Collect and refurbish used government laptops for community learning centres.
[[page 4]]
Goal 2: Confident digital users
People should use online services safely and without help.

Strategy 3: Skills for every household
1. Train one digital volunteer in each village to help neighbours with phones and forms.
2. Add a weekly digital skills hour to adult literacy classes.
[[page 5]]
Strategy 4: Safe online services
- Publish a plain-language guide to spotting online fraud.
- Set up a hotline where residents report scams and hacked accounts.
[[page 6]]
3. Implementation and Review
The provincial office reports on progress every year and revises the measures in 2028.
"""

FIXTURE_SIDECAR = """title: Provincial Digital Inclusion Policy 2025-2030
doc_type: policy
issuing_body: Provincial Office of Rural Connectivity
date: 2025-02-01
language: en
"""

DOC_ID = "policy/provincial_digital_inclusion_2025.txt"

REVIEWED = """version: 1
policies:
  - id: provincial-digital-inclusion
    title: Provincial Digital Inclusion Policy 2025-2030
    short_name: Digital Inclusion
    match: "*provincial_digital_inclusion*"
    period: 2025-2030
    expected: {goals: 2, strategies: 4, measures: 8}
    corrections:
      - {op: retitle, id: strategy-2, title: Affordable devices for poor households}
      - {op: drop, id: measure-4.2}
      - op: add
        level: measure
        parent: strategy-4
        title: Teach pensioners to use two-factor login
        page_start: 5
        page_end: 5
      - op: add
        level: measure
        parent: strategy-2
        after: measure-2.1
        title: Give a data bundle with every leased tablet
      - {op: pages, id: strategy-3, page_start: 4, page_end: 5}
  - id: national-example-strategy
    title: National Example Strategy - Phase I
    has_text: false
    note: entered by hand; no indexed text backs it
    period: 2023-2028
    goals:
      - {label: Pentagon 1, title: People}
      - {label: Pentagon 2, title: Roads}
  - id: missing-policy
    title: A policy whose document is not indexed
    match: "*no_such_document*"
"""


def write_fixture(folder: Path) -> Path:
    path = folder / DOC_ID
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FIXTURE_POLICY, encoding="utf-8")
    (folder / (DOC_ID + ".meta.yaml")).write_text(FIXTURE_SIDECAR, encoding="utf-8")
    return folder


@pytest.fixture
def fixture_index(tmp_path, make_services):
    """The fixture policy ingested with the real services (OCR off)."""
    from core.settings import Settings

    reviewed = tmp_path / "policies.yaml"
    reviewed.write_text(REVIEWED, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None,
                        registry_path=reviewed)
    services = make_services(settings)
    report = services.ingestor.ingest([write_fixture(tmp_path / "corpus")])
    assert not report.failed, report.summary()["failed"]
    yield services
    services.catalog.close()


def _tree(policy):
    return {n.short_id: n for n in policy.walk()}


# -- extraction -----------------------------------------------------------------------------


def test_extracts_the_fixture_policy(fixture_index):
    catalog = fixture_index.catalog
    doc = catalog.get_document(DOC_ID)
    assert doc is not None and doc.doc_type == "policy"
    policy = extract_policy(doc, catalog.pages_of(DOC_ID))
    assert policy is not None
    assert policy.counts() == {"goals": 2, "strategies": 4, "measures": 8}
    assert [(g.label, g.title) for g in policy.goals] == [
        ("Goal 1", "Connected villages"), ("Goal 2", "Confident digital users")]
    strategies = [n for n in policy.walk() if n.level == "strategy"]
    assert [(s.label, s.title, s.page_start, s.page_end) for s in strategies] == [
        ("Strategy 1", "Shared village networks", 2, 2),
        ("Strategy 2", "Affordable devices", 3, 3),
        ("Strategy 3", "Skills for every household", 4, 4),
        ("Strategy 4", "Safe online services", 5, 5),
    ]
    nodes = _tree(policy)
    # explicit "Measure N.M" headings keep the document's numbering and titles
    assert nodes["measure-1.1"].label == "Measure 1.1"
    assert nodes["measure-1.1"].title == "Open a shared mast programme in the poorest districts"
    assert nodes["measure-1.2"].title == "Map every fibre route on one public register"
    # bullets ("•" and "-") and numbered items are numbered by position under their strategy
    assert [m.label for m in nodes["strategy-2"].children] == ["Measure 2.1", "Measure 2.2"]
    assert nodes["measure-2.1"].title.startswith("Offer a low-cost tablet lease")
    assert nodes["measure-2.2"].title.startswith("Collect and refurbish used government laptops")
    assert nodes["measure-3.1"].title.startswith("Train one digital volunteer in each village")
    assert nodes["measure-3.2"].title.startswith("Add a weekly digital skills hour")
    assert nodes["measure-4.2"].title.startswith("Set up a hotline")
    # goals run until the next goal; the last one ends before "3. Implementation" (page 6)
    assert (nodes["goal-1"].page_start, nodes["goal-1"].page_end) == (2, 3)
    assert (nodes["goal-2"].page_start, nodes["goal-2"].page_end) == (4, 5)
    assert all(n.id.startswith(policy.id + ":") and n.doc_id == DOC_ID for n in policy.walk())
    assert policy.has_text and policy.note and not policy.warnings


def test_table_of_contents_is_not_extracted_and_cross_checks(fixture_index):
    pages = fixture_index.catalog.pages_of(DOC_ID)
    extraction = parse_structure(pages)
    assert all(n.page != 1 for n in extraction.nodes)  # page 1 is the table of contents
    assert {(lvl, key) for lvl, key, _, _ in extraction.toc_entries} >= {
        ("goal", "1"), ("goal", "2"), ("strategy", "4")}
    assert not extraction.warnings
    # drop Strategy 4's section: the table of contents still lists it
    cut = [p if p.page != 5 else type(p)(p.doc_id, 5, "Nothing here.", p.method) for p in pages]
    warnings = parse_structure(cut).warnings
    assert any("strategy 4" in w and "table of contents" in w for w in warnings)


def test_node_for_page(fixture_index):
    registry = build_registry(fixture_index.catalog, fixture_index.settings.registry_path)
    assert registry.node_for_page(DOC_ID, 1) is None  # table of contents
    assert registry.node_for_page(DOC_ID, 6) is None  # after the policy part
    assert registry.node_for_page("nope.txt", 3) is None
    policy, node = registry.node_for_page(DOC_ID, 3)
    assert policy.id == "provincial-digital-inclusion" and node.level == "measure"
    assert node.short_id.startswith("measure-2.")
    # with the passage's offset in the page text the answer is exact
    page3 = fixture_index.catalog.page(DOC_ID, 3).text
    _, node = registry.node_for_page(DOC_ID, 3, page3.index("Collect and refurbish"))
    assert node.short_id == "measure-2.3"  # after the reviewed file inserted 2.2
    _, node = registry.node_for_page(DOC_ID, 3, page3.index("Devices remain"))
    assert node.short_id == "strategy-2"
    page2 = fixture_index.catalog.page(DOC_ID, 2).text
    _, node = registry.node_for_page(DOC_ID, 2, page2.index("Every village should"))
    assert node.short_id == "goal-1"
    assert registry.node_for_page(DOC_ID, 2, page2.index("Many villages")) is None


def test_khmer_headings():
    @dataclass
    class P:
        page: int
        text: str

    pages = [
        P(1, "គោលនយោបាយស្តីពីការតភ្ជាប់ភូមិ\n\nគោលដៅទី១៖ ភូមិតភ្ជាប់\nសេចក្តីផ្តើមខ្លី។\n"
             "យុទ្ធសាស្ត្រទី១៖ បណ្តាញរួម\nវិធានការទី១៖ សាងសង់បង្គោលរួម\nវិធានការទី២៖ ចុះបញ្ជីខ្សែកាប\n"),
        # the same keyword typed with subscript RO before TA (a common variant spelling)
        P(2, "យុទ្ធសាស្រ្តទី២៖ ឧបករណ៍តម្លៃទាប\n• ជួលថេប្លេតតម្លៃទាប\n• ជួសជុលកុំព្យូទ័រចាស់\n"
             "គោលដៅទី២៖ អ្នកប្រើប្រាស់មានទំនុកចិត្ត\nយុទ្ធសាស្ត្រទី៣៖ ជំនាញគ្រប់គ្រួសារ\n"
             "វិធានការទី១៖ បណ្តុះបណ្តាលអ្នកស្ម័គ្រចិត្ត\n"),
    ]
    extraction = parse_structure(pages)
    goals = extraction.nodes
    assert [(g.label, g.key, g.title) for g in goals] == [
        ("គោលដៅទី១", "1", "ភូមិតភ្ជាប់"), ("គោលដៅទី២", "2", "អ្នកប្រើប្រាស់មានទំនុកចិត្ត")]
    assert [s.key for s in goals[0].children] == ["1", "2"]
    assert [m.label for m in goals[0].children[0].children] == ["វិធានការទី១", "វិធានការទី២"]
    assert len(goals[0].children[1].children) == 2  # bullets
    assert (goals[0].children[1].page, goals[1].page) == (2, 2)


def test_lettered_groups_under_policy_directions_and_an_annex_matrix():
    """The DESPF's shape, in other words: numbered directions under a 'Policy Directions'
    section, lettered measure groups, bullets, and an annex matrix that numbers the measures."""

    @dataclass
    class P:
        page: int
        text: str

    pages = [
        P(1, "2. CONTEXT\nSome context.\n3. POLICY DIRECTIONS AND MEASURES\nWhat follows.\n"
             "3.1. Rural Broadband for Growth\nWhy it matters.\n"
             "A. Policy Measures on Backbone Networks\nThe following measures:\n"
             "\uf0b7 Extend the fibre backbone to every district;\n"
             "\uf0b7 License shared towers.\n"
             "B. Policy Measures on Public Wi-Fi\n\uf0b7 Open free Wi-Fi in markets.\n"),
        P(2, "3.2. Trusted Online Services\nIntro.\nA. Data Protection\n"
             "\uf0b7 Draft a data protection law;\n\uf0b7 Train data officers;\n"
             "\uf0b7 Publish breach statistics.\n4. IMPLEMENTATION\nCommittees meet yearly.\n"),
        P(3, "ANNEX 1. MATRIX OF POLICY MEASURES\nNo. Direction Measure Agency\n"
             "I. Rural Broadband\n1\nA. Backbone\nExtend the fibre backbone\nMinistry\n"
             "2\nLicense shared towers\nRegulator\n3\nB. Public Wi-Fi\nOpen free Wi-Fi\n"),
        P(4, "II. Trusted Online Services\n4\nA. Data Protection\nDraft a law\n5\nTrain officers\n"
             "6\nPublish statistics\nANNEX 2. GLOSSARY\n1\nA. Term\nMeaning\n"),
    ]
    extraction = parse_structure(pages)
    assert [(g.label, g.title) for g in extraction.nodes] == [
        ("Policy direction 3.1", "Rural Broadband for Growth"),
        ("Policy direction 3.2", "Trusted Online Services")]
    groups = [s for g in extraction.nodes for s in g.children]
    assert [(s.label, s.title, len(s.children)) for s in groups] == [
        ("Measure group 3.1.A", "Backbone Networks", 2),
        ("Measure group 3.1.B", "Public Wi-Fi", 1),
        ("Measure group 3.2.A", "Data Protection", 3)]
    assert extraction.nodes[1].end == (2, pages[1].text.index("4. IMPLEMENTATION"))
    assert [(g.goal_index, [n for n, _ in g.rows]) for g in extraction.matrix] == [
        (1, [1, 2]), (1, [3]), (2, [4, 5, 6])]

    from core.models import DocumentRecord

    doc = DocumentRecord(doc_id="x.pdf", source="x.pdf", root="", file_hash="", title="X",
                         doc_type="policy", language="en")
    policy = extract_policy(doc, pages)  # type: ignore[arg-type]
    assert policy is not None and not policy.warnings
    nodes = _tree(policy)
    assert nodes["strategy-3.2.A"].extra_pages == [(4, 4)]
    assert nodes["strategy-3.1.A"].extra_pages == [(3, 3)]
    assert nodes["measure-3.2.A.3"].extra_pages == [(4, 4)]
    assert nodes["goal-3.1"].extra_pages == [(3, 3)]
    assert PolicyRegistry([policy]).node_for_page("x.pdf", 4)[1].short_id.startswith(
        "measure-3.2.A")


def test_short_title():
    assert short_title("Develop an open data policy to lay down principles, standards, "
                       "licenses, and mechanisms for opening data.") == \
        "Develop an open data policy to lay down principles"
    assert short_title("Formulate a Law on the Right to Information to determine how.") == \
        "Formulate a Law on the Right to Information"
    assert short_title("Promote digital literacy.") == "Promote digital literacy"
    assert len(short_title("word " * 60)) <= 91


# -- the reviewed file ------------------------------------------------------------------------


def test_reviewed_file_corrections_and_hand_entered_policies(fixture_index, caplog):
    with caplog.at_level(logging.WARNING, logger="alignment.registry"):
        registry = build_registry(fixture_index.catalog, fixture_index.settings.registry_path)
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


def test_a_correction_whose_node_is_gone_is_reported(fixture_index, tmp_path):
    reviewed = tmp_path / "gone.yaml"
    reviewed.write_text(
        "policies:\n  - id: p\n    title: P\n    match: '*provincial*'\n    corrections:\n"
        "      - {op: retitle, id: strategy-9, title: X}\n", encoding="utf-8")
    policy = build_registry(fixture_index.catalog, reviewed).get("p")
    assert any("strategy-9" in w and "skipped" in w for w in policy.warnings)
    assert policy.counts() == {"goals": 2, "strategies": 4, "measures": 8}


@pytest.mark.parametrize(("text", "where"), [
    ("policies:\n  - id: a\n    title: A\n    match: '*'\n    titel: B\n", "policies[0].titel"),
    ("policies:\n  - id: a\n    title: A\n    match: '*'\n    corrections:\n"
     "      - {op: retitle, id: goal-1, titel: X}\n", "policies[0].corrections[0].titel"),
    ("policies:\n  - id: a\n    title: A\n    match: '*'\n    corrections:\n"
     "      - {op: rename, id: goal-1}\n", "policies[0].corrections[0].op"),
    ("policies:\n  - id: a\n    title: A\n    match: '*'\n    expected: {goals: many}\n",
     "policies[0].expected.goals"),
    ("policies:\n  - id: a\n    title: A\n    has_text: false\n    goals:\n"
     "      - {label: G1, name: X}\n", "policies[0].goals[0].name"),
    ("policies:\n  - id: a\n    title: A\n", "policies[0].match"),
    ("policies: {id: a}\n", "policies"),
    ("polices: []\n", "polices"),
    ("policies:\n  - [unclosed\n", "not valid YAML"),
])
def test_malformed_reviewed_file_names_file_and_key(fixture_index, tmp_path, text, where):
    bad = tmp_path / "bad-registry.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        build_registry(fixture_index.catalog, bad)
    assert "bad-registry.yaml" in str(info.value) and where in str(info.value)


def test_the_repository_reviewed_file_is_valid():
    from alignment.registry import load_reviewed
    from core.settings import Settings

    entries = load_reviewed(Settings(_env_file=None).registry_path)
    by_id = {e["id"]: e for e in entries}
    assert by_id["digital-government-policy-2022-2035"]["expected"] == {
        "goals": 4, "strategies": 10, "measures": 83}
    pentagons = by_id["pentagonal-strategy-phase-1"]
    assert pentagons["has_text"] is False and len(pentagons["goals"]) == 5
    assert len(by_id["rectangular-strategy-phase-4"]["goals"]) == 4


# -- caching ----------------------------------------------------------------------------------


def test_registry_cache_rebuilds_on_generation_or_reviewed_file_change(fixture_index, tmp_path):
    cache = fixture_index.registry
    assert isinstance(cache, RegistryCache)
    first = cache.current()
    assert cache.current() is first and cache.builds == 1
    # an edit of the reviewed file is picked up
    path = fixture_index.settings.registry_path
    path.write_text(REVIEWED.replace("Digital Inclusion\n", "Inclusion\n"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = cache.current()
    assert second is not first and second.get("provincial-digital-inclusion").short_name == "Inclusion"
    # documents changing moves the generation on
    extra = tmp_path / "more"
    (extra / "note.md").parent.mkdir(parents=True)
    (extra / "note.md").write_text("# Note\n\nAn unrelated note.\n", encoding="utf-8")
    fixture_index.ingestor.ingest([extra])
    third = cache.current()
    assert third is not second and cache.builds == 3
    assert third.build_seconds < 1.0


def test_cli_policies(fixture_index, monkeypatch):
    import json

    from typer.testing import CliRunner

    from policykb.cli import app

    monkeypatch.setenv("POLICYKB_REGISTRY_PATH", str(fixture_index.settings.registry_path))
    runner = CliRunner()
    data_dir = str(fixture_index.settings.data_dir)
    result = runner.invoke(app, ["--data-dir", data_dir, "policies", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["policies"][0]["counts"] == {"goals": 2, "strategies": 4, "measures": 9}
    result = runner.invoke(app, ["--data-dir", data_dir, "policies", "--measures"])
    assert result.exit_code == 0, result.output
    assert "Strategy 3: Skills for every household" in result.output
    assert "Measure 1.1" in result.output and "Pentagon 2" in result.output


# -- the real Digital Government Policy ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_POLICY / "KH_Digital_Government_Policy_2022-2035_EN.pdf").exists(),
                    reason="the shared corpus is not available")
def test_real_digital_government_policy(tmp_path, make_services):
    """Only the DGP PDF, ingested without OCR, with the repository's reviewed file."""
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None)
    services = make_services(settings)
    report = services.ingestor.ingest([SHARED_POLICY / "KH_Digital_Government_Policy_2022-2035_EN.pdf"])
    assert not report.failed
    started = time.perf_counter()
    registry = services.registry.current()
    assert time.perf_counter() - started < 1.0
    policy = registry.get("digital-government-policy-2022-2035")
    assert policy is not None and policy.has_text
    assert policy.doc_id == "KH_Digital_Government_Policy_2022-2035_EN.pdf"
    assert policy.counts() == {"goals": 4, "strategies": 10, "measures": 83}
    assert not policy.warnings, policy.warnings
    strategies = [n for n in policy.walk() if n.level == "strategy"]
    assert [s.label for s in strategies] == [f"Strategy {i}" for i in range(1, 11)]
    nodes = _tree(policy)
    assert nodes["goal-3"].title == "Building Digital Capacity and Innovation"
    assert nodes["strategy-7"].title == "Building Digital Human Capital"
    # PDF pages (printed page + 12): section 7 runs from p. 28 to p. 38; Appendix 1 is pp. 48-61
    assert (nodes["strategy-1"].page_start, nodes["strategy-10"].page_end) == (28, 38)
    assert (nodes["strategy-7"].page_start, nodes["strategy-7"].page_end) == (35, 36)
    assert [len(s.children) for s in strategies] == [6, 1, 3, 1, 24, 28, 12, 3, 3, 2]
    assert nodes["measure-7.3"].label == "Priority action 7.3"
    assert nodes["strategy-6"].extra_pages == [(54, 58)]
    _, node = registry.node_for_page(policy.doc_id, 36)
    assert node.short_id.startswith("measure-7.")
    pentagons = registry.get("pentagonal-strategy-phase-1")
    assert pentagons is not None and pentagons.has_text is False and len(pentagons.goals) == 5
