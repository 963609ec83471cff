"""A country's own document answers a question naming the country even when its text never
does (a government site says "the Government", not "Singapore"). Real index."""

from __future__ import annotations

from typing import Any

FOREIGN = "other/smart_ports_plan_en.md"
DOCS = {
    FOREIGN: "# Smart Ports Plan\n\nThe Smart Ports Plan is the Government's plan to automate "
             "every container terminal by 2030 and to clear cargo with one digital declaration.\n",
    FOREIGN + ".meta.yaml": "title: Smart Ports Plan\ncountry: SG\ndoc_type: policy\n",
    "news/port_study_tour_en.md": "# Officials study port automation\n\nCambodian port officials "
        "visited Singapore to study its Smart Ports Plan and said a port strategy for "
        "Sihanoukville would follow next year.\n",
}


def test_the_countrys_own_document_answers(services: Any, tmp_path: Any) -> None:
    corpus = tmp_path / "corpus"
    for name, text in DOCS.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    assert not services.ingestor.ingest([corpus]).failed
    answer = services.answerer.answer("What is Singapore's Smart Ports Plan about?")
    assert answer.found
    assert answer.citations[0].doc_id == FOREIGN, answer.answer
    assert "automate every container terminal" in answer.answer


def test_a_city_is_not_named_by_every_document_of_its_country(services: Any, tmp_path: Any
                                                              ) -> None:
    """"Phnom Penh" places a text in Cambodia, but a Cambodian document that never names the
    city is not about it: the passage that names the city answers."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kampot_roads_en.md").write_text(
        "# Rural roads in Cambodia\n\nIn Cambodia, 52,000 residents live along the rural roads "
        "that the provincial office repaired this year.\n", encoding="utf-8")
    (corpus / "city_roads_en.md").write_text(
        "# City hall report\n\nPhnom Penh city hall says 41,000 people live beside the "
        "roads it paved.\n", encoding="utf-8")
    assert not services.ingestor.ingest([corpus]).failed
    answer = services.answerer.answer("How many residents live along the rural roads of "
                                      "Phnom Penh?")
    assert answer.found and answer.citations[0].doc_id == "city_roads_en.md", answer.answer


def test_a_country_with_no_document_of_its_own_is_declined(services: Any, tmp_path: Any) -> None:
    """"What is Thailand's digital government policy?" over a Cambodian corpus whose plan
    mentions Thailand in passing (a cable "connecting Cambodia to Thailand"): no document is
    Thailand's, so the question is declined with the country named, not answered with
    Cambodia's plan. A question about Thai traders in the same text is not about a Thai
    document and is still answered from the passage that names them."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cable_plan_en.md").write_text(
        "# Provincial Digital Government Plan\n\nThe Provincial Digital Government Plan builds "
        "a fibre cable connecting Cambodia to Thailand by 2027, so that every commune office "
        "can serve residents online. Thai traders at the border market will pay fees by "
        "mobile wallet from 2026.\n", encoding="utf-8")
    (corpus / "cable_plan_en.md.meta.yaml").write_text("country: KH\n", encoding="utf-8")
    assert not services.ingestor.ingest([corpus]).failed
    declined = services.answerer.answer("What is Thailand's digital government policy?")
    assert not declined.found, declined.answer
    assert declined.note == "No indexed document is from Thailand."
    answered = services.answerer.answer("How will Thai traders at the border market pay fees?")
    assert answered.found and "mobile wallet" in answered.answer
