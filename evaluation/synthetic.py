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

from core.settings import Settings
from evaluation.factory import ServicesFactory

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


def grow(source_dir: Path, target_dir: Path, factor: int, *, services: ServicesFactory,
         seed: int = 13, noise: float = 0.02, collection: str | None = None) -> dict[str, int]:
    """Write ``factor`` × the index of ``source_dir`` into ``target_dir`` (replaced);
    ``services`` builds the components of each (the caller's container)."""
    from index.vector_store import ChromaVectorStore

    src = Settings(data_dir=source_dir)
    dst = Settings(data_dir=target_dir)
    if target_dir.exists():
        shutil.rmtree(target_dir)
    target_dir.mkdir(parents=True)
    source = services(src)
    source.catalog.snapshot_to(dst.catalog_path)  # an online copy, then the derived rows
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    db = sqlite3.connect(dst.catalog_path, isolation_level=None)
    db.row_factory = sqlite3.Row
    docs = [dict(r) for r in db.execute("SELECT * FROM documents")]
    chunks = [dict(r) for r in db.execute("SELECT * FROM chunks ORDER BY doc_id, ordinal")]
    vocabulary = sorted({t for c in chunks for t in c["search_key"].split()}) or ["term"]

    # the chunks' vectors, in chunk order (chunks without one are left out)
    rows = source.store.rows([c["chunk_id"] for c in chunks])
    store = ChromaVectorStore.open(dst.chroma_dir, collection or dst.collection,
                                   embedder_name=dst.embedder_name)
    ids = [chunk_id for chunk_id, _, _ in rows]
    matrix = np.stack([v for _, v, _ in rows]) if ids else np.zeros((0, 1), np.float32)
    metas = [m for _, _, m in rows]
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
    grown = services(dst)
    grown.catalog.bump_generation()
    grown.sparse.current()  # rebuilt from the stored terms and saved for the server
    stats = grown.catalog.stats()
    return {"documents": stats["documents"], "pages": stats["pages"], "chunks": stats["chunks"],
            "vectors": grown.store.count()}
