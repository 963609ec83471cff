"""Cited answers to questions: extractive by default, generative through an OpenAI-compatible endpoint."""
