"""Analysis of a view: centrality, communities, and scores written back as triples.

Plain functions over a NetworkX graph, returning plain data. A view is a multigraph with
directed edges; each metric reads it the way that metric means:

- ``degree``, ``betweenness``, ``closeness`` and ``eigenvector`` read the *undirected simple*
  graph: two nodes are neighbours when any edge joins them (a relation and its reverse
  counted once, self-loops dropped). Betweenness and closeness count hops; eigenvector uses
  the summed weights.
- ``in-degree``, ``out-degree`` and ``pagerank`` read the *directed simple* graph: parallel
  edges merged, their weights summed (PageRank follows weights).

Betweenness and closeness cost O(nodes x edges): exact up to ``exact_max_nodes`` nodes,
estimated above it from ``samples`` source nodes drawn with a fixed seed, and the returned
:class:`Scores` say which (``scores.method``).

>>> import networkx as nx
>>> path = nx.MultiDiGraph([("a", "b"), ("b", "c")])
>>> centrality(path, "betweenness")
{'a': 0.0, 'b': 1.0, 'c': 0.0}
>>> centrality(path, "betweenness").method
'exact'
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError
from kg.namespaces import DCTERMS, ECO, KG, RDF, RDFS, XSD

if TYPE_CHECKING:
    import networkx as nx

    from kg.store import Store

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
#: The property each metric is written back with (declared in ontology/ontology.ttl).
PROPERTIES: dict[str, str] = {
    "degree": ECO + "degreeCentrality",
    "in-degree": ECO + "inDegreeCentrality",
    "out-degree": ECO + "outDegreeCentrality",
    "betweenness": ECO + "betweennessCentrality",
    "closeness": ECO + "closenessCentrality",
    "eigenvector": ECO + "eigenvectorCentrality",
    "pagerank": ECO + "pageRank",
}
#: Betweenness and closeness are exact up to this many nodes, sampled above.
EXACT_MAX_NODES = 2000
#: Source nodes sampled above ``EXACT_MAX_NODES``.
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
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    simple.add_weighted_edges_from((*sorted(pair, key=str), w) for pair, w in total.items())
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
    simple = nx.DiGraph()
    simple.add_nodes_from(graph)
    simple.add_weighted_edges_from((u, v, w) for (u, v), w in total.items())
    return simple


def _edges(graph: nx.Graph) -> Iterable[tuple[Hashable, Hashable, Hashable, float]]:
    if graph.is_multigraph():
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
    sampled = n > exact_max_nodes and samples < n
    method = "exact" if not sampled else f"sampled: {samples} of {n:,} source nodes, seed {seed}"
    if metric == "betweenness":
        k = samples if sampled else None
        return Scores(nx.betweenness_centrality(ug, k=k, normalized=True, seed=seed), method)
    if not sampled:
        return Scores(nx.closeness_centrality(ug), method)
    return Scores(_closeness_sampled(ug, samples, seed), method)


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


def all_centralities(graph: nx.Graph, **options: Any) -> dict[str, Scores]:
    """Every metric, by name."""
    return {metric: centrality(graph, metric, **options) for metric in METRICS}


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


# --- communities ----------------------------------------------------------------------------


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


# --- writing scores back --------------------------------------------------------------------


@dataclass
class Written:
    """Where scores were written."""

    path: Path
    graph: str
    triples: int
    store_updated: bool


def scores_graph(view: str, as_of: str | None = None) -> str:
    """The named graph that holds a view's scores: ``kg:centrality-VIEW[-as-of-DATE]``."""
    import re

    if as_of and not re.fullmatch(r"\d{4}(-\d{2}){0,2}", as_of):
        raise UsageError(
            f"--as-of {as_of!r} is not a date", hint="Use YYYY, YYYY-MM or YYYY-MM-DD."
        )
    return KG + f"centrality-{view}" + (f"-as-of-{as_of}" if as_of else "")


def write_scores(
    store: Store,
    view: str,
    scores: Mapping[str, Mapping[str, float]],
    *,
    as_of: str | None = None,
    folder: Path | None = None,
    notes: Iterable[str] = (),
) -> Written:
    """Write ``scores`` (metric -> node -> score) as triples ``node eco:pageRank 0.12`` in the
    graph :func:`scores_graph`, so a SPARQL query can sort by them.

    The triples go to ``imports/centrality-VIEW.trig`` (atomically; scores of other metrics
    already there are kept), which ``kg build`` includes; a local Oxigraph store (memory or
    ``oxigraph:PATH``) gets them at once too, replacing that graph's older scores of the same
    metrics.
    """
    import tempfile

    import pyoxigraph as ox

    from kg import resources
    from kg.store import OxigraphStore

    for metric in scores:
        if metric not in PROPERTIES:
            raise UsageError(
                f"unknown metric {metric!r}", hint=f"Use one of: {', '.join(METRICS)}."
            )
    graph_iri = scores_graph(view, as_of)
    graph = ox.NamedNode(graph_iri)
    rewritten = {ox.NamedNode(PROPERTIES[m]) for m in scores}
    folder = folder or resources.imports_dir()
    path = folder / f"centrality-{view}{f'-as-of-{as_of}' if as_of else ''}.trig"

    kept: list[ox.Quad] = []
    if path.is_file():
        with path.open("rb") as fh:
            for quad in ox.parse(fh, format=ox.RdfFormat.TRIG):
                if quad.predicate not in rewritten and quad.subject != graph:
                    kept.append(quad)
    new = _score_quads(graph, scores)
    described = _describe(graph, view, as_of, [*scores], notes, previous=kept)
    quads = described + kept + new

    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(
                b"# Centrality scores written by `kg centrality --write`; `kg build` reads them.\n"
            )
            prefixes = {"eco": ECO, "kg": KG, "xsd": XSD, "dcterms": DCTERMS, "rdfs": RDFS}
            ox.serialize(quads, fh, ox.RdfFormat.TRIG, prefixes=prefixes)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

    updated = False
    if isinstance(store, OxigraphStore):
        _replace_in_store(store, graph, rewritten)
        store.add(described + new)
        if store.persistent:
            store.ox.flush()
        updated = True
    return Written(path=path, graph=graph_iri, triples=len(quads), store_updated=updated)


def _score_quads(graph: Any, scores: Mapping[str, Mapping[str, float]]) -> list[Any]:
    import pyoxigraph as ox

    double = ox.NamedNode(XSD + "double")
    quads = []
    for metric, values in scores.items():
        prop = ox.NamedNode(PROPERTIES[metric])
        for node, score in sorted(values.items()):
            if isinstance(node, str) and node.startswith(("http://", "https://", "urn:")):
                literal = ox.Literal(repr(float(score)), datatype=double)
                quads.append(ox.Quad(ox.NamedNode(node), prop, literal, graph))
    return quads


def _describe(
    graph: Any,
    view: str,
    as_of: str | None,
    metrics: list[str],
    notes: Iterable[str],
    *,
    previous: list[Any],
) -> list[Any]:
    """The graph describes itself as a source, as every graph of the build does."""
    import datetime as dt

    import pyoxigraph as ox

    props = {ox.NamedNode(PROPERTIES[m]): m for m in PROPERTIES}
    present = sorted({*metrics, *(props[q.predicate] for q in previous if q.predicate in props)})
    when = f" as of {as_of}" if as_of else ""
    comment = (
        f"Centrality of each node in the {view} view{when} ({', '.join(present)}), computed by "
        "`kg centrality --write` with networkx; derived from the other graphs, stated by no "
        "source." + "".join(f" {note}." for note in notes)
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return [
        ox.Quad(graph, ox.NamedNode(RDF + "type"), ox.NamedNode(ECO + "Source"), graph),
        ox.Quad(graph, ox.NamedNode(DCTERMS + "title"),
                ox.Literal(f"Centrality scores: {view} view{when}"), graph),
        ox.Quad(graph, ox.NamedNode(RDFS + "comment"), ox.Literal(comment), graph),
        ox.Quad(graph, ox.NamedNode(DCTERMS + "created"),
                ox.Literal(now, datatype=ox.NamedNode(XSD + "dateTime")), graph),
    ]  # fmt: skip


def _replace_in_store(store: Any, graph: Any, rewritten: set[Any]) -> None:
    """Drop the graph's self-description and its scores of the rewritten metrics, from the
    graph and, where no other graph states them, from the merged default graph."""
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    old = [
        q
        for q in store.ox.quads_for_pattern(None, None, None, graph)
        if q.predicate in rewritten or q.subject == graph
    ]
    for quad in old:
        store.ox.remove(quad)
        others = (
            q
            for q in store.ox.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )
        if next(others, None) is None:
            store.ox.remove(ox.Quad(quad.subject, quad.predicate, quad.object, default))
