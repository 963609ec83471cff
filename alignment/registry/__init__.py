"""The policy registry: national policies -> goals -> strategies -> measures, with page ranges.

Built automatically from the indexed documents' own headings and numbering (``extraction``),
then checked and corrected by a reviewed file (``corpus/registry/policies.yaml``, format in
``corpus/registry/README.md``; its schema is ``schema``). One job per module:

* ``models`` - the tree (``PolicyRegistry``, ``Policy``, ``RegistryNode``) and page lookup;
* ``extraction`` - headings and numbering of one document -> raw nodes with exact spans;
* ``tree`` - raw nodes -> registry nodes (page ranges, ids, positional labels);
* ``schema`` - the reviewed file's pydantic models; ``reviewed`` loads it (``RegistryFileError``);
* ``corrections`` - the reviewed corrections applied to a tree;
* ``checks`` - annex matrix against the text, counts against the reviewed ones;
* ``build`` - all of it for every indexed policy document, plus the hand-entered policies;
* ``cache`` - ``RegistryCache``, rebuilt when the catalog's generation or the file changes.
"""

from alignment.registry.build import build_registry, extract_policy
from alignment.registry.cache import RegistryCache
from alignment.registry.extraction import parse_structure, short_title
from alignment.registry.models import Policy, PolicyRegistry, RegistryNode
from alignment.registry.reviewed import load_reviewed
from alignment.registry.schema import ReviewedFile

__all__ = [
    "Policy",
    "PolicyRegistry",
    "RegistryCache",
    "RegistryNode",
    "ReviewedFile",
    "build_registry",
    "extract_policy",
    "load_reviewed",
    "parse_structure",
    "short_title",
]
