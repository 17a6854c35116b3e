"""Interactive HTML pages of a graph: one self-contained file that opens anywhere offline.

:func:`render_html` turns any NetworkX graph whose nodes carry ``label``, ``type``, ``types``,
``categories``, ``homepage``, ``*_date`` and ``sources`` (and whose edges carry ``relation``,
``date``, ``price``) into one UTF-8 page with vis-network inlined. The page makes no network
request (a Content-Security-Policy forbids any), prints its title once, and has a legend,
tooltips, search, filters by type and category, and a details panel with the homepage link.

Why not pyvis's own template: in pyvis 0.3.2 it asks a CDN for Bootstrap even with
``cdn_resources="in_line"``, prints the heading twice, inserts the heading, the select-menu
entries and any tooltip containing "href" as HTML, and ``from_nx`` is quadratic in edges. So the
page comes from a small template of our own (``kg/viz/template/``) around the vis-network build that
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
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError
from kg.io import atomic_write
from kg.version import __version__
from kg.viz.data import page_data, without_isolates

if TYPE_CHECKING:
    import networkx as nx

VIS_VERSION = "9.1.2"
TEMPLATE = Path(__file__).resolve().parent / "template"


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

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page (atomically, UTF-8) and remember where."""
        self.path = atomic_write(path, self.html)
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
    layout: str | None = None,
) -> str:
    """One self-contained HTML page that draws ``graph``.

    ``color_by`` is ``type``, ``category`` or ``community``; ``size_by`` is ``degree``,
    ``pagerank``, ``betweenness`` or ``none`` (or give ``sizes``, a value per node).
    ``physics`` defaults to on for graphs of up to :data:`LARGE` nodes; ``positions`` (node to
    x, y) replaces the computed layout; ``layout`` is ``force``, ``fixed``, ``time`` or
    ``grouped`` (:mod:`kg.viz.data` says which is the default when).
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
        layout_name=layout,
    )
    return page_from_data(data)


def default_title(graph: nx.Graph, view: str, as_of: str | None = None) -> str:
    """``container-kg: VIEW``, with the date asked for and the snapshots the graph holds
    (``container-kg: ecosystem · CNCF Cloud Native Landscape (2026-08-07)``)."""
    title = f"container-kg: {view}" + (f" as of {as_of}" if as_of else "")
    snapshots = graph.graph.get("snapshots")
    return f"{title} · {snapshots}" if snapshots else title


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
    vis_js = vis_assets()
    app_js = (TEMPLATE / "page.js").read_text(encoding="utf-8")
    css = (TEMPLATE / "page.css").read_text(encoding="utf-8")
    nodes, edges = len(data["nodes"]), len(data["edges"])
    summary = (
        f"{nodes:,} node{'s' if nodes != 1 else ''}, {edges:,} edge{'s' if edges != 1 else ''}"
        f" · colour by {data['colorBy']} · size by {data['sizes']['metric'] or 'nothing'}"
    )
    tops = sum(1 for c in data.get("clusters", []) if c["parent"] < 0)
    if tops:
        summary += f" · {tops} groups: click one to open it"
    elif data.get("isolates"):
        summary += f" · not connected: {data['isolates']:,}"
    if data.get("time"):
        summary += f" · {data['time']['facts']:,} dated facts, {data['time']['min']} to now"
    hidden = int(data.get("hiddenIsolates", 0))
    if hidden:
        summary += f" · {hidden:,} nodes without edges not drawn"
    # Only our two scripts may run (by hash), nothing may be fetched: the page is offline by
    # construction, and injected markup could neither run nor phone home.
    csp = (
        "default-src 'none'; "
        f"script-src {csp_hash(vis_js)} {csp_hash(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    template = Template((TEMPLATE / "page.html").read_text(encoding="utf-8"))
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


def csp_hash(script: str) -> str:
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
