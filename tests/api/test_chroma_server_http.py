"""The API with a `chroma run` server as the vector store (POLICYKB_CHROMA_URL), over real HTTP.

The sample corpus is ingested into a real chroma server on 127.0.0.1 (tests/support/chroma_server.py)
and the important API paths run through a real uvicorn: the same answers as the embedded store,
deletes and re-ingests that reach the server, the token sent on every request, and a clear
503 naming the URL when the server is down or refuses the token.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from api.app import create_app
from core.errors import IndexUnavailableError
from core.settings import Settings
from policykb.services import Services
from tests.support.chroma_server import ChromaServer, TokenCheckingProxy
from tests.support.paths import SAMPLE_CORPUS
from tests.support.servers import free_port, serve

CYBER_EN = "national_cybersecurity_policy_en.md"
CYBER_KM = "national_cybersecurity_policy_km.md"
QUERIES = ["which policies cover cybersecurity capacity building?",
           "ការកសាងសមត្ថភាពសន្តិសុខសាយប័រ",
           "digital government action plan"]


def server_services(data_dir: Path, url: str, embedder: Any, collection: str,
                    token: str | None = None, timeout_s: float = 30.0) -> Services:
    settings = Settings(data_dir=data_dir, chroma_url=url, chroma_token=token,
                        collection=collection, ocr_enabled=False, rate_limit_per_minute=0,
                        chroma_timeout_s=timeout_s, _env_file=None)
    services = Services(settings, model=embedder)
    return services


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory, chroma_server: ChromaServer,
           embedder: Any) -> Services:
    root = tmp_path_factory.mktemp("chroma-http")
    corpus = root / "sample"
    shutil.copytree(SAMPLE_CORPUS, corpus)
    services = server_services(root / "data", chroma_server.url, embedder, "sample-http")
    report = services.ingestor.ingest([corpus])
    assert not report.failed, report.summary()["failed"]
    return services


@pytest.fixture(scope="module")
def base(remote: Services) -> Iterator[str]:
    with serve(create_app(remote.settings, remote)) as url:
        yield url


def search(base: str, query: str, k: int = 5) -> dict[str, Any]:
    response = httpx.post(f"{base}/search", json={"query": query, "k": k}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_vectors_live_on_the_server_not_in_the_data_dir(remote: Services,
                                                        chroma_server: ChromaServer) -> None:
    assert not remote.settings.chroma_dir.exists()  # no embedded chromadb was created
    assert remote.store.where == chroma_server.url
    assert remote.store.count() == remote.catalog.stats()["chunks"] > 0
    # Another client of the same server sees the same collection.
    other = server_services(remote.settings.data_dir, chroma_server.url, None, "sample-http")
    assert other.store.count() == remote.store.count()


def test_search_english_and_khmer_over_http(base: str) -> None:
    english = search(base, QUERIES[0])
    assert english["dense_used"] is True
    assert english["hits"][0]["doc_id"] in {CYBER_EN, CYBER_KM}
    assert english["hits"][0]["scores"]["dense"] is not None
    khmer = search(base, QUERIES[1])
    assert khmer["language"] == "km"
    assert khmer["hits"][0]["doc_id"] == CYBER_KM
    assert "en" in {h["language"] for h in khmer["hits"]}  # the glossary bridges to English


def test_answers_match_the_embedded_store(base: str, sample_services: Any) -> None:
    """Same corpus, same vectors: the server must rank exactly as the embedded client does."""
    for query in QUERIES:
        over_http = search(base, query, k=8)["hits"]
        embedded = sample_services.searcher.search(query, k=8).hits
        assert [h["chunk_id"] for h in over_http] == [h.chunk_id for h in embedded], query
        for got, want in zip(over_http, embedded, strict=True):
            assert got["scores"]["fused"] == pytest.approx(want.scores.fused, rel=1e-5)


def test_related_ask_documents_and_files(base: str, remote: Services) -> None:
    related = httpx.post(f"{base}/related", json={"doc_id": CYBER_EN, "page": 1, "k": 5},
                         timeout=60)
    assert related.status_code == 200, related.text
    hits = related.json()["hits"]
    assert hits and CYBER_EN not in {h["doc_id"] for h in hits}

    answer = httpx.post(f"{base}/ask", json={
        "question": "How will ministries build cybersecurity capacity?"}, timeout=60)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["found"] is True and body["citations"]
    for citation in body["citations"]:
        page = remote.catalog.page(citation["doc_id"], citation["page"])
        assert page.text[citation["start"]:citation["end"]] == citation["quote"]

    docs = httpx.get(f"{base}/documents", timeout=30).json()
    assert sorted(d["doc_id"] for d in docs) == sorted(d.doc_id for d in remote.catalog.documents())
    assert len(docs) >= 7
    original = httpx.get(f"{base}/documents/{quote(CYBER_EN)}/file", timeout=30)
    assert original.status_code == 200
    assert original.content == (SAMPLE_CORPUS / CYBER_EN).read_bytes()


def test_delete_then_search_then_reingest(base: str, remote: Services) -> None:
    doc = remote.catalog.get_document(CYBER_EN)
    assert doc is not None
    chunks_before = remote.store.count()
    remote.ingestor.delete([CYBER_EN])
    try:
        assert remote.store.count() == chunks_before - doc.n_chunks  # gone from the server
        hits = search(base, QUERIES[0], k=10)["hits"]
        assert hits and CYBER_EN not in {h["doc_id"] for h in hits}
        assert CYBER_EN not in {d["doc_id"] for d in httpx.get(f"{base}/documents").json()}
    finally:
        report = remote.ingestor.ingest([Path(doc.root)])
    assert [o.source for o in report.outcomes if o.status == "indexed"] == [CYBER_EN]
    assert remote.store.count() == chunks_before == remote.catalog.stats()["chunks"]
    assert search(base, QUERIES[0])["hits"][0]["doc_id"] in {CYBER_EN, CYBER_KM}
    assert CYBER_EN in {h["doc_id"] for h in search(base, QUERIES[0], k=10)["hits"]}


def test_the_token_is_sent_and_a_wrong_one_is_a_clear_503(
        tmp_path: Path, chroma_server: ChromaServer, embedder: Any) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "towers.md").write_text("# Towers\n\nOperators share telecom towers in rural "
                                      "provinces to cut the cost of coverage.\n", encoding="utf-8")
    with TokenCheckingProxy(chroma_server.url, "s3cret") as proxy:
        good = server_services(tmp_path / "data", proxy.url, embedder, "token-test", "s3cret")
        assert not good.ingestor.ingest([corpus]).failed
        hits = good.searcher.search("shared telecom towers", k=3).hits
        assert [h.doc_id for h in hits] == ["towers.md"]
        assert proxy.seen and set(proxy.seen) == {"Bearer s3cret"}  # on every request

        with pytest.raises(IndexUnavailableError) as info:
            _ = server_services(tmp_path / "data", proxy.url, embedder, "token-test", "wrong").store
        assert proxy.url in str(info.value) and "POLICYKB_CHROMA_TOKEN" in str(info.value)

        bad = server_services(tmp_path / "data", proxy.url, embedder, "token-test", "wrong")
        with serve(create_app(bad.settings, bad)) as base:
            response = httpx.post(f"{base}/search", json={"query": "towers"}, timeout=30)
            assert response.status_code == 503
            assert response.json()["error"] == "IndexUnavailableError"
            assert proxy.url in response.json()["detail"]
            assert httpx.get(f"{base}/health").status_code == 200  # the catalog still answers


def test_a_server_that_goes_down_gives_503_naming_the_url_and_recovers(
        tmp_path: Path, embedder: Any) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(IndexUnavailableError) as info:
        _ = server_services(tmp_path / "none", nowhere, embedder, "down-test").store
    assert nowhere in str(info.value)

    server = ChromaServer(tmp_path / "db").start()
    try:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "spectrum.md").write_text("# Spectrum\n\nThe regulator auctions 5G spectrum "
                                            "licences in the 3.5 GHz band.\n", encoding="utf-8")
        services = server_services(tmp_path / "data", server.url, embedder, "down-test")
        assert not services.ingestor.ingest([corpus]).failed
        with serve(create_app(services.settings, services)) as base:
            assert search(base, "5G spectrum auction")["hits"][0]["doc_id"] == "spectrum.md"
            server.stop()
            for path, body in (("/search", {"query": "spectrum licences"}),
                               ("/ask", {"question": "Who auctions spectrum?"})):
                response = httpx.post(f"{base}{path}", json=body, timeout=30)
                assert response.status_code == 503, (path, response.text)
                detail = response.json()["detail"]
                assert server.url in detail and "failed to search" in detail
            server.start()  # same port, same data: the API recovers without a restart
            assert search(base, "5G spectrum auction")["hits"][0]["doc_id"] == "spectrum.md"
    finally:
        server.stop()


def test_a_hung_server_gives_503_naming_the_url_within_the_timeout(
        tmp_path: Path, embedder: Any, chroma_server: ChromaServer) -> None:
    """A server that accepts connections and never answers (issue #16): chromadb's own client
    would wait forever and hold the worker; PolicyKB gives up after POLICYKB_CHROMA_TIMEOUT_S."""
    import socket
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts (the kernel completes the handshake), never reads or answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    try:
        started = time.monotonic()
        with pytest.raises(IndexUnavailableError) as info:
            _ = server_services(tmp_path / "silent", url, embedder, "hung", timeout_s=1.0).store
        assert url in str(info.value) and "did not answer within 1 s" in str(info.value)
        assert time.monotonic() - started < 10
    finally:
        silent.close()

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "towers.md").write_text("# Towers\n\nOperators share telecom towers in rural "
                                      "provinces.\n", encoding="utf-8")
    with TokenCheckingProxy(chroma_server.url, "t0ken") as proxy:
        services = server_services(tmp_path / "data", proxy.url, embedder, "hung-later", "t0ken",
                                   timeout_s=2.0)
        assert not services.ingestor.ingest([corpus]).failed
        with serve(create_app(services.settings, services)) as base:
            assert search(base, "shared telecom towers")["hits"][0]["doc_id"] == "towers.md"
            proxy.hang.set()  # the server hangs after the API opened it
            started = time.monotonic()
            response = httpx.post(f"{base}/search", json={"query": "rural towers"}, timeout=60)
            assert response.status_code == 503, response.text
            assert proxy.url in response.json()["detail"]
            assert time.monotonic() - started < 15
            assert httpx.get(f"{base}/health", timeout=10).status_code in (200, 503)
            proxy.hang.clear()
            assert search(base, "shared telecom towers")["hits"][0]["doc_id"] == "towers.md"
