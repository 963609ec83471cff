"""The second look inside a document (``ExtractiveAnswerer._look_deeper``), on the real stack
(MiniLM, chromadb, the real splitter): a long one-page policy whose sections all speak of its
IT policy, where the one sentence that says when the first policy was announced sits in a long
history section far below the three passages a document usually gives. Original text;
fictional facts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

POLICY_ID = "policy/lake_province_it_policy.md"
_SECTION = """## {n}. {title}

The Lake Province IT policy sets out how the provincial IT policy will {aim}. Under this IT
policy, the province's IT policy office will {act}, and the IT policy board will review the
IT policy measures for {title_lower} with the departments concerned.

The first IT policy measures for {title_lower} ask each department to name an IT policy
officer, to report what the IT policy has changed in its work, and to share what it has
learnt with the other departments of the province through the IT policy office. The IT
policy office will announce the first results of the Lake Province IT policy for
{title_lower} to the province's council.
"""
_AIMS = [("Digital services", "bring services online", "publish a service catalogue"),
         ("Connectivity", "connect every commune", "tender the fibre ring"),
         ("Skills", "train clerks", "run a yearly skills course"),
         ("Open data", "publish registers", "open the data portal"),
         ("Security", "protect provincial systems", "set up an incident desk"),
         ("Start-ups", "support local firms", "open an incubator"),
         ("Procurement", "buy systems together", "keep one supplier list"),
         ("Health records", "digitise clinic records", "fund clinic tablets"),
         ("Tourism", "promote the lake online", "build a visitor portal"),
         ("Agriculture", "inform farmers", "send market prices by text"),
         ("Transport", "plan ferry routes", "publish ferry timetables")]
_HISTORY = """## 12. A short history of computing in the province

Computing arrived in the province with the land registry, whose clerks typed parcels into
a shared database long before any plan existed. The registry's example was followed by the
tax office, the school inspectors and the water board, each with a system of its own, built
by its own staff and rarely able to exchange a record with the others. Villages far from the
lake had no connection for many years, and the ferry carried paper forms to the capital
every week. Teachers, nurses and commune chiefs learnt to use computers at evening classes
given by volunteers from the technical college, and the college's graduates stayed on to
run the new offices. Markets, pagodas and schools kept their own ledgers on paper, and the
lake's fishing cooperatives counted their catches in notebooks that the rainy season often
ruined. Radio remained the way most households heard news from the capital, and the first
mobile masts were welcomed with festivals in three districts. The Provincial Government
announced its first IT Policy in 2009. Since then, the fibre ring, the data portal and the
service catalogue have followed, each paid for by the province and its partners, and each
changing how clerks, farmers, teachers and fishermen deal with the administration.
"""


def _document() -> str:
    sections = [_SECTION.format(n=n, title=title, title_lower=title.lower(), aim=aim, act=act)
                for n, (title, aim, act) in enumerate(_AIMS, start=1)]
    return "---\ntitle: Lake Province IT Policy\n---\n# Lake Province IT Policy\n\n" \
        + "\n".join(sections) + "\n" + _HISTORY


@pytest.fixture(scope="module")
def deep_services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    from core.settings import Settings
    from policykb.services import Services

    root: Path = tmp_path_factory.mktemp("deeper-index")
    path = root / "corpus" / POLICY_ID
    path.parent.mkdir(parents=True)
    path.write_text(_document(), encoding="utf-8")
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None),
                        model=embedder)
    report = services.ingestor.ingest([root / "corpus"])
    assert not report.failed, report.summary()["failed"]
    yield services
    services.catalog.close()


def test_a_when_answer_is_found_deeper_in_the_document(deep_services: Any) -> None:
    answerer = deep_services.answerer
    question = "When did the Lake Province announce its first IT policy?"
    first = deep_services.searcher.search(question, k=answerer.passages, per_doc=3, rerank=None)
    assert not any("2009" in h.text for h in first.hits)  # the usual look never reaches it
    answer = answerer.answer(question)
    assert answer.found, answer.answer
    assert "announced its first IT Policy in 2009" in answer.citations[0].quote
    page = deep_services.catalog.page(POLICY_ID, answer.citations[0].page)
    assert page.text[answer.citations[0].start:answer.citations[0].end] == \
        answer.citations[0].quote


def test_the_deeper_look_does_not_make_up_a_time_the_document_never_gives(
        deep_services: Any) -> None:
    answer = deep_services.answerer.answer("When was the Lake Province incubator opened?")
    assert not answer.found, answer.answer
