"""The one thing evaluation needs from the product: something that builds the components for a
settings object, with named components swapped in (``Services(settings, model=...)``).

Why a parameter instead of an import: evaluation sits below the composition root (``policykb``
imports it, never the reverse), so whoever runs a benchmark hands the container in.
"""

from __future__ import annotations

from typing import Any, Protocol

from core.settings import Settings


class ServicesFactory(Protocol):
    def __call__(self, settings: Settings, **overrides: Any) -> Any: ...
