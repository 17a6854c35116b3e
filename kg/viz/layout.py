"""Node positions for large pages: igraph's Fruchterman-Reingold per component, then packed.

Laid out together, components fly apart and a fitted view shows the main one as a speck among
strays; packed in rows, largest first, they share the screen.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

#: Graphs with more nodes than this get a Python layout and no physics in the browser.
LARGE = 500


def layout(graph: nx.Graph, *, seed: int = 42) -> dict[Any, tuple[float, float]]:
    """Node positions in screen units: igraph's Fruchterman-Reingold layout (C code) for each
    connected component, the components then packed in rows, largest first.

    Laid out together, components fly apart and a fitted view shows the main one as a speck
    among strays; packed, they share the screen. The grid variant of the layout is used for
    components over 1,000 nodes: 10,000 nodes take 1.5 to 3 s here, where
    ``networkx.spring_layout`` takes minutes. A component of ``k`` nodes gets a square of side
    about ``unit * sqrt(k)``, so the density is the same whatever the size.
    """
    import random

    import igraph as ig

    order = list(graph.nodes)
    n = len(order)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(order)}
    g = ig.Graph(n=n, edges=[(index[u], index[v]) for u, v in graph.edges() if u != v])
    g.simplify()
    unit = 90.0 if n <= LARGE else 45.0
    parts = sorted((sorted(c) for c in g.connected_components(mode="weak")), key=len, reverse=True)
    previous = random.getstate()
    ig.set_random_number_generator(random)
    random.seed(seed)
    try:
        boxes = [_component_layout(g, members, unit) for members in parts]
    finally:
        random.setstate(previous)
    placed = pack(boxes, unit)
    return {order[i]: xy for i, xy in placed.items()}


def _component_layout(
    g: Any, members: list[int], unit: float
) -> tuple[list[int], list[tuple[float, float]], float, float]:
    """One component's positions centred on 0, 0, with its box's width and height."""
    k = len(members)
    if k == 1:
        return members, [(0.0, 0.0)], unit, unit
    coords = g.induced_subgraph(members).layout_fruchterman_reingold(niter=500, grid=k > 1000)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = unit * max(1.0, math.sqrt(k)) / extent
    points = [((x - cx) * scale, (y - cy) * scale) for x, y in zip(xs, ys, strict=True)]
    width = (max(xs) - min(xs)) * scale + unit
    height = (max(ys) - min(ys)) * scale + unit
    return members, points, width, height


def pack(
    boxes: list[tuple[list[int], list[tuple[float, float]], float, float]], unit: float
) -> dict[int, tuple[float, float]]:
    """Shelf packing: boxes left to right in rows about as wide as the whole is tall."""
    area = sum(w * h for _m, _p, w, h in boxes)
    row_width = max(max(w for _m, _p, w, _h in boxes), math.sqrt(area) * 1.3)
    placed: dict[int, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for members, points, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        ox, oy = x + w / 2, y + h / 2
        for vertex, (px, py) in zip(members, points, strict=True):
            placed[vertex] = (px + ox, py + oy)
        x += w
        row_height = max(row_height, h)
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {v: (px - cx, py - cy) for v, (px, py) in placed.items()}
