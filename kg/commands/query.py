"""``kg query``: its options and help; :func:`kg.commands.ask.query` does the work.

The common one-shot forms (``kg query NAME -p NAME VALUE -f csv``) are read without click by
:mod:`kg.commands.entry`; whatever else (help, --list, a bad option) comes here.
"""

from __future__ import annotations

import sys

import click

from kg import query as q
from kg.commands import ask
from kg.commands.base import as_of_option, format_option, store_option


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
@format_option(ask.FORMATS)
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
    code = ask.query(
        query,
        params=params,
        fmt=fmt,
        iris=iris,
        limit=limit,
        list_=list_,
        show=show,
        update=update,
        timeout=timeout,
        store=store,
        as_of=as_of,
    )
    if code:
        sys.exit(code)
