"""Node positions for large pages: igraph's Fruchterman-Reingold per component, then packed.

Laid out together, components fly apart and a fitted view shows the main one as a speck among
strays; packed in rows, largest first, they share the screen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from kg.dates import is_valid

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


# --- the deals view on a time axis ----------------------------------------------------------

#: World units per year on the time axis, and between two rows of a lane.
YEAR = 100.0
ROW = 64.0
#: Width of a label's character, in world units (the time page's font is 20 units).
CHAR = 11.2


def _year_position(value: str) -> float | None:
    """A partial date as a fractional year: the middle of the period it names."""
    text = str(value).strip()[:10]
    if not text or not is_valid(text):
        return None
    year = int(text[:4])
    if len(text) == 4:
        return year + 0.5
    month = int(text[5:7])
    if len(text) == 7:
        return year + (month - 0.5) / 12
    start = dt.date(year, 1, 1)
    days = 366 if calendar.isleap(year) else 365
    return year + ((dt.date.fromisoformat(text) - start).days + 0.5) / days


def time_layout(graph: nx.Graph) -> tuple[dict[Any, tuple[float, float]], dict[str, Any]]:
    """Positions with x the date: each thing bought sits at the date of its (first) purchase,
    each buyer that was never bought just left of its first deal. Each weakly connected group
    of deals is a lane; inside a lane, buyers take the top row and the bought fill the rows
    below without their labels overlapping. Lanes are stacked by their first deal. Undated
    deals go to a column right of the last year. Returns the positions and the axis (years
    and their x) for the page to draw.
    """
    import networkx as nx

    years: dict[Any, float] = {}
    dated: list[float] = []
    bought_at: dict[Any, float | None] = {}
    for _u, v, data in graph.edges(data=True):
        when = _year_position(str(data.get("date") or ""))
        if when is not None:
            dated.append(when)
        old = bought_at.get(v, "missing")
        if old == "missing" or (when is not None and (old is None or when < old)):  # type: ignore[operator]
            bought_at[v] = when
    last = int(max(dated)) if dated else 2015
    # The axis starts with the first year of two deals or more: the lone deals before it
    # (EMC and VMware in 2003) share one column, so the years that hold the story fill the
    # screen instead of a decade of empty columns.
    per_year: dict[int, int] = {}
    for when in dated:
        per_year[int(when)] = per_year.get(int(when), 0) + 1
    busy = [y for y, n in per_year.items() if n >= 2]
    first = min(busy) if busy else (int(min(dated)) if dated else last)
    earlier = any(when < first for when in dated)
    earlier_x = -0.6 * YEAR
    undated_x = (last + 1 - first + 0.6) * YEAR

    def x_of(when: float | None) -> float:
        if when is None:
            return undated_x
        return earlier_x if when < first else (when - first) * YEAR

    def width(node: Any) -> float:
        label = str(graph.nodes[node].get("label") or node)
        return max(40.0, len(label) * CHAR) + 24.0

    for node in graph.nodes:
        if node in bought_at:
            years[node] = x_of(bought_at[node])
        else:
            deals = [
                _year_position(str(d.get("date") or ""))
                for _u, _v, d in graph.edges(node, data=True)
            ]
            known = [d for d in deals if d is not None]
            start = x_of(min(known)) if known else (x_of(None) if deals else 0.0)
            years[node] = start - width(node) / 2 - 12.0
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    lanes = sorted(
        (sorted(c, key=lambda n: (years[n], str(n))) for c in nx.connected_components(undirected)),
        key=lambda c: (min(years[n] for n in c), -len(c), str(c[0])),
    )
    # depth: buyers that were never bought 0, what they bought 1, what that bought 2, ...
    depth: dict[Any, int] = {}
    todo = [n for n in graph.nodes if n not in bought_at]
    for n in todo:
        depth[n] = 0
    while todo:
        following = []
        for n in todo:
            for _u, v in graph.edges(n):
                if v not in depth:
                    depth[v] = depth[n] + 1
                    following.append(v)
        todo = following
    # each lane: rows by depth (a buyer above what it bought), labels never overlapping
    boxes: list[tuple[float, float, int, dict[Any, tuple[float, int]]]] = []
    for lane in lanes:
        rows: list[float] = []  # the right end of each row
        placed: dict[Any, tuple[float, int]] = {}
        if len(lane) == 2 and sum(1 for n in lane if n in bought_at) == 1:
            # one deal: the buyer just left of what it bought, on one row
            buyer, bought = sorted(lane, key=lambda n: n in bought_at)
            years[buyer] = years[bought] - (width(buyer) + width(bought)) / 2 - 6.0
            placed = {buyer: (years[buyer], 0), bought: (years[bought], 0)}
            left, right = years[buyer] - width(buyer) / 2, years[bought] + width(bought) / 2
            boxes.append((left, right, 1, placed))
            continue
        start_row = 0
        for level in sorted({depth.get(n, 0) for n in lane}):
            first_row = start_row
            for node in (n for n in lane if depth.get(n, 0) == level):
                left = years[node] - width(node) / 2
                row = first_row
                while row < len(rows) and rows[row] > left:
                    row += 1
                while row >= len(rows):
                    rows.append(float("-inf"))
                rows[row] = years[node] + width(node) / 2
                placed[node] = (years[node], row)
            start_row = len(rows)
        lefts = [years[n] - width(n) / 2 for n in lane]
        rights = [years[n] + width(n) / 2 for n in lane]
        boxes.append((min(lefts), max(rights), max(1, len(rows)), placed))
    # Lanes are packed row by row, as tightly as their labels allow: a lane goes to the first
    # offset where each of its rows fits beside what the rows there already hold (a lane of
    # 2019 shares rows with one of 2015 when their labels do not meet).
    gap = YEAR * 0.15
    taken: list[list[tuple[float, float]]] = []
    offsets: list[int] = []
    for _left, _right, height, placed in boxes:
        spans: dict[int, list[tuple[float, float]]] = {}
        for node, (x, row) in placed.items():
            spans.setdefault(row, []).append((x - width(node) / 2, x + width(node) / 2))

        def fits(offset: int, spans: dict[int, list[tuple[float, float]]] = spans) -> bool:
            for row, intervals in spans.items():
                if offset + row >= len(taken):
                    continue
                for a, z in intervals:
                    if any(not (z + gap < lo or a > hi + gap) for lo, hi in taken[offset + row]):
                        return False
            return True

        offset = 0
        while not fits(offset):
            offset += 1
        while len(taken) < offset + height:
            taken.append([])
        for row, intervals in spans.items():
            taken[offset + row].extend(intervals)
        offsets.append(offset)
    tops = [offset * ROW for offset in offsets]
    y = len(taken) * ROW
    positions: dict[Any, tuple[float, float]] = {}
    for (_l, _r, _h, placed), top in zip(boxes, tops, strict=True):
        for node, (x, row) in placed.items():
            positions[node] = (x, top + row * ROW)
    y += ROW * 0.4
    axis = {
        "years": [[year, round((year - first) * YEAR, 1)] for year in range(first, last + 2)],
        "top": -ROW * 0.85,
        "bottom": round(y - ROW * 0.9, 1),
        "undated": round(undated_x, 1)
        if any(v is None for v in bought_at.values()) or not dated
        else None,
        "earlier": [round(earlier_x, 1), f"before {first}"] if earlier else None,
    }
    return positions, axis


# --- groups for large graphs -----------------------------------------------------------------

NOT_CONNECTED = "not connected"
NO_TYPE = "no type"
OTHER_CATEGORIES = "categories with no member here"


def groups(graph: nx.Graph) -> tuple[list[dict[str, Any]], dict[Any, list[int]]]:
    """Every node's group, for a page that starts with one node per group.

    A category node heads its own group; a node with categories joins the most populous of
    them (Kubernetes sits with Scheduling & Orchestration, not with the AI or Wasm lists that
    name it too); a node without one joins the top-level group most of its neighbours are in
    (an organisation goes where its products are), else a group of its type ("Acquisition",
    "Organization"); a node with no edge joins "not connected". Groups nest as the
    categories do (``broader``): a top-level category, then its sub-categories; deeper
    levels fold into the second. Top-level categories left with no member but themselves
    share one group.

    Returns the groups (``key``, ``label``, ``parent`` index or -1, ``count`` of members,
    ``head``: the category node, if any) and each node's ``[top, sub]`` indices (sub -1 when
    the node sits directly in its top-level group).
    """
    import networkx as nx

    nodes = list(graph.nodes)
    attrs = graph.nodes
    is_category = {
        n
        for n in nodes
        if attrs[n].get("type") == "Category" or "Category" in (attrs[n].get("types") or ())
    }
    parent: dict[Any, Any] = {}
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        relation = str(data.get("relation") or "")
        predicate = str(data.get("predicate") or "")
        broader = relation == "broader" or predicate.endswith(("#broader", "/broader"))
        if broader and u in is_category and v in is_category and u != v and u not in parent:
            parent[u] = v

    def chain(category: Any) -> list[Any]:
        path = [category]
        while path[-1] in parent and parent[path[-1]] not in path:
            path.append(parent[path[-1]])
        return path[::-1]  # top first

    # a node's categories: the category nodes its edges point to (two categories may share a
    # name: Observability under AI Native Infra and under Observability and Analysis), else,
    # for a graph without category nodes, the names in its "categories"
    linked: dict[Any, list[Any]] = {}
    for u, v in sorted(graph.edges(), key=lambda e: (str(e[0]), str(e[1]))):
        if v in is_category and u not in is_category and v not in linked.get(u, []):
            linked.setdefault(u, []).append(v)
    sizes: dict[Any, int] = {}
    for n in nodes:
        for category in linked.get(n) or _labels(attrs[n].get("categories")):
            sizes[category] = sizes.get(category, 0) + 1

    # each node's place: (top key, sub key or None)
    place: dict[Any, tuple[str, str | None]] = {}
    names: dict[str, str] = {}
    heads: dict[str, Any] = {}

    def category_place(category: Any) -> tuple[str, str | None]:
        path = chain(category)
        top, sub = path[0], (path[1] if len(path) > 1 else None)
        names[f"c:{top}"] = str(attrs[top].get("label") or top)
        heads[f"c:{top}"] = top
        if sub is None:
            return f"c:{top}", None
        names[f"c:{sub}"] = str(attrs[sub].get("label") or sub)
        heads[f"c:{sub}"] = sub
        return f"c:{top}", f"c:{sub}"

    lonely = set(nx.isolates(graph))
    for n in nodes:
        if n in lonely and n not in is_category:
            continue
        if n in is_category:
            place[n] = category_place(n)
            continue
        if n in linked:
            best = min(linked[n], key=lambda c: (-sizes[c], str(c)))
            place[n] = category_place(best)
            continue
        labels = _labels(attrs[n].get("categories"))
        if labels:
            name = min(labels, key=lambda label: (-sizes[label], label.casefold()))
            names[f"l:{name}"] = name
            place[n] = (f"l:{name}", None)
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    for n in nodes:
        if n in place:
            continue
        if n in lonely:
            place[n] = (NOT_CONNECTED, None)
            names[NOT_CONNECTED] = NOT_CONNECTED
            continue
        around: dict[str, int] = {}
        for other in set(undirected.neighbors(n)) - {n}:
            if other in place and place[other][0] != NOT_CONNECTED:
                around[place[other][0]] = around.get(place[other][0], 0) + 1
        total = sum(around.values())
        top_key = min(around, key=lambda k: (-around[k], k)) if around else None
        if top_key is not None and around[top_key] * 2 > total:
            place[n] = (top_key, None)
        else:  # grouped by its type: "Acquisition", "Organization", ...
            kind = str(attrs[n].get("type") or NO_TYPE)
            place[n] = (f"t:{kind}", None)
            names[f"t:{kind}"] = kind

    # a sub-group of one member is no group: its member sits in the top-level group
    sub_count: dict[str, int] = {}
    for _top, sub in place.values():
        if sub is not None:
            sub_count[sub] = sub_count.get(sub, 0) + 1
    for n, (top, sub) in list(place.items()):
        if sub is not None and sub_count[sub] < 2:
            place[n] = (top, None)
    # top-level groups that hold nothing but their own category node share one group
    alone: dict[str, int] = {}
    for top, _sub in place.values():
        alone[top] = alone.get(top, 0) + 1
    lonely_tops = {top for top, count in alone.items() if count == 1 and top in heads}
    if len(lonely_tops) > 1:
        for n, (top, _sub) in list(place.items()):
            if top in lonely_tops:
                place[n] = (OTHER_CATEGORIES, None)
        names[OTHER_CATEGORIES] = OTHER_CATEGORIES
    top_count: dict[str, int] = {}
    subs: dict[str, dict[str, int]] = {}
    for top, sub in place.values():
        top_count[top] = top_count.get(top, 0) + 1
        if sub is not None:
            subs.setdefault(top, {})
            subs[top][sub] = subs[top].get(sub, 0) + 1
    last = {OTHER_CATEGORIES: 2, NOT_CONNECTED: 3}
    clusters: list[dict[str, Any]] = []
    index: dict[str, int] = {}

    def rank(key: str) -> tuple[int, int, str]:
        kind = last.get(key, 1 if key.startswith("t:") else 0)
        return (kind, -top_count[key], names[key].casefold())

    for top in sorted(top_count, key=rank):
        index[top] = len(clusters)
        head = heads.get(top)
        clusters.append({"key": top, "label": names[top], "parent": -1, "count": top_count[top],
                         "head": None if head is None else str(head)})  # fmt: skip
    for top in sorted(subs, key=lambda k: index[k]):
        for sub in sorted(subs[top], key=lambda k: (-subs[top][k], names[k].casefold())):
            index[sub] = len(clusters)
            head = heads.get(sub)
            clusters.append(
                {
                    "key": sub,
                    "label": names[sub],
                    "parent": index[top],
                    "count": subs[top][sub],
                    "head": None if head is None else str(head),
                }
            )
    membership = {
        n: [index[top], -1 if sub is None else index[sub]] for n, (top, sub) in place.items()
    }
    return clusters, membership


def _labels(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return sorted({str(v) for v in value if v})
