"""The GraphML writer (kg/views/graphml.py) against NetworkX's: on every view of the fixtures and
on hostile text (labels are untrusted), the document is the one ``nx.write_graphml`` writes of
the flattened view, and NetworkX reads both back into the same graph."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.sources import SourceFile, ontology_files, read_sources
from kg.store import OxigraphStore
from kg.text import xml_safe
from kg.views import VIEWS, export, project
from kg.views.graphml import graphml, needs_networkx
from tests.conftest import FIXTURES, REPO

HOSTILE = [
    "say \"hi\" & <b>bye</b> 'quoted'",
    "]]> <!-- --> <?pi?> <![CDATA[x]]> &amp; &#0; &lt;",
    "tab\there, new\nline, carriage\rreturn, both\r\n",
    "  leading and trailing spaces  ",
    "Ünïcödé ñ 中文 العربية 🐳 \u200b\u202e\u2028\ufeff",
    "",
    "x" * 5000,
]


@pytest.fixture(scope="module")
def stores() -> dict[str, OxigraphStore]:
    return {
        "tiny": read_sources(
            [*ontology_files(), SourceFile(FIXTURES / "analysis" / "tiny.trig", None)]
        ),
        "essay": read_sources(
            [*ontology_files(), SourceFile(REPO / "data" / "essay-2015.trig", None)]
        ),
    }


def reference(graph: nx.MultiDiGraph) -> bytes:
    """What ``kg export --to graphml`` wrote before kg.views.graphml: the view flattened
    (lists joined, None left out, texts XML-safe, edge ids e0, e1, ... and the multigraph key
    as the ``key`` attribute), written by NetworkX's ElementTree writer."""

    def safe(value: Any) -> Any:
        if isinstance(value, list | tuple | set):
            value = "; ".join(str(v) for v in value)
        return xml_safe(value) if isinstance(value, str) else value

    def attrs(data: dict[Any, Any]) -> dict[Any, Any]:
        return {safe(k): safe(v) for k, v in data.items() if v is not None}

    flat: nx.MultiDiGraph = nx.MultiDiGraph()
    flat.graph.update(attrs(graph.graph))
    for node, data in graph.nodes(data=True):
        flat.add_node(safe(node), **attrs(data))
    for i, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
        edge = {**attrs(data), "key": safe(str(key))}
        flat.add_edges_from([(safe(u), safe(v), f"e{i}", edge)])  # type: ignore[list-item]
    out = io.BytesIO()
    nx.write_graphml_xml(flat, out)
    return out.getvalue()


def ours(graph: nx.MultiDiGraph) -> bytes:
    return graphml(graph, []).encode("utf-8")


def state(document: bytes) -> tuple[Any, ...]:
    """Everything NetworkX reads back: nodes, edges (with keys) and the graph's attributes,
    each value with its type, in document order."""
    back = nx.read_graphml(io.BytesIO(document), force_multigraph=True)
    typed = lambda d: [(k, type(v).__name__, v) for k, v in d.items()]  # noqa: E731
    return (
        [(n, typed(d)) for n, d in back.nodes(data=True)],
        [(u, v, k, typed(d)) for u, v, k, d in back.edges(keys=True, data=True)],
        typed(back.graph),
    )


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("data", ["tiny", "essay"])
def test_every_view_is_networkx_document(
    stores: dict[str, OxigraphStore], data: str, view: str
) -> None:
    graph = project(stores[data], view)
    assert graph.number_of_edges() > 0
    old, new = reference(graph), ours(graph)
    assert state(new) == state(old)
    assert new == old


def hostile_graph() -> nx.MultiDiGraph:
    """Untrusted text everywhere a view puts text: node ids, labels, lists, edge keys, edge
    attributes, the graph's own attributes; and every type GraphML has, None and empty."""
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    g.graph.update(view="organizations", description=HOSTILE[0], as_of=None, snapshots="a; b")
    for i, text in enumerate(HOSTILE):
        g.add_node(
            f"https://example.org/{text}/{i}",
            label=text,
            type="Company",
            categories=[text, "Storage"],
            sources=(text,),
            founding_date=None,
            rank=i,
            score=i / 3,
            active=i % 2 == 0,
        )
    g.add_node("lonely")  # no attributes at all
    g.add_node("nothing", label=None)  # only a missing value
    g.add_node(42, label="an integer id")
    nodes = list(g.nodes)
    for i, text in enumerate(HOSTILE):
        u, v = nodes[i], nodes[(i + 1) % len(HOSTILE)]
        g.add_edge(u, v, key=text or "k", relation=text, weight=1.0, date=None, price=i * 1e6)
        g.add_edge(u, v, key=f"second {i}", relation="again", weight=2.5, sources=[text])
    g.add_edge(42, "lonely", key=7, relation="an integer key")
    g.add_edge("lonely", 42, relation="has a key attribute", key="replaced", weight=0.5)
    g.edges["lonely", 42, "replaced"]["key"] = "an attribute named key"
    return g


def test_hostile_text_reads_back_as_networkx_writes_it() -> None:
    g = hostile_graph()
    replaced: list[str] = []
    document = graphml(g, replaced).encode("utf-8")
    assert replaced == []
    ET.fromstring(document)  # well-formed
    old = reference(g)
    assert state(document) == state(old)
    assert document == old
    back = nx.read_graphml(io.BytesIO(document), force_multigraph=True)
    quoted = "https://example.org/" + HOSTILE[0] + "/0"
    assert back.nodes[quoted]["label"] == HOSTILE[0]
    assert back.nodes[quoted]["categories"] == HOSTILE[0] + "; Storage"
    assert (back.nodes[quoted]["rank"], back.nodes[quoted]["active"]) == (0, True)
    unicode = "https://example.org/" + HOSTILE[4] + "/4"
    assert back.nodes[unicode]["label"] == HOSTILE[4]
    assert back.graph["description"] == HOSTILE[0] and "as_of" not in back.graph
    keys = {d["key"] for _u, _v, d in back.edges(data=True)}
    # the multigraph key, also where the edge had an attribute named "key"
    assert {HOSTILE[0], "7", "replaced"} <= keys and "an attribute named key" not in keys


def test_characters_xml_cannot_carry_are_replaced_and_counted() -> None:
    g = hostile_graph()
    g.nodes["lonely"]["label"] = "nul\x00 and escape\x1b"
    g.add_node("bell\x07", label="ok", categories=["vertical\x0btab", "fine"])
    g.add_edge("bell\x07", 42, key="form\x0cfeed", relation="surrogate \ud800 alone")
    replaced: list[str] = []
    document = graphml(g, replaced).encode("utf-8")
    ET.fromstring(document)
    assert document == reference(g)
    # Each text that held some, once: the label, the node id (also named by the edge), its
    # list, the edge key and the edge's relation.
    assert sorted(replaced) == ["U+0000", "U+0007", "U+000B", "U+000C", "U+D800"]
    back = nx.read_graphml(io.BytesIO(document), force_multigraph=True)
    assert back.nodes["lonely"]["label"] == "nul\ufffd and escape\ufffd"
    assert back.nodes["bell\ufffd"]["categories"] == "vertical\ufffdtab; fine"


def test_export_writes_it_and_leaves_a_graph_id_to_networkx(
    stores: dict[str, OxigraphStore], tmp_path: Path
) -> None:
    graph = project(stores["tiny"], "organizations")
    (path,) = export(graph, tmp_path / "orgs.graphml", "graphml")
    assert path.read_bytes() == reference(graph)
    # A graph id, or node and edge defaults, NetworkX's writer treats apart: it writes those.
    graph.graph["id"] = "G & co"
    assert needs_networkx(graph)
    (path,) = export(graph, tmp_path / "with-id.graphml", "graphml")
    assert ET.parse(path).getroot()[-1].get("id") == "G & co"
    assert nx.read_graphml(path).number_of_edges() == graph.number_of_edges()


@pytest.mark.parametrize("text", ["", "a & b < c > d", '"q" \r\n\t &amp;', "]]>", "é\x00"])
def test_escape_is_saxutils_escape(text: str) -> None:
    """The hand-written escape (saxutils imports urllib.request) is the library's."""
    from xml.sax.saxutils import escape as library_escape

    from kg.views.graphml import escape

    entities = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
    assert escape(text) == library_escape(text)
    assert escape(text, entities) == library_escape(text, entities)
