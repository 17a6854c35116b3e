"""Interactive HTML pages of a graph: one self-contained file that opens anywhere offline.

:func:`render_html` turns any NetworkX graph whose nodes carry ``label``, ``type``, ``types``,
``categories``, ``homepage``, ``*_date`` and ``sources`` (and whose edges carry ``relation``,
``date``, ``price``) into one UTF-8 page with vis-network inlined. The page makes no network
request (a Content-Security-Policy forbids any), prints its title once, and has a legend,
tooltips, search, filters by type and category, and a details panel with the homepage link.

Why not pyvis's own template: in pyvis 0.3.2 it asks a CDN for Bootstrap even with
``cdn_resources="in_line"``, prints the heading twice, inserts the heading, the select-menu
entries and any tooltip containing "href" as HTML, and ``from_nx`` is quadratic in edges. So the
page comes from a small template of our own (``kg/viz_page/``) around the vis-network build that
pyvis ships; nodes and edges go in directly as escaped JSON.

Layout: small graphs (up to :data:`LARGE` nodes) start from a Python layout, settle with
vis-network's physics and then stop. Larger graphs get igraph's Fruchterman-Reingold layout (C,
grid variant; 1.5 to 3 s for 10,000 nodes here) and physics off, so they are usable at once.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("https://example.org/a", label="A <b>", type="Company")
>>> g.add_node("https://example.org/b", label="B", type="Project")
>>> g.add_edge("https://example.org/a", "https://example.org/b", relation="develops")
>>> page = render_html(g, title="Example")
>>> "A <b>" in page, page.count("<h1")
(False, 1)
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kg.errors import UsageError

if TYPE_CHECKING:
    import networkx as nx

#: Graphs with more nodes than this get a Python layout and no physics in the browser.
LARGE = 500
COLOR_BY = ("type", "category", "community")
SIZE_BY = ("degree", "pagerank", "betweenness", "none")
VIS_VERSION = "9.1.2"

#: Debian's Chromium and the flags the browser tests and benchmarks use (never a downloaded one).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)

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
_PAGE_DIR = Path(__file__).resolve().parent / "viz_page"


@dataclass
class Page:
    """A rendered page. In Jupyter it shows itself inline (a sandboxed ``srcdoc`` iframe)."""

    html: str
    nodes: int = 0
    edges: int = 0
    seconds: float = 0.0
    #: Nodes without edges that were left out (see :func:`without_isolates`).
    hidden: int = 0
    path: Path | None = None
    height: int = 640
    extra: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str | os.PathLike[str]) -> Path:
        self.path = write_text(path, self.html)
        return self.path

    def iframe(self, height: int | None = None) -> str:
        """The page inside an ``<iframe srcdoc>``: for notebooks and other HTML documents."""
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="width:100%;height:{int(height or self.height)}px;border:1px solid #ddd" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            'title="container-kg graph"></iframe>'
        )

    def _repr_html_(self) -> str:
        return self.iframe()

    def __len__(self) -> int:
        return len(self.html.encode("utf-8"))


# --- the page -----------------------------------------------------------------------------


def render_html(
    graph: nx.Graph,
    *,
    title: str = "container-kg",
    color_by: str = "type",
    size_by: str = "degree",
    sizes: Mapping[Any, float] | None = None,
    physics: bool | None = None,
    positions: Mapping[Any, tuple[float, float]] | None = None,
    seed: int = 42,
) -> str:
    """One self-contained HTML page that draws ``graph``.

    ``color_by`` is ``type``, ``category`` or ``community``; ``size_by`` is ``degree``,
    ``pagerank``, ``betweenness`` or ``none`` (or give ``sizes``, a value per node).
    ``physics`` defaults to on for graphs of up to :data:`LARGE` nodes; ``positions`` (node to
    x, y) replaces the computed layout.
    """
    data = page_data(
        graph,
        title=title,
        color_by=color_by,
        size_by=size_by,
        sizes=sizes,
        physics=physics,
        positions=positions,
        seed=seed,
    )
    return page_from_data(data)


#: Above this many nodes without edges, a page leaves them out by default: a grid of
#: thousands of unconnected dots (the landscape's organisations in the organizations view)
#: hides the part of the graph that has structure.
MAX_ISOLATES = 100


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


def page(graph: nx.Graph, *, isolates: bool | None = None, **options: Any) -> Page:
    """:func:`render_html` as a :class:`Page` (with its counts and render time): save it, or
    leave it as a notebook cell's value to see it inline. ``isolates``: draw nodes without
    edges (True), leave them out (False), or leave them out when there are many (None)."""
    started = time.perf_counter()
    graph, hidden = without_isolates(graph, isolates)
    data = page_data(graph, **options)
    data["hiddenIsolates"] = hidden
    text = page_from_data(data)
    return Page(
        text,
        hidden=hidden,
        nodes=len(data["nodes"]),
        edges=len(data["edges"]),
        seconds=time.perf_counter() - started,
    )


def write_html(path: str | os.PathLike[str], graph: nx.Graph, **options: Any) -> Page:
    """Render ``graph`` (options as :func:`render_html`) and write it atomically as UTF-8."""
    result = page(graph, **options)
    result.save(path)
    return result


def page_from_data(data: dict[str, Any]) -> str:
    """The HTML around :func:`page_data`'s dictionary."""
    from kg import __version__

    vis_js = vis_assets()
    app_js = (_PAGE_DIR / "page.js").read_text(encoding="utf-8")
    css = (_PAGE_DIR / "page.css").read_text(encoding="utf-8")
    nodes, edges = len(data["nodes"]), len(data["edges"])
    summary = (
        f"{nodes:,} node{'s' if nodes != 1 else ''}, {edges:,} edge{'s' if edges != 1 else ''}"
        f" · colour by {data['colorBy']} · size by {data['sizes']['metric'] or 'nothing'}"
    )
    hidden = int(data.get("hiddenIsolates", 0))
    if hidden:
        summary += f" · {hidden:,} nodes without edges not drawn"
    # Only our two scripts may run (by hash), nothing may be fetched: the page is offline by
    # construction, and injected markup could neither run nor phone home.
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    template = Template((_PAGE_DIR / "page.html").read_text(encoding="utf-8"))
    return template.substitute(
        csp=csp,
        version=__version__,
        vis_version=VIS_VERSION,
        title=html.escape(data["title"], quote=True),
        summary=html.escape(summary),
        css=css,
        data=script_json(data),
        vis=vis_js,
        app=app_js,
    )


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>``, ``&``, U+2028 and U+2029 escaped.

    >>> script_json({"label": "</script><script>alert(1)</script>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def vis_assets() -> str:
    """vis-network's JavaScript, as the pyvis package ships it (no download)."""
    from importlib.util import find_spec

    # Located, not imported: importing pyvis pulls in IPython and Jinja2 for nothing.
    spec = find_spec("pyvis")
    folders = list(spec.submodule_search_locations or []) if spec else []
    lib = Path(folders[0] if folders else ".") / "templates" / "lib" / f"vis-{VIS_VERSION}"
    script = lib / "vis-network.min.js"
    if not script.is_file():  # pragma: no cover - depends on the installed pyvis
        raise UsageError(
            f"vis-network {VIS_VERSION} is not in the installed pyvis ({script} is missing)",
            hint="Install pyvis 0.3.2: pip install 'pyvis==0.3.2'",
        )
    text = script.read_text(encoding="utf-8")
    if "</script" in text.lower():  # pragma: no cover - a guard for other vis builds
        raise UsageError(f"{script} contains '</script' and cannot be inlined")
    return text


# --- the data -----------------------------------------------------------------------------


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
) -> dict[str, Any]:
    """The plain data the page draws: nodes, edges, legend, options (JSON-ready)."""
    if color_by not in COLOR_BY:
        raise UsageError(
            f"cannot colour by {color_by!r}", hint=f"Use one of: {', '.join(COLOR_BY)}."
        )
    if sizes is None and size_by not in SIZE_BY:
        raise UsageError(f"cannot size by {size_by!r}", hint=f"Use one of: {', '.join(SIZE_BY)}.")
    n = graph.number_of_nodes()
    large = n > LARGE
    physics = (not large) if physics is None else physics
    order = list(graph.nodes)

    keys = _color_keys(graph, order, color_by, seed)
    groups, group_index = _legend(Counter(keys.values()), PALETTE, limit=len(PALETTE))
    for group in groups:
        group["border"] = _darker(group["color"])

    metric = (
        None if sizes is None and size_by == "none" else (size_by if sizes is None else "value")
    )
    values = dict(sizes) if sizes is not None else _metric(graph, size_by, seed)
    low, high = (8.0, 40.0) if not large else (4.0, 28.0)
    top = max((abs(v) for v in values.values()), default=0.0) or 1.0
    if positions is None:
        positions = layout(graph, seed=seed) if n else {}

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
            "sources": _sources(attrs.get("sources")),
            "g": group_index.get(keys[node], len(groups) - 1),
            "v": _round(value),
            "s": round(size, 2),
        }
        if node in positions:
            x, y = positions[node]
            item["x"], item["y"] = round(_finite(x), 1), round(_finite(y), 1)
        nodes.append(item)

    edges, relations = _edges(graph)
    type_counts = Counter(t for item in nodes for t in (item["types"] or [item["type"]]))
    category_counts = Counter(c for item in nodes for c in item["categories"])
    shown = [_finite(v) for v in values.values()]
    return {
        "title": title,
        "large": large,
        "physics": physics,
        "colorBy": color_by,
        "groups": groups,
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
        "nodes": nodes,
        "edges": edges,
    }


def _edges(graph: nx.Graph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The edges to draw and the relation legend. A relation stated both ways with the same
    key (co-membership) is drawn once, without an arrow."""
    directed = graph.is_directed()
    multi = graph.is_multigraph()
    triples = graph.edges(keys=True, data=True) if multi else graph.edges(data=True)
    rows = []
    for triple in triples:
        u, v, key, attrs = triple if multi else (triple[0], triple[1], None, triple[2])
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
        for name in ("date", "price", "amount"):
            if attrs.get(name) not in (None, ""):
                edge[name] = _text(attrs[name])
        if attrs.get("event"):
            edge["event"] = _short(_text(attrs["event"]))
        if attrs.get("sources"):
            edge["sources"] = _sources(attrs["sources"])
        edges.append(edge)
    return edges, relations


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
    placed = _pack(boxes, unit)
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


def _pack(
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


def _color_keys(graph: nx.Graph, order: list[Any], color_by: str, seed: int) -> dict[Any, str]:
    if color_by == "type":
        return {node: _text(graph.nodes[node].get("type")) or "Thing" for node in order}
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
    from kg.analysis import communities

    return [set(c) for c in communities(graph, seed=seed)]


def _metric(graph: nx.Graph, size_by: str, seed: int) -> dict[Any, float]:
    """Degree as the count of distinct neighbours (what the details panel lists); the other
    metrics from :func:`kg.analysis.centrality`."""
    if size_by == "none":
        return {}
    if size_by == "degree":
        if graph.is_directed():
            return {
                n: float(len((set(graph.successors(n)) | set(graph.predecessors(n))) - {n}))
                for n in graph.nodes
            }
        return {n: float(len(set(graph.neighbors(n)) - {n})) for n in graph.nodes}
    from kg.analysis import centrality

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


def _darker(color: str, factor: float = 0.7) -> str:
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


def _short(iri: str) -> str:
    from kg.namespaces import shorten

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


def _sources(value: Any) -> list[list[Any]]:
    """Each source as [text, link or None]; our own kg: IRIs are names, not web pages."""
    from kg.namespaces import KG, shorten

    rows: list[list[Any]] = []
    for iri in _texts(value):
        if iri.startswith(KG):
            rows.append([shorten(iri), None])
        else:
            rows.append([iri, _web_url(iri)])
    return rows


_DATE_NAMES = {"founding": "founded", "dissolution": "dissolved"}


def _dates(attrs: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for key in sorted(attrs):
        if (key == "date" or key.endswith("_date")) and attrs[key] not in (None, ""):
            name = key[: -len("_date")] if key.endswith("_date") else key
            name = _DATE_NAMES.get(name, name).replace("_", " ")
            rows.append([name, _text(attrs[key])])
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


# --- writing and measuring ----------------------------------------------------------------


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text atomically (temp file + rename): a reader never sees half a page."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise UsageError(
            f"cannot write {target}: {exc.strerror or exc}",
            hint="Give --out a file in a folder you can write to.",
        ) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def measure_draw_time(
    path: str | os.PathLike[str],
    *,
    settled: bool = False,
    timeout: float = 120.0,
    browser: Any = None,
) -> float:
    """Seconds from navigation until the page has drawn (``settled``: until physics stopped),
    in headless Debian Chromium driven by Playwright (imported here: a dev dependency).

    Give ``browser`` (a Playwright ``Browser``) to reuse one; else one is started and closed.
    A fresh browser context per call, so no cache is shared between measurements.
    """
    if browser is not None:
        return _draw_time(browser, path, settled=settled, timeout=timeout)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
        try:
            return _draw_time(launched, path, settled=settled, timeout=timeout)
        finally:
            launched.close()


def _draw_time(
    browser: Any, path: str | os.PathLike[str], *, settled: bool, timeout: float
) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(Path(path).resolve().as_uri())
        return wait_for_flag(page, "kgSettled" if settled else "kgDrawn", timeout=timeout)
    finally:
        context.close()


def wait_for_flag(page: Any, flag: str, *, timeout: float = 120.0) -> float:
    """Poll a Playwright page until ``window[flag]`` is set; its value in seconds.

    Polled from Python because the page's Content-Security-Policy forbids the ``eval`` that
    ``page.wait_for_function`` would need.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(f"() => window[{json.dumps(flag)}]")
        if value is not None:
            return float(value) / 1000.0
        if time.monotonic() > deadline:
            raise TimeoutError(f"window.{flag} was not set within {timeout:.0f} s")
        page.wait_for_timeout(25)


def chromium_path() -> str:
    """Debian's Chromium, or ``$KG_CHROMIUM``; never a browser that Playwright downloads."""
    path = os.environ.get("KG_CHROMIUM", CHROMIUM)
    if not Path(path).is_file():
        raise UsageError(
            f"no Chromium at {path}",
            hint="Install Debian's: apt-get install -y chromium (or set $KG_CHROMIUM).",
        )
    return path


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
