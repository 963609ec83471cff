"""Evaluation sets and retrieval metrics for PolicyKB."""
