"""The typeset PDF fixtures (tests/fixtures/pdf/), the text each page was made from, and how
close an extraction comes to it."""

from __future__ import annotations

from tests.support.paths import FIXTURES

PDF_FIXTURES = FIXTURES / "pdf"


def source_pages(name: str) -> list[str]:
    """The text each page of ``<name>.pdf`` was typeset from (pages split at form feeds)."""
    return (PDF_FIXTURES / f"{name}.txt").read_text(encoding="utf-8").split("\f")


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate (Levenshtein / reference length), ignoring all whitespace.

    Whitespace is ignored because every extractor puts spaces inside Khmer words and breaks
    lines differently; those are removed later by normalisation and are not content errors.
    """
    ref = "".join(reference.split()).replace("\u200b", "")
    hyp = "".join(hypothesis.split()).replace("\u200b", "")
    prev = list(range(len(hyp) + 1))
    for i, rc in enumerate(ref, 1):
        cur = [i]
        for j, hc in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (rc != hc)))
        prev = cur
    return prev[-1] / max(len(ref), 1)
