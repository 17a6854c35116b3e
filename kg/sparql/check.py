"""The checks before any engine sees a query: read-only, no network, no files, known prefixes.

``SERVICE`` and ``LOAD`` are refused always, so a query never reaches the network or the file
system; an UPDATE is refused unless the caller allows it. The checks run on the query's tokens
(:mod:`kg.sparql.lexer`); where the tokens could mislead (an IRI-looking token holding a quote
or a parenthesis), they decide on a parser's tree instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from kg.errors import QueryError, UnsafeQuery
from kg.namespaces import PREFIXES
from kg.sparql.lexer import Token, line_col, tokens

UPDATE_WORDS = frozenset({"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"})
UPDATE_WORDS |= {"WITH"}
QUERY_WORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
# `<` opens an IRI or is a less-than: lexically, `FILTER(?x<1)SERVICE?v#>` holds an "IRI" from
# `<` to `>` where a parser reads a comparison, a SERVICE and a comment. Such a token has a quote
# or a parenthesis in it (the less-than sits inside an expression's parentheses, and leaving them
# takes a `)`); for those rare queries the keywords are looked for in rdflib's parse tree.
_AMBIGUOUS_IRI = re.compile(r"['()]")

SERVICE_REFUSED = "SERVICE is refused: a query never reaches the network"
LOAD_REFUSED = "LOAD is refused: a query never reads files or URLs"
UPDATE_REFUSED = "SPARQL UPDATE is refused: queries are read-only"


@dataclass(frozen=True)
class Checked:
    """What the checks learned about a query."""

    kind: str  # SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE
    declared: Mapping[str, str]


def check(sparql: str, *, allow_update: bool = False) -> Checked:
    """Refuse what a query must not do; name an unknown prefix. Returns the query's kind.

    >>> check("SELECT ?c WHERE { ?c a eco:Company }").kind
    'SELECT'
    """
    # Remembered per text: a library query asked again (a server, a notebook) is not
    # tokenised again; that took a third of a small query's time (make bench).
    checked = _check(sparql, allow_update)
    return Checked(checked.kind, dict(checked.declared))


@lru_cache(maxsize=512)
def _check(sparql: str, allow_update: bool) -> Checked:
    declared: dict[str, str] = {}
    kind: str | None = None
    used: list[tuple[str, int]] = []
    ambiguous: Token | None = None
    toks = tokens(sparql)
    for i, tok in enumerate(toks):
        if tok.kind == "iri" and _AMBIGUOUS_IRI.search(tok.text):
            ambiguous = ambiguous or tok
        elif tok.kind == "word":
            upper = tok.upper
            if upper in ("SERVICE", "LOAD"):
                refuse(upper)
            if upper == "PREFIX" and i + 2 < len(toks):
                name, iri = toks[i + 1].text, toks[i + 2].text
                if name.endswith(":") and iri.startswith("<"):
                    declared[name[:-1]] = iri[1:-1]
            if kind is None and upper in QUERY_WORDS:
                kind = upper
            elif kind is None and upper in UPDATE_WORDS:
                kind = "UPDATE"
        elif tok.kind == "pname":
            prev = toks[i - 1].upper if i else ""
            if prev != "PREFIX":
                used.append((tok.text.split(":", 1)[0], tok.start))
    if ambiguous is not None:
        _check_parse_tree(sparql, update=kind == "UPDATE", at=ambiguous.start)
    for prefix, pos in used:
        if prefix not in declared and prefix not in PREFIXES:
            line, col = line_col(sparql, pos)
            raise QueryError(
                f"unknown prefix '{prefix}:' at line {line}, column {col}",
                hint=f"Known prefixes: {', '.join(known_prefixes(declared))}. "
                f"Declare others with PREFIX {prefix}: <...>.",
            )
    if kind == "UPDATE" and not allow_update:
        raise UnsafeQuery(
            UPDATE_REFUSED,
            hint="Pass --update to change a local store (memory or oxigraph:PATH) on purpose.",
        )
    if kind is None:
        raise QueryError(
            "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE",
            hint="Check the text, or give a library name (`kg query --list`).",
        )
    return Checked(kind=kind, declared=declared)


def known_prefixes(declared: Mapping[str, str] | None = None) -> list[str]:
    """The prefixes a query may use: the project's, then its own declarations."""
    return [*PREFIXES, *(p for p in (declared or {}) if p not in PREFIXES)]


def refuse(keyword: str) -> None:
    """Raise the refusal of ``SERVICE`` or ``LOAD``."""
    if keyword.upper() == "SERVICE":
        raise UnsafeQuery(
            SERVICE_REFUSED,
            hint="Query that endpoint itself: kg query --store sparql:URL '...'.",
        )
    raise UnsafeQuery(
        LOAD_REFUSED,
        hint="Add data as TriG under data/ or with `kg import`, then run `kg build`.",
    )


def _check_parse_tree(sparql: str, *, update: bool, at: int) -> None:
    """Refuse SERVICE and LOAD found by a SPARQL parser (rdflib's), for queries whose tokens are
    ambiguous; a query it cannot parse is refused, as it cannot be checked."""
    from pyparsing import ParseBaseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseUpdate(sparql) if update else parseQuery(sparql)
    except (ParseBaseException, ValueError, TypeError) as exc:
        line, col = line_col(sparql, at)
        why = (
            f"The IRI at line {line}, column {col} holds a quote or a parenthesis, so the query "
            "was checked with a full parser before it runs."
        )
        if not update and isinstance(exc, ParseBaseException):
            err = explain_syntax_error(sparql, "")
            raise QueryError(err.message, hint=why) from exc
        raise UnsafeQuery(
            f"cannot check the update for LOAD: is the '<' at line {line}, column {col} an IRI "
            "or a less-than?",
            hint="Put spaces around a less-than (?x < 5), or percent-encode quotes and "
            "parentheses in the IRI.",
        ) from exc
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                refuse("SERVICE")
            if node.name == "Load":
                refuse("LOAD")
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


# --- syntax errors -------------------------------------------------------------------------

_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)
_EXCERPT = 100  # characters of the offending line shown around the column


def explain_syntax_error(sparql: str, message: str, *, update: bool = False) -> QueryError:
    """A :class:`QueryError` with the line, the column, the offending text and a caret.

    Oxigraph reports the furthest point its parser tried, often a token past the mistake;
    rdflib's parser (pyparsing) points at the token it could not read, so a query's error is
    located with it (only on this error path: it is slower). For an UPDATE, rdflib points at the
    start of the whole update, so Oxigraph's position is kept.
    """
    found = None if update else _rdflib_position(sparql)
    if found is not None:
        line, col, text, token = found
        detail = f"unexpected {token}"
    else:
        m = _POSITION.search(message)
        if not m:
            return QueryError(f"syntax error: {' '.join(message.split())}")
        line, col = int(m.group(1)), int(m.group(2))
        detail = " ".join(m.group(3).split())
        if len(detail) > 160:
            detail = detail[:157] + "..."
        lines = sparql.split("\n")
        text = lines[line - 1] if 0 < line <= len(lines) else ""
    text, caret = _excerpt(text.rstrip("\r"), col)
    return QueryError(f"syntax error at line {line}, column {col}: {detail}\n  {text}\n  {caret}")


def _rdflib_position(sparql: str) -> tuple[int, int, str, str] | None:
    """(line, column, the line's text, the token found) where rdflib's parser stops."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(sparql)
    except ParseBaseException as exc:
        if exc.loc >= len(exc.pstr.rstrip()):
            token = "end of query"
        else:
            word = re.match(r"[^\s{}()\[\].,;]+|\S", exc.pstr[exc.loc :])
            token = f"'{word.group() if word else exc.pstr[exc.loc]}'"
        return exc.lineno, exc.col, exc.line, token
    except Exception:  # any other failure: fall back to Oxigraph's position
        return None
    return None


def _excerpt(text: str, col: int) -> tuple[str, str]:
    """The line (a window of it when long) and a caret under column ``col``."""
    start = 0
    if len(text) > _EXCERPT:
        start = max(0, min(col - 1 - _EXCERPT // 2, len(text) - _EXCERPT))
        head = "..." if start > 0 else ""
        tail = "..." if start + _EXCERPT < len(text) else ""
        shown = head + text[start : start + _EXCERPT] + tail
        return shown, " " * (col - 1 - start + len(head)) + "^"
    return text, " " * max(col - 1, 0) + "^"
