"""`policykb bench`: the speed, scale and memory benchmark (``evaluation/bench.py``), given the
container to build its components with."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.errors import PolicyKBError
from policykb.cli.common import err
from policykb.services import Services


def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Sample corpus, no OCR, 1x and 10x, few requests (< 3 min).")] = False,
    corpus: Annotated[Path, typer.Option("--corpus", help="Corpus to ingest and grow.")] = Path("../shared/corpus"),
    out: Annotated[Path, typer.Option("--out", help="Markdown report; charts go to <its folder>/bench/.")] = Path("docs/benchmarks.md"),
) -> None:
    """Speed, scale and memory benchmark side by side with bm25s, LlamaIndex and bare chromadb."""
    from evaluation.bench import run as run_bench

    def log(message: str) -> None:
        err.print(message, markup=False, highlight=False)

    try:
        run_bench(corpus, out, services=Services, quick=quick, log=log)
    except (OSError, RuntimeError) as exc:
        raise PolicyKBError(str(exc)) from exc
