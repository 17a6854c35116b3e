"""kg/query.py and `kg query`: safe queries, bindings, the library, the CLI.

Exact answers use the ontology and the 2015 essay only (``essay_graph``, ``essay_home``):
that data is final, so the rows below stay true while data/history grows.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Variable

from kg.cli import cli
from kg.errors import QueryError, QueryTimeout, UnknownQuery, UnsafeQuery, UsageError
from kg.graph import KnowledgeGraph
from kg.namespaces import KG
from kg.query import execute, left_running, run, within
from kg.sources import SourceFile, ontology_files, read_sources
from kg.sparql.bindings import parse_binding
from kg.sparql.check import check
from kg.sparql.library import get, library, parse_library_file, resolve
from kg.store import Answer, OxigraphStore, Store
from kg.store.remote import SparqlStore
from tests.conftest import ESSAY_DATA

KNOWN = "eco, kg, schema, org, skos, prov, dcterms, rdf, rdfs, owl, xsd"


class NoEngine(Store):
    """A store that fails the test if any query or update reaches it."""

    spec = "memory"

    def query(self, sparql: str, *, substitutions: Any = None) -> Answer:
        raise AssertionError(f"the engine was reached: {sparql}")

    def update(self, sparql: str) -> None:
        raise AssertionError(f"the engine was reached: {sparql}")

    def replace(self, quads: Any) -> None:
        raise AssertionError("the engine was reached")

    def quads(self) -> Any:
        raise AssertionError("the engine was reached")

    def triples(self) -> Any:
        raise AssertionError("the engine was reached")

    def __len__(self) -> int:
        return 0


def essay_store() -> OxigraphStore:
    """A fresh store (for tests that change it)."""
    return read_sources([*ontology_files(), SourceFile(ESSAY_DATA, None)])


def kg(runner: CliRunner, *args: str, input: str | None = None) -> Any:
    return runner.invoke(cli, ["query", *args], input=input)


def error_of(result: Any) -> str:
    """stderr without the notes (about the build) that come before the error."""
    return "".join(
        line for line in result.stderr.splitlines(keepends=True) if not line.startswith("note:")
    )


# --- checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT ?c WHERE { ?c a eco:Company }", "SELECT"),
        ("PREFIX ex: <http://example.org/>\nASK { ex:a ?p ?o }", "ASK"),
        ("# a comment with SELECT\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE kg:docker", "DESCRIBE"),
        ("select * { ?s ?p _:b0 }", "SELECT"),
    ],
)
def test_check_learns_the_kind(text: str, kind: str) -> None:
    assert check(text).kind == kind


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE ?svc { ?s ?p ?o } } }",
    # `<` read as a less-than by the parser, as an IRI by a naive tokenizer:
    "SELECT * WHERE { ?s ?p ?x FILTER(?x<1)SERVICE?v#>\n{ ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?x FILTER(?x<'>') SERVICE <http://127.0.0.1:9/> "
    "{ ?s ?p ?o FILTER(?o != 'x') } }",
]


@pytest.mark.parametrize("text", SERVICE_QUERIES)
def test_service_is_refused_before_any_engine_sees_it(text: str) -> None:
    with pytest.raises(UnsafeQuery) as err:
        run(NoEngine(), text)
    assert err.value.message == "SERVICE is refused: a query never reaches the network"
    assert err.value.hint == "Query that endpoint itself: kg query --store sparql:URL '...'."


@pytest.mark.parametrize(
    "text",
    [
        "LOAD <file:///etc/passwd>",
        "load silent <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://example.org/g>",
        "CLEAR GRAPH <http://example.org/g> ; LOAD <file:///etc/hostname>",
    ],
)
def test_load_is_refused_even_with_update_allowed(text: str) -> None:
    with pytest.raises(UnsafeQuery) as err:
        run(NoEngine(), text, allow_update=True)
    assert err.value.message == "LOAD is refused: a query never reads files or URLs"
    assert (
        err.value.hint == "Add data as TriG under data/ or with `kg import`, then run `kg build`."
    )


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { GRAPH kg:essay-2015 { kg:x a eco:Company } }",
        "DELETE WHERE { GRAPH ?g { kg:docker ?p ?o } }",
        "DROP ALL",
        "WITH kg:essay-2015 DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/> CLEAR DEFAULT",
    ],
)
def test_update_is_refused_without_allow_update(text: str) -> None:
    with pytest.raises(UnsafeQuery) as err:
        run(NoEngine(), text)
    assert err.value.message == "SPARQL UPDATE is refused: queries are read-only"
    assert err.value.hint == (
        "Pass --update to change a local store (memory or oxigraph:PATH) on purpose."
    )


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s rdfs:label "SERVICE LOAD INSERT" } # SERVICE LOAD',
        "SELECT * WHERE { ?s ?p <http://example.org/service/load> }",
        "SELECT * WHERE { ?s ?p <http://dbpedia.org/resource/Docker_(software)> }",
        "SELECT ?service ?load WHERE { ?service ?p ?load FILTER(?load < 5) }",
    ],
)
def test_keywords_inside_strings_iris_comments_and_names_are_not_refused(text: str) -> None:
    assert check(text).kind == "SELECT"


def test_an_unparsable_query_with_an_ambiguous_iri_is_a_syntax_error_of_the_engine() -> None:
    """No candidate keyword: the check lets it pass, and the engine reports the mistake."""
    text = "SELECT * WHERE { ?s ?p ?x FILTER(?x<'>') SERVIC <http://x/> { } }"
    assert check(text).kind == "SELECT"
    with pytest.raises(QueryError) as err:
        run(essay_store(), text)
    assert err.value.message.startswith("syntax error at line 1, column ")


def test_unknown_prefix_names_it_and_lists_the_known_ones() -> None:
    with pytest.raises(QueryError) as err:
        check("SELECT ?x WHERE {\n  ?x a ex:Thing }")
    assert err.value.message == "unknown prefix 'ex:' at line 2, column 8"
    assert err.value.hint == (f"Known prefixes: {KNOWN}. Declare others with PREFIX ex: <...>.")
    # declared ones are listed too, and a declared prefix is fine
    with pytest.raises(QueryError) as err:
        check("PREFIX my: <http://example.org/>\nSELECT * { my:a dbo:b ?c }")
    assert err.value.hint == (
        f"Known prefixes: {KNOWN}, my. Declare others with PREFIX dbo: <...>."
    )


def test_not_a_query() -> None:
    with pytest.raises(QueryError) as err:
        run(NoEngine(), "hello world")
    assert err.value.message == "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
    with pytest.raises(UsageError) as err2:
        run(NoEngine(), "  \n")
    assert err2.value.message == "the query is empty"


# --- syntax errors -----------------------------------------------------------------------------


def test_syntax_error_shows_line_column_text_and_caret(essay_graph: KnowledgeGraph) -> None:
    with pytest.raises(QueryError) as err:
        essay_graph.query("SELECT ?x WHERE { ?x ?y ?z } LIMT 5")
    assert err.value.message == (
        "syntax error at line 1, column 30: unexpected 'LIMT'\n"
        "  SELECT ?x WHERE { ?x ?y ?z } LIMT 5\n"
        "                               ^"
    )
    assert err.value.exit_code == 2


def test_syntax_error_on_a_later_line(essay_graph: KnowledgeGraph) -> None:
    text = "SELECT ?x WHERE {\n  ?x a eco:Company .\n  ?x eco:category ?y ?z\n}"
    with pytest.raises(QueryError) as err:
        essay_graph.query(text)
    assert err.value.message == (
        "syntax error at line 3, column 22: unexpected '?z'\n"
        "    ?x eco:category ?y ?z\n"
        "                       ^"
    )


def test_syntax_error_at_the_end(essay_graph: KnowledgeGraph) -> None:
    with pytest.raises(QueryError) as err:
        essay_graph.query("SELECT ?x WHERE { ?x ?y ?z ")
    assert err.value.message.splitlines()[0] == (
        "syntax error at line 1, column 28: unexpected end of query"
    )


def test_syntax_error_in_a_long_line_shows_a_window(essay_graph: KnowledgeGraph) -> None:
    text = "SELECT ?x WHERE { " + " ".join(f"?x ?p{i} ?o{i} ." for i in range(40)) + " ?x ?y }"
    with pytest.raises(QueryError) as err:
        essay_graph.query(text)
    _first, line, caret = err.value.message.split("\n")
    assert line.startswith("  ...") and len(line) <= 2 + 3 + 100 + 3
    assert line[caret.index("^") :].startswith("?x ?y }") or line[caret.index("^")] == "}"


def test_update_syntax_error_has_a_position() -> None:
    with pytest.raises(QueryError) as err:
        run(essay_store(), "INSERT DATA { GRAPH kg:g { kg:x a eco:Company } ", allow_update=True)
    first, line, caret = err.value.message.split("\n")
    # Oxigraph's position (rdflib's parser points at the start of every update)
    assert first.startswith("syntax error at line 1, column 49: expected one of")
    assert line == "  INSERT DATA { GRAPH kg:g { kg:x a eco:Company } "
    assert caret == "  " + " " * 48 + "^"


# --- bindings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("kg:docker", URIRef(KG + "docker")),
        ("<urn:x:1>", URIRef("urn:x:1")),
        ("https://example.org/a?b=c", URIRef("https://example.org/a?b=c")),
        ("2015-03-04", Literal("2015-03-04", datatype=XSD.date)),
        ("2015-03", Literal("2015-03", datatype=XSD.gYearMonth)),
        ("42", Literal(42)),
        ("-3", Literal(-3)),
        ("4.5", Literal("4.5", datatype=XSD.decimal)),
        ('"2015"^^xsd:gYear', Literal("2015", datatype=XSD.gYear)),
        ('"2015"^^<http://www.w3.org/2001/XMLSchema#gYear>', Literal("2015", datatype=XSD.gYear)),
        ('"Docker"@en', Literal("Docker", lang="en")),
        ('"kg:docker"', Literal("kg:docker")),
        ('"say \\"hi\\""', Literal('say "hi"')),
        ("Docker, Inc.", Literal("Docker, Inc.")),
        ("10:30", Literal("10:30")),
    ],
)
def test_parse_binding(value: str, term: object) -> None:
    parsed = parse_binding(value)
    assert parsed == term
    assert type(parsed) is type(term)


def test_a_binding_with_an_unknown_prefix_is_an_error() -> None:
    with pytest.raises(QueryError) as err:
        parse_binding("dbr:Docker", name="acquirer")
    assert err.value.message == "unknown prefix 'dbr:' in -p acquirer dbr:Docker"
    assert err.value.hint == (
        f'Known prefixes: {KNOWN}. Write a full IRI as <...>, or a string in quotes ("...").'
    )


def test_bindings_are_terms_never_query_text(essay_graph: KnowledgeGraph) -> None:
    size = len(essay_graph.store)
    # text that would break out of the query if it were pasted in
    hostile = 'x" } } ; DROP ALL ; SELECT * { ?s ?p "'
    answer = essay_graph.query("SELECT ?s ?l WHERE { ?s rdfs:label ?l }", l=hostile)
    assert answer.rows == []
    assert len(essay_graph.store) == size
    # a label with a comma and a quote is matched exactly
    answer = essay_graph.query("SELECT ?s ?l WHERE { ?s rdfs:label ?l }", l="Docker, Inc.")
    assert answer.rows == [(URIRef(KG + "docker"), Literal("Docker, Inc."))]


def test_a_bound_variable_need_not_be_selected(essay_graph: KnowledgeGraph) -> None:
    companies = essay_graph.query("SELECT ?s WHERE { ?s a ?type }", type="eco:Company")
    projected = essay_graph.query("SELECT ?s ?type WHERE { ?s a ?type }", type="eco:Company")
    assert len(companies) > 20
    assert sorted(map(str, companies.column("s"))) == sorted(map(str, projected.column("s")))


def test_bindings_work_on_ask_and_construct(essay_graph: KnowledgeGraph) -> None:
    assert essay_graph.query("ASK { ?c a eco:Company }", c="kg:docker").boolean is True
    assert essay_graph.query("ASK { ?c a eco:Company }", c="kg:kubernetes").boolean is False
    graph = essay_graph.query(
        "CONSTRUCT { ?c a eco:Company } WHERE { ?c a eco:Company }", c="kg:f5"
    )
    assert [str(t[0]) for t in graph.triples] == [KG + "f5"]


def test_an_rdflib_term_binds_as_is(essay_graph: KnowledgeGraph) -> None:
    answer = essay_graph.query("acquisitions-by", acquired=URIRef(KG + "koality"))
    assert [str(r["event"]) for r in answer] == [KG + "docker-acquires-koality"]


def test_library_parameters_are_checked(essay_graph: KnowledgeGraph) -> None:
    with pytest.raises(UsageError) as err:
        essay_graph.query("acquisitions-by", buyer="kg:docker")
    assert err.value.message == "acquisitions-by has no parameter 'buyer'"
    assert err.value.hint == (
        "Its parameters: acquirer, acquired. See `kg query --show acquisitions-by`."
    )
    with pytest.raises(UsageError) as err:
        essay_graph.query("sources", source="kg:essay-2015")
    assert err.value.hint == "It takes no parameters. See `kg query --show sources`."
    with pytest.raises(UsageError) as err:
        essay_graph.query("entity-facts")
    assert err.value.message == "entity-facts needs -p entity VALUE: the entity, e.g. kg:docker"
    assert err.value.hint == "For example: kg query entity-facts -p entity kg:docker"


# --- the library -------------------------------------------------------------------------------


def test_library_file_header(tmp_path: Path) -> None:
    path = tmp_path / "my-question.rq"
    path.write_text(
        "# title: My question\n# description: First line,\n# description: second line.\n"
        "# param: who  (required) the organisation\n# param: when a date\n"
        "# example: kg query my-question -p who kg:docker\n\n"
        "# not header: SELECT\nSELECT ?who ?when WHERE { ?who eco:date ?when }\n",
        encoding="utf-8",
    )
    entry = parse_library_file(path)
    assert entry.name == "my-question"
    assert entry.title == "My question"
    assert entry.description == "First line, second line."
    assert entry.params == {"who": "(required) the organisation", "when": "a date"}
    assert entry.required == ["who"]
    assert entry.examples == ("kg query my-question -p who kg:docker",)


def test_unknown_library_name_suggests_close_ones() -> None:
    with pytest.raises(UnknownQuery) as err:
        get("acquisition-by")
    assert err.value.message == "no query named 'acquisition-by' in the library"
    assert err.value.hint is not None
    assert err.value.hint.startswith("Did you mean acquisitions-by")
    assert err.value.hint.endswith("List them with `kg query --list`.")


def test_resolve_name_file_and_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, entry = resolve("sources")
    assert entry is library()["sources"] and text == entry.text
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.rq").write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert resolve("mine.rq") == ("ASK { ?s ?p ?o }", None)
    assert resolve(tmp_path / "mine.rq") == ("ASK { ?s ?p ?o }", None)
    assert resolve("ASK { ?s ?p ?o }") == ("ASK { ?s ?p ?o }", None)
    with pytest.raises(UsageError) as err:
        resolve("queries/missing.rq")
    assert err.value.message == "no query file queries/missing.rq"


# --- UPDATE: local stores only, the chosen store only ------------------------------------------

INSERT = "INSERT DATA { GRAPH kg:essay-2015 { kg:newco a eco:Company } }"
IS_NEWCO = "ASK { kg:newco a eco:Company }"


def test_update_changes_a_memory_store_and_keeps_the_merge() -> None:
    store, other = essay_store(), essay_store()
    answer = run(store, INSERT, allow_update=True)
    assert answer.kind == "UPDATE" and answer.to_python() == [{"added": 1, "removed": 0}]
    # visible in the default graph (the merge) and in the source's own graph
    assert run(store, IS_NEWCO).boolean is True
    assert run(store, "ASK { GRAPH kg:essay-2015 { kg:newco a eco:Company } }").boolean is True
    assert run(other, IS_NEWCO).boolean is False
    # a delete from a source's graph leaves the merge too
    removed = run(store, "DELETE WHERE { GRAPH ?g { kg:docker rdfs:label ?l } }", allow_update=True)
    assert removed.to_python() == [{"added": 0, "removed": 1}]
    assert run(store, "ASK { kg:docker rdfs:label ?l }").boolean is False
    assert run(other, "ASK { kg:docker rdfs:label ?l }").boolean is True


def test_an_update_outside_the_named_graphs_is_undone_and_refused() -> None:
    store = essay_store()
    before = (set(store.quads()), set(store.triples()))
    with pytest.raises(UsageError) as err:
        run(store, "INSERT DATA { kg:newco a eco:Company }", allow_update=True)
    assert err.value.message == (
        "the update changes 1 triple of the default graph outside any named graph: "
        "nothing was changed"
    )
    assert err.value.hint == (
        "The default graph is the merge of the sources' graphs: write inside GRAPH <source> "
        "{ ... }, or GRAPH ?g { ... } for every source."
    )
    with pytest.raises(UsageError):
        run(store, "DELETE WHERE { kg:docker rdfs:label ?l }", allow_update=True)
    assert (set(store.quads()), set(store.triples())) == before


def test_update_on_a_sparql_store_is_refused_without_a_request() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    store = SparqlStore("http://127.0.0.1:9/sparql", client=client)
    with pytest.raises(UnsafeQuery) as err:
        run(store, INSERT, allow_update=True)
    assert err.value.message == (
        "SPARQL UPDATE is refused on sparql:http://127.0.0.1:9/sparql: "
        "--update changes local stores only"
    )
    assert requests == []


def test_update_takes_no_bindings() -> None:
    with pytest.raises(UsageError) as err:
        run(essay_store(), INSERT, bindings={"x": "kg:a"}, allow_update=True)
    assert err.value.message == "bindings cannot be used with an UPDATE"


# --- Python API --------------------------------------------------------------------------------


def test_query_returns_rows_as_dicts(essay_graph: KnowledgeGraph) -> None:
    answer = essay_graph.query("pivots", organization="kg:docker")
    assert [r["fromCategory"] for r in answer] == [URIRef(KG + "paas")]
    assert answer.column("event") == [URIRef(KG + "docker-pivot-from-paas")]


def test_query_df(essay_graph: KnowledgeGraph) -> None:
    df = essay_graph.query_df("top-categories")
    assert list(df.columns) == ["category", "organizations"]
    assert df["organizations"].tolist() == [5, 5, 4, 4, 2, 2, 2]
    assert df["category"].iloc[0] == KG + "storage"
    with pytest.raises(UsageError) as err:
        essay_graph.query_df("ASK { ?s ?p ?o }")
    assert err.value.message == "query_df needs a SELECT query, not ASK"


def test_pandas_is_imported_only_by_query_df() -> None:
    code = (
        "import sys, kg, kg.cli, kg.query, kg.formats, kg.graph, kg.store\n"
        "from click.testing import CliRunner\n"
        "CliRunner().invoke(kg.cli.cli, ['query', '--help'])\n"
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- the CLI -----------------------------------------------------------------------------------


def test_cli_library_query_with_labels(runner: CliRunner, essay_home: Path) -> None:
    result = kg(runner, "acquisitions-by", "-p", "acquirer", "kg:docker")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "acquirer      date  acquired     price  event\n"
        "------------  ----  -----------  -----  ---------------------------\n"
        "Docker, Inc.        Kitematic           Docker acquires Kitematic\n"
        "Docker, Inc.        Koality             Docker acquires Koality\n"
        "Docker, Inc.        Orchard             Docker acquires Orchard\n"
        "Docker, Inc.        SocketPlane         Docker acquires SocketPlane\n"
    )


def test_cli_iris_and_limit(runner: CliRunner, essay_home: Path) -> None:
    result = kg(runner, "acquisitions-by", "-p", "acquirer", "kg:docker", "--iris", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == [
        "kg:docker        kg:kitematic         kg:docker-acquires-kitematic",
        "kg:docker        kg:koality           kg:docker-acquires-koality",
    ]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_cli_formats_parse_back(runner: CliRunner, essay_home: Path, fmt: str) -> None:
    result = kg(runner, "people", "--format", fmt)
    assert result.exit_code == 0, result.output
    parsed = Result.parse(io.StringIO(result.stdout), format=fmt)
    people = [str(b[parsed.vars[0]]) for b in parsed.bindings]
    assert people == [KG + "mitchell-hashimoto", KG + "navin-chaddha"]


def test_cli_markdown(runner: CliRunner, essay_home: Path) -> None:
    # A library answer in Markdown keeps each IRI and names it in a column beside it.
    result = kg(runner, "pivots", "--format", "md")
    assert result.stdout == (
        "| organization | organizationLabel | date | fromCategory | fromCategoryLabel "
        "| toCategory | event | eventLabel |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        "| kg:docker | Docker, Inc. |  | kg:paas | PaaS |  "
        "| kg:docker-pivot-from-paas | Docker pivots from PaaS to a container company |\n"
    )
    bare = kg(runner, "pivots", "--format", "md", "--iris")
    assert bare.stdout.splitlines()[0] == (
        "| organization | date | fromCategory | toCategory | event |"
    )


def test_cli_ask_sets_the_exit_code(runner: CliRunner, essay_home: Path) -> None:
    yes = kg(runner, "ASK { kg:docker a eco:Company }")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    no = kg(runner, "-", input="ASK { kg:docker a eco:Investor }")
    assert (no.exit_code, no.stdout) == (1, "false\n")
    as_json = kg(runner, "ASK { kg:docker a eco:Investor }", "--format", "json")
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": False}


@pytest.mark.parametrize(
    ("fmt", "parser"), [("table", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("ttl", "turtle")]
)
def test_cli_describe_prints_a_graph(
    runner: CliRunner, essay_home: Path, fmt: str, parser: str
) -> None:
    result = kg(runner, "DESCRIBE kg:weave", "--format", fmt)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format=parser)
    labels = {str(o) for o in graph.objects(URIRef(KG + "weave"), None) if isinstance(o, Literal)}
    assert "Weave" in labels
    assert not any(isinstance(s, BNode) for s in graph.subjects())


def test_cli_trig(runner: CliRunner, essay_home: Path) -> None:
    result = kg(runner, "CONSTRUCT WHERE { kg:f5 a ?t }", "--format", "trig")
    assert result.exit_code == 0, result.output
    assert "kg:f5 a eco:Company" in result.stdout


def test_cli_format_mismatch(runner: CliRunner, essay_home: Path) -> None:
    result = kg(runner, "DESCRIBE kg:weave", "--format", "csv")
    assert result.exit_code == 2
    assert error_of(result) == (
        "Error: a CONSTRUCT or DESCRIBE answers a graph: use --format ttl, nt, jsonld or trig, "
        "not csv\n"
    )
    result = kg(runner, "sources", "--format", "jsonld")
    assert result.exit_code == 2
    assert error_of(result) == (
        "Error: --format jsonld is for CONSTRUCT and DESCRIBE; use table, csv, tsv, json, xml "
        "or md\n"
    )


def test_cli_reads_a_file_and_stdin(runner: CliRunner, essay_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?p WHERE { ?p a eco:Person } ORDER BY ?p", encoding="utf-8")
    from_file = kg(runner, str(path), "--format", "csv", "--iris")
    from_stdin = kg(runner, "-", "--format", "csv", input=path.read_text())
    expected = f"p\n{KG}mitchell-hashimoto\n{KG}navin-chaddha\n"
    assert from_file.stdout == from_stdin.stdout == expected


def test_cli_list_and_show(runner: CliRunner) -> None:
    listed = kg(runner, "--list")
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["name", "title", "parameters"]
    assert any(line.startswith("entity-facts ") and "entity (required)" in line for line in lines)
    as_csv = kg(runner, "--list", "--format", "csv")
    import csv

    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["name", "title", "parameters"]
    assert ["acquisitions-by", library()["acquisitions-by"].title, "acquirer acquired"] in rows
    assert len(rows) == 1 + len(library())
    # Every row format offered works for the listing (xml exited 2 with "unknown format").
    as_xml = kg(runner, "--list", "--format", "xml")
    assert as_xml.exit_code == 0, as_xml.output
    parsed = Result.parse(io.StringIO(as_xml.stdout), format="xml")
    assert len(parsed.bindings) == len(library())
    assert {str(b[Variable("name")]) for b in parsed.bindings} == set(library())
    for fmt in ("tsv", "json", "md"):
        listed_as = kg(runner, "--list", "--format", fmt)
        assert listed_as.exit_code == 0 and "acquisitions-by" in listed_as.stdout, fmt
    assert kg(runner, "--list", "--format", "ttl").exit_code == 2
    shown = kg(runner, "--show", "pivots")
    assert shown.stdout == library()["pivots"].text
    missing = kg(runner, "--show", "nope")
    assert missing.exit_code == 2
    assert error_of(missing).splitlines()[0] == "Error: no query named 'nope' in the library"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["SELECT ?x WHERE { ?x ?y ?z } LIMT 5"],
            "Error: syntax error at line 1, column 30: unexpected 'LIMT'\n"
            "  SELECT ?x WHERE { ?x ?y ?z } LIMT 5\n"
            "                               ^\n",
        ),
        (
            ["SELECT * { ?s a ex:Thing }"],
            "Error: unknown prefix 'ex:' at line 1, column 17\n"
            f"Known prefixes: {KNOWN}. Declare others with PREFIX ex: <...>.\n",
        ),
        (
            [SERVICE_QUERIES[0]],
            "Error: SERVICE is refused: a query never reaches the network\n"
            "Query that endpoint itself: kg query --store sparql:URL '...'.\n",
        ),
        (
            ["LOAD <file:///etc/passwd>", "--update"],
            "Error: LOAD is refused: a query never reads files or URLs\n"
            "Add data as TriG under data/ or with `kg import`, then run `kg build`.\n",
        ),
        (
            [INSERT],
            "Error: SPARQL UPDATE is refused: queries are read-only\n"
            "Pass --update to change a local store (memory or oxigraph:PATH) on purpose.\n",
        ),
        (
            [],
            "Error: give a query: inline SPARQL, a file, - for stdin, or a library name\n"
            "See `kg query --list` and `kg query --help`.\n",
        ),
        (
            ["pivots", "-p", "organization", "kg:a", "-p", "organization", "kg:b"],
            "Error: -p organization is given twice\nBind each variable once.\n",
        ),
        (
            ["missing.rq"],
            "Error: no query file missing.rq\nGive an existing file, inline SPARQL, - for stdin, "
            "or a library name (`kg query --list`).\n",
        ),
        (
            [INSERT, "--update", "--as-of", "2015"],
            "Error: --update cannot be combined with --as-of (a filtered copy)\n",
        ),
    ],
)
def test_cli_errors_exit_2_with_one_clear_message(
    runner: CliRunner, essay_home: Path, args: list[str], message: str
) -> None:
    result = kg(runner, *args)
    assert result.exit_code == 2, result.output
    assert error_of(result) == message
    assert result.stdout == ""


def test_cli_update_on_a_memory_store_leaves_dist_alone(
    runner: CliRunner, essay_home: Path
) -> None:
    nq = essay_home / "dist" / "kg.nq"
    digest = hashlib.sha256(nq.read_bytes()).hexdigest()
    result = kg(runner, INSERT, "--update", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "added,removed\n1,0\n"
    assert "the change is not kept" in result.stderr
    assert hashlib.sha256(nq.read_bytes()).hexdigest() == digest
    assert kg(runner, IS_NEWCO).stdout == "false\n"


def test_cli_update_changes_only_the_chosen_oxigraph_store(
    runner: CliRunner, essay_home: Path, tmp_path: Path
) -> None:
    quads = list(essay_store().quads())
    for name in ("one", "two"):
        store = OxigraphStore(tmp_path / name)
        store.replace(quads)
        store.close()
    one, two = f"oxigraph:{tmp_path / 'one'}", f"oxigraph:{tmp_path / 'two'}"
    result = kg(runner, INSERT, "--update", "--store", one)
    assert result.exit_code == 0, result.output
    assert "not kept" not in result.stderr
    assert kg(runner, IS_NEWCO, "--store", one).stdout == "true\n"
    assert kg(runner, IS_NEWCO, "--store", two).stdout == "false\n"
    assert kg(runner, IS_NEWCO).stdout == "false\n"  # the memory store from dist/


def test_cli_update_on_a_sparql_store_is_refused(runner: CliRunner, essay_home: Path) -> None:
    result = kg(runner, INSERT, "--update", "--store", "sparql:http://127.0.0.1:9/sparql")
    assert result.exit_code == 2
    assert error_of(result) == (
        "Error: SPARQL UPDATE is refused on sparql:http://127.0.0.1:9/sparql: --update changes "
        "local stores only\n"
        "Use a local store (memory or oxigraph:PATH), or the server's own tools.\n"
    )


def test_execute_is_what_the_facade_runs(essay_graph: KnowledgeGraph) -> None:
    """The facade holds no query logic: every library query, with its example's parameters,
    gives the same rows through KnowledgeGraph.query as through kg.query.execute, and the
    essay's people and Docker's four acquisitions are really there."""
    from kg.sparql.library import example_bindings

    answered = 0
    for name, entry in library().items():
        bindings = next((b for b in example_bindings(entry) if b), {})
        if any(b not in entry.params for b in bindings):
            continue
        direct = execute(essay_graph.store, name, bindings=bindings)
        via_facade = essay_graph.query(name, **bindings)
        assert direct.vars == via_facade.vars, name
        assert sorted(map(str, direct.rows)) == sorted(map(str, via_facade.rows)), name
        answered += bool(direct.rows)
    assert answered >= 10
    people = {str(r["person"]) for r in essay_graph.query("people")}
    assert KG + "navin-chaddha" in people
    bought = {
        str(r["acquired"]) for r in essay_graph.query("acquisitions-by", acquirer="kg:docker")
    }
    assert bought == {KG + s for s in ("kitematic", "koality", "orchard", "socketplane")}


def test_query_help_has_an_example(runner: CliRunner) -> None:
    result = kg(runner, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "kg query --list" in result.stdout


# --- time limit, Ctrl-C, and --limit that stops the engine ------------------------------------

CROSS = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _kg_query(home: Path, *args: str) -> subprocess.Popen[str]:
    # faulthandler: a process that hangs is shown with every thread's stack (_finished)
    env = {**os.environ, "KG_HOME": str(home), "PYTHONFAULTHANDLER": "1"}
    env.pop("KG_STORE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "query", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finished(proc: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    """``proc``'s output once it ends; past ``timeout`` seconds, a failure that shows where
    each of its threads was (SIGABRT makes faulthandler print them)."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        signals = _signal_state(proc.pid)
        proc.send_signal(signal.SIGABRT)
        _out, err = proc.communicate(timeout=30)
        pytest.fail(
            f"kg query still running after {timeout} s; its signals:\n{signals}\n"
            f"this test's process: SIGINT handler {signal.getsignal(signal.SIGINT)!r}\n"
            f"{_signal_state(os.getpid())}\nits threads:\n{err}"
        )


def _signal_state(pid: int) -> str:
    """The kernel's view of a process's signals: which each thread blocks, ignores, catches."""
    lines = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        with contextlib.suppress(OSError):
            status = (task / "status").read_text().splitlines()
            wanted = ("Name", "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt")
            lines.append(" ".join(x.replace("\t", "=") for x in status if x.startswith(wanted)))
    return "\n".join(lines)


def test_within_raises_on_the_time_limit_and_passes_errors_on() -> None:
    assert within(1.0, lambda: 42) == 42
    with pytest.raises(QueryTimeout) as err:
        within(0.2, lambda: time.sleep(2))
    assert err.value.message == "the query ran past the time limit of 0.2 s and was stopped"
    with pytest.raises(UsageError):
        within(1.0, lambda: run(NoEngine(), ""))


@pytest.mark.slow
def test_a_cli_query_stops_at_its_time_limit(workspace: Path) -> None:
    started = time.monotonic()
    proc = _kg_query(workspace, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f }", "--timeout", "1")
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.startswith("Error: the query ran past the time limit of 1 s and was stopped\n")
    assert time.monotonic() - started < 1 + 10  # the interpreter's start, and the limit


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks here")
def test_ctrl_c_reaches_the_waiting_thread_not_the_query() -> None:
    """The query's thread (and the engine's, which it starts) block SIGINT, so the kernel hands
    Ctrl-C to the main thread, which is waiting for it; the main thread's mask is unchanged."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    in_query = within(5.0, lambda: signal.pthread_sigmask(signal.SIG_BLOCK, set()))
    assert signal.SIGINT in in_query
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == before
    assert signal.SIGINT not in before


def test_the_wait_ends_at_the_time_limit_or_when_done() -> None:
    from kg.query import _wait

    never = threading.Event()
    started = time.monotonic()
    assert _wait(never, 0.12) is False
    assert 0.1 <= time.monotonic() - started < 1
    soon = threading.Event()
    threading.Timer(0.1, soon.set).start()
    assert _wait(soon, None) is True


def test_a_query_left_in_the_engine_is_known_until_it_ends() -> None:
    release = threading.Event()
    with pytest.raises(QueryTimeout):
        within(0.05, release.wait)
    assert left_running()  # the time limit stopped the wait, not the query
    release.set()
    deadline = time.monotonic() + 5
    while left_running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not left_running()
    assert within(1.0, lambda: 1) == 1 and not left_running()  # a finished query leaves none


@pytest.mark.slow
def test_ctrl_c_stops_a_cli_query_within_a_second(workspace: Path) -> None:
    # A process started with SIGINT ignored ignores it, rightly (a background job of a shell
    # without job control does: the first runs of this test under `nohup make test &` hung).
    # The command is started as from a terminal: SIGINT caught here is default in the child.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = _kg_query(workspace, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    finally:
        signal.signal(signal.SIGINT, previous)
    time.sleep(3)  # the query is running inside the engine by now
    assert proc.poll() is None
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _out, err = _finished(proc, 30)
    assert time.monotonic() - sent < 1
    assert proc.returncode == 130
    assert err == "interrupted\n"


@pytest.mark.slow
def test_limit_stops_the_engine_on_a_cross_product(workspace: Path) -> None:
    """Without --limit the cross product of the graph with itself, three times, would grow
    without end (800 MB when the issue was filed); with it, the engine stops after 5 rows."""
    import psutil

    started = time.monotonic()
    proc = _kg_query(workspace, CROSS, "--limit", "5", "--format", "csv")
    peak = 0
    with contextlib.suppress(psutil.NoSuchProcess):
        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            peak = max(peak, ps.memory_info().rss)
            time.sleep(0.02)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert len(out.splitlines()) == 1 + 5
    assert time.monotonic() - started < 15
    assert peak < 300 * 2**20


def test_p_takes_a_name_where_the_library_expects_an_entity(
    runner: CliRunner, essay_home: Path
) -> None:
    by_iri = kg(runner, "acquisitions-by", "-p", "acquirer", "kg:docker", "-f", "csv")
    by_name = kg(runner, "acquisitions-by", "-p", "acquirer", "Docker", "-f", "csv")
    by_case = kg(runner, "acquisitions-by", "-p", "acquirer", "docker", "-f", "csv")
    assert by_iri.exit_code == by_name.exit_code == by_case.exit_code == 0
    assert by_iri.stdout == by_name.stdout == by_case.stdout
    assert by_name.stdout.count("\n") == 5  # the header and Docker's four deals in the essay
    typo = kg(runner, "acquisitions-by", "-p", "acquirer", "Dokcer")
    assert typo.exit_code == 2
    assert "no entity is named 'Dokcer'" in error_of(typo) and "Did you mean" in error_of(typo)


def test_p_binds_a_variable_the_select_does_not_return(essay_graph: KnowledgeGraph) -> None:
    """Oxigraph substitutes projected variables only; another is bound by a VALUES block."""
    answer = essay_graph.query(
        "SELECT ?t WHERE { ?e eco:acquirer ?a ; eco:acquired ?t }", a="kg:docker"
    )
    assert sorted(str(r[0]).rsplit("/", 1)[1] for r in answer.rows) == [
        "kitematic",
        "koality",
        "orchard",
        "socketplane",
    ]
    # a hostile value stays one term
    none = essay_graph.query(
        "SELECT ?t WHERE { ?e eco:acquirer ?a ; eco:acquired ?t }", a='"x" } ; DROP ALL'
    )
    assert none.rows == []
