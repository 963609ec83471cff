"""The bundled sample corpus: every file loads, has text, and gets the metadata it was written for."""

from __future__ import annotations

import importlib.util
import re

import pytest

from core.models import DocType, ParsedDocument
from ingest.loaders.dispatch import default_loaders, is_sidecar
from ingest.metadata import infer_metadata, load_sidecar
from tests.support.paths import REPO, SAMPLE_CORPUS

CORPUS = REPO / "corpus"
SAMPLE = SAMPLE_CORPUS
DOCUMENTS = sorted(p for p in SAMPLE.iterdir() if p.is_file() and not is_sidecar(p))
KHMER = re.compile(r"[\u1780-\u17ff]")


def load(name: str) -> list[ParsedDocument]:
    return default_loaders().load(SAMPLE / name)


def metadata(name: str, index: int = 0) -> dict:
    docs = load(name)
    return infer_metadata(f"sample/{name}{docs[index].suffix}", docs[index], load_sidecar(SAMPLE / name))


def khmer_share(text: str) -> float:
    letters = [c for c in text if c.isalpha() or KHMER.match(c)]
    return sum(bool(KHMER.match(c)) for c in letters) / len(letters)


def test_the_sample_has_the_expected_files():
    assert {p.name for p in SAMPLE.iterdir()} == {
        "national_cybersecurity_policy_en.md",
        "national_cybersecurity_policy_km.md",
        "digital_government_plan_km.txt",
        "digital_government_plan_km.txt.meta.yaml",
        "moi_ict_plan_meeting_en.html",
        "ministry_ict_plan_draft_en.docx",
        "news_headlines_km_en.txt",
    }


def test_the_sample_stays_small():
    assert sum(p.stat().st_size for p in SAMPLE.iterdir()) < 64 * 1024


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_sample_file_loads_with_text_and_complete_metadata(path):
    registry = default_loaders()
    assert registry.supports(path)
    docs = registry.load(path)
    assert docs and all(d.text.strip() for d in docs)
    assert all(d.warnings == [] for d in docs)
    for d in docs:
        meta = infer_metadata(f"sample/{path.name}{d.suffix}", d, load_sidecar(path))
        assert meta["title"].strip()
        assert DocType(meta["doc_type"])
        assert meta["source_path"] == f"sample/{path.name}"
        if not d.suffix:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["date"]), path.name
            assert meta["issuing_body"], path.name


@pytest.mark.parametrize(
    ("name", "doc_type", "period", "language"),
    [
        ("national_cybersecurity_policy_en.md", "policy", "2024-2028", "en"),
        ("national_cybersecurity_policy_km.md", "policy", "2024-2028", "km"),
        ("digital_government_plan_km.txt", "plan_draft", "2025-2027", "km"),
        ("moi_ict_plan_meeting_en.html", "meeting_record", "2025-2029", "en"),
        ("ministry_ict_plan_draft_en.docx", "plan_draft", "2025-2029", None),
        ("news_headlines_km_en.txt", "meeting_record", "2025-2027", None),
    ],
)
def test_sample_metadata(name, doc_type, period, language):
    meta = metadata(name)
    assert (meta["doc_type"], meta["period"], meta["language"]) == (doc_type, period, language)


def test_policy_in_both_languages_has_the_same_structure():
    en, km = load("national_cybersecurity_policy_en.md")[0].text, load("national_cybersecurity_policy_km.md")[0].text
    assert re.findall(r"^### Goal (\d):", en, re.M) == ["1", "2", "3"]
    assert re.findall(r"^### គោលដៅទី([០-៩]):", km.replace("៖", ":"), re.M) == ["១", "២", "៣"]
    assert re.findall(r"^### Strategy (\d):", en, re.M) == ["1", "2", "3", "4", "5"]
    assert re.findall(r"^### យុទ្ធសាស្ត្រទី([០-៩])៖", km, re.M) == ["១", "២", "៣", "៤", "៥"]
    assert len(re.findall(r"^- \d\.\d ", en, re.M)) == len(re.findall(r"^- [០-៩]\.[០-៩] ", km, re.M)) == 15
    assert len(re.findall(r"^## ", en, re.M)) == len(re.findall(r"^## ", km, re.M)) == 7
    assert 800 <= len(en.split()) <= 1300
    assert khmer_share(km) > 0.95
    for topic in ("capacity building", "digital skills", "data protection"):
        assert topic in en.lower()


def test_khmer_plan_is_khmer_and_its_sidecar_wins():
    text = load("digital_government_plan_km.txt")[0].text
    assert khmer_share(text) > 0.9
    inferred = infer_metadata("sample/p.txt", load("digital_government_plan_km.txt")[0], None)
    assert inferred["issuing_body"] == "Royal Government of Cambodia"  # first body in the text
    assert inferred["date"] == "2025-01-15"  # the Khmer date in the text
    meta = metadata("digital_government_plan_km.txt")
    assert meta["issuing_body"] == "Ministry of Posts and Telecommunications"
    assert meta["date"] == "2025-01-20"
    assert meta["title"].endswith("(Digital Government Action Plan 2025-2027)")
    assert meta["tags"] == ["digital government", "action plan"]


def test_html_meeting_record_has_six_mechanisms_and_no_chrome():
    doc = load("moi_ict_plan_meeting_en.html")[0]
    mechanisms = re.findall(r"^(\d)- Mechanism for", doc.text, re.M)
    assert mechanisms == ["1", "2", "3", "4", "5", "6"]
    assert doc.text.startswith("# Ministry of Interior Meeting Reviews Draft Five-Year ICT")
    assert "## Discussion and decisions" in doc.text
    for noise in ("Ministry Portal", "Laws and Regulations", "Related news", "cookies",
                  "All rights reserved", "analyticsQueue", "font-family", "Sitemap"):
        assert noise not in doc.text
    meta = metadata("moi_ict_plan_meeting_en.html")
    assert meta["date"] == "2025-03-14" and meta["issuing_body"] == "Ministry of Interior"


def test_docx_plan_draft_structure():
    doc = load("ministry_ict_plan_draft_en.docx")[0]
    assert re.findall(r"^## Mechanism (\d):", doc.text, re.M) == ["1", "2", "3", "4", "5", "6"]
    assert re.findall(r"^Objective (\d):", doc.text, re.M) == ["1", "2", "3", "4"]
    assert "Mechanism | Lead unit | Indicator | Target 2029" in doc.text
    assert doc.metadata["title"] == "Draft ICT Strategic Plan of the Ministry of Interior 2025–2029"
    assert doc.metadata["date"] == "2025-02-20"


def test_docx_is_reproducible_from_its_script():
    spec = importlib.util.spec_from_file_location("make_sample_docx", CORPUS / "make_sample_docx.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.normalise_zip(module.build()) == (SAMPLE / "ministry_ict_plan_draft_en.docx").read_bytes()


def test_headline_file_yields_seven_headlines_and_the_article():
    docs = load("news_headlines_km_en.txt")
    assert [d.suffix for d in docs] == [""] + [f"#headline-{n}" for n in range(1, 8)]
    assert docs[0].metadata["title"].startswith("Ministry of Posts and Telecommunications Chairs Meeting")
    assert khmer_share(docs[0].text) == 0
    for headline in docs[1:]:
        assert khmer_share(headline.text) > 0.9
        assert headline.metadata["language"] == "km" and headline.metadata["doc_type"] == "news"
    assert metadata("news_headlines_km_en.txt")["date"] == "2025-02-05"
