"""container-kg: a knowledge graph of the container and cloud-native ecosystem.

Open the built graph with ``KnowledgeGraph.open()`` (see :mod:`kg.graph` for a worked
example), or run ``kg --help``.

``KnowledgeGraph`` is imported on first use (PEP 562): ``import kg.query`` or a one-shot
``kg query`` loads the modules it needs, not the facade and everything the facade reaches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.errors import KgError
from kg.version import __version__

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

__all__ = ["KgError", "KnowledgeGraph", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "KnowledgeGraph":
        from kg.graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
