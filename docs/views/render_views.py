"""Draw each view of the curated graph as a PNG for the README: `python docs/views/render_views.py`.

Colours are node types, sizes degree; the ten nodes of highest degree are named. Layout:
networkx's spring layout with a fixed seed, so the pictures change only when the data does.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx

from kg import KnowledgeGraph
from kg.analysis import undirected
from kg.project import VIEWS

HERE = Path(__file__).resolve().parent
PALETTE = [matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["tab20"].colors]


def layout(simple: nx.Graph) -> dict[str, tuple[float, float]]:
    """Each connected component laid out on its own (Kamada-Kawai), sized by the square root
    of its node count, and the components packed in rows, largest first: a spring layout of
    the whole graph would throw the small components to the far edges."""
    parts = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    width = 2.2 * len(parts[0]) ** 0.5 * 0.5 + 2.0
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for part in parts:
        radius = 0.5 * len(part) ** 0.5 if len(part) > 2 else 0.35
        sub = simple.subgraph(part)
        local = (
            nx.kamada_kawai_layout(sub, scale=radius)
            if len(part) > 1
            else {next(iter(part)): (0.0, 0.0)}
        )
        if x > 0 and x + 2 * radius > width:
            x, y, row_height = 0.0, y - row_height - 0.3, 0.0
        for n, (dx, dy) in local.items():
            pos[n] = (x + radius + dx, y - radius + dy)
        x += 2 * radius + 0.3
        row_height = max(row_height, 2 * radius)
    return pos


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
    g = KnowledgeGraph.load()
    for name in VIEWS:
        draw(g.to_networkx(name), name, HERE / f"{name}.png")
        print("wrote", HERE / f"{name}.png")


if __name__ == "__main__":
    main()
