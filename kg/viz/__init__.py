"""Interactive HTML pages of a graph: one self-contained file that opens anywhere offline.

- :mod:`kg.viz.page`: the page (template, vis-network inlined, CSP, escaping) and :class:`Page`
- :mod:`kg.viz.data`: what the page draws (nodes, edges, legend), as plain data
- :mod:`kg.viz.layout`: positions (igraph, components packed; deals on a time axis) and the
  groups a large page starts from
"""

from __future__ import annotations

from kg.viz.data import COLOR_BY, LAYOUTS, MAX_ISOLATES, SIZE_BY, money, page_data, without_isolates
from kg.viz.layout import LARGE, groups, layout, time_layout
from kg.viz.page import (
    Page,
    default_title,
    page,
    page_from_data,
    render_html,
    script_json,
    write_html,
)

__all__ = [
    "COLOR_BY",
    "LARGE",
    "LAYOUTS",
    "MAX_ISOLATES",
    "SIZE_BY",
    "Page",
    "default_title",
    "groups",
    "layout",
    "money",
    "page",
    "page_data",
    "page_from_data",
    "render_html",
    "script_json",
    "time_layout",
    "without_isolates",
    "write_html",
]
