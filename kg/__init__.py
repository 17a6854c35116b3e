"""container-kg: a knowledge graph of the container and cloud-native ecosystem.

Open the built graph with ``KnowledgeGraph.open()`` (see :mod:`kg.graph` for a worked
example), or run ``kg --help``.
"""

from __future__ import annotations

from kg.errors import KgError
from kg.graph import KnowledgeGraph
from kg.version import __version__

__all__ = ["KgError", "KnowledgeGraph", "__version__"]
