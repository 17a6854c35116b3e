"""Synthetic graphs for the tests and benchmarks of large pages and analyses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


def synthetic_graph(n: int, *, seed: int = 1) -> nx.MultiDiGraph:
    """A scale-free graph of ``n`` organisations with every attribute a page shows: for tests
    and benchmarks of large pages (the real landscape has a few thousand nodes)."""
    import random

    import networkx as nx

    rng = random.Random(seed)
    base = nx.barabasi_albert_graph(n, 2, seed=seed)
    kinds = ("Company", "Project", "Product", "Foundation")
    categories = [f"Category {i:02d}" for i in range(30)]
    relations = ("develops", "member of", "acquired", "depends on", "competes with")
    graph = nx.MultiDiGraph()
    for i in base.nodes:
        kind = kinds[0] if i % 3 else rng.choice(kinds)
        graph.add_node(
            f"https://example.org/id/org-{i}",
            label=f"Org {i}",
            type=kind,
            types=[kind],
            categories=rng.sample(categories, rng.choice((1, 1, 2))),
            homepage=f"https://example.org/org-{i}",
            founding_date=str(1990 + rng.randrange(35)),
            sources=[f"https://example.org/source/{i % 50}"],
        )
    for u, v in base.edges:
        graph.add_edge(
            f"https://example.org/id/org-{u}",
            f"https://example.org/id/org-{v}",
            relation=rng.choice(relations),
            date=str(2000 + rng.randrange(25)),
        )
    return graph
