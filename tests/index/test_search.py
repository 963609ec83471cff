"""Hybrid search on the real stack (MiniLM, chromadb, bm25s, khmer-nltk, the real glossary).

Fusion weights are being tuned, so nothing here pins a score or a full ranking: tests assert
what must hold under any sensible weighting (the right document is near the top, the other
language is reached at all, an off-topic control stays below the answer, filters exclude).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from index.search_types import Hit, SearchFilters, SearchResponse
from ingest.analysis import Analyzer
from tests.support.corpora import (
    CORPUS,
    CYBER,
    CYBER_EN,
    DATA,
    DATA_KM,
    ECOMMERCE,
    EXPECTED_METADATA,
    RICE,
    SPECTRUM,
    TOWERS,
    TWIN_EN_ID,
    TWIN_KM,
    TWIN_KM_ID,
    WOMEN,
    build_services,
    write_fixture_corpus,
)

EN_CYBER_Q = "How will civil servants be trained in cybersecurity?"
# "Is there a capacity-building programme on cybersecurity for civil servants?"
KM_CYBER_Q = "តើមានកម្មវិធីកសាងសមត្ថភាពសន្តិសុខសាយប័រសម្រាប់មន្ត្រីរាជការដែរឬទេ?"
EN_DATA_Q = "How is personal data protected, and what happens after a data leak?"
# "Citizens' rights over their personal data"
KM_DATA_Q = "សិទ្ធិរបស់ប្រជាពលរដ្ឋលើទិន្នន័យផ្ទាល់ខ្លួន"
# "Khmer women and digital skills": canonical, then as often typed (subscript RO first,
# vowel before the subscript, zero-width spaces between words).
KM_WOMEN_Q = "ស្ត្រីខ្មែរ និងជំនាញឌីជីថល"
KM_WOMEN_Q_TYPED = "ស្រ្តី\u200bខែ្មរ\u200bនិង\u200bជំនាញ\u200bឌីជីថល"
TWIN_Q = "community technology centres in high schools"
BROAD_Q = "digital skills training for the community"


def doc_ids(response: SearchResponse) -> list[str]:
    """Document ids of the hits, in rank order."""
    return [h.doc_id for h in response.hits]


def reached(response: SearchResponse) -> list[str]:
    """Every document the response shows, hits and their twins, in rank order."""
    return [d for h in response.hits for d in (h.doc_id, *(t.doc_id for t in h.twins))]


def hit_of(response: SearchResponse, doc_id: str) -> Hit:
    """The first hit of ``doc_id``; fails the test if there is none."""
    found = [h for h in response.hits if h.doc_id == doc_id]
    assert found, f"{doc_id} not among {doc_ids(response)}"
    return found[0]


def highlighted(hit: Hit) -> list[str]:
    """The highlighted pieces of a hit's snippet."""
    return [hit.snippet[start:end] for start, end in hit.highlights]


def search(services: Any, query: str, **kwargs: Any) -> SearchResponse:
    """``services.searcher.search``, shorter."""
    return services.searcher.search(query, **kwargs)


# --- the fixture itself -------------------------------------------------------------------


def test_fixture_corpus_was_ingested_with_the_expected_metadata(search_services: Any) -> None:
    docs = {d.doc_id: d for d in search_services.catalog.documents()}
    assert set(docs) == set(EXPECTED_METADATA)
    for doc_id, (language, doc_type, body, date) in EXPECTED_METADATA.items():
        doc = docs[doc_id]
        assert (doc.language, doc.doc_type, doc.issuing_body, doc.date) == (
            language, doc_type, body, date), doc_id
    assert docs[WOMEN].title == "យុទ្ធសាស្ត្រជំនាញឌីជីថលសម្រាប់ស្ត្រីខ្មែរ"  # from the sidecar
    assert len(search_services.catalog.chunks_of(CYBER)) >= 2  # two sections: per_doc matters


@pytest.mark.parametrize(
    ("khmer", "english"),
    [
        (KM_CYBER_Q, {"cybersecurity", "capacity building", "civil servant"}),
        (KM_DATA_Q, {"personal data"}),
        (DATA_KM, {"personal data", "privacy", "database"}),
        (TWIN_KM, {"community technology center", "high school", "Takeo", "Kampot"}),
        (KM_WOMEN_Q_TYPED, {"women", "digital skills"}),
    ],
    ids=["cyber-question", "data-question", "data-doc", "twin-doc", "women-typed"],
)
def test_khmer_texts_use_glossary_vocabulary(search_services: Any, khmer: str, english: set[str]) -> None:
    """The cross-language tests below only mean something if the glossary bridges them."""
    found = {e for m in search_services.glossary.translate(khmer, "km") for e in m.equivalents}
    assert english <= found


# --- same language and across languages -----------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (EN_CYBER_Q, CYBER),
        ("5G spectrum licence auction", SPECTRUM),
        ("value added tax for online sellers and e-commerce platforms", ECOMMERCE),
        ("How much rice did Cambodia export?", RICE),
    ],
)
def test_english_question_finds_english_document(search_services: Any, query: str, expected: str) -> None:
    response = search(search_services, query, k=10)
    assert response.language == "en"
    assert expected in doc_ids(response)[:3]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (KM_DATA_Q, DATA),
        ("ប៉មទូរគមនាគមន៍នៅតំបន់ជនបទ", TOWERS),  # telecom towers in rural areas
        (KM_WOMEN_Q, WOMEN),
    ],
)
def test_khmer_question_finds_khmer_document(search_services: Any, query: str, expected: str) -> None:
    response = search(search_services, query, k=10)
    assert response.language == "km"
    assert expected in doc_ids(response)[:3]


def test_khmer_question_reaches_english_only_document(search_services: Any) -> None:
    response = search(search_services, KM_CYBER_Q, k=10)
    assert "cybersecurity" in response.expansions
    ids = doc_ids(response)
    assert CYBER in ids
    assert hit_of(response, CYBER).scores.sparse is not None  # reached through the glossary
    if RICE in ids:
        assert ids.index(CYBER) < ids.index(RICE)  # the off-topic control stays below


def test_english_question_reaches_khmer_only_document(search_services: Any) -> None:
    response = search(search_services, EN_DATA_Q, k=10)
    assert "ទិន្នន័យផ្ទាល់ខ្លួន" in response.expansions
    ids = doc_ids(response)
    assert DATA in ids
    hit = hit_of(response, DATA)
    assert hit.language == "km" and hit.scores.sparse is not None
    if RICE in ids:
        assert ids.index(DATA) < ids.index(RICE)


def test_khmer_spelling_and_zero_width_variants_search_alike(search_services: Any) -> None:
    canonical = search(search_services, KM_WOMEN_Q, k=10)
    typed = search(search_services, KM_WOMEN_Q_TYPED, k=10)
    assert canonical.hits and canonical.hits[0].doc_id == WOMEN
    assert typed.hits[0].doc_id == canonical.hits[0].doc_id
    assert [h.chunk_id for h in typed.hits] == [h.chunk_id for h in canonical.hits]


# --- what a hit carries -------------------------------------------------------------------


@pytest.mark.parametrize("query", [EN_CYBER_Q, KM_DATA_Q, TWIN_Q, KM_CYBER_Q])
def test_every_hit_cites_an_exact_passage(search_services: Any, query: str) -> None:
    response = search(search_services, query, k=10)
    assert response.hits
    docs = {d.doc_id: d for d in search_services.catalog.documents()}
    for hit in response.hits:
        assert hit.doc_id in CORPUS and not Path(hit.doc_id).is_absolute()
        assert hit.title == docs[hit.doc_id].title and hit.title
        assert hit.page >= 1
        page = search_services.catalog.page(hit.doc_id, hit.page)
        assert page is not None
        assert 0 <= hit.start < hit.end <= len(page.text)
        assert page.text[hit.start : hit.end] == hit.text
        core = hit.snippet.removeprefix("…").removesuffix("…")
        assert core and core in hit.text
        for start, end in hit.highlights:
            assert 0 <= start < end <= len(hit.snippet)
        assert hit.scores.fused > 0
        assert hit.scores.sparse is not None or hit.scores.dense is not None
        for twin in hit.twins:
            assert twin.doc_id in CORPUS and twin.page >= 1 and twin.snippet


def test_english_highlights_cover_the_query_words(search_services: Any) -> None:
    response = search(search_services, "5G spectrum licence auction", k=5)
    hit = hit_of(response, SPECTRUM)
    words = {w.lower() for w in highlighted(hit)}
    assert {"5g", "spectrum", "licence", "auction"} <= words
    q = search_services.searcher.analyze("5G spectrum licence auction")
    for word in words:  # nothing but the query's terms and their glossary translations
        assert set(Analyzer().analyze(word)) & {*q.terms, *q.translated_terms}, word


def test_khmer_highlights_cover_the_khmer_terms(search_services: Any) -> None:
    response = search(search_services, KM_DATA_Q, k=5)
    pieces = highlighted(hit_of(response, DATA))
    assert any("ទិន្នន័យផ្ទាល់ខ្លួន" in p for p in pieces)
    assert any("ប្រជាពលរដ្ឋ" in p for p in pieces)


def test_khmer_highlights_find_terms_typed_another_way(search_services: Any) -> None:
    """The women's document is typed ស្រ្តី (subscript RO first); the index keys it as
    ស្ត្រី, and the highlight must mark the original characters."""
    response = search(search_services, "ស្ត្រី", k=5)
    hit = hit_of(response, WOMEN)
    pieces = highlighted(hit)
    assert pieces.count("ស្រ្តី") == hit.snippet.count("ស្រ្តី") >= 2


def test_english_query_highlights_khmer_twin_passages_through_the_glossary(search_services: Any) -> None:
    response = search(search_services, EN_DATA_Q, k=5)
    assert any("ទិន្នន័យផ្ទាល់ខ្លួន" in p for p in highlighted(hit_of(response, DATA)))


# --- grouping -----------------------------------------------------------------------------


def test_per_doc_limits_passages_per_document(search_services: Any) -> None:
    two = search(search_services, EN_CYBER_Q, k=10, per_doc=2)
    assert doc_ids(two).count(CYBER) == 2  # both sections match: the limit has work to do
    one = search(search_services, EN_CYBER_Q, k=10, per_doc=1)
    ids = doc_ids(one)
    assert len(ids) == len(set(ids))
    assert hit_of(one, CYBER).more_in_document >= 1


@pytest.mark.parametrize("query", [TWIN_Q, "មជ្ឈមណ្ឌលបច្ចេកវិទ្យាសហគមន៍នៅវិទ្យាល័យ"])
def test_twins_are_shown_together(search_services: Any, query: str) -> None:
    """A translation is a document in its own right: it follows the hit it translates (the
    one in the question's language leads) and is listed in that hit's twins."""
    response = search(search_services, query, k=10)
    twin_pair = {TWIN_EN_ID, TWIN_KM_ID}
    at = [i for i, h in enumerate(response.hits) if h.doc_id in twin_pair]
    assert len(at) == 2 and at[1] == at[0] + 1, doc_ids(response)  # side by side
    hit = response.hits[at[0]]
    assert at[0] < 3 and hit.language == response.language
    assert {t.doc_id for t in hit.twins} == twin_pair - {hit.doc_id}
    twin = hit.twins[0]
    assert twin.language == ("km" if hit.doc_id == TWIN_EN_ID else "en")
    assert twin.title == search_services.catalog.get_document(twin.doc_id).title


def test_a_filtered_out_twin_is_not_attached(search_services: Any) -> None:
    response = search(search_services, TWIN_Q, k=10, filters=SearchFilters(languages=["km"]))
    hit = hit_of(response, TWIN_KM_ID)
    assert hit.twins == []
    assert TWIN_EN_ID not in reached(response)


# --- filters ------------------------------------------------------------------------------


def _year(date: str | None) -> int:
    """The year of an ISO date; 0 when undated."""
    return int(date[:4]) if date else 0


FILTER_CASES: list[tuple[str, SearchFilters, Any]] = [
    ("languages", SearchFilters(languages=["km"]), lambda d: d.language == "km"),
    ("doc_types", SearchFilters(doc_types=["news"]), lambda d: d.doc_type == "news"),
    ("issuing_bodies", SearchFilters(issuing_bodies=["Ministry of Posts and Telecommunications"]),
     lambda d: d.issuing_body == "Ministry of Posts and Telecommunications"),
    ("years", SearchFilters(date_from="2022", date_to="2023"),
     lambda d: 2022 <= _year(d.date) <= 2023),
    ("dates", SearchFilters(date_from="2024-01-01"), lambda d: (d.date or "") >= "2024-01-01"),
    ("doc_ids", SearchFilters(doc_ids=[TWIN_KM_ID, WOMEN]), lambda d: d.doc_id in {TWIN_KM_ID, WOMEN}),
]


@pytest.mark.parametrize(("filters", "keep"), [c[1:] for c in FILTER_CASES],
                         ids=[c[0] for c in FILTER_CASES])
@pytest.mark.parametrize("query", [BROAD_Q, "ជំនាញឌីជីថល"])  # digital skills, in Khmer
def test_filters_exclude_what_they_should(search_services: Any, query: str,
                                          filters: SearchFilters, keep: Any) -> None:
    docs = {d.doc_id: d for d in search_services.catalog.documents()}
    unfiltered = reached(search(search_services, query, k=30, per_doc=5))
    assert any(not keep(docs[d]) for d in unfiltered), "nothing to exclude: the test is void"
    filtered = reached(search(search_services, query, k=30, per_doc=5, filters=filters))
    assert filtered, "the filter excluded everything"
    for doc_id in filtered:
        assert keep(docs[doc_id]), doc_id


def test_a_filter_that_matches_nothing_returns_no_hits(search_services: Any) -> None:
    response = search(search_services, BROAD_Q, filters=SearchFilters(date_from="2030"))
    assert response.hits == []


# --- related passages --------------------------------------------------------------------

FILLER = [
    "This memo sets out the arrangements for moving the archive office to the new building on the riverside avenue next spring.",
    "The removal company will pack the shelves floor by floor, starting with the oldest boxes in the basement, and label every carton with a colour code.",
    "Staff are asked to clear their desks of personal belongings before the Friday of the second week, so that the furniture can be dismantled over the weekend.",
    "The canteen will stay open until the last day, but the menu will be shorter while the kitchen equipment is disconnected and moved.",
    "Parking at the new site is limited; a shuttle bus will run every twenty minutes from the old car park between seven and nine in the morning.",
    "The lifts in the new building are still being inspected, and until the inspector signs the certificate, heavy trolleys must use the ramp at the back.",
    "Meeting rooms on the third floor can be booked through the reception desk from the first Monday after the move; the large hall needs two days' notice.",
    "The cleaning contract has been extended by three months to cover both buildings while the handover takes place.",
    "Keys and access badges will be handed out by the security desk against a signature, and lost badges should be reported the same day.",
    "Paintings, plants and other decorations belong to the office and must travel with the furniture rather than in private cars.",
]
DRAFT_TOPIC = (
    "Finally, the finance unit asks every department to note the new rule on e-commerce: online "
    "sellers and e-commerce platforms must now register for value added tax, and foreign digital "
    "service providers must collect the tax on what they sell here. Departments that buy from "
    "online sellers should check that the value added tax appears on the invoice."
)


def long_draft(with_topic: bool = True) -> str:
    """An office-move memo of 600+ words, with (optionally) a paragraph on e-commerce tax last."""
    paragraphs: list[str] = []
    i = 0
    while sum(len(p.split()) for p in paragraphs) < 620:
        paragraphs.append(" ".join(FILLER[(i + j) % len(FILLER)] for j in range(4)))
        i += 3
    return "\n\n".join(paragraphs + ([DRAFT_TOPIC] if with_topic else []))


def test_related_reads_a_long_draft_to_the_end(search_services: Any) -> None:
    draft = long_draft()
    embedder = search_services.embedder
    assert len(draft.split()) > 600
    assert embedder.count_tokens(draft[: draft.index(DRAFT_TOPIC)]) > 2 * embedder.max_tokens
    response = search_services.searcher.related(draft, k=10, per_doc=1)
    assert response.dense_used
    assert ECOMMERCE in doc_ids(response)[:3]
    # the dense evidence comes from the last window, the only one about e-commerce
    assert hit_of(response, ECOMMERCE).scores.dense_rank == 1
    control = search_services.searcher.related(long_draft(with_topic=False), k=10, per_doc=1)
    assert ECOMMERCE not in doc_ids(control)[:3]


def test_related_to_a_document_excludes_the_document_itself(search_services: Any) -> None:
    text = "\n\n".join(p.text for p in search_services.catalog.pages_of(DATA))
    itself = search_services.searcher.related(text, k=10)
    assert DATA in doc_ids(itself)[:3]  # without the exclusion it finds itself
    others = search_services.searcher.related(text, k=10, exclude_doc_id=DATA)
    assert others.hits
    assert DATA not in reached(others)


def test_related_leaves_the_callers_filters_unchanged(search_services: Any) -> None:
    filters = SearchFilters(languages=["en"])
    search_services.searcher.related(CYBER_EN, filters=filters, exclude_doc_id=CYBER)
    assert filters == SearchFilters(languages=["en"])
    again = search_services.searcher.search(EN_CYBER_Q, filters=filters)
    assert CYBER in doc_ids(again)


# --- the index stays in step with the catalog ---------------------------------------------


def test_deleted_document_never_appears_again(tmp_path: Path, embedder: Any) -> None:
    corpus = write_fixture_corpus(tmp_path / "corpus")
    writer = build_services(tmp_path / "data", embedder)
    assert not writer.ingestor.ingest([corpus]).failed
    reader = build_services(tmp_path / "data", embedder)  # e.g. an API worker
    assert doc_ids(reader.searcher.search("5G spectrum licence", k=3))[0] == SPECTRUM
    generation = writer.catalog.generation()
    writer.ingestor.delete([SPECTRUM])
    assert writer.catalog.generation() != generation
    for services in (writer, reader):
        for query in ("5G spectrum licence", "Telecommunication Regulator of Cambodia", "auction"):
            response = services.searcher.search(query, k=50, per_doc=50)
            assert SPECTRUM not in reached(response), query
        assert SPECTRUM not in reached(services.searcher.related(CORPUS[SPECTRUM], k=50))
        assert services.sparse.current().generation == services.catalog.generation()


def test_changed_document_is_searchable_by_its_new_text(tmp_path: Path, embedder: Any) -> None:
    corpus = write_fixture_corpus(tmp_path / "corpus")
    services = build_services(tmp_path / "data", embedder)
    assert not services.ingestor.ingest([corpus]).failed
    old_sentence = "publish a quarterly report on incidents"
    assert old_sentence in " ".join(services.catalog.chunks_of(CYBER)[-1].text.split())
    before = services.searcher.search("zebrafish tabletop drill", k=10)
    assert not any(h.scores.sparse for h in before.hits)  # no passage has these words yet
    changed = CYBER_EN.replace(
        "and publish a quarterly report on incidents.",
        "and run a zebrafish tabletop drill with every ministry.")
    (corpus / CYBER).write_text(changed, encoding="utf-8")
    report = services.ingestor.ingest([corpus])
    assert [o.source for o in report.indexed] == [CYBER]
    after = services.searcher.search("zebrafish tabletop drill", k=10)
    top = after.hits[0]
    assert top.doc_id == CYBER and "zebrafish tabletop drill" in top.text
    assert {"zebrafish", "tabletop", "drill"} <= {w.lower() for w in highlighted(top)}
    page = services.catalog.page(top.doc_id, top.page)
    assert page.text[top.start : top.end] == top.text
    stale = services.searcher.search("quarterly report on incidents", k=50, per_doc=50)
    assert not any(re.search(r"quarterly\s+report", h.text) for h in stale.hits)


def test_result_cache_serves_repeats_and_follows_the_index(tmp_path, make_services):
    from core.settings import Settings

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Plan\n\nTrain officials in cybersecurity every year.\n", encoding="utf-8")
    (folder / "b.md").write_text("# Note\n\nCybersecurity drills for provincial officials.\n", encoding="utf-8")
    services = make_services(Settings(data_dir=tmp_path / "data", ocr_enabled=False, _env_file=None))
    services.ingestor.ingest([folder])
    first = services.searcher.search("cybersecurity officials")
    again = services.searcher.search("cybersecurity officials")
    # a cache hit hands back the stored hits themselves; a recomputed answer has new objects
    assert again.hits is first.hits
    assert {h.doc_id for h in first.hits} == {"a.md", "b.md"}
    other = services.searcher.search("cybersecurity officials", k=5)  # another key: a miss
    assert other.hits is not first.hits
    assert [h.chunk_id for h in other.hits] == [h.chunk_id for h in first.hits]
    services.ingestor.delete(["b.md"])  # the generation moves on: the cached answer is stale
    after = services.searcher.search("cybersecurity officials")
    assert after.hits is not first.hits
    assert {h.doc_id for h in after.hits} == {"a.md"}


# --- issue #14: the faster path gives the same answers ----------------------------------


SAME_ANSWER_QUERIES = [EN_CYBER_Q, KM_CYBER_Q, EN_DATA_Q, KM_DATA_Q, KM_WOMEN_Q_TYPED, TWIN_Q,
                       BROAD_Q, "5G spectrum licence auction"]


def test_onnx_queries_rank_like_torch_queries(search_services: Any, tmp_path: Path) -> None:
    """The same index searched with ONNX Runtime query vectors and with PyTorch ones: the
    same hits, snippets and twins in the same order, the same scores to 1e-4."""
    from index.embedder import SentenceTransformerEmbedder
    from policykb.services import Services

    onnx_model = SentenceTransformerEmbedder(query_encoder="onnx", onnx_cache_dir=tmp_path)
    assert onnx_model.query_encoder == "onnx"
    onnx = Services(search_services.settings, model=onnx_model)
    assert search_services.model.query_encoder == "torch"
    for query in SAME_ANSWER_QUERIES:
        want = search(search_services, query, k=10)
        got = search(onnx, query, k=10)
        shown = [(h.chunk_id, h.snippet, h.highlights, [t.chunk_id for t in h.twins])
                 for h in want.hits]
        assert [(h.chunk_id, h.snippet, h.highlights, [t.chunk_id for t in h.twins])
                for h in got.hits] == shown, query
        assert [h.scores.fused for h in got.hits] == pytest.approx(
            [h.scores.fused for h in want.hits], abs=1e-4)
    onnx.catalog.close()


def test_dense_hits_take_their_columns_from_the_sparse_index(search_services: Any) -> None:
    """chromadb is asked for distances only; the doc id and language fusion needs come from
    the sparse index and equal what chromadb stores with each vector."""
    from index.sparse_rows import with_columns

    searcher = search_services.searcher
    vector = searcher.embedder.embed_batch([EN_CYBER_Q], kind="query")[0]
    full = search_services.store.query(vector, 50)
    bare = search_services.store.query(vector, 50, metadata=False)
    assert [h.chunk_id for h in bare] == [h.chunk_id for h in full]
    assert all(h.metadata == {} for h in bare)
    filled = with_columns(searcher.sparse(), bare)
    assert [h.metadata for h in filled] == [
        {"doc_id": h.metadata["doc_id"], "language": h.metadata["language"],
         "collection": h.metadata["collection"]} for h in full]


def test_dense_hits_unknown_to_the_index_are_dropped(search_services: Any) -> None:
    from index.sparse_rows import with_columns
    from index.vector_store import VectorHit

    index = search_services.searcher.sparse()
    known = index.chunk_ids[0]
    hits = [VectorHit("orphan-of-a-crashed-ingest", 0.9, {}), VectorHit(known, 0.8, {})]
    assert [h.chunk_id for h in with_columns(index, hits)] == [known]


@pytest.mark.parametrize("query", [EN_CYBER_Q, KM_WOMEN_Q_TYPED])
def test_search_json_is_what_the_schema_gives(search_services: Any, query: str) -> None:
    """The route writes the response once, straight from the dataclasses; the body is the
    one FastAPI's model round trip produced (same fields, same values)."""
    import json

    from fastapi.encoders import jsonable_encoder

    from api.routes.search import _json
    from api.schemas import SearchResponseOut

    response = search(search_services, query, k=10)
    assert response.hits
    body = json.loads(_json(response).body)
    assert body == jsonable_encoder(SearchResponseOut(**response.to_dict()))
    assert "twin_key" not in body["hits"][0]
