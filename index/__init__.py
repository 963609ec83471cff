"""Embedding, storage and retrieval: everything that turns chunks into an answerable index."""
