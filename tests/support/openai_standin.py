"""A stand-in for an OpenAI-compatible chat server (llama.cpp / vLLM / Ollama expose this API).

A fake, named as such: no real language model can run on these machines. It answers
/v1/chat/completions, streamed or not, with whatever reply the test scripted, and records
the requests so tests can check what the model was shown.
"""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse


class StandInChatServer:
    def __init__(self) -> None:
        self.reply = "NOT_FOUND"
        self.requests: list[dict[str, Any]] = []
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self._completions)
        self.app.get("/health")(lambda: {"ok": True})

    async def _completions(self, request: Request) -> Any:
        body = await request.json()
        self.requests.append(body)
        model = body.get("model", "stand-in")
        if body.get("stream"):
            return StreamingResponse(self._stream(model), media_type="text/event-stream")
        return JSONResponse({
            "id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": self.reply}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })

    def _stream(self, model: str):  # type: ignore[no-untyped-def]
        words = self.reply.split(" ")
        for i, word in enumerate(words):
            piece = word if i == 0 else " " + word
            chunk = {"id": "chatcmpl-standin", "object": "chat.completion.chunk",
                     "created": int(time.time()), "model": model,
                     "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            yield f"data: {json.dumps(chunk)}\n\n"
        done = {"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        yield f"data: {json.dumps(done)}\n\n"
        yield "data: [DONE]\n\n"
