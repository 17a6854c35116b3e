"""Views as files: GraphML, GEXF, node-link JSON and CSV, written whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError
from kg.io import atomic_write

if TYPE_CHECKING:
    import networkx as nx

#: Export formats and their file suffixes.
EXPORTS: dict[str, str] = {"graphml": "graphml", "gexf": "gexf", "json": "json", "csv": "csv"}
_LIST_SEPARATOR = "; "


def export(graph: nx.MultiDiGraph, path: str | os.PathLike[str], fmt: str) -> list[Path]:
    """Write a view to ``path`` in ``fmt`` (:data:`EXPORTS`); returns the files written.

    Every attribute is kept; dates are ISO strings. GraphML and GEXF hold no lists or empty
    values, so lists are joined with ``"; "`` and missing values left out; each edge gets a
    unique id and keeps its multigraph key as the ``key`` attribute. JSON is networkx's
    node-link form (``nx.node_link_graph`` reads it back). CSV writes the edges to ``path``
    and the nodes beside it (``NAME-nodes.csv``), with the column names Gephi's spreadsheet
    import and pandas expect. Each file is written whole or not at all.
    """
    import json

    import networkx as nx

    if fmt not in EXPORTS:
        raise UsageError(
            f"unknown export format {fmt!r}", hint=f"Use one of: {', '.join(EXPORTS)}."
        )
    target = Path(path)
    if fmt in ("graphml", "gexf"):
        flat = _flat(graph)
        if fmt == "graphml":
            atomic_write(target, lambda fh: nx.write_graphml(flat, fh))
        else:
            atomic_write(target, lambda fh: nx.write_gexf(flat, fh))
        return [target]
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        text = json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"
        atomic_write(target, text)
        return [target]
    nodes_path = target.with_name(f"{target.stem}-nodes{target.suffix or '.csv'}")
    edges_text, nodes_text = _csv_tables(graph)
    atomic_write(nodes_path, nodes_text)
    atomic_write(target, edges_text)
    return [target, nodes_path]


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return _LIST_SEPARATOR.join(str(v) for v in value)
    return value


def _flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    import networkx as nx

    flat: nx.MultiDiGraph = nx.MultiDiGraph()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items() if v is not None})
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in data.items() if v is not None})
    for i, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
        attrs = {k: _scalar(x) for k, x in data.items() if x is not None}
        attrs["key"] = str(key)
        # (the stubs type add_edges_from for simple graphs only)
        flat.add_edges_from([(u, v, f"e{i}", attrs)])  # type: ignore[list-item]
    return flat


def _csv_tables(graph: nx.MultiDiGraph) -> tuple[str, str]:
    import csv
    import io

    def columns(rows: Iterable[dict[str, Any]], first: list[str]) -> list[str]:
        seen = dict.fromkeys(first)
        for row in rows:
            seen.update(dict.fromkeys(row))
        return list(seen)

    def table(header: list[str], rows: Iterable[dict[str, Any]]) -> str:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else _scalar(v) for k, v in row.items()})
        return buf.getvalue()

    node_rows = [{"id": n, **d} for n, d in graph.nodes(data=True)]
    edge_rows = [
        {
            "source": u,
            "target": v,
            "key": key,
            "source_label": graph.nodes[u].get("label", u),
            "target_label": graph.nodes[v].get("label", v),
            **d,
        }
        for u, v, key, d in graph.edges(keys=True, data=True)
    ]
    node_header = columns(node_rows, ["id", "label", "type"])
    edge_header = columns(
        edge_rows, ["source", "target", "relation", "predicate", "date", "weight"]
    )
    return table(edge_header, edge_rows), table(node_header, node_rows)
