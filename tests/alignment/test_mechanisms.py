"""Finding a plan's numbered mechanisms in the forms ministries write them."""

from __future__ import annotations

from alignment.mechanisms import find_mechanisms

INLINE = ("The working group identified the key strategies of the draft plan, focusing on four "
          "main mechanisms, including: 1 -Training of officials and knowledge sharing, "
          "2-Mechanism to build the ministry network (Network Infrastructure), 3- Mechanism of "
          "data protection and cybercrime, 4-Mechanism of ICT governance (ICT Governance). "
          "The meeting ended at noon. In 2023, 1. budget was discussed.")


def test_inline_list_with_uneven_spacing():
    items = find_mechanisms(INLINE)
    assert [m.label for m in items] == ["1", "2", "3", "4"]
    assert items[0].text == "Training of officials and knowledge sharing"
    assert items[1].text == "Mechanism to build the ministry network (Network Infrastructure)"
    assert items[3].text == "Mechanism of ICT governance (ICT Governance)"
    for m in items:  # offsets point back into the text
        assert INLINE[m.start:m.end].startswith(m.text[:20])


def test_one_item_per_line_and_headings():
    text = ("Draft plan\n\nObjectives:\n1. Connect every district office to the network\n"
            "2. Put licensing services online\n3. Train 500 officials in data skills\n\nBudget follows.")
    assert [m.text for m in find_mechanisms(text)] == [
        "Connect every district office to the network", "Put licensing services online",
        "Train 500 officials in data skills"]
    headings = "Mechanism 1: Human resources\nText.\nMechanism 2: Infrastructure\nMore text.\n"
    assert [m.text.split("\n")[0] for m in find_mechanisms(headings)][:2] == ["Human resources", "Infrastructure"]


def test_khmer_numbering():
    text = "ផែនការនេះមានយន្តការចំនួនបី៖ ១- ការអភិវឌ្ឍធនធានមនុស្ស ២- ការកសាងហេដ្ឋារចនាសម្ព័ន្ធ ៣- សន្តិសុខសាយប័រ។"
    items = find_mechanisms(text)
    assert [m.label for m in items] == ["1", "2", "3"]
    assert items[2].text == "សន្តិសុខសាយប័រ"


def test_mechanism_run_wins_over_other_numbered_runs():
    text = ("Agenda: 1. Opening 2. Photo session\n\nThe plan sets out three mechanisms: "
            "1- Mechanism for skills, 2- Mechanism for networks, 3- Mechanism for security.")
    assert [m.text for m in find_mechanisms(text)] == [
        "Mechanism for skills", "Mechanism for networks", "Mechanism for security"]


def test_no_list_gives_nothing():
    assert find_mechanisms("A meeting was held on 23 November 2022 to review the plan.") == []
