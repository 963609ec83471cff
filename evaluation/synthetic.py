"""Synthetic corpus growth for scale benchmarks: N× the real index without re-embedding.

Every copy ``i`` of every document becomes a new document ``<doc_id>#syn<i>`` whose chunks
are the originals with a per-copy perturbation — sentences shuffled, one stored term swapped
for another term of the vocabulary, one random extra term added — and whose vectors are the
originals plus small Gaussian noise, renormalised. Chunk ids differ, so nothing dedups. The
rows go straight into a separate data directory's catalog and chromadb collection, and the
sparse index is rebuilt from the stored terms (no Khmer segmentation, no embedding).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sqlite3
from pathlib import Path

import numpy as np

_SENTENCE_END = re.compile(r"(?<=[.!?។៕])\s+")


def _perturb_text(text: str, extra: str, rng: random.Random) -> str:
    sentences = _SENTENCE_END.split(text)
    rng.shuffle(sentences)
    return " ".join(sentences) + f" {extra}"


def _perturb_terms(terms: str, vocabulary: list[str], extra: str, rng: random.Random) -> str:
    words = terms.split()
    if words:  # the "synonym swap": one term becomes another term of the corpus
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
    words.append(extra)
    return " ".join(words)


def grow(source_dir: Path, target_dir: Path, factor: int, *, seed: int = 13,
         noise: float = 0.02, collection: str | None = None) -> dict[str, int]:
    """Write ``factor`` × the index of ``source_dir`` into ``target_dir`` (replaced)."""
    from core.settings import Settings
    from index.vector_store import ChromaVectorStore
    from policykb.services import Services, embedder_name

    src = Settings(data_dir=source_dir)
    dst = Settings(data_dir=target_dir)
    if target_dir.exists():
        shutil.rmtree(target_dir)
    target_dir.mkdir(parents=True)
    # catalog: an online copy of the source, then the derived rows
    with sqlite3.connect(src.catalog_path) as source_db, sqlite3.connect(dst.catalog_path) as db:
        source_db.backup(db)
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    db = sqlite3.connect(dst.catalog_path, isolation_level=None)
    db.row_factory = sqlite3.Row
    docs = [dict(r) for r in db.execute("SELECT * FROM documents")]
    chunks = [dict(r) for r in db.execute("SELECT * FROM chunks ORDER BY doc_id, ordinal")]
    vocabulary = sorted({t for c in chunks for t in c["search_key"].split()}) or ["term"]

    store_src = ChromaVectorStore.open(src.chroma_dir, src.collection,
                                       embedder_name=embedder_name(src))
    got = store_src._collection.get(include=["embeddings", "metadatas"])
    base_vectors = {i: (np.asarray(v, dtype=np.float32), m)
                    for i, v, m in zip(got["ids"], got["embeddings"], got["metadatas"], strict=True)}
    store = ChromaVectorStore.open(dst.chroma_dir, collection or dst.collection,
                                   embedder_name=embedder_name(dst))
    ids = [c["chunk_id"] for c in chunks if c["chunk_id"] in base_vectors]
    matrix = np.stack([base_vectors[i][0] for i in ids]) if ids else np.zeros((0, 1), np.float32)
    metas = [base_vectors[i][1] for i in ids]
    store.add(ids, matrix, metas)

    chunk_cols = list(chunks[0]) if chunks else []
    doc_cols = list(docs[0]) if docs else []
    for copy in range(1, factor):
        tag = f"#syn{copy}"
        db.execute("BEGIN")
        for doc in docs:
            row = {**doc, "doc_id": doc["doc_id"] + tag, "source": doc["source"] + tag,
                   "title": f"{doc['title']} (synthetic copy {copy})",
                   "metadata": json.dumps({**json.loads(doc["metadata"]), "synthetic": copy})}
            db.execute(f"INSERT INTO documents ({','.join(doc_cols)}) VALUES "
                       f"({','.join('?' * len(doc_cols))})", [row[c] for c in doc_cols])
        db.execute("INSERT INTO pages (doc_id, page, text, method) "
                   "SELECT doc_id || ?, page, text, method FROM pages "
                   "WHERE doc_id NOT LIKE '%#syn%'", (tag,))
        rows = []
        for chunk in chunks:
            extra = rng.choice(vocabulary)
            rows.append([*({**chunk, "chunk_id": chunk["chunk_id"] + tag,
                            "doc_id": chunk["doc_id"] + tag,
                            "text": _perturb_text(chunk["text"], extra, rng),
                            "search_key": _perturb_terms(chunk["search_key"], vocabulary, extra, rng),
                            }[c] for c in chunk_cols)])
        db.executemany(f"INSERT INTO chunks ({','.join(chunk_cols)}) VALUES "
                       f"({','.join('?' * len(chunk_cols))})", rows)
        db.execute("COMMIT")
        noisy = matrix + nrng.normal(0.0, noise, matrix.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True).clip(1e-12)
        store.add([i + tag for i in ids], noisy,
                  [{**m, "doc_id": m["doc_id"] + tag} for m in metas])
    db.close()
    services = Services(dst)
    services.catalog.bump_generation()
    services.sparse.current()  # rebuilt from the stored terms and saved for the server
    stats = services.catalog.stats()
    return {"documents": stats["documents"], "pages": stats["pages"], "chunks": stats["chunks"],
            "vectors": services.store.count()}
