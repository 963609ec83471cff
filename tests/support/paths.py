"""Where the tests find the repository, its sample corpus, and the shared development corpus.

One convention for the shared corpus: ``POLICYKB_SHARED_CORPUS`` if set, else ``shared/corpus``
beside the checkout (where CI lays a copy of shared/ next to its fresh clone).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CORPUS = REPO / "corpus" / "sample"
GLOSSARY = REPO / "corpus" / "glossary" / "km_en.tsv"
FIXTURES = REPO / "tests" / "fixtures"
OUTPUT_DIR = REPO / "test-output"  # git-ignored: screenshots, load and fuzz reports
SHARED_CORPUS = Path(os.environ.get("POLICYKB_SHARED_CORPUS") or REPO.parent / "shared" / "corpus")
