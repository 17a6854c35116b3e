"""``kg query`` without click: the common forms read by :func:`parse`, the work done by
:func:`query`.

A one-shot ``kg query NAME -p NAME VALUE`` is a whole process whose start-up is most of its
time, and click's import alone is about what the least pyoxigraph script costs (20 of 45 ms).
So the ``kg`` entry (:mod:`kg.commands.entry`) hands ``kg query`` arguments to :func:`parse`,
which reads the forms that are certainly valid and ask for rows, and declines (None) anything
else: help, ``--list``, ``--show``, ``--update``, an unknown, repeated or ill-formed option, a
value click would read otherwise. Those go through click (:mod:`kg.commands.query`), which
prints its own help and messages. ``tests/test_commands_ask.py`` checks, on generated
arguments, that whatever :func:`parse` reads, click reads to the same values.

Both ways call :func:`query`, which opens the build's on-disk copy, runs the query, and
writes the rows from the engine's terms: no facade, no rdflib (unless ``--format xml`` or a
graph format asks for it), no importers or views.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

from kg import query as q
from kg.commands.console import failure, note, out, terminal_width
from kg.errors import KgError, UsageError
from kg.formats import GRAPH_FORMATS, ROW_FORMATS, render, render_records, with_labels
from kg.labels import labels as labels_of
from kg.sparql.library import get as library_entry
from kg.sparql.library import library_rows
from kg.store import Answer, Store
from kg.store.terms import kind, text
from kg.workspace import open_built

#: Every format of ``kg query --format``: rows, and a CONSTRUCT or DESCRIBE's graph.
FORMATS = (*ROW_FORMATS, *GRAPH_FORMATS)

_FORMAT = re.compile("|".join(FORMATS))
#: A text value click reads as that value (one that starts with "-" is left to click).
_TEXT = re.compile(r"[^-].*|", re.DOTALL)

#: The options :func:`parse` reads: each option string, its parameter of :func:`query`, and
#: how it reads its value (None: a flag; a pattern: one value that must match it whole; 2:
#: a pair). Values are read only where click would read them the same way.
_OPTIONS: dict[str, tuple[str, re.Pattern[str] | int | None]] = {
    "-p": ("params", 2),
    "--param": ("params", 2),
    "-f": ("fmt", _FORMAT),
    "--format": ("fmt", _FORMAT),
    "--iris": ("iris", None),
    "--limit": ("limit", re.compile(r"[0-9]{1,15}")),
    "--timeout": ("timeout", re.compile(r"[0-9]{1,9}(\.[0-9]{1,9})?")),
    "--store": ("store", _TEXT),
    "--as-of": ("as_of", _TEXT),
}
_CONVERT = {"limit": int, "timeout": float}


def parse(args: Sequence[str]) -> dict[str, object] | None:
    """The options of ``kg query ARGS`` that differ from :func:`query`'s defaults, when ARGS
    is a form read here (see the module's help); else None: click reads it."""
    options: dict[str, object] = {}
    pairs: list[tuple[str, str]] = []
    rest = list(args)
    while rest:
        token = rest.pop(0)
        if not token.startswith("-") or token == "-":
            if "query" in options:
                return None
            options["query"] = token
            continue
        name, eq, inline = token.partition("=")
        spec = _OPTIONS.get(name)
        if spec is None or (eq and not name.startswith("--")):
            return None
        param, reads = spec
        if reads is None:  # a flag
            if eq or param in options:
                return None
            options[param] = True
        elif reads == 2:
            if eq or len(rest) < 2 or any(v.startswith("-") for v in rest[:2]):
                return None
            pairs.append((rest.pop(0), rest.pop(0)))
        else:
            if param in options or not (eq or rest):
                return None
            value = inline if eq else rest.pop(0)
            if not isinstance(reads, re.Pattern) or not reads.fullmatch(value):
                return None
            options[param] = _CONVERT[param](value) if param in _CONVERT else value
    if "query" not in options:
        return None
    if pairs:
        options["params"] = tuple(pairs)
    return options


def run(options: dict[str, object]) -> int:
    """:func:`query` with ``options`` (from :func:`parse`); its exit code, an error reported
    as every command reports it (:func:`kg.commands.console.failure`)."""
    try:
        return query(**options)  # type: ignore[arg-type]
    except (KgError, KeyboardInterrupt, OSError) as exc:
        code = failure(exc)
        if code is None:
            raise
        return code


def query(
    query: str | None,
    *,
    params: Sequence[tuple[str, str]] = (),
    fmt: str = "table",
    iris: bool = False,
    limit: int | None = None,
    list_: bool = False,
    show: str | None = None,
    update: bool = False,
    timeout: float = q.DEFAULT_TIMEOUT,
    store: str | None = None,
    as_of: str | None = None,
) -> int:
    """Run ``kg query`` with these options; its exit code (1: an ASK answered false)."""
    if list_:
        if fmt not in ROW_FORMATS:
            raise UsageError(f"--list prints a table: use a row format, not {fmt}")
        out(
            render_records(
                ["name", "title", "parameters"], library_rows(), fmt, width=terminal_width()
            )
        )
        return 0
    if show:
        out(library_entry(show).text)
        return 0
    if query is None:
        raise UsageError(
            "give a query: inline SPARQL, a file, - for stdin, or a library name",
            hint="See `kg query --list` and `kg query --help`.",
        )
    bindings: dict[str, str] = {}
    for name, value in params:
        if name in bindings:
            raise UsageError(f"-p {name} is given twice", hint="Bind each variable once.")
        bindings[name] = value
    if update and as_of:
        raise UsageError("--update cannot be combined with --as-of (a filtered copy)")
    sparql = sys.stdin.read() if query == "-" else query

    def ask() -> tuple[Store, Answer, dict[str, str] | None]:
        # A command is one process that asks a few questions: the build's on-disk copy opens
        # in milliseconds where parsing it takes 0.25 s at the landscape's size.
        opened = open_built(None, store, as_of=as_of, note=note, in_memory=False)
        answer = q.execute(opened, sparql, bindings=bindings, allow_update=update, limit=limit)
        labels = None
        if not iris and answer.kind == "SELECT":
            labels = labels_of(
                opened, (text(t) for row in answer.terms for t in row if kind(t) == "iri")
            )
            # Library answers written for machines keep the IRIs and name them beside.
            if fmt != "table" and _is_library_name(sparql):
                answer = with_labels(answer, labels)
        return opened, answer, labels

    opened, answer, labels = q.within(timeout or None, ask)
    out(render(answer, fmt, labels=labels, iris=iris, width=terminal_width()))
    if answer.kind == "UPDATE" and not opened.persistent:
        note(
            "note: the memory store lasts as long as this command: the change is not kept "
            "(use --store oxigraph:PATH to keep changes)"
        )
    return 1 if answer.kind == "ASK" and not answer.boolean else 0


def _is_library_name(sparql: str) -> bool:
    return re.fullmatch(r"[a-z0-9][a-z0-9-]*", sparql.strip()) is not None
