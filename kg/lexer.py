"""A SPARQL tokenizer for the checks and for finding places in a query's text.

It reads strings, IRIs, variables, blank nodes, prefixed names and keywords, and skips
comments, so a keyword inside a string, an IRI or a comment is never mistaken for one. It is
not a parser: :mod:`kg.sparql.check` decides on what the engine itself parses where the tokens
could mislead (``tests/test_sparql_lexer.py`` compares it with rdflib's parser).

>>> [t.text for t in tokens('SELECT ?s { ?s a "SERVICE" } # LOAD')]
['SELECT', '?s', '{', '?s', 'a', '"SERVICE"', '}']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

#: The token classes, in the order they are tried. Strings and IRIs are read as Oxigraph reads
#: them (an IRI holds any character above a space but ``<>"{}|^`\``, and ``\u`` escapes).
TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][^\W]+)
  | (?P<bnode>_:[\w.-]*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w.%:-]|\\.)*)
  | (?P<word>[^\W\d][\w-]*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    """One token: its class (``string``, ``iri``, ``var``, ``bnode``, ``pname``, ``word``,
    ``other`` or ``comment``), its text and where it starts."""

    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokens(sparql: str, *, comments: bool = False) -> list[Token]:
    """The query's tokens, comments left out (kept, as ``comment`` tokens, with
    ``comments=True``)."""
    return list(_iter(sparql, comments))


def _iter(sparql: str, comments: bool) -> Iterator[Token]:
    for m in TOKEN.finditer(sparql):
        kind = m.lastgroup or "other"
        if comments or kind != "comment":
            yield Token(kind, m.group(), m.start())


def line_col(text: str, pos: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset.

    >>> line_col("a\\nbc", 3)
    (2, 2)
    """
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col
