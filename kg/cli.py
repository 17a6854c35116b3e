"""The ``kg`` command: options in, a library call, rendered rows out.

Every command that prints rows takes the same ``--format``; every command that reads the graph
takes the same ``--store`` (and ``--as-of`` where history matters). Errors a user can fix are
printed as one line with a hint, and set the exit code listed in ``kg --help``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import KgError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  success (ASK: true)
  1  the graph does not conform (validate, build), or ASK answered false
  2  bad input: a syntax error, an unknown name, a refused query, wrong options
  3  a store that cannot be opened or reached
"""

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class KgGroup(click.Group):
    """Turns library errors into one clear line and their exit code; no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as exc:
            click.secho(f"Error: {exc.message}", fg="red", err=True)
            if exc.hint:
                click.echo(exc.hint, err=True)
            ctx.exit(exc.exit_code)


def note(message: str) -> None:
    click.echo(message, err=True)


# --- shared options ----------------------------------------------------------------------


def store_option(f: F) -> F:
    return click.option(
        "--store",
        envvar="KG_STORE",
        default=None,
        metavar="SPEC",
        help="Where the graph lives: memory (default), oxigraph:PATH or sparql:URL[,UPDATE_URL]. "
        "Also $KG_STORE.",
    )(f)


def as_of_option(f: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        default=None,
        metavar="DATE",
        help="The graph as it was on DATE (YYYY, YYYY-MM or YYYY-MM-DD): later events left out.",
    )(f)


def format_option(choices: tuple[str, ...], default: str = "table") -> Callable[[F], F]:
    def decorate(f: F) -> F:
        return click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return decorate


def open_graph(store: str | None, as_of: str | None = None) -> Any:
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph.load(store=store, as_of=as_of, note=note)


def with_progress(label: str) -> Callable[[Any], Any]:
    """A progress bar on a terminal, nothing when piped."""

    def wrap(items: Any) -> Any:
        if not sys.stderr.isatty():
            yield from items
            return
        items = list(items)
        with click.progressbar(items, label=label, file=sys.stderr) as bar:
            yield from bar

    return wrap


# --- the group ---------------------------------------------------------------------------


@click.group(cls=KgGroup, context_settings=CONTEXT, epilog=EXIT_CODES)
@click.version_option(package_name="container-kg", prog_name="kg")
def cli() -> None:
    """container-kg: a knowledge graph of the container and cloud-native ecosystem.

    \b
    Start with:
      kg build                  # read, validate and write dist/
      kg stats                  # what the graph holds
      kg query --list           # the questions the library answers
      kg query acquisitions-by -p acquirer kg:docker
    """


# --- build / validate / stats ------------------------------------------------------------


@cli.command()
@click.option(
    "--format",
    "-f",
    "formats",
    multiple=True,
    type=click.Choice(["trig", "nt", "nq", "ttl", "xml", "jsonld"]),
    help="Formats to write (repeatable). Default: trig and nt; N-Quads is always written.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Output folder [./dist]."
)
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@store_option
def build(formats: tuple[str, ...], out: Path | None, no_validate: bool, store: str | None) -> None:
    """Read the ontology, the data and imported graphs; validate; write dist/.

    \b
    Example:
      kg build
      kg build --format ttl --format jsonld
      kg build --store oxigraph:./kg.oxigraph
    """
    from kg.build import build as run_build
    from kg.store import open_store

    target = open_store(store, create=True) if store and store != "memory" else None
    result = run_build(
        out=out,
        formats=formats or ("trig", "nt"),
        validate=not no_validate,
        target=target,
    )
    s = result.seconds
    quads = sum(1 for _ in result.store.quads())
    click.echo(
        f"built {len(result.store):,} triples ({quads:,} quads) in "
        f"{len(result.store.graphs())} graphs from {len(result.sources)} files "
        f"in {s['total']:.2f} s"
        + (f" (validation {s['validate']:.2f} s: conforms)" if "validate" in s else "")
    )
    for path in result.written:
        click.echo(f"  wrote {path}")
    if target is not None:
        click.echo(f"  loaded into {target.spec}")
        target.close()


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check the data against the SHACL shapes; one line per violation.

    Without PATHs, validates everything `kg build` reads. With PATHs, validates those files
    together with the ontology. Exit 1 on violations, 0 when the graph conforms.

    \b
    Example:
      kg validate
      kg validate tests/fixtures/shapes/acquisition-without-acquirer.trig
    """
    from kg.build import read_sources, source_files
    from kg.validate import validate_files, validate_store

    violations = validate_files(paths) if paths else validate_store(read_sources(source_files()))
    for v in violations:
        click.echo(str(v))
    if violations:
        n = len(violations)
        click.secho(f"{n} violation{'s' if n != 1 else ''}", fg="red", err=True)
        sys.exit(1)
    click.echo("conforms")


@cli.command()
@store_option
@as_of_option
@format_option(("table", "json"))
def stats(store: str | None, as_of: str | None, fmt: str) -> None:
    """Triples, entities per class, events per type, sources.

    \b
    Example:
      kg stats
      kg stats --format json
    """
    import json

    from kg.formats import table
    from kg.namespaces import shorten

    numbers = open_graph(store, as_of).stats()
    if fmt == "json":
        click.echo(json.dumps(numbers, indent=2))
        return
    click.echo(f"triples: {numbers['triples']:,} ({numbers['quads']:,} quads)\n")
    click.echo("entities per class")
    click.echo(table(["class", "entities"], [[shorten(c), str(n)] for c, n in numbers["classes"]]))
    click.echo("events per type")
    click.echo(
        table(
            ["type", "events", "dated"],
            [[shorten(t), str(n), str(d)] for t, n, d in numbers["events"]],
        )
    )
    click.echo(f"sources: {len(numbers['sources'])}")
    click.echo(
        table(
            ["source", "title", "quads"],
            [[shorten(g).strip("<>"), (t or "")[:60], str(n)] for g, t, n in numbers["sources"]],
        )
    )


# --- query -------------------------------------------------------------------------------


@cli.command()
@click.argument("query", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Bind ?NAME to VALUE (an IRI such as kg:docker, or a literal). Repeatable.",
)
@format_option(("table", "csv", "tsv", "json", "xml", "md", "ttl", "nt", "jsonld", "trig"))
@click.option("--iris", is_flag=True, help="Show IRIs raw in tables instead of labels.")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Print at most N rows.")
@click.option("--list", "list_", is_flag=True, help="List the query library.")
@click.option("--show", metavar="NAME", default=None, help="Print a library query's text.")
@click.option("--update", is_flag=True, help="Allow SPARQL UPDATE on a local store.")
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
    store: str | None,
    as_of: str | None,
) -> None:
    """Run a SPARQL query: inline, from a FILE, from stdin (-), or a library NAME.

    The project's prefixes (eco, kg, schema, org, skos, prov, dcterms, rdf, rdfs, owl, xsd)
    need no declaration. The default graph is the union of all named graphs; GRAPH ?g reaches
    each source's own graph. ASK prints true/false and exits 0/1.

    \b
    Example:
      kg query --list
      kg query acquisitions-by -p acquirer kg:docker
      kg query 'SELECT ?c WHERE { ?c a eco:Company }' --format csv
      kg query queries/mine.rq --format json
      echo 'ASK { kg:docker a eco:Company }' | kg query -
    """
    import kg.query as q
    from kg.errors import UsageError
    from kg.formats import render, table

    if list_:
        rows = [[e.name, e.title, " ".join(f"{p}" for p in e.params)] for e in q.library().values()]
        click.echo(table(["name", "title", "parameters"], rows), nl=False)
        return
    if show:
        click.echo(q.get(show).text, nl=False)
        return
    if query is None:
        raise UsageError(
            "give a query, a file, - for stdin, or a library name",
            hint="See `kg query --list` and `kg query --help`.",
        )
    if query == "-":
        text = sys.stdin.read()
    elif "\n" not in query and len(query) < 4096 and Path(query).is_file():
        text = Path(query).read_text(encoding="utf-8")
    else:
        text, _ = q.resolve(query)
    if update and store and store.startswith("sparql:"):
        raise UsageError("--update works on local stores only (memory or oxigraph:PATH)")
    graph = open_graph(store, as_of)
    answer = q.run(graph.store, text, bindings=dict(params), allow_update=update, limit=limit)
    if update and answer.kind == "SELECT" and not answer.vars:
        click.echo(f"updated {graph.store.spec}", err=True)
        return
    labels = None
    if fmt in ("table", "md") and not iris and answer.kind == "SELECT":
        labels = graph.labels(str(t) for row in answer.rows for t in row if t is not None)
    if answer.kind == "CONSTRUCT" and fmt not in ("table", "ttl", "nt", "jsonld", "trig"):
        raise UsageError(
            "a CONSTRUCT or DESCRIBE prints a graph: "
            f"use --format ttl, nt, jsonld or trig, not {fmt}"
        )
    if answer.kind != "CONSTRUCT" and fmt in ("ttl", "nt", "jsonld", "trig"):
        raise UsageError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; use table, csv, tsv, json, xml or md"
        )
    click.echo(render(answer, fmt, labels=labels, iris=iris), nl=False)
    if answer.kind == "ASK" and not answer.boolean:
        sys.exit(1)


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    main()
