"""The ``kg`` commands but ``kg query``, ``kg import`` and ``kg diff``: options in, a library
call, rendered rows out.

The group, its table of commands and the shared options are in :mod:`kg.commands.base` (a
command's module is imported when it runs); ``kg query`` is in :mod:`kg.commands.query`, the
landscape's ``kg import`` and ``kg diff`` in :mod:`kg.commands.landscape`.
``cli`` and ``main`` are the group's, named here too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kg import analysis
from kg import build as builder
from kg import trends as trends_module
from kg.commands.base import (
    F,
    as_of_option,
    cli,
    format_option,
    main,
    store_option,
    with_progress,
)
from kg.commands.console import note, terminal_width
from kg.errors import UsageError
from kg.formats import render_records, table
from kg.graph import KnowledgeGraph
from kg.labels import find as find_entities
from kg.namespaces import shorten
from kg.serve import serve as run_server
from kg.sources import read_sources, source_files
from kg.store import open_store
from kg.validate import ENGINES, validate_files, validate_store
from kg.views import EXPORTS, VIEWS
from kg.views import export as export_view

__all__ = ["cli", "main", "open_graph"]


def open_graph(store: str | None, as_of: str | None = None) -> KnowledgeGraph:
    # A command is one process that asks a few questions: the build's on-disk copy opens in
    # milliseconds where parsing it takes 0.25 s at the landscape's size (DESIGN-store.md).
    return KnowledgeGraph.open(store=store, as_of=as_of, note=note, in_memory=False)


# --- build / validate / stats ------------------------------------------------------------

validator_option = click.option(
    "--validator",
    type=click.Choice(ENGINES),
    default=ENGINES[0],
    show_default=True,
    help="SHACL validator: the shapes compiled to SPARQL on the store's engine (fast), or "
    "pySHACL (any SHACL Core shape; minutes at 1M triples).",
)


@click.command()
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
@validator_option
@store_option
def build(
    formats: tuple[str, ...], out: Path | None, no_validate: bool, validator: str, store: str | None
) -> None:
    """Read the ontology, the data and imported graphs; validate; write dist/.

    \b
    Example:
      kg build
      kg build --format ttl --format jsonld
      kg build --store oxigraph:./kg.oxigraph
      kg build --validator pyshacl
    """
    target = open_store(store, create=True) if store and store != "memory" else None
    result = builder.build(
        out=out,
        formats=formats or ("trig", "nt"),
        validate=not no_validate,
        target=target,
        note=note,
        validator=validator,
    )
    s = result.seconds
    click.echo(
        f"built {result.store.count():,} triples ({result.store.quad_count():,} quads) in "
        f"{len(result.store.graphs())} graphs from {len(result.sources)} files "
        f"in {s['total']:.2f} s"
        + (f" (validation {s['validate']:.2f} s: conforms)" if "validate" in s else "")
        + (
            " [sources, shapes and code as the last build's: its validation stands]"
            if result.validation_cached
            else ""
        )
    )
    for path in result.written:
        click.echo(f"  wrote {path}")
    if target is not None:
        click.echo(f"  loaded into {target.spec}")
        target.close()


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@validator_option
def validate(paths: tuple[Path, ...], validator: str) -> None:
    """Check the data against the SHACL shapes; one line per violation.

    Without PATHs, validates everything `kg build` reads. With PATHs, validates those files
    together with the ontology. Exit 1 on violations, 0 when the graph conforms.

    \b
    Example:
      kg validate
      kg validate tests/fixtures/shapes/acquisition-without-acquirer.trig
      kg validate --validator pyshacl
    """
    violations = (
        validate_files(paths, engine=validator)
        if paths
        else validate_store(read_sources(source_files()), engine=validator)
    )
    for v in violations:
        click.echo(str(v))
    if violations:
        n = len(violations)
        click.secho(f"{n} violation{'s' if n != 1 else ''}", fg="red", err=True)
        sys.exit(1)
    click.echo("conforms")


@click.command()
@store_option
@as_of_option
@format_option(("table", "json"))
@click.option("--brief", is_flag=True, help="A few lines: sizes, events and sources in short.")
def stats(store: str | None, as_of: str | None, fmt: str, brief: bool) -> None:
    """Triples, entities per class, events per type, sources.

    \b
    Example:
      kg stats
      kg stats --format json
    """
    numbers = open_graph(store, as_of).stats()
    if brief and fmt != "json":
        click.echo(_brief(numbers), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps(numbers.to_dict(), indent=2))
        return
    click.echo(f"triples: {numbers.triples:,} ({numbers.quads:,} quads)\n")
    click.echo("entities per class")
    click.echo(table(["class", "entities"], [[shorten(c), str(n)] for c, n in numbers.classes]))
    click.echo("events per type")
    click.echo(
        table(
            ["type", "events", "dated"],
            [[shorten(t), str(n), str(d)] for t, n, d in numbers.events],
        )
    )
    years = numbers.years()
    click.echo("dated events per type and year")
    click.echo(
        table(
            ["type", *years],
            [
                [shorten(t).removeprefix("eco:"), *(str(n) if n else "." for n in counts)]
                for t, counts in numbers.year_table()
            ],
        )
    )
    click.echo("sources per kind")
    click.echo(table(["kind", "sources"], [[k, str(n)] for k, n in numbers.sources_by_kind]))
    click.echo(f"sources: {len(numbers.sources)}")
    click.echo(
        table(
            ["source", "title", "quads"],
            [
                [_clip(shorten(g).strip("<>"), 56), _clip(t or "", 48), str(n)]
                for g, t, n in numbers.sources
            ],
        )
    )


def _brief(numbers: Any) -> str:
    """The graph in four lines: sizes, entities, events, sources."""

    def short(iri: str) -> str:
        return shorten(iri).removeprefix("eco:")

    def listing(pairs: list[tuple[str, int]], n: int = 6) -> str:
        shown = ", ".join(f"{count:,} {name}" for name, count in pairs[:n])
        rest = sum(count for _name, count in pairs[n:])
        return shown + (f", {rest:,} more" if rest else "")

    derived = {"Source", "DerivedSource", "Ownership", "IndirectOwnership"}
    entities = [(short(c), n) for c, n in numbers.classes if short(c) not in derived]
    events = [(short(t), n) for t, n, _dated in numbers.events]
    years = [int(y) for _t, y, _n in numbers.events_by_year if y.isdigit()]
    span = f" ({min(years)}-{max(years)})" if years else ""
    return (
        f"{numbers.triples:,} triples in {len(numbers.sources):,} graphs\n"
        f"entities: {listing(entities)}\n"
        f"{sum(n for _t, n in events):,} events{span}: {listing(events)}\n"
        f"sources: {listing(numbers.sources_by_kind)}\n"
    )


def _clip(text: str, width: int) -> str:
    """Shorten a long cell for a terminal table (the full value is in --format json)."""
    return text if len(text) <= width else text[: width - 1] + "…"


# --- history -----------------------------------------------------------------------------


@click.command()
@click.argument("entity", required=False)
@click.option("--from", "start", metavar="DATE", help="Events from DATE on (YYYY[-MM[-DD]]).")
@click.option("--to", "end", metavar="DATE", help="Events up to DATE (a year or month: its end).")
@click.option(
    "--type",
    "types",
    multiple=True,
    metavar="TYPE",
    help="Only events of TYPE (Acquisition, Coalition, Rename...). Repeatable.",
)
@click.option("--undated", is_flag=True, help="List the undated events too, at the end.")
@store_option
@format_option(("table", "csv", "tsv", "json", "md"))
def timeline(
    entity: str | None,
    start: str | None,
    end: str | None,
    types: tuple[str, ...],
    undated: bool,
    store: str | None,
    fmt: str,
) -> None:
    """The dated events in order, for the whole graph or one ENTITY.

    ENTITY is a prefixed name (kg:coreos), a full IRI or a label ("CoreOS"). Each row gives
    the date (as precise as its source: a year sorts before the days of that year), the
    type, the event, the entities involved and the sources.

    \b
    Example:
      kg timeline
      kg timeline kg:coreos
      kg timeline "Red Hat" --from 2015 --to 2020 --format csv
      kg timeline --type Acquisition --type Closure --format json
    """
    graph = open_graph(store)
    events = graph.timeline(entity, start=start, end=end, types=types, undated=undated)
    headers = ["date", "type", "event", "involved", "sources"]
    rows: list[list[object]] = []
    for e in events:
        kind = shorten(e.type).removeprefix("eco:")
        names = [name for _iri, name in e.involved]
        if fmt == "json":
            rows.append([e.date, kind, e.label, names, list(e.sources)])
        elif fmt in ("table", "md") and len(e.sources) > 1:
            rows.append(
                [e.date, kind, e.label, "; ".join(names), f"{e.sources[0]} (+{len(e.sources) - 1})"]
            )
        else:
            rows.append([e.date, kind, e.label, "; ".join(names), " ".join(e.sources)])
    click.echo(render_records(headers, rows, fmt, width=terminal_width()), nl=False)


@click.command()
@click.argument("name")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@store_option
@format_option(("table", "csv", "tsv", "json", "md"))
def find(name: str, limit: int, store: str | None, fmt: str) -> None:
    """Find entities by name: labels, other names and former names, case-insensitively.

    Exact names come first, then names that start with NAME, then names that contain it,
    then similar ones; organisations before products. Use the IRI it prints wherever an
    entity is expected (-p, kg timeline, owner-on).

    \b
    Example:
      kg find docker
      kg find "red hat" --format csv
    """
    matches = find_entities(open_graph(store).store, name, limit=limit)
    if not matches:
        note(f"no entity is named like {name!r}")
        sys.exit(1)
    rows = [[m.label, m.type, shorten(m.iri).strip("<>"), m.name, m.how] for m in matches]
    click.echo(
        render_records(
            ["label", "type", "iri", "matched", "how"], rows, fmt, width=terminal_width()
        ),
        nl=False,
    )


# --- serve -------------------------------------------------------------------------------


@click.command()
@store_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback lets other machines query.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port, printed at start).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds a query may run before it is stopped (503).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=10_000,
    show_default=True,
    help="Rows an answer holds at most (0: no cap).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Queries that run at once, each in its own process holding the graph.",
)
def serve(
    store: str | None, host: str, port: int, timeout: float, max_rows: int, workers: int
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint, with a query page.

    /sparql speaks the SPARQL 1.1 Protocol (GET, POST form or query body; JSON, XML, CSV,
    TSV, Turtle, N-Triples, JSON-LD by Accept) and gives its service description without a
    query. / is a page with a query form and the query library as examples (no script, works
    offline). UPDATE, LOAD and SERVICE are refused; SIGINT or SIGTERM stops the server.

    \b
    Example:
      kg serve
      kg serve --store oxigraph:./kg.oxigraph --port 8080 --timeout 30
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s a eco:Company }' \\
           http://127.0.0.1:8000/sparql
    """
    if host not in ("127.0.0.1", "localhost", "::1"):
        note(f"note: listening on {host}: every machine that reaches it can query the graph")
    run_server(
        store,
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows or None,
        workers=workers,
        note=note,
    )


# --- viz ---------------------------------------------------------------------------------


@click.command()
@click.option(
    "--view",
    default="organizations",
    show_default=True,
    metavar="VIEW",
    help="The view to draw: organizations, ecosystem, deals, events or full.",
)
@click.option(
    "--color-by",
    type=click.Choice(["type", "category", "community"]),
    default="type",
    show_default=True,
    help="What the node colours show.",
)
@click.option(
    "--size-by",
    type=click.Choice(["degree", "pagerank", "betweenness", "none"]),
    default="degree",
    show_default=True,
    help="What the node sizes show.",
)
@click.option("--title", default=None, help="The page's title [container-kg: VIEW].")
@click.option(
    "--physics/--no-physics",
    default=None,
    help="Let the layout settle in the browser, or draw the Python layout as it is "
    "[physics up to 500 nodes].",
)
@click.option(
    "--isolates/--no-isolates",
    default=None,
    help="Draw nodes that have no edge, or leave them out [left out when over 100].",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The HTML file to write [VIEW.html].",
)
@store_option
@as_of_option
def viz(
    view: str,
    color_by: str,
    size_by: str,
    title: str | None,
    physics: bool | None,
    isolates: bool | None,
    out: Path | None,
    store: str | None,
    as_of: str | None,
) -> None:
    """Write an interactive page of a view: one HTML file that works offline.

    The page carries vis-network inside it and asks the network for nothing. Click a node for
    its details and each of its relations, click an edge for its event (type, date, price) and
    its sources; hide or show a kind of edge from the legend; search by name; filter by type,
    category or maturity (what does not match is dimmed, not removed). A year slider (and a
    play button) shows the graph as it stood at the end of each year, as --as-of would.
    Small graphs settle and then stop moving; the deals view is drawn on a time axis; large
    graphs (over 500 nodes) start as one node per category, which opens on a click.

    \b
    Example:
      kg viz --view ecosystem --out out/ecosystem.html
      kg viz --view deals --out out/deals.html
      kg viz --color-by community --size-by pagerank
      kg viz --view organizations --as-of 2016 --out orgs-2016.html
    """
    if view not in VIEWS:  # before the graph is loaded
        raise UsageError(f"unknown view {view!r}", hint=f"Use one of: {', '.join(VIEWS)}.")
    target = out or Path(f"{view}.html")
    page = open_graph(store).to_html(
        target, view=view, color_by=color_by, size_by=size_by, title=title, as_of=as_of,
        physics=physics, isolates=isolates,
    )  # fmt: skip
    click.echo(
        f"wrote {target}: {page.nodes:,} nodes, {page.edges:,} edges, "
        f"{len(page) / 1e6:.1f} MB in {page.seconds:.2f} s (opens offline in any browser)"
    )
    if page.hidden:
        click.echo(f"  {page.hidden:,} nodes without edges left out (--isolates draws them)")


# --- analysis: centrality, communities, export ---------------------------------------------


# The names of kg.project.VIEWS and kg.analysis.METRICS, written out so that `kg --help` and
# `kg query` do not import the analysis modules (a test keeps the lists equal).
VIEW_NAMES = ("organizations", "ecosystem", "deals", "events", "full")
METRIC_NAMES = (
    "degree", "in-degree", "out-degree", "betweenness", "closeness", "eigenvector", "pagerank",
)  # fmt: skip


def _view_option(f: F) -> F:
    return click.option(
        "--view",
        type=click.Choice(VIEW_NAMES),
        default="organizations",
        show_default=True,
        help="The projection to analyse (see Views below).",
    )(f)


_VIEWS_HELP = """\b
Views:
  organizations  acquirer -> acquired (date, price), member -> the consortium its
                 coalition formed (a coalition is one node), new owner -> former developer
                 of a product, investor -> funded organisation
  ecosystem      organisations, products, categories: developer and category edges,
                 acquisitions, ownership (donations, transfers)
  deals          acquirer -> acquired only, drawn on a time axis by kg viz
  events         bipartite: events and the entities in them, by role
  full           every IRI-to-IRI triple of the data (no ontology, no rdf:type)
"""


@click.command(epilog=_VIEWS_HELP)
@_view_option
@click.option(
    "--metric",
    "-m",
    type=click.Choice(METRIC_NAMES),
    default="pagerank",
    show_default=True,
    help="The score to rank by.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Print the N highest (0: every node).",
)
@click.option(
    "--all", "all_metrics", is_flag=True, help="Every metric side by side (sorted by --metric)."
)
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    default=analysis.SAMPLES,
    show_default=True,
    help="Betweenness and closeness on graphs above --exact-max nodes: sample this "
    "many source nodes (seed 42).",
)
@click.option(
    "--exact-max",
    type=click.IntRange(min=0),
    default=analysis.EXACT_MAX_NODES,
    show_default=True,
    help="Betweenness and closeness are exact (igraph) up to this many nodes, and while "
    "the exact computation stays about 20 s.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Write the scores back as triples (graph kg:centrality-VIEW, in "
    "imports/centrality-VIEW.trig, which `kg build` includes; a persistent store "
    "gets them at once).",
)
@format_option(("table", "csv", "tsv", "json", "md"))
@store_option
@as_of_option
def centrality(
    view: str,
    metric: str,
    top: int,
    all_metrics: bool,
    samples: int,
    exact_max: int,
    write: bool,
    fmt: str,
    store: str | None,
    as_of: str | None,
) -> None:
    """Rank the nodes of a view by a centrality metric: label, type, score.

    degree, betweenness, closeness and eigenvector read the view as undirected (neighbours);
    in-degree, out-degree and pagerank follow the edges' directions and weights. Betweenness
    and closeness are exact unless the graph is too large (--exact-max), then sampled
    (stderr says which).

    \b
    Example:
      kg centrality --view organizations --metric pagerank --top 10
      kg centrality --view ecosystem --metric betweenness --format csv
      kg centrality --all --top 0 --format json > scores.json
      kg centrality --metric pagerank --write && kg build
      kg centrality --as-of 2016-01-01 --metric degree
    """
    graph_store = open_graph(store, as_of)
    graph = graph_store.to_networkx(view)
    metrics = list(analysis.METRICS) if all_metrics else [metric]
    options = {"samples": samples, "exact_max_nodes": exact_max}
    progress = with_progress("centrality") if len(metrics) > 1 else iter
    scores = {m: analysis.centrality(graph, m, **options) for m in progress(metrics)}
    notes = [
        f"{m}: {s.method} ({graph.number_of_nodes():,} nodes)"
        for m, s in scores.items()
        if m in ("betweenness", "closeness")
    ]
    for text in notes:
        note(text)
    ranked = analysis.ranking(graph, scores[metric], top=top or None)
    headers = ["rank", "label", "type", *metrics, "id"]
    rows = [
        [i, label, kind, *(scores[m].get(node, 0.0) for m in metrics), shorten(node).strip("<>")]
        for i, (node, label, kind, _score) in enumerate(ranked, start=1)
    ]
    click.echo(render_records(headers, rows, fmt, width=terminal_width()), nl=False)
    if write:
        done = analysis.write_scores(graph_store.store, view, scores, as_of=as_of, notes=notes)
        where = f"; {graph_store.store.spec} updated" if graph_store.store.persistent else ""
        note(
            f"wrote {len(graph):,} nodes' {', '.join(metrics)} to {done.path} "
            f"(graph <{done.graph}>){where}; run `kg build` so queries see them"
        )


@click.command(epilog=_VIEWS_HELP)
@_view_option
@click.option(
    "--seed",
    type=int,
    default=42,
    show_default=True,
    help="Louvain's random seed: the same seed gives the same communities.",
)
@click.option(
    "--resolution",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Above 1: more, smaller communities; below 1: fewer.",
)
@click.option(
    "--by",
    "by_metric",
    type=click.Choice(METRIC_NAMES),
    default="degree",
    show_default=True,
    help="The metric that picks each community's central node.",
)
@click.option(
    "--min-size",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Print communities of at least this many members (the rest are counted).",
)
@format_option(("table", "csv", "tsv", "json", "md"))
@store_option
@as_of_option
def communities(
    view: str,
    seed: int,
    resolution: float,
    by_metric: str,
    min_size: int,
    fmt: str,
    store: str | None,
    as_of: str | None,
) -> None:
    """Find communities in a view (Louvain): each with a name, its members and its most
    central node.

    Louvain maximises modularity on the undirected view (weights summed); a fixed seed makes
    the result repeatable. Members are listed most central first. A community is named by the
    category more than half its members share, else by its most central member.

    \b
    Example:
      kg communities --view organizations
      kg communities --view ecosystem --resolution 1.5 --format json
    """
    graph = open_graph(store, as_of).to_networkx(view)
    groups = analysis.communities(graph, seed=seed, resolution=resolution)
    scores = analysis.centrality(graph, by_metric)
    found = analysis.describe_communities(graph, groups, scores)
    shown = [c for c in found if len(c.members) >= min_size]
    rows = [
        [c.index, c.name, len(c.members), c.central_label, c.score, "; ".join(c.labels)]
        for c in shown
    ]
    headers = ["community", "name", "size", "central", by_metric, "members"]
    click.echo(render_records(headers, rows, fmt, width=terminal_width()), nl=False)
    hidden = len(found) - len(shown)
    note(
        f"{len(found)} communities in {graph.number_of_nodes():,} nodes (Louvain, seed {seed})"
        + (f"; {hidden} smaller than {min_size} not shown" if hidden else "")
    )


@click.command(epilog=_VIEWS_HELP)
@_view_option
@click.option(
    "--to",
    "fmt",
    type=click.Choice(["graphml", "gexf", "json", "csv"]),
    default="graphml",
    show_default=True,
    help="graphml (Cytoscape, Gephi, yEd), gexf (Gephi), json (networkx node-link, "
    "D3), csv (edges, and nodes in NAME-nodes.csv: pandas, spreadsheets, Gephi).",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write [VIEW.FORMAT].",
)
@click.option(
    "--include-schema",
    is_flag=True,
    help="full view only: add the ontology's triples and rdf:type edges.",
)
@store_option
@as_of_option
def export(
    view: str,
    fmt: str,
    out: Path | None,
    include_schema: bool,
    store: str | None,
    as_of: str | None,
) -> None:
    """Write a view to a file that Gephi, Cytoscape or pandas opens.

    Node and edge attributes are kept (label, type, categories, homepage, founding date,
    sources; relation, predicate, date, weight, price); dates are ISO strings; in GraphML
    and GEXF, lists are joined with "; ". Files are written whole or not at all.

    \b
    Example:
      kg export --view organizations --to gexf --out out/organizations.gexf
      kg export --view ecosystem --to csv --out out/ecosystem.csv
      kg export --view full --to graphml --include-schema
    """
    graph = open_graph(store, as_of).to_networkx(view, include_schema=include_schema)
    target = out or Path(f"{view}.{EXPORTS[fmt]}")
    files = export_view(graph, target, fmt, note=note)
    click.echo(
        f"wrote {', '.join(str(f) for f in files)}: {graph.number_of_nodes():,} nodes, "
        f"{graph.number_of_edges():,} edges"
    )


@click.command()
@click.option(
    "--by",
    type=click.Choice(list(trends_module.BY)),
    default="category",
    show_default=True,
    help="Items per top-level category, projects per maturity level, members per tier, "
    "the share of items the top organisations hold, or the maturity pipeline's medians.",
)
@click.option(
    "--every",
    type=click.Choice(list(trends_module.EVERY)),
    default="year",
    show_default=True,
    help="Count at the end of each year or month.",
)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="With --by concentration: how many organisations.")  # fmt: skip
@store_option
@format_option(("table", "csv", "tsv", "json", "md"))
def trends(by: str, every: str, top: int, store: str | None, fmt: str) -> None:
    """The CNCF landscape over time, from an imported landscape history.

    Counts at the end of each year (or month), and on the last revision's day for the last:
    items per top-level category, CNCF projects per maturity level, members per tier; or
    the share of the listed items held by the top organisations; or the median days from
    sandbox to incubating to graduated per year of entry.

    \b
    Example:
      kg import landscape-history landscape && kg build
      kg trends
      kg trends --by maturity --format csv > maturity.csv
      kg trends --by tier --every month
      kg trends --by concentration --top 10
      kg trends --by pipeline
    """
    graph = open_graph(store)
    table = trends_module.trend(graph.store, by=by, every=every, top=top)
    click.echo(render_records(table.headers, table.rows, fmt, width=terminal_width()), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
