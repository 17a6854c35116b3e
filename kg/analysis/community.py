"""Communities of a view: Louvain, repeatable with a seed, named and described."""

from __future__ import annotations

from collections import Counter
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
    simple = undirected(graph)
    # A node without neighbours is a community of its own: moving it never gains modularity,
    # so Louvain leaves it alone, after visiting it at every pass. Most organisations of a
    # large view have no edge (33,600 of 41,500 at 1M triples): Louvain runs on the others.
    alone = [node for node, degree in simple.degree() if degree == 0]
    simple.remove_nodes_from(alone)
    found = [{node} for node in alone]
    if simple.number_of_nodes():
        found += nx.community.louvain_communities(
            simple, weight="weight", seed=seed, resolution=resolution
        )
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(map(str, c))))


@dataclass
class Community:
    """A community, its members (by label), its most central member and its name."""

    index: int
    members: list[str]
    labels: list[str]
    central: str
    central_label: str
    score: float
    #: The dominant category when more than half the members share one, else the most
    #: central member's label (see :func:`community_name`).
    name: str = ""


def describe_communities(
    graph: nx.Graph, groups: Sequence[set[str]], scores: Mapping[str, float]
) -> list[Community]:
    """Each community with its members sorted by score, its most central member and a name
    (:func:`community_name`; a name two communities would share gets its index).

    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> for n, label in [("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")]:
    ...     g.nodes[n].update(label=label, categories=["Storage"])
    >>> [(c.name, c.central_label) for c in describe_communities(g, [{"a", "b", "c"},
    ...     {"x", "y"}], {"b": 2.0, "y": 1.0})]
    [('Storage', 'Beta'), ('y', 'y')]
    """
    # One label per node, read once: a large view has tens of thousands of communities, most
    # of them a lone node (33,400 of 41,000 nodes at 1M triples).
    labels = {node: str(data.get("label") or node) for node, data in graph.nodes(data=True)}
    out: list[Community] = []
    for i, group in enumerate(groups, start=1):
        if len(group) == 1:
            members = list(group)
        else:
            members = sorted(group, key=lambda n: (-scores.get(n, 0.0), labels[n].casefold()))
        out.append(
            Community(
                index=i,
                members=members,
                labels=[labels[n] for n in members],
                central=members[0],
                central_label=labels[members[0]],
                score=float(scores.get(members[0], 0.0)),
                name=community_name(graph, members, labels=labels),
            )
        )
    seen = Counter(c.name for c in out)
    for c in out:
        if seen[c.name] > 1:
            c.name = f"{c.name} ({c.index})"
    return out


def community_name(
    graph: nx.Graph, members: Sequence[str], *, labels: Mapping[object, str] | None = None
) -> str:
    """A community's name: the category more than half of its members share (the dominant
    one), else its first member's label (give the members most central first). ``labels``:
    the nodes' labels when the caller has them already."""
    # Most communities of a large view are a lone node: named by its first category, if any.
    if len(members) == 1:
        categories = graph.nodes[members[0]].get("categories")
        if categories:
            return min(categories, key=lambda c: (c.casefold(), c))
    counts: Counter[str] = Counter()
    for node in members:
        counts.update(set(graph.nodes[node].get("categories") or ()))
    if counts:
        category, count = min(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))
        if count * 2 > len(members):
            return category
    if not members:
        return ""
    return labels[members[0]] if labels is not None else _label(graph, members[0])


def _label(graph: nx.Graph, node: object) -> str:
    return str(graph.nodes[node].get("label") or node)
