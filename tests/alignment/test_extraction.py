"""The policy registry's extraction: goals, strategies and measures from headings and numbering,
table-of-contents cross-checks, annex matrices, page mapping; English and Khmer."""

from __future__ import annotations

from dataclasses import dataclass

from alignment.registry import PolicyRegistry, build_registry, extract_policy
from alignment.registry.extraction import parse_structure, short_title
from tests.support.registry_fixture import DOC_ID


def _tree(policy):
    return {n.short_id: n for n in policy.walk()}


def test_extracts_the_fixture_policy(policy_index):
    catalog = policy_index.catalog
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


def test_table_of_contents_is_not_extracted_and_cross_checks(policy_index):
    pages = policy_index.catalog.pages_of(DOC_ID)
    extraction = parse_structure(pages)
    assert all(n.page != 1 for n in extraction.nodes)  # page 1 is the table of contents
    assert {(lvl, key) for lvl, key, _, _ in extraction.toc_entries} >= {
        ("goal", "1"), ("goal", "2"), ("strategy", "4")}
    assert not extraction.warnings
    # drop Strategy 4's section: the table of contents still lists it
    cut = [p if p.page != 5 else type(p)(p.doc_id, 5, "Nothing here.", p.method) for p in pages]
    warnings = parse_structure(cut).warnings
    assert any("strategy 4" in w and "table of contents" in w for w in warnings)


def test_node_for_page(policy_index):
    registry = build_registry(policy_index.catalog, policy_index.settings.registry_path)
    assert registry.node_for_page(DOC_ID, 1) is None  # table of contents
    assert registry.node_for_page(DOC_ID, 6) is None  # after the policy part
    assert registry.node_for_page("nope.txt", 3) is None
    policy, node = registry.node_for_page(DOC_ID, 3)
    assert policy.id == "provincial-digital-inclusion" and node.level == "measure"
    assert node.short_id.startswith("measure-2.")
    # with the passage's offset in the page text the answer is exact
    page3 = policy_index.catalog.page(DOC_ID, 3).text
    _, node = registry.node_for_page(DOC_ID, 3, page3.index("Collect and refurbish"))
    assert node.short_id == "measure-2.3"  # after the reviewed file inserted 2.2
    _, node = registry.node_for_page(DOC_ID, 3, page3.index("Devices remain"))
    assert node.short_id == "strategy-2"
    page2 = policy_index.catalog.page(DOC_ID, 2).text
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
