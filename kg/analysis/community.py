"""Communities of a view: Louvain, repeatable with a seed, named and described."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.analysis.metrics import SEED, undirected

if TYPE_CHECKING:
    import networkx as nx


def communities(graph: nx.Graph, *, seed: int = SEED, resolution: float = 1.0) -> list[set[str]]:
    """Louvain communities of the undirected simple graph (weights summed), largest first
    (ties: by the smallest member). The seed fixes the result.

    >>> import networkx as nx
    >>> two = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"),
    ...                        ("z", "x"), ("c", "x")])
    >>> [sorted(c) for c in communities(two)]
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(
        undirected(graph), weight="weight", seed=seed, resolution=resolution
    )
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(map(str, c))))


@dataclass
class Community:
    """A community, its members (by label) and its most central member."""

    index: int
    members: list[str]
    labels: list[str]
    central: str
    central_label: str
    score: float


def describe_communities(
    graph: nx.Graph, groups: Sequence[set[str]], scores: Mapping[str, float]
) -> list[Community]:
    """Each community with its members sorted by score, and its most central member."""
    out: list[Community] = []
    for i, group in enumerate(groups, start=1):
        members = sorted(group, key=lambda n: (-scores.get(n, 0.0), _label(graph, n).casefold()))
        out.append(
            Community(
                index=i,
                members=members,
                labels=[_label(graph, n) for n in members],
                central=members[0],
                central_label=_label(graph, members[0]),
                score=float(scores.get(members[0], 0.0)),
            )
        )
    return out


def _label(graph: nx.Graph, node: object) -> str:
    return str(graph.nodes[node].get("label") or node)
