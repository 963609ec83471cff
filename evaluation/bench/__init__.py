"""`policykb bench`: speed, scale and memory, side by side with the alternatives.

One run measures, on one machine and in one process tree:

* ingestion of a corpus split into parse, OCR, chunking (with Khmer analysis), embedding and
  storage, next to the embedding floor (the model alone on the same texts, same batches);
* Khmer normalisation + segmentation alone (the container's ``Analyzer``), cold and warm, and
  a re-ingest of the unchanged corpus (which must analyse nothing);
* ``/search`` and ``/ask`` latency over HTTP (loopback) at 1×, 10× and 100× the corpus
  (synthetic growth, :mod:`evaluation.synthetic`), result cache off, plus cache on, each
  server measured once its background sentence-vector warm-up has ended (bounded wait), and
  issue #14's mixed level (32 clients, 1 in 4 requests ``/ask``) at 1×;
* the server's peak RSS and cold start at each size;
* plain bm25s, LlamaIndex's default ``VectorStoreIndex`` and a bare chromadb query.

Results go to a Markdown report and PNG charts (``<out dir>/bench/``). The caller hands in
the container (``services``): evaluation never imports the product.
"""

from evaluation.bench.runner import run

__all__ = ["run"]
