"""Running SPARQL safely: the checks before a query runs, bindings, and the query library.

A query is read-only: UPDATE is refused unless the caller allows it on a local store, and
``SERVICE`` and ``LOAD`` are refused always, so a query never reaches the network or the file
system. The checks run on the query's tokens (strings, IRIs and comments skipped), before any
engine sees the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg import resources
from kg.errors import QueryError, UnknownQuery, UnsafeQuery, UsageError
from kg.namespaces import PREFIXES, expand

if TYPE_CHECKING:
    from rdflib.term import Node

    from kg.results import Answer
    from kg.store import Store

# Strings, IRIs and comments are skipped so that a keyword inside them is never mistaken for one.
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w.%:-]|\\.)*)
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)
_UPDATE_WORDS = {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


@dataclass(frozen=True)
class Checked:
    """What the checks learned about a query."""

    kind: str  # SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE
    declared: dict[str, str]


def check(sparql: str, *, allow_update: bool = False) -> Checked:
    """Refuse what a query must not do; name an unknown prefix. Returns the query's kind."""
    declared: dict[str, str] = {}
    kind: str | None = None
    used: list[tuple[str, int]] = []
    tokens = [m for m in _TOKEN.finditer(sparql) if m.lastgroup not in ("comment",)]
    for i, m in enumerate(tokens):
        group, text = m.lastgroup, m.group()
        if group == "word":
            upper = text.upper()
            if upper == "SERVICE":
                raise UnsafeQuery(
                    "SERVICE is refused: a query never reaches the network",
                    hint="Run the federated part against that endpoint yourself.",
                )
            if upper == "LOAD":
                raise UnsafeQuery(
                    "LOAD is refused: a query never reads files or URLs",
                    hint="Import data with `kg build` or `kg import` instead.",
                )
            if upper == "PREFIX" and i + 2 < len(tokens):
                name, iri = tokens[i + 1].group(), tokens[i + 2].group()
                if name.endswith(":") and iri.startswith("<"):
                    declared[name[:-1]] = iri[1:-1]
            if kind is None and upper in _QUERY_WORDS:
                kind = upper
            elif kind is None and upper in _UPDATE_WORDS:
                kind = "UPDATE"
        elif group == "pname":
            prev = tokens[i - 1].group().upper() if i else ""
            if prev != "PREFIX":
                used.append((text.split(":", 1)[0], m.start()))
    for prefix, pos in used:
        if prefix not in declared and prefix not in PREFIXES:
            line, col = _line_col(sparql, pos)
            known = ", ".join(sorted({*PREFIXES, *declared}))
            raise QueryError(
                f"unknown prefix '{prefix}:' at line {line}, column {col}",
                hint=f"Known prefixes: {known}. Declare others with PREFIX {prefix}: <...>.",
            )
    if kind == "UPDATE" and not allow_update:
        raise UnsafeQuery(
            "SPARQL UPDATE is refused: queries are read-only",
            hint="Pass --update to change a local store on purpose.",
        )
    if kind is None:
        raise QueryError(
            "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE",
            hint="Check the text, or give a library name (`kg query --list`).",
        )
    return Checked(kind=kind, declared=declared)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)


def explain_syntax_error(sparql: str, message: str) -> QueryError:
    """A :class:`QueryError` with the line, the column, the text and a caret."""
    m = _POSITION.search(message)
    if not m:
        return QueryError(f"syntax error: {message}")
    line, col, detail = int(m.group(1)), int(m.group(2)), m.group(3).strip()
    lines = sparql.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    detail = " ".join(detail.split())
    if len(detail) > 160:
        detail = detail[:157] + "..."
    caret = " " * max(col - 1, 0) + "^"
    return QueryError(
        f"syntax error at line {line}, column {col}: {detail}\n  {text}\n  {caret}"
    )


def parse_binding(value: str, *, prefixes: Mapping[str, str] | None = None) -> Node:
    """A term for ``-p NAME VALUE``: ``<iri>``, ``prefix:name``, an http(s) IRI, a date, a
    number, or else a plain string."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    table = {**PREFIXES, **(prefixes or {})}
    if value.startswith("<") and value.endswith(">"):
        return URIRef(value[1:-1])
    if re.fullmatch(r"https?://\S+", value):
        return URIRef(value)
    if re.fullmatch(r"[A-Za-z][\w-]*:[\w./-]*", value):
        full = expand(value, prefixes=table)
        if full is not None:
            return URIRef(full)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Literal(value, datatype=XSD.date)
    if re.fullmatch(r"-?\d+", value):
        return Literal(int(value))
    if re.fullmatch(r"-?\d+\.\d+", value):
        return Literal(value, datatype=XSD.decimal)
    return Literal(value)


def run(
    store: Store,
    sparql: str,
    *,
    bindings: Mapping[str, Node | str] | None = None,
    allow_update: bool = False,
    limit: int | None = None,
) -> Answer:
    """Check and run a query; ``bindings`` bind variables (strings are parsed as ``-p`` values).
    An UPDATE (when allowed) returns an empty ASK-free SELECT answer."""
    from kg.results import Answer

    checked = check(sparql, allow_update=allow_update)
    subs: dict[str, Node] = {}
    for name, value in (bindings or {}).items():
        subs[name.lstrip("?$")] = (
            parse_binding(value, prefixes=checked.declared) if isinstance(value, str) else value
        )
    if checked.kind == "UPDATE":
        if subs:
            raise UsageError("bindings cannot be used with an UPDATE")
        _with_syntax(sparql, lambda: store.update(sparql))
        return Answer("SELECT")
    answer = _with_syntax(sparql, lambda: store.query(sparql, substitutions=subs or None))
    if limit is not None and answer.kind == "SELECT":
        answer.rows = answer.rows[:limit]
    return answer


def _with_syntax(sparql: str, call):  # type: ignore[no-untyped-def]
    try:
        return call()
    except QueryError as exc:
        if "error at " in exc.message:
            raise explain_syntax_error(sparql, exc.message) from exc
        raise


# --- The query library ---------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryQuery:
    """A named competency question from ``kg/queries/NAME.rq``."""

    name: str
    title: str
    description: str
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""
    path: Path | None = None


_HEADER = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*)$", re.I)


def parse_library_file(path: Path) -> LibraryQuery:
    """Read a library query; its header comment gives ``title:``, ``description:`` and
    ``param: NAME  what it is`` lines."""
    text = path.read_text(encoding="utf-8")
    title, description, params = path.stem, "", {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "title":
            title = value
        elif key == "description":
            description = f"{description} {value}".strip()
        elif key == "param":
            name, _, what = value.partition(" ")
            params[name.lstrip("?$")] = what.strip()
    return LibraryQuery(path.stem, title, description, params, text, path)


@cache
def library(directory: Path | None = None) -> dict[str, LibraryQuery]:
    """Every query of the library, by name."""
    directory = directory or resources.queries_dir()
    return {p.stem: parse_library_file(p) for p in sorted(directory.glob("*.rq"))}


def get(name: str) -> LibraryQuery:
    queries = library()
    if name not in queries:
        close = [n for n in queries if name in n or n in name]
        hint = f"Did you mean {', '.join(close)}? " if close else ""
        raise UnknownQuery(
            f"no query named {name!r} in the library",
            hint=hint + "List them with `kg query --list`.",
        )
    return queries[name]


def resolve(text_or_name: str) -> tuple[str, LibraryQuery | None]:
    """The SPARQL text for a library name, a file path, or inline text."""
    candidate = text_or_name.strip()
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", candidate):
        entry = get(candidate)
        return entry.text, entry
    return text_or_name, None
