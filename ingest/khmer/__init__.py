"""Khmer text handling: search-key normalisation and word segmentation.

Khmer has no case, few spaces and several visually identical encodings of the same word, so
matching needs a canonical key (``normalize``) and a word segmenter (``segment``); both, and
every other reader of Khmer, take their character classes from ``script``.
"""
