"""JSON and CSV exports (kg/views/export.py) against what they wrote before they were made fast:
the same JSON data (``json.dumps`` with an indent) and the same CSV bytes (``csv.DictWriter``),
on every view of the fixtures and on hostile text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.sources import SourceFile, ontology_files, read_sources
from kg.store import OxigraphStore
from kg.views import VIEWS, export, project
from tests.conftest import FIXTURES, REPO
from tests.test_views_graphml import HOSTILE, hostile_graph


@pytest.fixture(scope="module")
def stores() -> dict[str, OxigraphStore]:
    files = [FIXTURES / "analysis" / "tiny.trig", REPO / "data" / "essay-2015.trig"]
    return {f.stem: read_sources([*ontology_files(), SourceFile(f, None)]) for f in files}


def old_json(graph: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"


def old_csv_table(header: list[str], rows: list[dict[str, Any]]) -> str:
    def scalar(value: Any) -> Any:
        if isinstance(value, list | tuple | set):
            return "; ".join(str(v) for v in value)
        return value

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else scalar(v) for k, v in row.items()})
    return buf.getvalue()


def graphs(stores: dict[str, OxigraphStore]) -> list[nx.MultiDiGraph]:
    found = [project(store, view) for store in stores.values() for view in VIEWS]
    return [*found, hostile_graph()]


def test_json_is_the_same_data_one_element_a_line(
    stores: dict[str, OxigraphStore], tmp_path: Path
) -> None:
    for i, graph in enumerate(graphs(stores)):
        (path,) = export(graph, tmp_path / f"{i}.json", "json")
        text = path.read_text(encoding="utf-8")
        assert json.loads(text) == json.loads(old_json(graph))
        lines = text.splitlines()
        assert len(lines) >= graph.number_of_nodes() + graph.number_of_edges()
        back = nx.node_link_graph(json.loads(text), edges="edges")
        assert sorted(map(str, back.nodes)) == sorted(map(str, graph.nodes))
        assert back.number_of_edges() == graph.number_of_edges()
    hostile = json.loads((tmp_path / f"{i}.json").read_text(encoding="utf-8"))
    assert {n["label"] for n in hostile["nodes"] if "label" in n} >= set(HOSTILE)


def test_csv_is_byte_for_byte_what_dictwriter_wrote(
    stores: dict[str, OxigraphStore], tmp_path: Path
) -> None:
    for i, graph in enumerate(graphs(stores)):
        edges_path, nodes_path = export(graph, tmp_path / f"{i}.csv", "csv")
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
        node_header = list(
            dict.fromkeys(["id", "label", "type", *(k for r in node_rows for k in r)])
        )
        edge_header = list(
            dict.fromkeys(
                ["source", "target", "relation", "predicate", "date", "weight"]
                + [k for r in edge_rows for k in r]
            )
        )
        assert nodes_path.read_bytes() == old_csv_table(node_header, node_rows).encode("utf-8")
        assert edges_path.read_bytes() == old_csv_table(edge_header, edge_rows).encode("utf-8")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_hostile_text_survives(tmp_path: Path, fmt: str) -> None:
    graph = hostile_graph()
    files = export(graph, tmp_path / f"h.{fmt}", fmt)
    if fmt == "json":
        back = nx.node_link_graph(json.loads(files[0].read_text(encoding="utf-8")), edges="edges")
        labels = {d.get("label") for _n, d in back.nodes(data=True)}
    else:
        with files[1].open(encoding="utf-8", newline="") as fh:
            labels = {row["label"] for row in csv.DictReader(fh)}
    assert set(HOSTILE) <= labels
