"""`policykb ask`: an answer whose every sentence cites a passage."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from core.errors import PolicyKBError
from policykb.cli.common import console, index_services, print_json
from policykb.cli.options import AnswerMode, DocType, Lang
from policykb.cli.search import search_filters


def ask(
    question: Annotated[str, typer.Argument(help="A question in Khmer or English.")],
    mode: Annotated[AnswerMode, typer.Option(help="extractive (default) or generative (needs POLICYKB_LLM_URL).")] = AnswerMode.extractive,
    lang: Annotated[list[Lang] | None, typer.Option("--lang", help="Only evidence in km/en.")] = None,
    doc_type: Annotated[list[DocType] | None, typer.Option("--type", help="Only these document types.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="The answer with its citations as JSON.")] = False,
) -> None:
    """An answer whose every sentence cites a passage (document, page, exact quote)."""
    services = index_services()
    filters = search_filters(lang, doc_type)
    if mode is AnswerMode.generative:
        if services.generator is None:
            raise PolicyKBError("generative mode needs POLICYKB_LLM_URL (an OpenAI-compatible endpoint)")
        answer = services.generator.answer(question, filters)
    else:
        answer = services.answerer.answer(question, filters)
    if json_out:
        print_json(answer.to_dict())
        return
    if answer.note:
        console.print(f"[italic]{escape(answer.note)}[/italic]")
    console.print(escape(answer.answer))
    for c in answer.citations:
        console.print(f"  [dim][{c.id}] {escape(c.title)} — {c.doc_id} p.{c.page} "
                      f"(chars {c.start}-{c.end})[/dim]")
    for d in answer.closest_documents:
        console.print(f"  [dim]closest: {escape(d.title)} — {d.doc_id} p.{d.page}[/dim]")
