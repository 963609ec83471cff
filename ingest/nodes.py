"""Chunks as llama-index ``TextNode`` objects, so they plug into llama-index tooling.

The node's embed view carries the document title and heading path before the chunk text:
a passage under "Strategy 3: Cybersecurity" is about cybersecurity even when its own
sentences only say "capacity building".
"""

from __future__ import annotations

from collections.abc import Sequence

from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

from core.models import DocumentRecord
from ingest.chunking import ChunkSpan

_HIDDEN_FROM_EMBED = ["doc_id", "page", "ordinal", "doc_type", "language"]
_HIDDEN_FROM_LLM = ["ordinal"]


def to_text_nodes(doc_id: str, doc: DocumentRecord, spans: Sequence[ChunkSpan]) -> list[TextNode]:
    nodes = []
    for ordinal, span in enumerate(spans):
        node = TextNode(
            text=span.text,
            start_char_idx=span.start,
            end_char_idx=span.end,
            metadata={
                "title": doc.title,
                "heading": span.heading,
                "doc_id": doc_id,
                "page": span.page,
                "ordinal": ordinal,
                "doc_type": doc.doc_type,
                "language": doc.language,
            },
            excluded_embed_metadata_keys=list(_HIDDEN_FROM_EMBED),
            excluded_llm_metadata_keys=list(_HIDDEN_FROM_LLM),
            metadata_template="{value}",
            metadata_seperator="\n",
            text_template="{metadata_str}\n{content}",
        )
        node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=doc_id)
        nodes.append(node)
    return nodes
