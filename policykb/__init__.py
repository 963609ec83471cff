"""PolicyKB, the product: the composition root that wires the layers together.

The container (``services``), the server entry, the CLI and backup/restore live here; every
other package is a layer below it (``core`` < ``ingest`` < ``index`` < ``answers`` /
``alignment`` < ``api``) and never imports this one.
"""

from core import __version__

__all__ = ["__version__"]
