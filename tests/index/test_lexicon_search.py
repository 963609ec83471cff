"""The learned lexicon on the real stack: ingest twin news (real khmer-nltk, real MiniLM, real
chromadb), the lexicon is learned after the ingest, and an English question reaches a
Khmer-only document through words no glossary row carries."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from core.settings import Settings
from policykb.services import Services
from tests.support.paths import REPO
from tests.support.twin_news import write_twin_news
from tests.test_cli_search import cli_env

KHMER_ONLY = """---
title: ការជួសជុលស្ពាន
date: 2024-05-01
---
អាជ្ញាធរខេត្តបានជួសជុល ស្ពាន ចាស់ និង ផ្លូវ លំ ដែលខូចខាតដោយសារ ទឹកភ្លៀង ខ្លាំង។
"""
ENGLISH_OTHER = """---
title: Budget hearing
date: 2024-05-02
---
The national assembly reviewed the budget of the ministry of economy for the coming year.
"""
HAND_GLOSSARY = "km\ten\tcategory\tnote\nក្រសួង\tministry\tministry\t\nថវិកា\tbudget\teconomy\t\n"


@pytest.fixture(scope="module")
def lexicon_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("lexicon")
    corpus = write_twin_news(root / "corpus")
    (corpus / "repairs_km.md").write_text(KHMER_ONLY, encoding="utf-8")
    (corpus / "budget.md").write_text(ENGLISH_OTHER, encoding="utf-8")
    glossary = root / "glossary.tsv"
    glossary.write_text(HAND_GLOSSARY, encoding="utf-8")
    settings = Settings(data_dir=root / "data", ocr_enabled=False, glossary_path=glossary,
                        _env_file=None)
    services = Services(settings, model=embedder)
    report = services.ingestor.ingest([corpus])
    assert not report.failed
    return {"root": root, "corpus": corpus, "settings": settings, "services": services,
            "embedder": embedder}


def test_ingest_learns_the_lexicon_with_provenance(lexicon_index: dict[str, Any]) -> None:
    services = lexicon_index["services"]
    assert services.lexicon.exists()  # learned by the ingest itself (index_changed)
    learned = {(p.km, p.en): p for p in services.lexicon.learned()}
    assert ("ស្ពាន", "bridge") in learned
    assert all("news_" in s or "report" in s for s in learned[("ស្ពាន", "bridge")].sources)
    report = services.update_lexicon()
    assert report is not None and not report.retrained  # nothing changed since the ingest
    assert report.twin_pairs == 8 and report.pairs_by_content == 1


def _top_docs(services: Services, question: str) -> list[str]:
    """The first ten documents (the eighteen here are mostly twins about the same words)."""
    docs = [h.doc_id for h in services.searcher.search(question, k=10).hits]
    return list(dict.fromkeys(docs))[:10]


def test_an_english_question_reaches_a_khmer_only_document(lexicon_index: dict[str, Any]) -> None:
    services = lexicon_index["services"]
    question = "bridge and road repairs after heavy rain"
    assert "repairs_km.md" in _top_docs(services, question)
    without = Services(lexicon_index["settings"].model_copy(update={"learned_lexicon": False}),
                       model=lexicon_index["embedder"])
    assert "repairs_km.md" not in _top_docs(without, question)


def test_changing_one_twin_resegments_only_that_pair(lexicon_index: dict[str, Any]) -> None:
    services, corpus = lexicon_index["services"], lexicon_index["corpus"]
    path = corpus / "news_en_2.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe fish was reported next to the forest in 1999.\n",
                    encoding="utf-8")
    services.ingestor.ingest([corpus])
    report = services.update_lexicon()
    assert report is not None and report.segments_reused == 8 and not report.retrained
    forced = services.update_lexicon(force=True)
    assert forced is not None and forced.retrained and forced.segments_reused == 0


def test_cli_shows_the_learned_pairs(lexicon_index: dict[str, Any]) -> None:
    env = cli_env(lexicon_index["settings"].data_dir)
    env["POLICYKB_GLOSSARY_PATH"] = str(lexicon_index["settings"].glossary_path)
    done = subprocess.run([sys.executable, "-m", "policykb", "lexicon", "show", "bridge", "--json"],
                          env=env, cwd=lexicon_index["root"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows and rows[0]["km"] == "ស្ពាន" and rows[0]["used"] == "yes"
    assert str(REPO)  # the CLI ran this checkout's code (cli_env puts it first)
