"""The seed "headline file": Khmer news headlines joined by ``**``, a blank line, then an article.

Indexed as one file, the twenty unrelated headlines would drown the article in every chunk that
touches the header, and no headline could be found on its own. So each headline becomes a small
news document (id = file path + ``#headline-N``) and the article keeps the plain file path.
"""

from __future__ import annotations

import logging
import re

from core.models import Page, ParsedDocument
from ingest.khmer.script import khmer_share
from ingest.metadata import infer_doc_type

logger = logging.getLogger(__name__)

_SEPARATOR_RE = re.compile(r"\*{2,}")
_BLANK_LINE_RE = re.compile(r"\n[ \t\u200b]*\n")
MIN_SEPARATORS = 3
MIN_KHMER_SHARE = 0.5


def _split_first_block(text: str) -> tuple[str, str]:
    text = text.lstrip("\ufeff\n \t")
    match = _BLANK_LINE_RE.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], text[match.end() :]


def is_headline_file(text: str) -> bool:
    """True when the first block has at least three ``**`` separators and is mostly Khmer."""
    block, _ = _split_first_block(text)
    return len(_SEPARATOR_RE.findall(block)) >= MIN_SEPARATORS and khmer_share(block) >= MIN_KHMER_SHARE


def split_headline_file(text: str) -> list[ParsedDocument]:
    """The article (suffix ``""``, listed first) then one news document per headline, in order."""
    block, rest = _split_first_block(text)
    headlines = [h.strip() for h in _SEPARATOR_RE.split(block.replace("\n", " "))]
    headlines = [h for h in headlines if h]
    docs: list[ParsedDocument] = []
    article = rest.strip()
    if article:
        first_line = next(line.strip() for line in article.splitlines() if line.strip())
        docs.append(
            ParsedDocument(
                pages=[Page(number=1, text=article, method="text")],
                metadata={
                    "title": first_line,
                    "doc_type": infer_doc_type("", first_line, article).value,
                },
            )
        )
    else:
        logger.warning("headline file has no article after the headline block")
    for number, headline in enumerate(headlines, start=1):
        docs.append(
            ParsedDocument(
                pages=[Page(number=1, text=headline, method="text")],
                metadata={"title": headline, "language": "km", "doc_type": "news"},
                suffix=f"#headline-{number}",
            )
        )
    return docs
