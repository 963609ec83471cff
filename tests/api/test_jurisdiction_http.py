"""Jurisdiction on the real stack: documents carry their country (here from sidecars), a
question naming a country ranks that country's documents first, and the ``countries`` filter
over HTTP keeps only that country's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from tests.support.servers import serve

# Same subject, no country named in the texts: only the sidecars say whose they are. The
# Vietnamese one matches the plain question better, so only the country can lift Singapore's.
DOCS = {
    "vn_plan.md": ("VN", "# Training\n\nPublic officials receive cybersecurity training. "
                   "Cybersecurity training for public officials is repeated every year, and "
                   "officials train in cybersecurity incident response.\n"),
    "sg_plan.md": ("SG", "# Skills\n\nOfficials are offered training in cybersecurity as part "
                   "of a wider skills programme for the public service.\n"),
    "unlabelled.md": (None, "# Notes\n\nMinutes of a meeting on rural roads and irrigation "
                      "canals in the provinces.\n"),
}


@pytest.fixture(scope="module")
def jurisdiction_services(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Any:
    from core.settings import Settings
    from policykb.services import Services

    root = tmp_path_factory.mktemp("jurisdiction")
    folder = root / "docs"
    folder.mkdir()
    for name, (country, text) in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
        if country:
            (folder / f"{name}.meta.yaml").write_text(f"country: {country}\n", encoding="utf-8")
    services = Services(Settings(data_dir=root / "data", ocr_enabled=False, _env_file=None),
                        model=embedder)
    services.ingestor.ingest([folder])
    return services


def _doc_order(services: Any, question: str) -> list[str]:
    hits = services.searcher.search(question, k=10).hits
    return [Path(h.doc_id).name for h in hits]


def test_question_naming_a_country_ranks_its_documents_first(jurisdiction_services: Any) -> None:
    plain = _doc_order(jurisdiction_services, "how are public officials trained in cybersecurity")
    assert plain[0] == "vn_plan.md"  # without a country the better match leads
    named = _doc_order(jurisdiction_services,
                       "how are public officials trained in cybersecurity in Singapore")
    assert named[0] == "sg_plan.md"
    khmer = _doc_order(jurisdiction_services,
                       "cybersecurity training for public officials សិង្ហបុរី")
    assert khmer[0] == "sg_plan.md"
    hit = jurisdiction_services.searcher.search("Singapore cybersecurity officials", k=3).hits[0]
    assert (hit.country, hit.country_name) == ("SG", "Singapore")


def test_countries_filter_over_http(jurisdiction_services: Any) -> None:
    with serve(create_app(jurisdiction_services.settings, jurisdiction_services)) as base:
        body = {"query": "cybersecurity training officials", "filters": {"countries": ["SG"]}}
        hits = httpx.post(f"{base}/search", json=body, timeout=60).json()["hits"]
        assert hits and {h["doc_id"] for h in hits} == {"sg_plan.md"}
        assert hits[0]["country"] == "SG" and hits[0]["country_name"] == "Singapore"
        # names are accepted and normalised; unknown-country documents never match a filter
        body = {"query": "meeting rural roads cybersecurity", "filters": {"countries": ["Viet Nam"]}}
        hits = httpx.post(f"{base}/search", json=body, timeout=60).json()["hits"]
        assert hits and {h["doc_id"] for h in hits} == {"vn_plan.md"}
        docs = {d["doc_id"]: d for d in httpx.get(f"{base}/documents", timeout=30).json()}
        assert docs["sg_plan.md"]["country"] == "SG" and docs["vn_plan.md"]["country"] == "VN"
        assert docs["unlabelled.md"]["country"] in (None, "KH")
