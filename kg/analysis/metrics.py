"""Centrality of a view's nodes.

Plain functions over a NetworkX graph, returning plain data. A view is a multigraph with
directed edges; each metric reads it the way that metric means:

- ``degree``, ``betweenness``, ``closeness`` and ``eigenvector`` read the *undirected simple*
  graph: two nodes are neighbours when any edge joins them (a relation and its reverse
  counted once, self-loops dropped). Betweenness and closeness count hops; eigenvector uses
  the summed weights.
- ``in-degree``, ``out-degree`` and ``pagerank`` read the *directed simple* graph: parallel
  edges merged, their weights summed (PageRank follows weights).

Betweenness and closeness cost O(nodes x edges). igraph computes them (C code; the same
numbers as NetworkX's ``betweenness_centrality(normalized=True)`` and ``closeness_centrality``,
which ``tests/test_analysis.py`` checks on several graphs), exactly while the graph has at most
``exact_max_nodes`` nodes and the exact computation at most ``exact_max_work`` units
(:func:`path_work`: about 20 s here), estimated above from ``samples`` source nodes drawn with
a fixed seed; the returned :class:`Scores` say which (``scores.method``). The organizations
view of the 1M-triple synthetic data (41,480 nodes) is exact in about 3 s.

>>> import networkx as nx
>>> path = nx.MultiDiGraph([("a", "b"), ("b", "c")])
>>> centrality(path, "betweenness")
{'a': 0.0, 'b': 1.0, 'c': 0.0}
>>> centrality(path, "betweenness").method
'exact'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError

if TYPE_CHECKING:
    import networkx as nx

#: The metrics, by name, with what each measures.
METRICS: dict[str, str] = {
    "degree": "share of the other nodes that are neighbours",
    "in-degree": "share of the other nodes with an edge to this one",
    "out-degree": "share of the other nodes this one has an edge to",
    "betweenness": "share of shortest paths between others that pass through this node",
    "closeness": "inverse mean distance to the nodes it reaches (Wasserman-Faust)",
    "eigenvector": "high when the neighbours are central themselves",
    "pagerank": "share of a random walk along the edges spent here (damping 0.85)",
}
#: Betweenness and closeness are exact when the graph has at most this many nodes and
#: exact betweenness costs at most ``EXACT_MAX_WORK`` (see :func:`path_work`); sampled
#: otherwise.
EXACT_MAX_NODES = 1_000_000
#: Exact betweenness by igraph costs about 2.2e-8 s per unit of :func:`path_work` on this
#: 2-core machine (shared): the 1M-triple synthetic organizations view (41,480 nodes, a
#: largest component of 7,734) is 1.3e8 units, 2.8 s; a 20,000-node tree is 8e8 units, 18 s.
#: 1e9 units keeps exact betweenness around 20 s; closeness costs a third of it.
EXACT_MAX_WORK = 1_000_000_000
#: Source nodes sampled above the limits.
SAMPLES = 256
SEED = 42


class Scores(dict[str, float]):
    """Scores by node, and how they were computed (``method``: ``"exact"``, or the sample)."""

    method: str = "exact"

    def __init__(self, values: Mapping[str, float] | None = None, method: str = "exact") -> None:
        super().__init__(values or {})
        self.method = method


# --- the graphs each metric reads -----------------------------------------------------------


def undirected(graph: nx.Graph) -> nx.Graph:
    """The undirected simple graph of ``graph``: one edge per pair of neighbours.

    Its weight sums the pair's relations, each counted once however many directions it has
    (an edge's multigraph key names its relation, so a symmetric relation stored both ways
    counts once). Self-loops are dropped.
    """
    import networkx as nx

    best: dict[tuple[frozenset[Hashable], Hashable], float] = {}
    for u, v, key, weight in _edges(graph):
        if u == v:
            continue
        pair = (frozenset((u, v)), key)
        if weight > best.get(pair, float("-inf")):
            best[pair] = weight
    total: dict[frozenset[Hashable], float] = defaultdict(float)
    for (nodes, _key), weight in best.items():
        total[nodes] += weight
    simple: nx.Graph[Hashable] = nx.Graph()
    simple.add_nodes_from(graph)
    for nodes, w in total.items():
        a, b = sorted(nodes, key=str)
        simple.add_edge(a, b, weight=w)
    return simple


def directed(graph: nx.Graph) -> nx.DiGraph:
    """The directed simple graph of ``graph``: parallel edges merged, weights summed; an
    undirected edge becomes an edge each way. Self-loops are dropped."""
    import networkx as nx

    total: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for u, v, _key, weight in _edges(graph):
        if u == v:
            continue
        total[(u, v)] += weight
        if not graph.is_directed():
            total[(v, u)] += weight
    simple: nx.DiGraph[Hashable] = nx.DiGraph()
    simple.add_nodes_from(graph)
    simple.add_weighted_edges_from((u, v, w) for (u, v), w in total.items())
    return simple


def _edges(graph: nx.Graph) -> Iterable[tuple[Hashable, Hashable, Hashable, float]]:
    import networkx as nx

    if isinstance(graph, nx.MultiGraph):
        for u, v, key, w in graph.edges(keys=True, data="weight", default=1.0):
            yield u, v, key, float(w)
    else:
        for u, v, w in graph.edges(data="weight", default=1.0):
            yield u, v, None, float(w)


# --- centrality -----------------------------------------------------------------------------


def centrality(
    graph: nx.Graph,
    metric: str,
    *,
    exact_max_nodes: int = EXACT_MAX_NODES,
    exact_max_work: float = EXACT_MAX_WORK,
    samples: int = SAMPLES,
    seed: int = SEED,
) -> Scores:
    """Each node's score for ``metric`` (one of :data:`METRICS`).

    >>> import networkx as nx
    >>> star = nx.MultiDiGraph([("hub", "a"), ("hub", "b"), ("hub", "c")])
    >>> centrality(star, "degree")["hub"]
    1.0
    >>> round(centrality(star, "eigenvector")["hub"], 4)
    0.7071
    """
    import networkx as nx

    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}", hint=f"Use one of: {', '.join(METRICS)}.")
    if graph.number_of_nodes() == 0:
        return Scores()
    if metric in ("in-degree", "out-degree", "pagerank"):
        dg = directed(graph)
        if metric == "pagerank":
            return Scores(nx.pagerank(dg, alpha=0.85, weight="weight"))
        if dg.number_of_nodes() == 1:
            return Scores(dict.fromkeys(dg, 0.0))
        fn = nx.in_degree_centrality if metric == "in-degree" else nx.out_degree_centrality
        return Scores(fn(dg))
    ug = undirected(graph)
    n = ug.number_of_nodes()
    if metric == "degree":
        return Scores(dict.fromkeys(ug, 0.0) if n == 1 else nx.degree_centrality(ug))
    if metric == "eigenvector":
        return Scores(_eigenvector(ug))
    sampled = samples < n and (n > exact_max_nodes or path_work(ug) > exact_max_work)
    method = "exact" if not sampled else f"sampled: {samples} of {n:,} source nodes, seed {seed}"
    if metric == "betweenness":
        return Scores(_betweenness(ug, samples if sampled else None, seed), method)
    if not sampled:
        return Scores(_closeness(ug), method)
    return Scores(_closeness_sampled(ug, samples, seed), method)


def path_work(graph: nx.Graph) -> int:
    """What exact betweenness costs, in units of about 2e-8 s here: one breadth-first search
    per node that has a neighbour, each over its component, so the sum over components of
    nodes x (nodes + edges). A view of many small components and lone nodes (most
    organisations have no edge) costs far less than its node count squared."""
    ig_graph, _nodes = _to_igraph(_linked(graph))
    if ig_graph.vcount() == 0:
        return 0
    membership = ig_graph.connected_components().membership
    sizes: dict[int, int] = defaultdict(int)
    for c in membership:
        sizes[c] += 1
    edges: dict[int, int] = defaultdict(int)
    for u, _v in ig_graph.get_edgelist():
        edges[membership[u]] += 1
    return sum(size * (size + edges[c]) for c, size in sizes.items())


def import_igraph() -> Any:
    """The igraph module, imported without matplotlib when nothing imported either yet.

    igraph's drawing modules import ``matplotlib.pyplot`` when it is installed: 1.3 s of a
    ``kg centrality`` process that never draws with igraph. Marked missing while igraph is
    imported, matplotlib is not loaded (igraph's plotting then says it needs matplotlib);
    anything imported later finds it as usual. A process that imported matplotlib first
    keeps igraph's plotting."""
    import sys

    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph

        return igraph
    sys.modules["matplotlib"] = None  # type: ignore[assignment]
    try:
        import igraph
    finally:
        del sys.modules["matplotlib"]
    return igraph


def _linked(graph: nx.Graph) -> nx.Graph:
    """The nodes that have a neighbour. A lone node lies on no path and reaches nobody (its
    betweenness and closeness are 0), yet igraph clears an array of every vertex for each
    source: on the 1M organizations view (33,600 lone nodes of 41,500) leaving them out
    halves exact betweenness."""
    return graph.subgraph([node for node, degree in graph.degree() if degree > 0])


def _to_igraph(graph: nx.Graph) -> tuple[Any, list[Any]]:
    """``graph`` (undirected, simple) as an igraph graph, and the node of each vertex index."""
    ig = import_igraph()
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in graph.edges()]
    return ig.Graph(n=len(nodes), edges=edges, directed=False), nodes


def _betweenness(graph: nx.Graph, samples: int | None, seed: int) -> dict[str, float]:
    """Betweenness in hops, normalised as NetworkX does for an undirected graph: the pairs of
    other nodes whose shortest paths pass through the node, over (n-1)(n-2)/2 (igraph counts
    each pair once, unnormalised). With ``samples``, only the shortest paths from that many
    source nodes count, drawn and scaled as NetworkX's ``betweenness_centrality(k=...)`` does
    (a source node cannot lie between itself and another: it is scaled by k-1, not k)."""
    import random

    n = graph.number_of_nodes()
    scores = dict.fromkeys(graph, 0.0)
    if n <= 2:
        return scores
    ig_graph, nodes = _to_igraph(_linked(graph))
    if not nodes:
        return scores
    if samples is None:
        raw = ig_graph.betweenness(directed=False)
        scale = 2.0 / ((n - 1) * (n - 2))
        scores.update((node, value * scale) for node, value in zip(nodes, raw, strict=True))
        return scores
    # networkx draws random.Random(seed).sample(list(G), k): the same positions as here. A
    # lone source reaches nobody: it adds nothing, but counts in k.
    everyone = list(graph)
    chosen = {everyone[i] for i in random.Random(seed).sample(range(n), samples)}
    sources = [i for i, node in enumerate(nodes) if node in chosen]
    if not sources:
        return scores
    # igraph halves its count of (source, target) pairs on an undirected graph; NetworkX's
    # accumulation from each source does not: hence twice igraph's figure. With one sample,
    # NetworkX scores the source NaN (nothing measured about it); 0 here.
    raw = ig_graph.betweenness(directed=False, sources=sources)
    source_scale = 2.0 / ((samples - 1) * (n - 2)) if samples > 1 else 0.0
    other_scale = 2.0 / (samples * (n - 2))
    scores.update(
        (node, value * (source_scale if node in chosen else other_scale))
        for node, value in zip(nodes, raw, strict=True)
    )
    return scores


def _closeness(graph: nx.Graph) -> dict[str, float]:
    """Closeness in hops, as NetworkX's ``closeness_centrality`` (Wasserman-Faust): the
    inverse mean distance to the nodes reached, times the share of the others reached. igraph
    gives the first factor; a node that reaches no other scores 0."""
    n = graph.number_of_nodes()
    scores = dict.fromkeys(graph, 0.0)
    if n <= 1:
        return scores
    ig_graph, nodes = _to_igraph(_linked(graph))
    if not nodes:
        return scores
    inverse_mean = ig_graph.closeness(normalized=True)
    membership = ig_graph.connected_components().membership
    size: dict[int, int] = defaultdict(int)
    for c in membership:
        size[c] += 1
    for node, value, c in zip(nodes, inverse_mean, membership, strict=True):
        reach = size[c] - 1
        scores[node] = 0.0 if reach == 0 or value != value else value * reach / (n - 1)
    return scores


def _eigenvector(graph: nx.Graph) -> dict[str, float]:
    import networkx as nx

    if graph.number_of_edges() == 0:
        return dict.fromkeys(graph, 0.0)
    try:
        scores = nx.eigenvector_centrality(graph, max_iter=1000, tol=1e-8, weight="weight")
    except nx.PowerIterationFailedConvergence:
        scores = nx.eigenvector_centrality_numpy(graph, weight="weight")
    return {node: abs(score) for node, score in scores.items()}


def _closeness_sampled(graph: nx.Graph, samples: int, seed: int) -> dict[str, float]:
    """Closeness estimated from ``samples`` BFS sources (Eppstein and Wang's estimator),
    scaled like networkx's ``closeness_centrality`` (Wasserman-Faust): networkx has no
    sampled closeness. A node is scored from the sampled sources in its own component; a
    node whose component holds no sample gets an exact BFS of its own (those components
    are small)."""
    import random

    import networkx as nx

    n = graph.number_of_nodes()
    component: dict[Any, int] = {}
    sizes: list[int] = []
    for i, members in enumerate(nx.connected_components(graph)):
        sizes.append(len(members))
        for node in members:
            component[node] = i
    rng = random.Random(seed)
    sources = rng.sample(sorted(graph, key=str), samples)
    total: dict[Any, float] = defaultdict(float)
    count: dict[Any, int] = defaultdict(int)
    for source in sources:
        for node, d in nx.single_source_shortest_path_length(graph, source).items():
            if node != source:
                total[node] += d
                count[node] += 1
    scores: dict[str, float] = {}
    for node in graph:
        reach = sizes[component[node]] - 1
        if reach == 0:
            scores[node] = 0.0
            continue
        if count[node]:
            mean = total[node] / count[node]
        else:
            lengths = nx.single_source_shortest_path_length(graph, node)
            mean = sum(lengths.values()) / reach
        scores[node] = (reach / (n - 1)) / mean if mean > 0 else 0.0
    return scores


def ranking(
    graph: nx.Graph, scores: Mapping[str, float], *, top: int | None = None
) -> list[tuple[str, str, str, float]]:
    """(node, label, type, score), highest first (ties by label), the first ``top`` only."""
    rows = [
        (node, _label(graph, node), str(graph.nodes[node].get("type", "")), float(score))
        for node, score in scores.items()
    ]
    rows.sort(key=lambda r: (-r[3], r[1].casefold(), r[0]))
    return rows[:top] if top else rows


def _label(graph: nx.Graph, node: Any) -> str:
    return str(graph.nodes[node].get("label") or node)
