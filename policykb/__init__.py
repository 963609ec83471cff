"""PolicyKB: search, cited answers and policy alignment over Cambodian digital policies.

This package holds the pieces every layer shares (settings, errors, data models) and the CLI.
The layers themselves live in the top-level packages ``ingest``, ``index`` and ``api``.
"""

__version__ = "0.1.0"
