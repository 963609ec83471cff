"""Document identity accuracy: inferred title, country and issuing body against a judged TSV.

Titles, countries and issuers are shown wherever a document is named, so they are measured
like retrieval: on the shared development corpus, against ``evaluation/dev/identity.tsv``
(written by hand, one row per document id). Nothing is embedded: the corpus files go through
the same loader table and ``infer_metadata`` as ingestion (PDF OCR text comes from an OCR
cache), so a full run costs the PDF parsing only.

Judged values (columns ``doc_id``, ``title``, ``country``, ``issuing_body``):

* alternatives are separated by `` || ``; ``(none)`` accepts "no value"; an empty cell
  expects no value;
* comparison ignores case, spacing, punctuation, accents and Khmer spelling variants
  (``ingest.identity.boilerplate.line_key``);
* a judged title ending in ``...`` accepts any title starting with it (long headlines);
* a title within ``NEAR`` similarity of a judged one counts as *near*: an OCR'd title whose
  words are right but whose characters carry OCR errors.

Each miss is reported with its similarity to the judged value, and each field with its mean
similarity (1.0 for a right value), which moves with every letter an OCR repair gets right.
``--catalog`` scores the titles stored in an existing index instead (the "before" numbers).
Pages missing from ``--ocr-cache`` are OCR'd into it: point it at a copy of a shared index's.

    cp -a /tmp/pkb-dev/cache/ocr /tmp/pkb-identity-ocr
    python -m evaluation.identity --corpus ../shared/corpus --ocr-cache /tmp/pkb-identity-ocr
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ingest.identity.boilerplate import line_key

DEV_TRUTH = Path(__file__).resolve().parent / "dev" / "identity.tsv"
NONE = "(none)"
NEAR = 0.85
FIELDS = ("title", "country", "issuing_body")
logger = logging.getLogger(__name__)


@dataclass
class FieldScore:
    right: int = 0
    near: int = 0
    total: int = 0
    #: sum of each document's similarity (1.0 when right): the mean moves with every letter
    #: an OCR repair gets right, where right/near do not
    similarity_sum: float = 0.0
    #: (doc_id, inferred, accepted values, similarity)
    misses: list[tuple[str, str, str, float]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "right": self.right,
            "near": self.near,
            "total": self.total,
            "accuracy": round(self.right / self.total, 4) if self.total else None,
            "accuracy_with_near": round((self.right + self.near) / self.total, 4)
            if self.total
            else None,
            "mean_similarity": round(self.similarity_sum / self.total, 4) if self.total else None,
        }


def load_truth(path: Path = DEV_TRUTH) -> dict[str, dict[str, list[str]]]:
    """doc_id -> field -> accepted values ("" = no value)."""
    truth: dict[str, dict[str, list[str]]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            truth[row["doc_id"]] = {
                name: [
                    "" if v.strip() == NONE else v.strip() for v in (row[name] or "").split(" || ")
                ]
                for name in FIELDS
            }
    return truth


def similarity(value: str | None, accepted: list[str], prefix_ok: bool = False) -> float:
    """Best similarity (0-1, on comparison keys) of an inferred value to an accepted one;
    1.0 when it is right. Shown beside a miss: how far an OCR'd title is from its judgement."""
    got = line_key(value or "")
    best = 0.0
    for want in accepted:
        is_prefix = prefix_ok and want.endswith("...")
        key = line_key(want.removesuffix("...") if is_prefix else want)
        if got == key or (is_prefix and key and got.startswith(key)):
            return 1.0
        if key and got:
            best = max(
                best,
                SequenceMatcher(
                    None, got[: len(key)] if is_prefix else got, key, autojunk=False
                ).ratio(),
            )
    return best


def judge(value: str | None, accepted: list[str], prefix_ok: bool = False) -> str:
    """ "right", "near" or "wrong" for one inferred value against its accepted values."""
    ratio = similarity(value, accepted, prefix_ok)
    return "right" if ratio == 1.0 else "near" if ratio >= NEAR else "wrong"


def score(
    inferred: Mapping[str, Mapping[str, Any]], truth: Mapping[str, Mapping[str, list[str]]]
) -> dict[str, FieldScore]:
    """Per-field scores over every judged document (a document not inferred counts as wrong)."""
    scores = {name: FieldScore() for name in FIELDS}
    for doc_id, expected in sorted(truth.items()):
        got = inferred.get(doc_id, {})
        for name in FIELDS:
            s = scores[name]
            s.total += 1
            ratio = similarity(got.get(name), expected[name], prefix_ok=name == "title")
            s.similarity_sum += ratio
            if ratio == 1.0:
                s.right += 1
                continue
            s.near += ratio >= NEAR
            s.misses.append(
                (
                    doc_id,
                    str(got.get(name)),
                    " || ".join(v or NONE for v in expected[name]),
                    round(ratio, 3),
                )
            )
    return scores


def infer_corpus(corpus: Path, ocr_cache: Path | None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(doc_id, metadata) for every document of the corpus, inferred as ingestion would."""
    from ingest.loaders.dispatch import default_loaders
    from ingest.loaders.ocr import TesseractOcr
    from ingest.loaders.pdf import PdfLoader
    from ingest.metadata import infer_metadata, load_manifest, load_sidecar

    ocr = TesseractOcr(ocr_cache) if ocr_cache else None
    table = default_loaders(PdfLoader(ocr=ocr).load)
    manifests: dict[Path, dict[str, dict]] = {}
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and table.supports(p)):
        rel = path.relative_to(corpus).as_posix()
        overrides = dict(manifests.setdefault(corpus, load_manifest(corpus)).get(rel, {}))
        overrides.update(load_sidecar(path) or {})
        for doc in table.load(path):
            yield rel + doc.suffix, infer_metadata(rel + doc.suffix, doc, overrides or None)


def catalog_identity(catalog: Path) -> dict[str, dict[str, Any]]:
    """Titles, issuers and countries stored in an existing index's catalog (read-only)."""
    con = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT doc_id, title, issuing_body, metadata FROM documents").fetchall()
    finally:
        con.close()
    return {
        doc_id: {
            "title": title,
            "issuing_body": body,
            "country": json.loads(meta or "{}").get("country"),
        }
        for doc_id, title, body, meta in rows
    }


def report(scores: Mapping[str, FieldScore], show_misses: bool = True) -> str:
    lines = []
    for name, s in scores.items():
        d = s.as_dict()
        lines.append(
            f"{name:13s} {s.right:4d}/{s.total} right ({d['accuracy']:.1%})"
            + (f", +{s.near} near ({d['accuracy_with_near']:.1%})" if s.near else "")
            + f", mean similarity {d['mean_similarity']:.4f}"
        )
    if show_misses:
        for name, s in scores.items():
            for doc_id, got, want, ratio in s.misses:
                lines.append(
                    f"  MISS {name}: {doc_id} (similarity {ratio:.3f})\n"
                    f"      got:  {got[:160]}\n      want: {want[:160]}"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument(
        "--ocr-cache",
        type=Path,
        default=None,
        help="OCR cache directory (e.g. an index's cache/ocr); pages missing "
        "from it are OCR'd and added to it",
    )
    parser.add_argument("--truth", type=Path, default=DEV_TRUTH)
    parser.add_argument(
        "--catalog",
        type=Path,
        default=None,
        help="score an existing index's catalog.sqlite3 instead of inferring",
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--quiet", action="store_true", help="do not list the misses")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    truth = load_truth(args.truth)
    if args.catalog:
        inferred = catalog_identity(args.catalog)
    else:
        inferred = {doc_id: meta for doc_id, meta in infer_corpus(args.corpus, args.ocr_cache)}
    unjudged = sorted(set(inferred) - set(truth))
    scores = score(inferred, truth)
    if args.json:
        print(json.dumps({name: s.as_dict() for name, s in scores.items()}, indent=2))
    else:
        print(report(scores, show_misses=not args.quiet))
    if unjudged:
        print(f"{len(unjudged)} document(s) have no judgement: {', '.join(unjudged[:5])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
