"""Analysis of a view: centrality, communities, and scores written back as triples.

- :mod:`kg.analysis.metrics`: seven metrics over the view read the way each metric means
- :mod:`kg.analysis.community`: Louvain communities, described by their central members
- :mod:`kg.analysis.scores`: scores as triples in a graph of their own (``--write``)
"""

from __future__ import annotations

from kg.analysis.community import Community, communities, describe_communities
from kg.analysis.metrics import EXACT_MAX_NODES, METRICS, SAMPLES, Scores, centrality, ranking
from kg.analysis.scores import PROPERTIES, Written, scores_graph, write_scores

__all__ = [
    "EXACT_MAX_NODES",
    "METRICS",
    "PROPERTIES",
    "SAMPLES",
    "Community",
    "Scores",
    "Written",
    "centrality",
    "communities",
    "describe_communities",
    "ranking",
    "scores_graph",
    "write_scores",
]
