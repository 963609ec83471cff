"""A document whose text is legacy-font garbage is found by its title (real index).

Khmer typed in a legacy (Limon) font comes out of a PDF as Latin symbols. Its passages
match nothing a person types, so before this the document was reachable only through the
dense vector of its title metadata and lost every fused ranking to documents that merely
mention its subject. It is now one passage, searched and embedded by its title.
"""

from __future__ import annotations

from pathlib import Path

GARBAGE = " ".join(["~!LY", "1:1", "Lt1B!J", "t.P", "!:!1", "S1ti", "Y1ny1§B.ru", "uu"] * 60)

NEWS = {
    "TRC_events_1.md": "# Regulator hosts a workshop\n\nThe telecom regulator held a workshop on "
    "spectrum pricing with operators. The regulator said the workshop will be repeated.\n",
    "TRC_news_2.md": "# Regulator meets operators\n\nThe telecom regulator met mobile operators "
    "to discuss quality of service and consumer complaints in the provinces.\n",
}


def _corpus(root: Path) -> Path:
    corpus = root / "corpus"
    (corpus / "policy").mkdir(parents=True)
    (corpus / "policy" / "KH_SubDecree_Organization_Functioning_TRC_EN.txt").write_text(
        f"[[page 1]]\n{GARBAGE}\n[[page 2]]\n{GARBAGE}\n", encoding="utf-8")
    for name, text in NEWS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def test_a_garbled_document_is_found_by_its_title(services, tmp_path):
    report = services.ingestor.ingest([_corpus(tmp_path)])
    assert not report.failed
    doc_id = "policy/KH_SubDecree_Organization_Functioning_TRC_EN.txt"
    title = services.catalog.get_document(doc_id).title
    assert "Telecommunication Regulator" in title

    hits = services.searcher.search(
        "which sub-decree organises the telecommunication regulator", k=10).hits
    assert hits[0].doc_id == doc_id
    # found by its words and its vector, on the same passage, so the two lists fuse
    assert hits[0].scores.sparse_rank == 1 and hits[0].scores.dense_rank == 1

    # one passage: title words on every passage would lower their idf for every question
    chunks = services.catalog.chunks_of(doc_id)
    assert len(chunks) == 1 and "regul" in chunks[0].search_key.split()
    assert services.catalog.get_document(doc_id).n_pages == 2  # every page is still kept

    # the garbage itself is not searchable any more
    assert not [h for h in services.searcher.search("Lt1B!J S1ti", k=10).hits
                if h.doc_id == doc_id and h.scores.sparse_rank is not None]
