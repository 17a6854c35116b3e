"""Views as files: GraphML, GEXF, node-link JSON and CSV, written whole or not at all."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kg.errors import UsageError
from kg.io import atomic_write
from kg.text import forbidden_in_xml, xml_safe
from kg.views.graphml import graphml, joined, needs_networkx

if TYPE_CHECKING:
    import networkx as nx

#: Export formats and their file suffixes.
EXPORTS: dict[str, str] = {"graphml": "graphml", "gexf": "gexf", "json": "json", "csv": "csv"}


def export(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    fmt: str,
    *,
    note: Callable[[str], object] | None = None,
) -> list[Path]:
    """Write a view to ``path`` in ``fmt`` (:data:`EXPORTS`); returns the files written.

    Every attribute is kept; dates are ISO strings. GraphML and GEXF hold no lists or empty
    values, so lists are joined with ``"; "`` and missing values left out; each edge gets a
    unique id and keeps its multigraph key as the ``key`` attribute. They are XML 1.0, which
    cannot carry some characters at all (NUL and most other C0 controls): those are written as
    U+FFFD (:func:`kg.text.xml_safe`) and ``note`` is told how many values had them. JSON is
    networkx's node-link form (``nx.node_link_graph`` reads it back). CSV writes the edges to
    ``path`` and the nodes beside it (``NAME-nodes.csv``), with the column names Gephi's
    spreadsheet import and pandas expect. Each file is written whole or not at all.
    """
    import networkx as nx

    if fmt not in EXPORTS:
        raise UsageError(
            f"unknown export format {fmt!r}", hint=f"Use one of: {', '.join(EXPORTS)}."
        )
    target = Path(path)
    if fmt in ("graphml", "gexf"):
        replaced: list[str] = []
        content: str | Callable[[BinaryIO], object]
        if fmt == "graphml" and not needs_networkx(graph):
            content = graphml(graph, replaced)  # nx.write_graphml's document, 8x as fast
        else:
            flat = _flat(graph, replaced)
            write = nx.write_graphml if fmt == "graphml" else nx.write_gexf
            content = partial(write, flat)
        if replaced and note is not None:
            note(
                f"note: {len(replaced):,} value{'s' if len(replaced) != 1 else ''} held "
                f"characters XML 1.0 cannot carry ({', '.join(sorted(set(replaced))[:5])}): "
                f"written as U+FFFD in {target} (--to json keeps them)"
            )
        atomic_write(target, content)
        return [target]
    if fmt == "json":
        atomic_write(target, _node_link_json(nx.node_link_data(graph, edges="edges")))
        return [target]
    nodes_path = target.with_name(f"{target.stem}-nodes{target.suffix or '.csv'}")
    edges_text, nodes_text = _csv_tables(graph)
    atomic_write(nodes_path, nodes_text)
    atomic_write(target, edges_text)
    return [target, nodes_path]


def _node_link_json(data: dict[str, Any]) -> str:
    """``data`` as JSON with each node and each edge on a line of its own: every piece is
    written by :mod:`json`'s C encoder (an ``indent`` would make it use its Python one, five
    times as slow: 10 of the 12 seconds of a 1M-triple view)."""
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    parts = []
    for name, value in data.items():
        if isinstance(value, list):
            items = ",\n".join(encode(item) for item in value)
            parts.append(f"{encode(name)}: [\n{items}\n]" if items else f"{encode(name)}: []")
        else:
            parts.append(f"{encode(name)}: {encode(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return joined(value)
    return value


def _flat(graph: nx.MultiDiGraph, replaced: list[str]) -> nx.MultiDiGraph:
    """The graph with scalar attributes only, every text XML-safe (``replaced`` gets the
    first character replaced in each value that had any)."""
    import networkx as nx

    def safe(value: Any) -> Any:
        value = _scalar(value)
        if isinstance(value, str) and (bad := forbidden_in_xml(value)):
            replaced.append(bad)
            return xml_safe(value)
        return value

    def attrs(data: dict[str, Any]) -> dict[str, Any]:
        return {safe(k): safe(v) for k, v in data.items() if v is not None}

    flat: nx.MultiDiGraph = nx.MultiDiGraph()
    flat.graph.update(attrs(graph.graph))
    for node, data in graph.nodes(data=True):
        flat.add_node(safe(node), **attrs(data))
    for i, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
        edge = attrs(data)
        edge["key"] = safe(str(key))
        # (the stubs type add_edges_from for simple graphs only)
        flat.add_edges_from([(safe(u), safe(v), f"e{i}", edge)])  # type: ignore[list-item]
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
        # (csv.writer, not DictWriter: the header has every key, and DictWriter checks that
        # again on each row; None and a missing value are both written as "")
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(
            [
                v if type(v) is str or not isinstance(v, lists) else joined(v)
                for v in map(row.get, header)
            ]
            for row in rows
        )
        return buf.getvalue()

    lists = (list, tuple, set)

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
