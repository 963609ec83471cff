"""Optional cross-encoder reranking of the fused candidates, from a local model folder."""

from __future__ import annotations

import os
from pathlib import Path


class CrossEncoderReranker:
    """Scores (query, passage) pairs jointly; slower than retrieval, so only the top few."""

    def __init__(self, model_path: str | Path, *, device: str = "cpu", max_length: int = 512) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import CrossEncoder

        path = Path(model_path)
        if not path.is_dir():
            raise FileNotFoundError(f"reranker model folder not found: {path}")
        self._model = CrossEncoder(str(path), device=device, max_length=max_length,
                                   local_files_only=True)
        self.name = path.name

    def score(self, query: str, passages: list[str]) -> list[float]:
        if not passages:
            return []
        scores = self._model.predict([(query, p) for p in passages], show_progress_bar=False)
        return [float(s) for s in scores]
