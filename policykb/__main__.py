"""`python -m policykb` is the same as the `policykb` command."""

from policykb.cli import app

app()
