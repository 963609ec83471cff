"""The grouping rule as a pure function: from a ranked pool of passages to the hits shown."""

from __future__ import annotations

from core.models import ChunkRecord, DocumentRecord
from index.grouping import group_hits
from index.search_types import Hit, ScoreBreakdown, Twin
from index.twins import twin_key

POLICY = "policy/plan_en.pdf"
NEWS = "news/ministry_en_1-post.md"
NEWS_KM = "news/ministry_km_1-post.md"


def chunk(doc_id: str, page: int, n: int, language: str = "en", text: str | None = None) -> ChunkRecord:
    return ChunkRecord(chunk_id=f"{doc_id}#{page}.{n}", doc_id=doc_id, ordinal=n, page=page,
                       start=0, end=1, heading="", language=language,
                       text=text or f"{doc_id} page {page} passage {n}", search_key="")


def document(doc_id: str, language: str = "en") -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, source=doc_id, root="", file_hash="", title=doc_id,
                          doc_type="other", language=language)


def make_hit(c: ChunkRecord, d: DocumentRecord) -> Hit:
    return Hit(chunk_id=c.chunk_id, doc_id=c.doc_id, title=d.title, doc_type=d.doc_type,
               language=c.language, doc_language=d.language, date=None, issuing_body=None,
               page=c.page, start=c.start, end=c.end, heading=c.heading, text=c.text,
               snippet=c.text, highlights=[], scores=ScoreBreakdown(fused=1.0),
               twin_key=twin_key(c.doc_id))


def make_twin(c: ChunkRecord, d: DocumentRecord) -> Twin:
    return Twin(doc_id=c.doc_id, chunk_id=c.chunk_id, title=d.title, language=c.language,
                page=c.page, snippet=c.text)


def group(pool: list[ChunkRecord], k: int, per_doc: int | None = None,
          language: str = "en") -> list[Hit]:
    chunks = {c.chunk_id: c for c in pool}
    docs = {c.doc_id: document(c.doc_id, c.language) for c in pool}
    return group_hits([c.chunk_id for c in pool], chunks, docs, language, k, per_doc,
                      make_hit, make_twin)


def shown(hits: list[Hit]) -> list[tuple[str, int]]:
    return [(h.doc_id, h.page) for h in hits]


def test_a_document_with_many_good_pages_shows_them_without_hiding_the_others() -> None:
    pool = [chunk(POLICY, p, p) for p in (4, 9, 26, 27)] + [
        chunk(f"news/item_{i}.md", 1, 0) for i in range(5)]
    hits = group(pool, k=3)
    # the three best pages first, then one page of each further document until three documents
    assert shown(hits) == [(POLICY, 4), (POLICY, 9), (POLICY, 26),
                           ("news/item_0.md", 1), ("news/item_1.md", 1)]
    assert hits[0].more_in_document == 1  # page 27: ranked, not shown, counted


def test_an_explicit_per_doc_caps_a_document() -> None:
    pool = [chunk(POLICY, p, p) for p in (4, 9, 26)] + [chunk(NEWS, 1, 0)]
    hits = group(pool, k=3, per_doc=2)
    assert shown(hits) == [(POLICY, 4), (POLICY, 9), (NEWS, 1)]
    assert hits[0].more_in_document == 1


def test_passages_of_a_page_already_shown_do_not_use_up_the_page_budget() -> None:
    """Answers read several passages of one page; the budget counts distinct pages."""
    pool = [chunk(NEWS, 1, 0), chunk(NEWS, 1, 1), chunk(POLICY, 3, 0), chunk(POLICY, 5, 1)]
    hits = group(pool, k=2)
    assert [h.chunk_id for h in hits] == [pool[0].chunk_id, pool[1].chunk_id, pool[2].chunk_id]
    assert len({(h.doc_id, h.page) for h in hits}) == 2


def test_rank_order_is_kept() -> None:
    pool = [chunk(NEWS, 1, 0), chunk(POLICY, 7, 0), chunk(NEWS, 1, 1), chunk(POLICY, 2, 1)]
    hits = group(pool, k=10)
    assert [h.chunk_id for h in hits] == [c.chunk_id for c in pool]


def test_a_twin_follows_its_lead_and_is_listed_in_its_twins() -> None:
    pool = [chunk(NEWS, 1, 0), chunk(POLICY, 2, 0), chunk(NEWS_KM, 1, 0, language="km")]
    hits = group(pool, k=10)
    assert [h.doc_id for h in hits] == [NEWS, NEWS_KM, POLICY]
    assert [t.doc_id for t in hits[0].twins] == [NEWS_KM]


def test_the_twin_in_the_questions_language_leads() -> None:
    pool = [chunk(NEWS_KM, 1, 0, language="km"), chunk(POLICY, 2, 0), chunk(NEWS, 1, 0)]
    hits = group(pool, k=10, language="en")
    assert [h.doc_id for h in hits] == [NEWS, NEWS_KM, POLICY]
    assert [t.doc_id for t in hits[0].twins] == [NEWS_KM] and hits[1].twins == []


def test_a_copy_in_another_file_is_a_twin_too() -> None:
    pool = [chunk(NEWS, 1, 0, text="Same words."), chunk(POLICY, 2, 0),
            chunk("archive/copy.md", 1, 0, text="Same words.")]
    hits = group(pool, k=10)
    assert [h.doc_id for h in hits] == [NEWS, "archive/copy.md", POLICY]


def test_no_more_than_k_documents_once_k_pages_are_shown() -> None:
    pool = [chunk(f"news/item_{i}.md", 1, 0) for i in range(8)]
    hits = group(pool, k=3)
    assert shown(hits) == [(f"news/item_{i}.md", 1) for i in range(3)]
