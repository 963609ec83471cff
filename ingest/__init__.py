"""Ingestion: loaders, Khmer text handling, chunking and the pipeline that fills the index."""
