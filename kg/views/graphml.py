"""GraphML written straight from a view, one pass, as one string.

The document is the one ``nx.write_graphml`` writes of the flattened view that
:func:`kg.views.export.export` describes (lists joined with ``"; "``, missing values left out,
edge ids ``e0, e1, ...`` with the multigraph key kept as the ``key`` attribute), byte for byte:
the same keys (one per attribute name, type and scope, numbered in order of first use, listed
last first), the same indentation, the same escaping (:func:`escape`, that of
:mod:`xml.sax.saxutils`, with what ElementTree escapes in attribute values). NetworkX's writer
builds an ElementTree of every node, edge and value first and then serialises it: at a million
triples that is 6 of the 8 seconds of ``kg export``; this writer formats each element as text
as it goes.

Text is never checked value by value on the way: the finished document is searched once for
characters XML 1.0 cannot carry (no markup this module writes holds one), and only when it has
some is it written again with each text made safe (:func:`kg.text.xml_safe`), counted.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from kg.text import XML_FORBIDDEN, forbidden_in_xml, xml_safe

if TYPE_CHECKING:
    import networkx as nx

#: The separator of list values (GraphML has no lists).
LIST_SEPARATOR = "; "
#: What ElementTree escapes in an attribute value besides ``& < >``.
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
#: GraphML's type of each Python type, as NetworkX names them (its last entry for a type wins).
_XML_TYPES: dict[type, str] = {int: "long", str: "string", float: "double", bool: "boolean"}
_HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
#: Graph attributes NetworkX's writer treats apart (graph id, defaults): such a graph is left
#: to it (:func:`needs_networkx`).
SPECIAL_GRAPH_ATTRIBUTES = frozenset({"id", "node_default", "edge_default"})


def joined(values: Iterable[Any]) -> str:
    """A list value as one text (GraphML and CSV have no lists)."""
    try:
        return LIST_SEPARATOR.join(values)
    except TypeError:  # not all text
        return LIST_SEPARATOR.join(str(v) for v in values)


def escape(text: str, entities: Mapping[str, str] | None = None) -> str:
    """``& < >`` escaped, then each of ``entities``: :func:`xml.sax.saxutils.escape`, written
    here because that module imports ``urllib.request`` (and with it ``http.client`` and
    ``email``), 30 ms of every command's start-up."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for character, entity in (entities or {}).items():
        text = text.replace(character, entity)
    return text


def attribute(text: str) -> str:
    """``text`` escaped for an attribute value in double quotes."""
    return escape(text, _ATTRIBUTE_ENTITIES)


def needs_networkx(graph: nx.MultiDiGraph) -> bool:
    """Whether ``graph`` has what this writer leaves to NetworkX's (a graph id, defaults)."""
    return not SPECIAL_GRAPH_ATTRIBUTES.isdisjoint(graph.graph)


def graphml(graph: nx.MultiDiGraph, replaced: list[str]) -> str:
    """The GraphML document of ``graph`` (see the module); ``replaced`` gets, for each text
    that held characters XML 1.0 cannot carry, the first such character (``U+XXXX``)."""
    text = _document(graph, None)
    if XML_FORBIDDEN.search(text) is None:
        return text

    def safe(value: str) -> str:
        bad = forbidden_in_xml(value)
        if bad is None:
            return value
        replaced.append(bad)
        return xml_safe(value)

    return _document(graph, safe)


def _document(graph: nx.MultiDiGraph, clean: Callable[[str], str] | None) -> str:
    keys: dict[tuple[Hashable, type, str], str] = {}  # (name, type, scope) -> '<data key="dN">'
    declared: list[str] = []  # the <key> elements, in order of first use

    def opening(name: Hashable, kind: type, scope: str) -> str:
        xml_type = _XML_TYPES.get(kind)
        if xml_type is None:
            xml_type = _networkx_type(kind)
        text = str(name)
        if clean is not None and isinstance(name, str):
            text = clean(text)
        number = f"d{len(declared)}"
        declared.append(
            f'  <key id="{number}" for="{scope}" attr.name="{attribute(text)}" '
            f'attr.type="{xml_type}" />\n'
        )
        keys[name, kind, scope] = tag = f'<data key="{number}"'
        return tag

    def data(out: list[str], values: Mapping[Any, Any], scope: str, pad: str) -> None:
        for name, value in values.items():
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                text = value
            elif isinstance(value, list | tuple | set):
                text, kind = joined(value), str
            else:
                text = str(value)
            if clean is not None and isinstance(value, str | list | tuple | set):
                text = clean(text)
            tag = keys.get((name, kind, scope))
            if tag is None:
                tag = opening(name, kind, scope)
            if "&" in text or "<" in text or ">" in text:
                text = escape(text)
            if text:
                out.append(f"{pad}{tag}>{text}</data>\n")
            else:
                out.append(f"{pad}{tag} />\n")

    idents: dict[Any, str] = {}  # each node's id once: edges name them again

    def ident(value: Any) -> str:
        text = idents.get(value)
        if text is None:
            if isinstance(value, str):
                text = value if clean is None else clean(value)
            else:
                text = str(value)
            text = idents[value] = attribute(text)
        return text

    graph_data: list[str] = []  # its keys come first, its elements last (as NetworkX's)
    data(graph_data, graph.graph, "graph", "    ")
    body: list[str] = []
    append = body.append
    for node, values in graph.nodes(data=True):
        if not values or all(v is None for v in values.values()):
            append(f'    <node id="{ident(node)}" />\n')
            continue
        append(f'    <node id="{ident(node)}">\n')
        data(body, values, "node", "      ")
        append("    </node>\n")
    for i, (u, v, key, values) in enumerate(graph.edges(keys=True, data=True)):
        append(f'    <edge source="{ident(u)}" target="{ident(v)}" id="e{i}">\n')
        if "key" in values:  # the multigraph key takes the attribute's place
            values = {k: x for k, x in values.items() if x is not None}
            values["key"] = str(key)
            data(body, values, "edge", "      ")
        else:
            data(body, values, "edge", "      ")
            data(body, {"key": str(key)}, "edge", "      ")
        append("    </edge>\n")
    body += graph_data
    graph_element = (
        '  <graph edgedefault="directed">\n' + "".join(body) + "  </graph>\n"
        if body
        else '  <graph edgedefault="directed" />\n'
    )
    return _HEADER + "".join(reversed(declared)) + graph_element + "</graphml>\n"


def _networkx_type(kind: type) -> str:
    """GraphML's name of a type this module does not know (numpy's), as NetworkX's writer
    has it; its error for a type GraphML cannot hold."""
    import networkx as nx
    from networkx.readwrite.graphml import GraphML

    table = GraphML()
    table.construct_types()
    if kind not in table.xml_type:
        raise nx.NetworkXError(f"GraphML writer does not support {kind} as data values.")
    return table.xml_type[kind]
