"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over any store, and a query page.

- :mod:`kg.serve.app`: the HTTP side (routes, protocol parameters, limits, the server)
- :mod:`kg.serve.pool`: the worker processes that hold the store and answer, with time limits
- :mod:`kg.serve.page`: the query page and answers as HTML
"""

from __future__ import annotations

from kg.serve.app import create_app, listen, serve
from kg.serve.page import answer_html, example_text, page_html
from kg.serve.pool import QueryPool, Reply, execute

__all__ = [
    "QueryPool",
    "Reply",
    "answer_html",
    "create_app",
    "example_text",
    "execute",
    "listen",
    "page_html",
    "serve",
]
