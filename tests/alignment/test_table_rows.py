"""Priority-action table rows read as their columns, and the page number printed on a page.
The rows are written for these tests in the two layouts the national policies' annexes reach
the text layer in (a strategy column then the action; a lettered group column, the action,
lead and supporting bodies, a term)."""

from __future__ import annotations

from alignment.citations import printed_page
from alignment.table_rows import parse_row

STRATEGY_ROW = """12 Strategy 4:
Improving rural
mobile coverage

Extend mobile coverage to every commune through shared towers
and a universal service fund
Ministry of Posts and Telecommunications
Ministry of Economy and
Finance
Relevant Ministries and Institutions
2024 - 2030"""

INLINE_ROW = "13 Publish a coverage map every year Ministry of Posts and Telecommunications\n" \
             "2024 - 2026"

GROUP_ROW = """40

C. Rural Access
focuses on: the
villages that operators
do not serve yet
Set up a fund that pays part of the cost of towers in villages
without service
Committee
on Digital
Government
Ministry of Post and
Telecommunications
Short- to
Medium-term
II. Trust in Digital Services"""


def test_a_strategy_row_drops_the_strategy_column() -> None:
    row = parse_row(STRATEGY_ROW)
    assert row.number == 12
    assert row.action == ("Extend mobile coverage to every commune through shared towers and a "
                          "universal service fund")
    assert row.responsible == ("Ministry of Posts and Telecommunications",
                               "Ministry of Economy and Finance",
                               "Relevant Ministries and Institutions")
    assert row.timeline == "2024 - 2030"
    assert row.cells().startswith("Extend mobile coverage") and row.cells().endswith("| 2024 - 2030")


def test_action_and_body_on_one_line() -> None:
    row = parse_row(INLINE_ROW)
    assert (row.number, row.action) == (13, "Publish a coverage map every year")
    assert row.responsible == ("Ministry of Posts and Telecommunications",)
    assert row.timeline == "2024 - 2026"


def test_a_group_row_with_a_lead_committee_and_a_term() -> None:
    row = parse_row(GROUP_ROW)
    assert row.number == 40
    assert row.action == "Set up a fund that pays part of the cost of towers in villages " \
                         "without service"
    assert row.responsible == ("Committee on Digital Government",
                               "Ministry of Post and Telecommunications")
    assert row.timeline == "Short- to Medium-term"  # the next direction's heading is no cell


def test_printed_page_from_running_header() -> None:
    assert printed_page("Rural Access Policy 2024-2030  Page 36\nText of the page.") == "36"
    assert printed_page("A N N E X  1 .  M A T R I X    106\nRows follow.") == "106"
    assert printed_page("A page without a number.\nIn 2030 the plan ends.") is None
