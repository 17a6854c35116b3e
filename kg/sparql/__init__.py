"""SPARQL text: the tokenizer and the safety checks, bindings, and the query library.

Nothing here runs a query or knows a store: :mod:`kg.query` runs them, :mod:`kg.store` answers.

- :mod:`kg.sparql.lexer`: tokens (strings, IRIs, comments skipped)
- :mod:`kg.sparql.check`: read-only, no SERVICE, no LOAD, known prefixes; syntax errors
- :mod:`kg.sparql.bindings`: ``-p`` values as terms; VALUES blocks and PREFIX lines for servers
- :mod:`kg.sparql.library`: the named queries and their examples
"""

from __future__ import annotations
