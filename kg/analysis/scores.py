"""Scores written back as triples, so that a SPARQL query can sort by them.

``kg centrality --write`` puts ``node eco:pageRank 0.12`` (one property per metric, declared in
the ontology) into a graph of its own, ``kg:centrality-VIEW``, kept in
``imports/centrality-VIEW.trig`` (which ``kg build`` reads), and into a local store at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg import resources
from kg.analysis.metrics import METRICS
from kg.errors import UsageError
from kg.io import atomic_write
from kg.namespaces import DCTERMS, ECO, KG, RDF, RDFS, XSD
from kg.store import Literal, NamedNode, OxigraphStore, Quad, Store, parse, serialize

#: The property each metric is written back with (declared in ontology/ontology.ttl).
PROPERTIES: dict[str, str] = {
    "degree": ECO + "degreeCentrality",
    "in-degree": ECO + "inDegreeCentrality",
    "out-degree": ECO + "outDegreeCentrality",
    "betweenness": ECO + "betweennessCentrality",
    "closeness": ECO + "closenessCentrality",
    "eigenvector": ECO + "eigenvectorCentrality",
    "pagerank": ECO + "pageRank",
}


@dataclass
class Written:
    """Where scores were written."""

    path: Path
    graph: str
    triples: int
    store_updated: bool


def scores_graph(view: str, as_of: str | None = None) -> str:
    """The named graph that holds a view's scores: ``kg:centrality-VIEW[-as-of-DATE]``."""
    if as_of and not re.fullmatch(r"\d{4}(-\d{2}){0,2}", as_of):
        raise UsageError(
            f"--as-of {as_of!r} is not a date", hint="Use YYYY, YYYY-MM or YYYY-MM-DD."
        )
    return KG + f"centrality-{view}" + (f"-as-of-{as_of}" if as_of else "")


def write_scores(
    store: Store,
    view: str,
    scores: Mapping[str, Mapping[str, float]],
    *,
    as_of: str | None = None,
    folder: Path | None = None,
    notes: Iterable[str] = (),
) -> Written:
    """Write ``scores`` (metric -> node -> score) as triples ``node eco:pageRank 0.12`` in the
    graph :func:`scores_graph`, so a SPARQL query can sort by them.

    The triples go to ``imports/centrality-VIEW.trig`` (atomically; scores of other metrics
    already there are kept), which ``kg build`` includes; a local Oxigraph store (memory or
    ``oxigraph:PATH``) gets them at once too, replacing that graph's older scores of the same
    metrics.
    """
    for metric in scores:
        if metric not in PROPERTIES:
            raise UsageError(
                f"unknown metric {metric!r}", hint=f"Use one of: {', '.join(METRICS)}."
            )
    graph_iri = scores_graph(view, as_of)
    graph = NamedNode(graph_iri)
    rewritten = {NamedNode(PROPERTIES[m]) for m in scores}
    folder = folder or resources.imports_dir()
    path = folder / f"centrality-{view}{f'-as-of-{as_of}' if as_of else ''}.trig"

    kept: list[Quad] = []
    if path.is_file():
        with path.open("rb") as fh:
            for quad in parse(fh, "trig"):
                if quad.predicate not in rewritten and quad.subject != graph:
                    kept.append(quad)
    new = _score_quads(graph, scores)
    described = _describe(graph, view, as_of, [*scores], notes, previous=kept)
    quads = described + kept + new

    def write(fh: IO[bytes]) -> None:
        fh.write(
            b"# Centrality scores written by `kg centrality --write`; `kg build` reads them.\n"
        )
        serialize(quads, fh, "trig")

    atomic_write(path, write)
    updated = False
    if isinstance(store, OxigraphStore):
        engine = store.to_oxigraph()
        old = [
            q
            for q in engine.quads_for_pattern(None, None, None, graph)
            if q.predicate in rewritten or q.subject == graph
        ]
        store.remove(old)
        store.add(described + new)
        store.flush()
        updated = True
    return Written(path=path, graph=graph_iri, triples=len(quads), store_updated=updated)


def _score_quads(graph: NamedNode, scores: Mapping[str, Mapping[str, float]]) -> list[Quad]:
    double = NamedNode(XSD + "double")
    quads = []
    for metric, values in scores.items():
        prop = NamedNode(PROPERTIES[metric])
        for node, score in sorted(values.items()):
            if isinstance(node, str) and node.startswith(("http://", "https://", "urn:")):
                literal = Literal(repr(float(score)), datatype=double)
                quads.append(Quad(NamedNode(node), prop, literal, graph))
    return quads


def _describe(
    graph: NamedNode,
    view: str,
    as_of: str | None,
    metrics: list[str],
    notes: Iterable[str],
    *,
    previous: list[Quad],
) -> list[Quad]:
    """The graph describes itself as a source, as every graph of the build does."""
    props = {NamedNode(PROPERTIES[m]): m for m in PROPERTIES}
    present = sorted({*metrics, *(props[q.predicate] for q in previous if q.predicate in props)})
    when = f" as of {as_of}" if as_of else ""
    comment = (
        f"Centrality of each node in the {view} view{when} ({', '.join(present)}), computed by "
        "`kg centrality --write` with networkx; derived from the other graphs, stated by no "
        "source." + "".join(f" {note}." for note in notes)
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return [
        Quad(graph, NamedNode(RDF + "type"), NamedNode(ECO + "Source"), graph),
        Quad(graph, NamedNode(RDF + "type"), NamedNode(ECO + "DerivedSource"), graph),
        Quad(graph, NamedNode(DCTERMS + "title"),
             Literal(f"Centrality scores: {view} view{when}"), graph),
        Quad(graph, NamedNode(RDFS + "comment"), Literal(comment), graph),
        Quad(graph, NamedNode(DCTERMS + "created"),
             Literal(now, datatype=NamedNode(XSD + "dateTime")), graph),
    ]  # fmt: skip
