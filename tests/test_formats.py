"""kg/formats.py: every format parsed back by a standard parser, terms intact."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.query import Result

from kg.errors import UsageError
from kg.formats import GRAPH_FORMATS, ROW_FORMATS, render, render_records, table, with_labels
from kg.namespaces import ECO, KG, RDFS
from kg.store import Answer

DOCKER = URIRef(KG + "docker")
# Terms that break naive writers: a tab, a line break, quotes, a comma, a pipe, a language,
# datatypes, a blank node, an IRI outside every prefix, and an unbound cell.
TRICKY = Literal('a\tb\nc "quoted", | piped')
ROWS: list[tuple[object, ...]] = [
    (DOCKER, Literal("Docker, Inc."), Literal(2000)),
    (URIRef("http://example.org/x?a=1&b=%3C2%3E"), Literal("Docker", lang="en"), None),
    (BNode("b0"), TRICKY, Literal("2015-03-04", datatype=XSD.date)),
    (URIRef(KG + "oci"), Literal("500000000", datatype=XSD.decimal), Literal(True)),
]
VARS = ["s", "label", "value"]


@pytest.fixture
def answer() -> Answer:
    return Answer("SELECT", vars=list(VARS), rows=[tuple(r) for r in ROWS])  # type: ignore[misc]


def _same_terms(parsed: Result) -> None:
    assert [str(v) for v in parsed.vars or []] == VARS
    got = [tuple(b.get(v) for v in parsed.vars or []) for b in parsed.bindings]
    assert len(got) == len(ROWS)
    for row, original in zip(got, ROWS, strict=True):
        for term, want in zip(row, original, strict=True):
            if isinstance(want, BNode):
                assert isinstance(term, BNode)
            else:
                assert term == want, (term, want)
                if isinstance(want, Literal):
                    assert (term.datatype, term.language) == (want.datatype, want.language)


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_rows_round_trip_through_rdflib_result_parsers(answer: Answer, fmt: str) -> None:
    text = render(answer, fmt)
    _same_terms(Result.parse(io.StringIO(text), format=fmt))


@pytest.mark.parametrize(
    ("fmt", "oxfmt"),
    [
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ],
)
def test_rows_parse_with_oxigraph_too(answer: Answer, fmt: str, oxfmt: object) -> None:
    solutions = ox.parse_query_results(render(answer, fmt).encode(), format=oxfmt)
    assert [v.value for v in solutions.variables] == VARS
    assert len(list(solutions)) == len(ROWS)


def test_csv_parses_with_the_csv_module(answer: Answer) -> None:
    text = render(answer, "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == VARS
    assert rows[1] == [str(DOCKER), "Docker, Inc.", "2000"]
    assert rows[2] == ["http://example.org/x?a=1&b=%3C2%3E", "Docker", ""]
    assert rows[3][1] == str(TRICKY)
    assert rows[4] == [str(KG + "oci"), "500000000", "true"]
    # rdflib's CSV parser reads the same cells back (CSV keeps no datatypes, by the standard).
    parsed = Result.parse(io.StringIO(text), format="csv")
    assert str(parsed.bindings[0][parsed.vars[1]]) == "Docker, Inc."


def test_json_is_sparql_results_json(answer: Answer) -> None:
    data = json.loads(render(answer, "json"))
    assert data["head"]["vars"] == VARS
    first, second = data["results"]["bindings"][:2]
    assert first["s"] == {"type": "uri", "value": str(DOCKER)}
    assert first["value"] == {"type": "literal", "value": "2000", "datatype": str(XSD.integer)}
    assert second["label"] == {"type": "literal", "value": "Docker", "xml:lang": "en"}
    assert "value" not in second  # unbound


def test_xml_is_sparql_results_xml(answer: Answer) -> None:
    root = ET.fromstring(render(answer, "xml"))
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == VARS
    assert len(root.findall("r:results/r:result", ns)) == len(ROWS)


def test_tsv_header_and_terms(answer: Answer) -> None:
    lines = render(answer, "tsv").split("\n")
    assert lines[0] == "?s\t?label\t?value"
    assert lines[1] == (f'<{DOCKER}>\t"Docker, Inc."\t2000')
    # the tab and the line break inside the literal are escaped: one line, three cells
    assert len(lines[3].split("\t")) == 3
    assert lines[-1] == ""


def test_table_aligns_and_shows_labels(answer: Answer) -> None:
    text = render(answer, "table", labels={str(DOCKER): "Docker, Inc. (label)"})
    lines = text.splitlines()
    # control characters of data never move the cursor: one line per row
    assert len(lines) == 2 + len(ROWS)
    assert lines[0].split() == VARS
    assert re.split(r"  +", lines[2]) == ["Docker, Inc. (label)", "Docker, Inc.", "2000"]
    assert re.split(r"  +", lines[3]) == ["http://example.org/x?a=1&b=%3C2%3E", "Docker"]
    assert re.split(r"  +", lines[4])[1] == 'a b c "quoted", | piped'
    assert lines[5].startswith("kg:oci ")
    # every column starts where its header does
    starts = [lines[0].index(v) for v in VARS]
    assert [lines[1][i - 1 : i + 1] for i in starts[1:]] == [" -", " -"]
    assert lines[2].index("Docker, Inc.  ") == starts[1]


def test_table_iris_shows_prefixed_names(answer: Answer) -> None:
    text = render(answer, "table", labels={str(DOCKER): "Docker"}, iris=True)
    assert text.splitlines()[2].startswith("kg:docker ")


def test_markdown_escapes_pipes(answer: Answer) -> None:
    lines = render(answer, "md").splitlines()
    assert lines[0] == "| s | label | value |"
    assert lines[1] == "| --- | --- | --- |"
    assert lines[4].count(" | ") == 2  # the pipe in the literal is escaped
    assert "\\|" in lines[4]


def test_empty_answer_prints_the_header() -> None:
    empty = Answer("SELECT", vars=["a", "b"])
    assert render(empty, "table") == "a  b\n-  -\n"
    assert list(csv.reader(io.StringIO(render(empty, "csv")))) == [["a", "b"]]
    assert json.loads(render(empty, "json"))["results"]["bindings"] == []


def test_ask_answers() -> None:
    yes, no = Answer("ASK", boolean=True), Answer("ASK", boolean=False)
    assert render(yes, "table") == "true\n"
    assert render(no, "csv") == "false\n"
    assert Result.parse(io.StringIO(render(yes, "json")), format="json").askAnswer is True
    assert Result.parse(io.StringIO(render(no, "xml")), format="xml").askAnswer is False


TRIPLES = [
    (DOCKER, URIRef(RDFS + "label"), Literal("Docker, Inc.")),
    (DOCKER, URIRef(ECO + "category"), URIRef(KG + "networking")),
    (DOCKER, URIRef(ECO + "description"), TRICKY),
    (BNode("x"), URIRef(ECO + "amount"), Literal("1.5", datatype=XSD.decimal)),
]


@pytest.mark.parametrize(
    ("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("trig", "trig")]
)
def test_graphs_round_trip_through_rdflib(fmt: str, parser: str) -> None:
    text = render(Answer("CONSTRUCT", triples=list(TRIPLES)), fmt)
    if fmt == "trig":
        parsed = Dataset()
        parsed.parse(data=text, format=parser)
        graph = Graph()
        for s, p, o, _g in parsed.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph = Graph().parse(data=text, format=parser)
    expected = Graph()
    for t in TRIPLES:
        expected.add(t)
    assert isomorphic(graph, expected)


def test_turtle_uses_the_project_prefixes() -> None:
    text = render(Answer("CONSTRUCT", triples=list(TRIPLES)), "table")
    assert "@prefix kg: <https://w3id.org/container-kg/id/> ." in text
    assert "kg:docker" in text


def test_jsonld_is_compacted_with_the_project_prefixes() -> None:
    data = json.loads(render(Answer("CONSTRUCT", triples=list(TRIPLES[:2])), "jsonld"))
    assert data["@context"]["kg"] == KG
    assert data["@id"] == "kg:docker"


def test_a_graph_refuses_row_formats_and_rows_refuse_graph_formats(answer: Answer) -> None:
    graph = Answer("CONSTRUCT", triples=list(TRIPLES))
    with pytest.raises(UsageError) as err:
        render(graph, "csv")
    assert err.value.message == (
        "a CONSTRUCT or DESCRIBE answers a graph: use --format ttl, nt, jsonld or trig, not csv"
    )
    with pytest.raises(UsageError) as err:
        render(answer, "ttl")
    assert err.value.message == (
        "--format ttl is for CONSTRUCT and DESCRIBE; use table, csv, tsv, json, xml or md"
    )
    with pytest.raises(UsageError) as err:
        render(answer, "yaml")
    assert err.value.message == "unknown format 'yaml'"


def test_update_answer_is_rows() -> None:
    update = Answer("UPDATE", vars=["added", "removed"], rows=[(Literal(2), Literal(0))])
    assert render(update, "table") == "added  removed\n-----  -------\n2      0\n"
    assert list(csv.reader(io.StringIO(render(update, "csv")))) == [
        ["added", "removed"],
        ["2", "0"],
    ]


def test_every_row_format_reads_back_to_the_same_rows(answer: Answer) -> None:
    """Each row format holds every row and value, read back by a parser of that format."""
    rendered = {fmt: render(answer, fmt) for fmt in ROW_FORMATS}
    n = len(answer.rows)
    assert n >= 2
    values = {str(t) for row in answer.rows for t in row if t is not None}
    as_json = json.loads(rendered["json"])["results"]["bindings"]
    assert len(as_json) == n
    assert {b[v]["value"] for b in as_json for v in b} == values
    as_xml = Result.parse(io.StringIO(rendered["xml"]), format="xml")
    assert {str(t) for b in as_xml.bindings for t in b.values()} == values
    as_csv = list(csv.reader(io.StringIO(rendered["csv"])))
    assert as_csv[0] == answer.vars and len(as_csv) == n + 1
    as_tsv = ox.parse_query_results(rendered["tsv"].encode(), ox.QueryResultsFormat.TSV)
    assert {str(t.value) for sol in as_tsv for t in sol if t is not None} == values
    for fmt in ("table", "md"):
        body = rendered[fmt].splitlines()[2:]
        assert len(body) == n, fmt
    assert set(ROW_FORMATS) == {"table", "csv", "tsv", "json", "xml", "md"}
    assert set(GRAPH_FORMATS) == {"ttl", "nt", "jsonld", "trig"}


def test_rows_table_formats() -> None:
    headers, rows = ["name", "n"], [["a,b", 1], ["c", 2.123456789]]
    assert list(csv.reader(io.StringIO(render_records(headers, rows, "csv")))) == [
        ["name", "n"],
        ["a,b", "1"],
        ["c", "2.12346"],
    ]
    # One TSV dialect, the SPARQL one: text as a quoted literal, numbers bare.
    assert render_records(headers, rows, "tsv").splitlines()[1] == '"a,b"\t1'
    assert json.loads(render_records(headers, rows, "json"))[0] == {"name": "a,b", "n": 1}
    assert render_records(headers, rows, "md").splitlines()[2] == "| a,b | 1 |"
    assert render_records(headers, rows, "table") == table(
        headers, [["a,b", "1"], ["c", "2.12346"]]
    )
    # XML is a row format too: records write SPARQL results XML.
    xml = render_records(headers, rows, "xml")
    assert "<literal>a,b</literal>" in xml
    with pytest.raises(UsageError):
        render_records(headers, rows, "ttl")


def test_money_in_tables_and_label_columns_for_machines() -> None:
    from kg.formats import dollars, with_labels

    assert [dollars(v) for v in (550e6, 1.25e9, 105e6, 10.5e6, 25_000)] == [
        "$550M",
        "$1.25B",
        "$105M",
        "$10.5M",
        "$25,000",
    ]
    answer = Answer(
        "SELECT",
        vars=["acquired", "price"],
        rows=[(URIRef(KG + "heptio"), Literal("550000000", datatype=XSD.decimal))],
    )
    assert "$550M" in render(answer, "table")
    assert "550000000" in render(answer, "csv")  # machines get the number
    labelled = with_labels(answer, {KG + "heptio": "Heptio"})
    assert labelled.vars == ["acquired", "acquiredLabel", "price"]
    assert list(csv.reader(io.StringIO(render(labelled, "csv"))))[1] == [
        KG + "heptio",
        "Heptio",
        "550000000",
    ]


def test_a_wide_table_fits_the_terminal() -> None:
    wide = table(["name", "description"], [["Docker", "x" * 200]], width=80)
    assert all(len(line) <= 80 for line in wide.splitlines())
    assert "…" in wide and "Docker" in wide
    assert table(["a"], [["b"]], width=80) == table(["a"], [["b"]])


def test_xml_results_of_characters_xml_cannot_carry_parse_everywhere() -> None:
    # The probe: a NUL in a literal made `kg query --format xml` write what no parser reads.
    bad = Literal("nul\x00 esc\x1b ok\t", lang="en")
    answer = Answer("SELECT", vars=["v", "w"], rows=[(bad, Literal("x\x01", datatype=XSD.token))])
    text = render(answer, "xml")
    ET.fromstring(text.encode("utf-8"))
    parsed = Result.parse(io.BytesIO(text.encode("utf-8")), format="xml")
    (row,) = parsed.bindings
    assert row[parsed.vars[0]] == Literal("nul\ufffd esc\ufffd ok\t", lang="en")
    assert row[parsed.vars[1]] == Literal("x\ufffd", datatype=XSD.token)
    records = render_records(["v"], [["a\x00b"]], "xml")
    ET.fromstring(records.encode("utf-8"))
    # JSON keeps the characters: it can carry them.
    assert json.loads(render(answer, "json"))["results"]["bindings"][0]["v"]["value"] == str(bad)


# --- the engine's terms print as rdflib's did ------------------------------------------------

#: A store whose answer has every kind of term the writers tell apart: the engine's answer
#: (terms kept as the engine's) must print byte for byte as its rdflib terms print.
ENGINE_DATA = """INSERT DATA { GRAPH kg:g {
kg:docker kg:v "Docker, Inc.", "Docker"@en, 2000, "077"^^xsd:integer, "1.50"^^xsd:decimal,
    "1.5E0"^^xsd:double, "2.50"^^xsd:float, "true"^^xsd:boolean, "2015-03-04"^^xsd:date,
    "2015"^^xsd:gYear, "a\\tb\\nc \\"quoted\\", | piped é 漢", "nul\\u0001ctl",
    "500000000"^^xsd:decimal,
    <http://example.org/x?a=1&b=%3C2%3E>, kg:oci, _:b0 .
} }"""
ENGINE_QUERY = """SELECT ?s ?v ?price ?none WHERE {
  ?s <https://w3id.org/container-kg/id/v> ?v
  BIND(IF(isLiteral(?v) && datatype(?v) = xsd:decimal, ?v, ?unbound) AS ?price)
} ORDER BY STR(?v)"""


@pytest.fixture
def engine_answer() -> Answer:
    from kg.store import open_store

    store = open_store("memory", create=True)
    store.update_named(ENGINE_DATA)
    return store.query(ENGINE_QUERY)


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml", "md"])
def test_engine_terms_print_as_their_rdflib_terms(engine_answer: Answer, fmt: str) -> None:
    rdflib_answer = Answer("SELECT", vars=list(engine_answer.vars), rows=list(engine_answer.rows))
    assert engine_answer.terms is not engine_answer.rows  # the engine's terms were kept
    labels = {KG + "docker": "Docker, Inc.", KG + "oci": "OCI"}
    for shown in (None, labels):
        assert render(engine_answer, fmt, labels=shown) == render(rdflib_answer, fmt, labels=shown)
    labelled = (with_labels(engine_answer, labels), with_labels(rdflib_answer, labels))
    assert render(labelled[0], fmt) == render(labelled[1], fmt)
    assert labelled[0].rows == labelled[1].rows


def rdflib_json(answer: Answer) -> str:
    """The answer as rdflib's SPARQL JSON serializer writes it (what kg.formats replaced)."""
    from rdflib.query import Result
    from rdflib.term import Variable

    result = Result(answer.kind)
    if answer.kind == "ASK":
        result.askAnswer = bool(answer.boolean)
    else:
        result.vars = [Variable(v) for v in answer.vars]
        result.bindings = [
            {Variable(v): t for v, t in zip(answer.vars, row, strict=True) if t is not None}
            for row in answer.rows
        ]
    buf = io.BytesIO()
    result.serialize(buf, format="json", encoding="utf-8")
    text = buf.getvalue().decode("utf-8")
    return text if text.endswith("\n") else text + "\n"


def test_json_is_written_as_rdflibs_serializer_writes_it(engine_answer: Answer) -> None:
    assert render(engine_answer, "json") == rdflib_json(engine_answer)
    for boolean in (True, False):
        ask = Answer("ASK", boolean=boolean)
        assert render(ask, "json") == rdflib_json(ask)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=40))
def test_table_cells_clean_and_measure_as_character_by_character(text: str) -> None:
    """The fast path for printable ASCII gives what the per-character rule gives."""
    import unicodedata

    from kg import formats

    slow_clean = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    assert formats._clean(text) == slow_clean
    slow_width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in slow_clean)
    assert formats._width(slow_clean) == slow_width
