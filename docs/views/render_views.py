"""Draw each view of the curated graph as a PNG for the README: `python docs/views/render_views.py`.

Colours are node types, sizes degree; the ten nodes of highest degree are named. Layout:
the pages' own (kg.viz.layout), seeded, so the pictures change only when the data does.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx

from kg import KnowledgeGraph
from kg.analysis.metrics import undirected
from kg.viz.layout import layout as packed_layout
from kg.views import VIEWS

HERE = Path(__file__).resolve().parent
PALETTE = [matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["tab20"].colors]


def layout(simple: nx.Graph) -> dict[str, tuple[float, float]]:
    """The pages' own layout (kg.viz.layout: each component laid out, then packed), flipped so
    that screen coordinates read upwards in matplotlib."""
    return {n: (x, -y) for n, (x, y) in packed_layout(simple).items()}


def draw(graph: nx.MultiDiGraph, name: str, path: Path) -> None:
    simple = undirected(graph)
    types = sorted({d["type"] for _, d in graph.nodes(data=True)})
    colour = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}
    pos = layout(simple)
    degree = dict(simple.degree())
    fig, ax = plt.subplots(figsize=(9, 6.5), dpi=110)
    nx.draw_networkx_edges(simple, pos, ax=ax, width=0.5, alpha=0.35, edge_color="#666")
    nx.draw_networkx_nodes(
        simple,
        pos,
        ax=ax,
        node_size=[12 + 40 * degree[n] ** 0.5 for n in simple],
        node_color=[colour[graph.nodes[n]["type"]] for n in simple],
        linewidths=0.4,
        edgecolors="white",
    )
    top = sorted(simple, key=lambda n: -degree[n])[:10]
    nx.draw_networkx_labels(
        simple, pos, ax=ax, labels={n: graph.nodes[n]["label"][:28] for n in top}, font_size=8
    )
    for t in types:
        ax.scatter([], [], color=colour[t], label=t, s=30)
    ax.legend(loc="lower left", fontsize=7, frameon=False, ncol=2 if len(types) > 8 else 1)
    ax.set_title(
        f"{name}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", fontsize=11
    )
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    g = KnowledgeGraph.open()
    for name in VIEWS:
        draw(g.to_networkx(name), name, HERE / f"{name}.png")
        print("wrote", HERE / f"{name}.png")


if __name__ == "__main__":
    main()
