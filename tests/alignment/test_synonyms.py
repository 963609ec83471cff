"""Synonym-aware matching: the glossary links two English phrases that translate the same
Khmer term (and two Khmer terms with one English equivalent); a plan saying "cybersecurity"
finds the policy's "digital security" strategy, pasted or as a document alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alignment.aligner import Aligner
from alignment.report import to_json
from alignment.synonyms import Synonyms
from index.glossary import Glossary
from ingest.analysis import Analyzer
from ingest.khmer.normalize import search_key
from tests.alignment.plan_fixture import (
    PLAN_ID,
    PLAN_PASTED,
    align,
    ingest_plan_fixture,
)

GLOSSARY = Path(__file__).resolve().parents[2] / "corpus" / "glossary" / "km_en.tsv"
SECURITY = "Strategy 2: Digital security of government systems"


@pytest.fixture(scope="module")
def synonyms() -> Synonyms:
    return Synonyms(Glossary.load(GLOSSARY, key=search_key), analyze=Analyzer().analyze)


def test_english_phrases_sharing_a_khmer_term_are_synonyms(synonyms: Synonyms) -> None:
    assert "digital security" in synonyms.of("cybersecurity", "en")
    assert "cybersecurity" in synonyms.of("Digital Security", "en")
    assert "information and communication technology" in synonyms.of("ICT", "en")
    assert "digital technology" in synonyms.of("ICT", "en")  # from the lexicon
    # everyday words are not bridged: "security" is not "safety" in a policy
    assert "safety" not in synonyms.of("security", "en")


def test_khmer_terms_sharing_an_english_term_are_synonyms(synonyms: Synonyms) -> None:
    assert "សន្តិសុខឌីជីថល" in synonyms.of("សន្តិសុខសាយប័រ", "km")  # digital ~ cyber security
    variants = synonyms.variants("សន្តិសុខសាយប័រ និងបទល្មើសបច្ចេកវិទ្យា", "km")
    assert "សន្តិសុខឌីជីថល និងបទល្មើសបច្ចេកវិទ្យា" in variants


def test_variants_replace_one_term_at_a_time(synonyms: Synonyms) -> None:
    variants = synonyms.variants("Cybersecurity and cybercrime", "en")
    assert "digital security and cybercrime" in variants
    assert "cybersecurity and cyber crime" in variants
    assert len(variants) <= 8 and "cybersecurity and cybercrime" not in variants
    # a synonym that analyses to the same terms is no new wording
    assert all("manage " not in v for v in synonyms.variants("Management of data", "en"))
    assert synonyms.variants("Repairing school roofs", "en") == []


@pytest.fixture(scope="module")
def plan_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    services = ingest_plan_fixture(tmp_path_factory.mktemp("synonyms"), embedder)
    yield services
    services.catalog.close()


def _security(data: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in data["mechanisms"] if m["text"] == "Cybersecurity and cybercrime")


def test_document_and_pasted_plan_agree_on_the_digital_security_strategy(plan_index: Any) -> None:
    """The plan ingested ("## Mechanism 2: ...") and pasted ("Mechanism 2: ...") gives the
    same mechanisms, the same strategies in the same order and the same scores."""
    as_document = to_json(align(plan_index, doc_id=PLAN_ID))
    pasted = to_json(align(plan_index, text=PLAN_PASTED))
    assert [m["text"] for m in as_document["mechanisms"]] == [m["text"] for m in pasted["mechanisms"]]
    for doc_m, pasted_m in zip(as_document["mechanisms"], pasted["mechanisms"], strict=True):
        assert [(a["strategy"], a["score"]) for a in doc_m["alignments"]] == \
            [(a["strategy"], a["score"]) for a in pasted_m["alignments"]]
    for data in (as_document, pasted):
        top = _security(data)["alignments"][0]
        assert top["strategy"] == SECURITY and top["verdict"] in ("strong", "partial")
    assert SECURITY not in [u["strategy"] for u in pasted["unaddressed"]]


def test_the_synonym_raises_the_digital_security_match(plan_index: Any) -> None:
    """Without synonyms the policy's "digital security" text shares no word with the plan's
    "cybersecurity" and falls below "partial" (not shown: 0 here); with them it is found."""
    s = plan_index
    plain = Aligner(s.searcher, s.sparse.current, s.aligner.embed, s.aligner.split_sentences,
                    s.catalog, s.store)
    from alignment.service import align_document

    def score(aligner: Aligner) -> float:
        data = to_json(align_document(s.catalog, aligner, s.registry, text=PLAN_PASTED))
        shown = _security(data)["alignments"]
        return next((a["score"] for a in shown if a["strategy"] == SECURITY), 0.0)

    assert score(s.aligner) > score(plain)
