"""Interactive HTML pages of a graph: one self-contained file that opens anywhere offline.

- :mod:`kg.viz.page`: the page (template, vis-network inlined, CSP, escaping) and :class:`Page`
- :mod:`kg.viz.data`: what the page draws (nodes, edges, legend), as plain data
- :mod:`kg.viz.layout`: positions for large graphs (igraph, components packed)
"""

from __future__ import annotations

from kg.viz.data import COLOR_BY, MAX_ISOLATES, SIZE_BY, page_data, without_isolates
from kg.viz.layout import LARGE, layout
from kg.viz.page import Page, page, page_from_data, render_html, script_json, write_html

__all__ = [
    "COLOR_BY",
    "LARGE",
    "MAX_ISOLATES",
    "SIZE_BY",
    "Page",
    "layout",
    "page",
    "page_data",
    "page_from_data",
    "render_html",
    "script_json",
    "without_isolates",
    "write_html",
]
