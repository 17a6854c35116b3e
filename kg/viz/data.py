"""The data a page draws: nodes, edges, legend, time and groups, as plain JSON-ready values.

Everything from the graph is data here, never markup: labels, categories and sources are
strings the page puts in with ``textContent``; links are kept only when they are http(s).

Three layouts (``data["layout"]``):

``force``
    graphs up to :data:`~kg.viz.layout.LARGE` nodes: a Python layout to start from, settled by
    vis-network's physics in the browser, then still. Nodes without edges are not strewn
    around it: the page sets them in one labelled block ("not connected: 42").
``time``
    the deals view: x is the date of the deal (:func:`kg.viz.layout.time_layout`).
``grouped``
    larger graphs: every node belongs to a group (its top-level category, then its
    sub-category; :func:`kg.viz.layout.groups`), the page starts with one labelled node per
    group and a click opens a group in place. ``fixed`` (a packed igraph layout, drawn at
    once) remains for ``physics=False`` on a small graph and for explicit ``positions``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kg.analysis import centrality, communities
from kg.dates import describe, first_day, is_valid
from kg.errors import UsageError
from kg.namespaces import KG, shorten
from kg.viz.layout import LARGE, groups, layout, time_layout

if TYPE_CHECKING:
    import networkx as nx

COLOR_BY = ("type", "category", "community")
SIZE_BY = ("degree", "pagerank", "betweenness", "none")
LAYOUTS = ("force", "fixed", "time", "grouped")

# Tableau 10 then its lighter partners: distinct, readable on white, kind to colour blindness.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d",
    "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e",
)  # fmt: skip
EDGE_PALETTE = (
    "#5a6f8c", "#d1603d", "#3a9a5b", "#8e5ea2", "#c9a227",
    "#2f8f9d", "#b5485d", "#6b8e23", "#a0522d", "#4b6cb7",
)  # fmt: skip
OTHER = "#c7c7c7"
#: Above this many nodes without edges, a page leaves them out by default: a grid of
#: thousands of unconnected dots (the landscape's organisations in the organizations view)
#: hides the part of the graph that has structure.
MAX_ISOLATES = 100
#: Types that share one colour: an organisation of the landscape and a company of the
#: curated data are the same kind of thing to a reader.
SAME_COLOUR = {"Company": "Organization"}


def without_isolates(graph: nx.Graph, isolates: bool | None = None) -> tuple[nx.Graph, int]:
    """``graph`` without its nodes that have no edge, when ``isolates`` is False, or when it is
    None and there are more than :data:`MAX_ISOLATES` of them. Returns the graph to draw and
    how many nodes were left out."""
    import networkx as nx

    if isolates:
        return graph, 0
    lonely = list(nx.isolates(graph))
    if not lonely or (isolates is None and len(lonely) <= MAX_ISOLATES):
        return graph, 0
    drawn = graph.copy()
    drawn.remove_nodes_from(lonely)
    return drawn, len(lonely)


def page_data(
    graph: nx.Graph,
    *,
    title: str = "container-kg",
    color_by: str = "type",
    size_by: str = "degree",
    sizes: Mapping[Any, float] | None = None,
    physics: bool | None = None,
    positions: Mapping[Any, tuple[float, float]] | None = None,
    seed: int = 42,
    layout_name: str | None = None,
) -> dict[str, Any]:
    """The plain data the page draws: nodes, edges, legend, options (JSON-ready).

    ``layout_name`` is one of :data:`LAYOUTS`; by default ``time`` for the deals view,
    ``grouped`` above :data:`~kg.viz.layout.LARGE` nodes, else ``force`` (``fixed`` when
    ``physics`` is False or ``positions`` are given).
    """
    if color_by not in COLOR_BY:
        raise UsageError(
            f"cannot colour by {color_by!r}", hint=f"Use one of: {', '.join(COLOR_BY)}."
        )
    if sizes is None and size_by not in SIZE_BY:
        raise UsageError(f"cannot size by {size_by!r}", hint=f"Use one of: {', '.join(SIZE_BY)}.")
    n = graph.number_of_nodes()
    large = n > LARGE
    mode = layout_name or _default_layout(graph, large, physics, positions)
    if mode not in LAYOUTS:
        raise UsageError(f"unknown layout {mode!r}", hint=f"Use one of: {', '.join(LAYOUTS)}.")
    physics = mode == "force" if physics is None else physics and mode == "force"
    order = list(graph.nodes)

    keys = _color_keys(graph, order, color_by, seed)
    colour_groups, group_index = _legend(Counter(keys.values()), PALETTE, limit=len(PALETTE))
    for group in colour_groups:
        group["border"] = darker(group["color"])

    metric = (
        None if sizes is None and size_by == "none" else (size_by if sizes is None else "value")
    )
    values = dict(sizes) if sizes is not None else _metric(graph, size_by, seed)
    low, high = (6.0, 24.0) if large else (7.0, 18.0) if mode == "time" else (8.0, 40.0)
    top = max((abs(v) for v in values.values()), default=0.0) or 1.0
    axis: dict[str, Any] | None = None
    clusters: list[dict[str, Any]] = []
    membership: dict[Any, list[int]] = {}
    if positions is None:
        if mode == "time":
            positions, axis = time_layout(graph)
        elif mode == "grouped":
            positions = {}
            clusters, membership = groups(graph)
        else:
            positions = layout(graph, seed=seed) if n else {}

    sources = _SourceTable()
    lonely = _isolates(graph)
    nodes = []
    for node in order:
        attrs = graph.nodes[node]
        value = _finite(values.get(node, 0.0))
        size = low if metric is None else low + (high - low) * math.sqrt(abs(value) / top)
        item: dict[str, Any] = {
            "id": str(node),
            "label": _text(attrs.get("label")) or _short(str(node)),
            "type": _text(attrs.get("type")) or "Thing",
            "types": _texts(attrs.get("types")),
            "categories": _texts(attrs.get("categories")),
            "dates": _dates(attrs),
            "homepage": _link(attrs.get("homepage")),
            "src": sources.add(attrs.get("sources"), attrs.get("source_titles")),
            "g": group_index.get(keys[node], len(colour_groups) - 1),
            "v": _round(value),
            "s": round(size, 2),
        }
        maturity = _text(attrs.get("maturity"))
        if maturity:
            item["maturity"] = maturity
        since = _day(attrs.get("valid_from"))
        if since:
            item["t0"] = since
        renames = _renames(attrs.get("renames"))
        if renames:
            item["rn"] = renames
        if node in lonely:
            item["iso"] = 1
        if node in membership:
            item["grp"] = membership[node]
        if node in positions:
            x, y = positions[node]
            item["x"], item["y"] = round(_finite(x), 1), round(_finite(y), 1)
        nodes.append(item)

    edges, relations = _edges(graph, sources)
    type_counts = Counter(t for item in nodes for t in (item["types"] or [item["type"]]))
    category_counts = Counter(c for item in nodes for c in item["categories"])
    maturity_counts = Counter(item["maturity"] for item in nodes if "maturity" in item)
    shown = [_finite(v) for v in values.values()]
    return {
        "title": title,
        "large": large,
        "layout": mode,
        "physics": physics,
        "colorBy": color_by,
        "groups": colour_groups,
        "relations": relations,
        "sizes": {
            "metric": metric,
            "min": _round(min(shown, default=0)),
            "max": _round(max(shown, default=0)),
            "minSize": low,
            "maxSize": high,
        },
        "types": sorted(type_counts.items(), key=lambda kv: (-kv[1], kv[0])),
        "categories": sorted(category_counts.items(), key=lambda kv: kv[0].lower()),
        "maturities": sorted(maturity_counts.items(), key=lambda kv: (-kv[1], kv[0])),
        "time": None if mode == "grouped" else _time_range(nodes, edges),
        "axis": axis,
        "clusters": clusters,
        "isolates": len(lonely),
        "sources": sources.rows,
        "nodes": nodes,
        "edges": edges,
    }


def _default_layout(
    graph: nx.Graph,
    large: bool,
    physics: bool | None,
    positions: Mapping[Any, tuple[float, float]] | None,
) -> str:
    if positions is not None:
        return "fixed"
    if physics is True:
        return "force"
    if graph.graph.get("view") == "deals":
        return "time"
    if large:
        return "grouped"
    return "fixed" if physics is False else "force"


def _isolates(graph: nx.Graph) -> set[Any]:
    import networkx as nx

    return set(nx.isolates(graph))


class _SourceTable:
    """Sources listed once for the whole page, as ``[text, link or None, title or None]``;
    nodes and edges name them by index (the landscape's 2,400 items share one source)."""

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self.index: dict[tuple[str, str], int] = {}

    def add(self, iris: Any, titles: Any) -> list[int]:
        found = []
        names = _plain_texts(iris)
        titled = _plain_texts(titles)
        pairs = sorted(
            zip(names, titled if len(titled) == len(names) else [""] * len(names), strict=True),
            key=lambda p: p[0].lower(),
        )
        for iri, title in pairs:
            key = (iri, title)
            i = self.index.get(key)
            if i is None:
                text, link = (shorten(iri), None) if iri.startswith(KG) else (iri, _web_url(iri))
                i = self.index[key] = len(self.rows)
                self.rows.append([text, link, title or None])
            found.append(i)
        return found


def _edges(
    graph: nx.Graph, sources: _SourceTable
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The edges to draw and the relation legend. A relation stated both ways with the same
    key (a symmetric relation) is drawn once, without an arrow."""
    import networkx as nx

    directed = graph.is_directed()
    triples: list[tuple[Any, Any, Any, dict[str, Any]]]
    if isinstance(graph, nx.MultiGraph):
        triples = list(graph.edges(keys=True, data=True))
    else:
        triples = [(u, v, None, attrs) for u, v, attrs in graph.edges(data=True)]
    rows = []
    for u, v, key, attrs in triples:
        relation = (
            _text(attrs.get("relation")) or _short(_text(attrs.get("predicate"))) or "related"
        )
        rows.append((u, v, key, attrs, relation))
    stated = {(u, v, key, relation) for u, v, key, _attrs, relation in rows} if directed else set()
    counts: Counter[str] = Counter()
    arrows: dict[str, bool] = {}
    drawn = []
    for u, v, key, attrs, relation in rows:
        arrow = bool(attrs.get("directed", directed))
        if arrow and u != v and (v, u, key, relation) in stated:
            if str(u) > str(v):
                continue  # drawn from the other end
            arrow = False
        counts[relation] += 1
        arrows[relation] = arrows.get(relation, False) or arrow
        drawn.append((u, v, attrs, relation, arrow))
    relations, index = _legend(counts, EDGE_PALETTE, limit=len(EDGE_PALETTE))
    for entry in relations:
        entry["directed"] = arrows.get(entry["key"], False)
    edges = []
    for u, v, attrs, relation, arrow in drawn:
        edge: dict[str, Any] = {
            "from": str(u),
            "to": str(v),
            "r": index.get(relation, len(relations) - 1),
            "arrow": arrow,
        }
        weight = _finite(attrs.get("weight", 1.0))
        if weight > 1:
            edge["w"] = _round(weight)
        date = _text(attrs.get("date"))
        if date:
            edge["date"] = date
            edge["when"] = describe(date) if is_valid(date) else date
        for name in ("price", "amount"):
            if attrs.get(name) not in (None, ""):
                edge[name] = money(attrs[name])
        if attrs.get("event"):
            edge["event"] = _short(_text(attrs["event"]))
        for name, key in (("event_type", "eventType"), ("event_label", "eventLabel")):
            if attrs.get(name):
                edge[key] = _text(attrs[name])
        if attrs.get("product"):
            edge["product"] = str(attrs["product"])
        found = sources.add(attrs.get("sources"), attrs.get("source_titles"))
        if found:
            edge["src"] = found
        for name, key in (("valid_from", "t0"), ("valid_until", "t1")):
            day = _day(attrs.get(name))
            if day:
                edge[key] = day
        edges.append(edge)
    return edges, relations


def money(value: Any) -> str:
    """A price or an amount in US dollars, as people write it; a value that is not a number
    is shown as it is.

    >>> money(550_000_000), money(34e9), money(1_250_000_000), money(750_000), money(99)
    ('$550M', '$34B', '$1.25B', '$750K', '$99')
    >>> money("<b>1</b>")
    '<b>1</b>'
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _text(value)
    if not math.isfinite(number):
        return _text(value)
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(number) >= scale:
            return f"${number / scale:.3g}{suffix}"
    return f"${number:,.0f}"


def _time_range(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, int] | None:
    """The years the page's slider runs through: from the year before the first dated edge
    (an acquisition, a membership; the foundings of a century before would make a slider of
    a hundred empty years) to the last dated fact; None when nothing is dated (no slider)."""
    days = [n["t0"] for n in nodes if "t0" in n]
    days += [r[0] for n in nodes for r in n.get("rn", [])]
    links = [e[k] for e in edges for k in ("t0", "t1") if k in e]
    days += links
    if not days:
        return None
    first = int(min(links or days)[:4]) - (1 if links else 0)
    return {"min": first, "max": int(max(days)[:4]), "facts": len(days)}


def _color_keys(graph: nx.Graph, order: list[Any], color_by: str, seed: int) -> dict[Any, str]:
    if color_by == "type":
        keys = {}
        for node in order:
            kind = _text(graph.nodes[node].get("type")) or "Thing"
            keys[node] = SAME_COLOUR.get(kind, kind)
        return keys
    if color_by == "category":
        keys = {}
        for node in order:
            categories = sorted(_texts(graph.nodes[node].get("categories")), key=str.lower)
            keys[node] = categories[0] if categories else "no category"
        return keys
    parts = sorted(_communities(graph, seed), key=lambda part: (-len(part), sorted(map(str, part))))
    keys = {node: "no community" for node in order}
    width = len(str(len(parts)))
    for i, part in enumerate(parts, start=1):
        for node in part:
            keys[node] = f"community {i:0{width}d}"
    return keys


def _communities(graph: nx.Graph, seed: int) -> list[set[Any]]:
    return [set(c) for c in communities(graph, seed=seed)]


def _metric(graph: nx.Graph, size_by: str, seed: int) -> dict[Any, float]:
    """Degree as the count of distinct neighbours (what the details panel lists); the other
    metrics from :func:`kg.analysis.metrics`."""
    if size_by == "none":
        return {}
    if size_by == "degree":
        import networkx as nx

        if isinstance(graph, nx.DiGraph):
            return {
                n: float(len((set(graph.successors(n)) | set(graph.predecessors(n))) - {n}))
                for n in graph.nodes
            }
        return {n: float(len(set(graph.neighbors(n)) - {n})) for n in graph.nodes}
    return {node: float(v) for node, v in centrality(graph, size_by, seed=seed).items()}


def _legend(
    counts: Counter[str], palette: tuple[str, ...], *, limit: int
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Legend entries by count (ties by name); past ``limit`` keys the rest share "other"."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))
    if len(ranked) > limit:
        kept, rest = ranked[: limit - 1], ranked[limit - 1 :]
    else:
        kept, rest = ranked, []
    entries = [
        {"key": key, "color": palette[i % len(palette)], "count": count}
        for i, (key, count) in enumerate(kept)
    ]
    index = {key: i for i, (key, _count) in enumerate(kept)}
    if rest:
        entries.append(
            {"key": f"{len(rest)} others", "color": OTHER, "count": sum(c for _k, c in rest)}
        )
    return entries, index


def darker(color: str, factor: float = 0.7) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(c * factor):02x}" for c in (r, g, b))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _texts(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    try:
        return sorted({str(v) for v in value if v not in (None, "")}, key=str.lower)
    except TypeError:
        return [str(value)]


def _plain_texts(value: Any) -> list[str]:
    """A list as it is (order kept, so that parallel lists stay parallel)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [_text(v) for v in value]
    except TypeError:
        return [str(value)]


def _day(value: Any) -> str | None:
    """A partial date's first day (YYYY-MM-DD), or None when the value is not a date."""
    text = _text(value).strip()[:10]
    return first_day(text) if text and is_valid(text) else None


def _renames(value: Any) -> list[list[str]]:
    """``"DAY NAME"`` strings (or ``[day, name]`` pairs) as ``[day, name]``, by day."""
    rows = []
    for entry in _plain_texts(value) if isinstance(value, str) else (value or []):
        if isinstance(entry, list | tuple) and len(entry) == 2:
            day, name = _text(entry[0]), _text(entry[1])
        else:
            day, _, name = _text(entry).partition(" ")
        when = _day(day)
        if when and name:
            rows.append([when, name])
    return sorted(rows)


def _short(iri: str) -> str:
    if not iri:
        return ""
    short = shorten(iri)
    if not short.startswith("<"):
        return short.partition(":")[2] if short.startswith(("kg:", "eco:")) else short
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def _web_url(value: Any) -> str | None:
    """The value when it is an http(s) URL, else None: nothing else ever becomes a link."""
    text = _text(value).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme in ("http", "https") and parts.netloc else None


def _link(value: Any) -> list[Any] | None:
    """[text, link or None]: a value that is not an http(s) URL is shown, never linked."""
    text = _text(value).strip()
    return [text, _web_url(text)] if text else None


_DATE_NAMES = {"founding": "founded", "dissolution": "dissolved"}


def _dates(attrs: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for key in sorted(attrs):
        if (key == "date" or key.endswith("_date")) and attrs[key] not in (None, ""):
            name = key[: -len("_date")] if key.endswith("_date") else key
            name = _DATE_NAMES.get(name, name).replace("_", " ")
            text = _text(attrs[key])
            rows.append([name, describe(text) if is_valid(text) else text])
    return rows


def _finite(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _round(value: float) -> float | int:
    if float(value).is_integer():
        return int(value)
    return float(f"{value:.4g}")
