"""Running SPARQL safely: the checks before a query runs, bindings, and the query library.

A query is read-only: UPDATE is refused unless the caller allows it on a local store, and
``SERVICE`` and ``LOAD`` are refused always, so a query never reaches the network or the file
system. The checks run on the query's tokens (strings, IRIs and comments skipped), before any
engine sees the text.

Bindings (``-p NAME VALUE``, or keywords in Python) reach the engine as terms, through
Oxigraph's substitutions (SEP-0007): a value is never pasted into the query text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kg import resources
from kg.errors import QueryError, UnknownQuery, UnsafeQuery, UsageError
from kg.namespaces import PREFIXES, expand

if TYPE_CHECKING:
    from rdflib.term import Node

    from kg.results import Answer
    from kg.store import Store

T = TypeVar("T")

# Strings, IRIs and comments are skipped so that a keyword inside them is never mistaken for one.
# (kg/remote.py reuses this tokenizer to find the outermost WHERE group.)
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][^\W]+)
  | (?P<bnode>_:[\w.-]*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w.%:-]|\\.)*)
  | (?P<word>[^\W\d][\w-]*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)
_UPDATE_WORDS = {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
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
    declared: dict[str, str]


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
    ambiguous: re.Match[str] | None = None
    tokens = [m for m in _TOKEN.finditer(sparql) if m.lastgroup != "comment"]
    for i, m in enumerate(tokens):
        group, text = m.lastgroup, m.group()
        if group == "iri" and _AMBIGUOUS_IRI.search(text):
            ambiguous = ambiguous or m
        elif group == "word":
            upper = text.upper()
            if upper in ("SERVICE", "LOAD"):
                _refuse(upper)
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
    if ambiguous is not None:
        _check_parse_tree(sparql, update=kind == "UPDATE", at=ambiguous.start())
    for prefix, pos in used:
        if prefix not in declared and prefix not in PREFIXES:
            line, col = _line_col(sparql, pos)
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


def _refuse(keyword: str) -> None:
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
        line, col = _line_col(sparql, at)
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
                _refuse("SERVICE")
            if node.name == "Load":
                _refuse("LOAD")
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


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
    try:
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.parser import parseQuery
    except ImportError:  # pragma: no cover - rdflib is a dependency
        return None
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


# --- bindings ------------------------------------------------------------------------------

_PNAME_VALUE = re.compile(r"([^\W\d_][\w.-]*)?:([\w./%-]*)")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(\S+))?', re.S)


def parse_binding(
    value: str, *, prefixes: Mapping[str, str] | None = None, name: str | None = None
) -> Node:
    """The term for ``-p NAME VALUE``.

    ``<iri>``, an ``http(s)://`` address or a prefixed name (``kg:docker``) is an IRI;
    ``2015-03-04`` is an ``xsd:date``, ``2015-03`` an ``xsd:gYearMonth``; ``42`` an integer,
    ``4.5`` a decimal; ``"text"``, ``"text"@en`` and ``"2015"^^xsd:gYear`` are literals as
    written; anything else is a plain string.

    >>> parse_binding("kg:docker")
    rdflib.term.URIRef('https://w3id.org/container-kg/id/docker')
    """
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    table = {**PREFIXES, **(prefixes or {})}
    where = f" in -p {name} {value}" if name else f" in {value!r}"
    if value.startswith("<") and value.endswith(">"):
        return URIRef(value[1:-1])
    quoted = _QUOTED.fullmatch(value)
    if quoted:
        text = quoted.group(1).encode("utf-8").decode("unicode_escape")
        if quoted.group(2):
            return Literal(text, lang=quoted.group(2))
        if quoted.group(3):
            datatype = quoted.group(3)
            iri = datatype[1:-1] if datatype.startswith("<") else expand(datatype, prefixes=table)
            if not iri:
                raise _unknown_value_prefix(datatype.partition(":")[0], where, table)
            return Literal(text, datatype=URIRef(iri))
        return Literal(text)
    if re.fullmatch(r"https?://\S+", value):
        return URIRef(value)
    pname = _PNAME_VALUE.fullmatch(value)
    if pname:
        full = expand(value, prefixes=table)
        if full is None:
            raise _unknown_value_prefix(pname.group(1) or "", where, table)
        return URIRef(full)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Literal(value, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return Literal(value, datatype=XSD.gYearMonth)
    if re.fullmatch(r"[+-]?\d+", value):
        return Literal(int(value))
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        return Literal(value, datatype=XSD.decimal)
    return Literal(value)


def _unknown_value_prefix(prefix: str, where: str, table: Mapping[str, str]) -> QueryError:
    return QueryError(
        f"unknown prefix '{prefix}:'{where}",
        hint=f"Known prefixes: {', '.join(table)}. Write a full IRI as <...>, "
        'or a string in quotes ("...").',
    )


# --- running -------------------------------------------------------------------------------


def run(
    store: Store,
    sparql: str,
    *,
    bindings: Mapping[str, Node | str] | None = None,
    allow_update: bool = False,
    limit: int | None = None,
) -> Answer:
    """Check and run a query; ``bindings`` bind variables (strings are parsed as ``-p`` values,
    see :func:`parse_binding`). ``limit`` keeps the first rows (or triples).

    An UPDATE runs only with ``allow_update`` and on a local store (see :func:`update`); its
    answer is one row: the quads it ``added`` and ``removed``.
    """
    if not sparql.strip():
        raise UsageError("the query is empty", hint="Give SPARQL text, a file or a library name.")
    checked = check(sparql, allow_update=allow_update)
    subs: dict[str, Node] = {}
    for name, value in (bindings or {}).items():
        key = name.lstrip("?$")
        subs[key] = (
            parse_binding(value, prefixes=checked.declared, name=key)
            if isinstance(value, str)
            else value
        )
    if checked.kind == "UPDATE":
        if subs:
            raise UsageError(
                "bindings cannot be used with an UPDATE",
                hint="Write the values into the update itself.",
            )
        return update(store, sparql)
    answer = _with_syntax(sparql, lambda: store.query(sparql, substitutions=subs or None))
    if limit is not None:
        answer.rows = answer.rows[:limit]
        answer.triples = answer.triples[:limit]
    return answer


def is_local(store: Store) -> bool:
    """True for the stores an UPDATE may change: ``memory`` and ``oxigraph:PATH``."""
    return store.spec == "memory" or store.spec.startswith("oxigraph:")


def update(store: Store, sparql: str) -> Answer:
    """Run a SPARQL UPDATE on a local store, keeping the default graph the merge of the named
    graphs. Returns one row: the named-graph quads ``added`` and ``removed``.

    Every fact belongs to its source's graph, so an update writes inside ``GRAPH <source>``
    (or ``GRAPH ?g``). One that changes the default graph directly is undone and refused:
    the default graph is derived, rebuilt from the named graphs after every update.
    """
    from rdflib import Literal

    from kg.results import Answer

    check(sparql, allow_update=True)
    if not is_local(store):
        raise UnsafeQuery(
            f"SPARQL UPDATE is refused on {store.spec}: --update changes local stores only",
            hint="Use a local store (memory or oxigraph:PATH), or the server's own tools.",
        )
    before = set(store.quads())
    merged_before = {q.triple for q in before}
    _with_syntax(sparql, lambda: store.update(sparql), update=True)
    after = set(store.quads())
    merged_after = {q.triple for q in after}
    default_after = set(store.triples())
    outside = default_after - merged_before - merged_after
    dropped = (merged_before - default_after) & merged_after
    if outside or dropped:
        store.replace(before)
        n = len(outside) + len(dropped)
        raise UsageError(
            f"the update changes {n} triple{'s' if n != 1 else ''} of the default graph "
            "outside any named graph: nothing was changed",
            hint="The default graph is the merge of the sources' graphs: write inside "
            "GRAPH <source> { ... }, or GRAPH ?g { ... } for every source.",
        )
    if after != before:
        store.replace(after)
    added, removed = len(after - before), len(before - after)
    return Answer("UPDATE", vars=["added", "removed"], rows=[(Literal(added), Literal(removed))])


def _with_syntax(sparql: str, call: Callable[[], T], *, update: bool = False) -> T:
    try:
        return call()
    except QueryError as exc:
        if "error at " in exc.message:
            raise explain_syntax_error(sparql, exc.message, update=update) from exc
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
    examples: tuple[str, ...] = ()

    @property
    def required(self) -> list[str]:
        """The parameters the query needs (their description starts with ``(required)``);
        the others may be left out to see every row."""
        return [name for name, what in self.params.items() if what.startswith("(required)")]


_HEADER = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*)$", re.I)
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def parse_library_file(path: Path) -> LibraryQuery:
    """Read a library query. Its header comment gives ``# title:``, ``# description:`` (may
    repeat), ``# param: NAME  what it is`` (one per parameter; ``(required)`` first when the
    query needs it) and ``# example:`` lines."""
    text = path.read_text(encoding="utf-8")
    title, description, params, examples = path.stem, "", {}, []
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
        else:
            examples.append(value)
    return LibraryQuery(path.stem, title, description, params, text, path, tuple(examples))


@cache
def library(directory: Path | None = None) -> dict[str, LibraryQuery]:
    """Every query of the library, by name."""
    directory = directory or resources.queries_dir()
    return {p.stem: parse_library_file(p) for p in sorted(directory.glob("*.rq"))}


def get(name: str) -> LibraryQuery:
    """A library query by name; an unknown name suggests the close ones."""
    queries = library()
    if name not in queries:
        close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.6)
        close += [n for n in queries if (name in n or n in name) and n not in close]
        hint = f"Did you mean {', '.join(close[:3])}? " if close else ""
        raise UnknownQuery(
            f"no query named {name!r} in the library",
            hint=hint + "List them with `kg query --list`.",
        )
    return queries[name]


def library_rows() -> list[list[str]]:
    """``[name, title, parameters]`` for each library query (what ``kg query --list`` prints)."""
    return [
        [e.name, e.title, " ".join(f"{p} (required)" if p in e.required else p for p in e.params)]
        for e in library().values()
    ]


def resolve(text_or_name: str | Path) -> tuple[str, LibraryQuery | None]:
    """The SPARQL text for a library name, a query file, or inline text.

    A library name wins over a file of the same name; a word that looks like a file name
    (``mine.rq``, ``queries/x``) but names no file is an error, not a query.
    """
    if isinstance(text_or_name, Path):
        return _read(text_or_name), None
    candidate = text_or_name.strip()
    if _NAME.fullmatch(candidate):
        entry = get(candidate)
        return entry.text, entry
    if candidate and not re.search(r"[\s{]", candidate):
        path = Path(candidate).expanduser()
        if path.is_file():
            return _read(path), None
        if "/" in candidate or "\\" in candidate or path.suffix in (".rq", ".sparql", ".txt"):
            raise UsageError(
                f"no query file {candidate}",
                hint="Give an existing file, inline SPARQL, - for stdin, or a library name "
                "(`kg query --list`).",
            )
    return text_or_name, None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the query file {path}: {exc}") from exc


def execute(
    store: Store,
    text_or_name: str | Path,
    *,
    bindings: Mapping[str, Node | str] | None = None,
    allow_update: bool = False,
    limit: int | None = None,
) -> Answer:
    """Resolve (library name, file or text) and :func:`run`. A library query takes only the
    parameters its header declares."""
    text, entry = resolve(text_or_name)
    if entry is not None:
        for name in bindings or {}:
            if name.lstrip("?$") not in entry.params:
                takes = (
                    f"Its parameters: {', '.join(entry.params)}."
                    if entry.params
                    else "It takes no parameters."
                )
                raise UsageError(
                    f"{entry.name} has no parameter {name!r}",
                    hint=f"{takes} See `kg query --show {entry.name}`.",
                )
        for name in entry.required:
            if name not in {b.lstrip("?$") for b in bindings or {}}:
                what = entry.params[name].removeprefix("(required)").strip()
                raise UsageError(
                    f"{entry.name} needs -p {name} VALUE: {what}",
                    hint=f"For example: {entry.examples[0]}" if entry.examples else None,
                )
    return run(store, text, bindings=bindings, allow_update=allow_update, limit=limit)
