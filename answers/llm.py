"""The LLM client: chat and streaming calls to an OpenAI-compatible endpoint (llama.cpp,
vLLM, Ollama) through llama-index's OpenAILike, with its failures turned into one domain
error. Kept apart from the answerer so the answerer is tested with plain callables."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from core.errors import GenerativeUnavailableError

logger = logging.getLogger(__name__)

Chat = Callable[[list[dict[str, str]]], str]
Stream = Callable[[list[dict[str, str]]], Iterator[str]]


def llama_index_chat(url: str, model: str, api_key: str | None,
                     timeout_s: float) -> tuple[Chat, Stream]:
    """chat/stream functions over an OpenAI-compatible endpoint via llama-index's OpenAILike."""
    from llama_index.core.llms import ChatMessage
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(model=model, api_base=url, api_key=api_key or "not-needed",
                     is_chat_model=True, timeout=timeout_s, max_retries=1, temperature=0.0)

    def to_messages(messages: list[dict[str, str]]) -> list[ChatMessage]:
        return [ChatMessage(role=m["role"], content=m["content"]) for m in messages]

    def unavailable(exc: Exception) -> GenerativeUnavailableError:
        logger.warning("the answer model at %s failed: %r", url, exc)
        return GenerativeUnavailableError(
            f"the answer model (POLICYKB_LLM_URL) did not answer: {type(exc).__name__}")

    def chat(messages: list[dict[str, str]]) -> str:
        try:
            return str(llm.chat(to_messages(messages)).message.content or "")
        except Exception as exc:  # the client's connection, timeout and status errors
            raise unavailable(exc) from exc

    def stream(messages: list[dict[str, str]]) -> Iterator[str]:
        try:
            for chunk in llm.stream_chat(to_messages(messages)):
                if chunk.delta:
                    yield chunk.delta
        except Exception as exc:
            raise unavailable(exc) from exc

    return chat, stream
