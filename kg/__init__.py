"""container-kg: a knowledge graph of the container and cloud-native ecosystem.

>>> from kg import KnowledgeGraph
>>> g = KnowledgeGraph.open()          # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from kg.errors import KgError
from kg.graph import KnowledgeGraph

__all__ = ["KgError", "KnowledgeGraph", "__version__"]
