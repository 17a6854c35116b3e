"""``kg query``: a query in, rows out; it imports only what a query needs.

A one-shot ``kg query`` is a whole process: its start-up is most of its time. It opens the
build's on-disk copy, runs the query, and writes the rows from the engine's terms: no facade,
no rdflib (unless ``--format xml`` or a graph format asks for it), no importers or views.
"""

from __future__ import annotations

import re
import sys

import click

from kg import query as q
from kg.commands.base import as_of_option, format_option, note, store_option, terminal_width
from kg.errors import UsageError
from kg.formats import render, render_records, with_labels
from kg.labels import labels as labels_of
from kg.sparql.library import get as library_entry
from kg.sparql.library import library_rows
from kg.store import Answer, Store
from kg.store.terms import kind, text
from kg.workspace import open_built


@click.command()
@click.argument("query", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Bind ?NAME to VALUE: an IRI (kg:docker, <https://...>), a date (2015-03-04), a "
    'number, "text" (also "text"@en, "2015"^^xsd:gYear) or plain text. Repeatable.',
)
@format_option(("table", "csv", "tsv", "json", "xml", "md", "ttl", "nt", "jsonld", "trig"))
@click.option("--iris", is_flag=True, help="Tables show IRIs (prefixed names) instead of labels.")
@click.option(
    "--limit", type=click.IntRange(min=0), default=None, help="Print at most N rows (or triples)."
)
@click.option("--list", "list_", is_flag=True, help="List the query library: names, parameters.")
@click.option("--show", metavar="NAME", default=None, help="Print a library query's text.")
@click.option(
    "--update", is_flag=True, help="Allow a SPARQL UPDATE, on a local store (memory, oxigraph:)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=q.DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds the query may run before it is stopped (0: no limit). Ctrl-C stops it too.",
)
@store_option
@as_of_option
def query(
    query: str | None,
    params: tuple[tuple[str, str], ...],
    fmt: str,
    iris: bool,
    limit: int | None,
    list_: bool,
    show: str | None,
    update: bool,
    timeout: float,
    store: str | None,
    as_of: str | None,
) -> None:
    """Run a SPARQL query: inline, from a FILE, from stdin (-), or a library NAME.

    The project's prefixes (eco, kg, schema, org, skos, prov, dcterms, rdf, rdfs, owl, xsd)
    need no declaration. The default graph is the merge of all named graphs; GRAPH ?g reaches
    each source's own graph. Rows print as table (labels for IRIs), csv, tsv, json, xml or md;
    CONSTRUCT and DESCRIBE as ttl, nt, jsonld or trig. ASK prints true/false and exits 0/1.
    Queries are read-only (UPDATE needs --update); SERVICE and LOAD are always refused, and
    brackets nest at most 32 levels. A query stops after --timeout seconds (60 by default)
    or on Ctrl-C (exit 130).

    \b
    Example:
      kg query --list
      kg query acquisitions-by -p acquirer kg:docker
      kg query 'SELECT ?c WHERE { ?c a eco:Company }' --format csv
      kg query mine.rq --format json
      echo 'ASK { kg:docker a eco:Company }' | kg query -
    """
    if list_:
        if fmt not in ("table", "csv", "tsv", "json", "xml", "md"):
            raise UsageError(f"--list prints a table: use a row format, not {fmt}")
        click.echo(
            render_records(
                ["name", "title", "parameters"], library_rows(), fmt, width=terminal_width()
            ),
            nl=False,
        )
        return
    if show:
        click.echo(library_entry(show).text, nl=False)
        return
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
    click.echo(render(answer, fmt, labels=labels, iris=iris, width=terminal_width()), nl=False)
    if answer.kind == "UPDATE" and not opened.persistent:
        note(
            "note: the memory store lasts as long as this command: the change is not kept "
            "(use --store oxigraph:PATH to keep changes)"
        )
    if answer.kind == "ASK" and not answer.boolean:
        sys.exit(1)


def _is_library_name(sparql: str) -> bool:
    return re.fullmatch(r"[a-z0-9][a-z0-9-]*", sparql.strip()) is not None
