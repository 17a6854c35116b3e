"""SPARQL text: the safety checks, bindings, and the query library.

Nothing here runs a query: :mod:`kg.query` runs them, :mod:`kg.store` answers. The check asks
the engine's own parser (:func:`kg.store.parse_on_empty_store`) where the tokens
(:mod:`kg.lexer`) cannot decide.

- :mod:`kg.sparql.check`: read-only, no SERVICE, no LOAD, known prefixes, a nesting limit;
  syntax errors
- :mod:`kg.sparql.bindings`: ``-p`` values as terms; VALUES blocks and PREFIX lines for servers
- :mod:`kg.sparql.library`: the named queries and their examples
"""

from __future__ import annotations
