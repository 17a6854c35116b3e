"""kg.remote: a store on a real SPARQL 1.1 server (Oxigraph's, started on loopback)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from kg.errors import QueryError, StoreError, UsageError
from kg.namespaces import KG, XSD
from kg.sources import SourceFile, parse_file
from kg.store import OxigraphStore
from kg.store.remote import SparqlStore, bind_values, chunks, with_prefixes
from kg.store.terms import normalise
from tests.conftest import FIXTURES, oxigraph_server

TINY = FIXTURES / "serve" / "tiny.trig"


def tiny_quads() -> list[ox.Quad]:
    return list(parse_file(SourceFile(TINY, None)))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("remote") / "db") as url:
        yield url


@pytest.fixture(scope="module")
def local() -> OxigraphStore:
    store = OxigraphStore()
    store.replace(tiny_quads())
    return store


@pytest.fixture
def remote(server: str) -> Iterator[SparqlStore]:
    store = SparqlStore(f"{server}/query", f"{server}/update")
    store.replace(tiny_quads())
    yield store
    store.close()


def rows(answer) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return sorted(
        (
            tuple("_:b" if isinstance(t, BNode) else normalise(t) for t in row)
            for row in answer.rows
        ),
        key=repr,
    )


# --- query text (no server) ----------------------------------------------------------------


def test_bindings_open_the_where_group() -> None:
    text = bind_values("SELECT ?c WHERE { ?c a eco:Company }", {"c": URIRef(KG + "acme")})
    assert text.startswith("SELECT ?c WHERE {")
    assert f"VALUES (?c) {{ (<{KG}acme>) }}" in text
    assert text.index("VALUES") < text.index("?c a eco:Company")


def test_bindings_skip_braces_in_strings_comments_and_projections() -> None:
    query = (
        "# a comment with { braces }\n"
        'SELECT ?c (EXISTS { ?c a eco:Product } AS ?p) WHERE { ?c rdfs:label "{x}" }'
    )
    text = bind_values(query, {"c": URIRef(KG + "acme")})
    values = text.index("VALUES")
    assert text.rindex("WHERE {", 0, values) > text.index("AS ?p")
    assert '"{x}"' in text


def test_bindings_go_after_a_construct_template() -> None:
    query = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c rdfs:label ?l }"
    text = bind_values(query, {"c": URIRef(KG + "acme")})
    assert text.index("VALUES") > text.index("WHERE {")


def test_bindings_without_a_where_group_trail_the_query() -> None:
    short = bind_values("CONSTRUCT WHERE { ?c rdfs:label ?l }", {"c": URIRef(KG + "acme")})
    assert short.rstrip().endswith(f"VALUES (?c) {{ (<{KG}acme>) }}")
    with pytest.raises(UsageError, match="already ends with VALUES"):
        bind_values("DESCRIBE ?c VALUES ?c { kg:a }", {"c": URIRef(KG + "acme")})


def test_bound_terms_are_written_by_oxigraph_never_pasted() -> None:
    nasty = Literal('x" } } ; DROP ALL ; SELECT * { "\n\\')
    text = bind_values("SELECT ?x WHERE { }", {"x": nasty})
    # One literal token: its quotes and backslash escaped, its newline written as \n.
    assert r'"x\" } } ; DROP ALL ; SELECT * { \"\n\\"' in text
    with pytest.raises(UsageError, match="blank node"):
        bind_values("SELECT ?x WHERE { }", {"x": BNode()})
    with pytest.raises(UsageError, match="cannot bind"):
        bind_values("SELECT ?x WHERE { }", {"x": URIRef("http://a b/>")})


def test_known_prefixes_are_declared_unless_the_query_does() -> None:
    text = with_prefixes("PREFIX kg: <http://other/>\nSELECT * { ?s ?p ?o }")
    assert "PREFIX eco: <https://w3id.org/container-kg/ontology#>" in text
    assert text.count("PREFIX kg:") == 1


def test_chunks_keep_blank_node_components_together() -> None:
    quads = tiny_quads()
    groups = list(chunks(quads, 3))
    assert sorted(map(str, (q for g in groups for q in g))) == sorted(map(str, quads))
    # The list (6 cells and the link from kg:acme) shares blank nodes: one chunk holds it all.
    holding = [g for g in groups if any(isinstance(q.object, ox.BlankNode) for q in g)]
    assert len(holding) == 1
    assert sum(isinstance(q.subject, ox.BlankNode) for q in holding[0]) == 6


# --- against the server --------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.server
def test_loading_keeps_named_graphs_and_the_merge(
    remote: SparqlStore, local: OxigraphStore
) -> None:
    assert len(remote) == 28  # 29 statements, one stated by both sources
    assert remote.graphs() == [
        "https://example.org/source/alpha",
        "https://example.org/source/beta",
    ]
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert rows(remote.query(query)) == rows(local.query(query))


@pytest.mark.slow
@pytest.mark.server
def test_blank_nodes_survive_chunked_loading(server: str, local: OxigraphStore) -> None:
    store = SparqlStore(f"{server}/query", f"{server}/update")
    store.chunk_size = 2
    store.replace(tiny_quads())
    query = "SELECT ?x WHERE { kg:acme rdfs:seeAlso/rdf:rest*/rdf:first ?x }"
    assert rows(store.query(query)) == [
        (Literal("first"),),
        (Literal("second"),),
        (Literal("third"),),
    ]
    # The named graph's list and the default graph's copy are the same nodes.
    same = "ASK { GRAPH ?g { kg:acme rdfs:seeAlso ?l } kg:acme rdfs:seeAlso ?l }"
    assert store.query(same).boolean is True


@pytest.mark.slow
@pytest.mark.server
def test_answers_match_the_local_store(remote: SparqlStore, local: OxigraphStore) -> None:
    for query in (
        "SELECT ?c ?label WHERE { ?c a eco:Company ; rdfs:label ?label }",
        "SELECT ?price WHERE { ?e eco:price ?price }",
        "SELECT ?comment WHERE { kg:shipit rdfs:comment ?comment }",
        "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s",
    ):
        assert rows(remote.query(query)) == rows(local.query(query)), query
    price = remote.query("SELECT ?price WHERE { ?e eco:price ?price }").rows[0][0]
    assert price == Literal("77", datatype=URIRef(XSD + "decimal"))
    assert remote.query("ASK { kg:acme a eco:Company }").boolean is True
    construct = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a eco:Company ; rdfs:label ?l }"
    assert sorted(remote.query(construct).triples) == sorted(local.query(construct).triples)


@pytest.mark.slow
@pytest.mark.server
def test_bindings_answer_like_local_substitutions(
    remote: SparqlStore, local: OxigraphStore
) -> None:
    acme = {"acquirer": URIRef(KG + "acme")}
    query = (
        "SELECT ?acquirer ?acquired WHERE { ?e eco:acquirer ?acquirer ; eco:acquired ?acquired }"
    )
    assert rows(remote.query(query, substitutions=acme)) == [
        (URIRef(KG + "acme"), URIRef(KG + "initech"))
    ]
    # A parameter used only in a FILTER: bound for the whole group, as Oxigraph binds it.
    since = {"since": Literal("2014-01-01", datatype=URIRef(XSD + "date"))}
    filtered = "SELECT ?c ?since WHERE { ?c eco:foundingDate ?d FILTER(?d >= ?since) }"
    got = rows(remote.query(filtered, substitutions=since))
    assert got == rows(local.query(filtered, substitutions=since))
    assert [r[0] for r in got] == [URIRef(KG + "globex"), URIRef(KG + "initech")]
    # A hostile literal is data, not syntax: it comes back whole and nothing was dropped.
    nasty = Literal('" } ; DROP ALL ; #\n')
    answer = remote.query("SELECT ?x WHERE { }", substitutions={"x": nasty})
    assert answer.rows == [(nasty,)]
    assert len(remote) == 28


@pytest.mark.slow
@pytest.mark.server
def test_errors_are_the_local_engines(remote: SparqlStore, local: OxigraphStore) -> None:
    bad = "SELECT ?s WHERE { ?s ?p }"
    with pytest.raises(QueryError) as there:
        remote.query(bad)
    with pytest.raises(QueryError) as here:
        local.query(bad)
    assert there.value.message == here.value.message
    # A variable the SELECT does not return is bound all the same, here as there.
    unprojected = "SELECT ?s WHERE { ?s ?p ?x }"
    there_rows = remote.query(unprojected, substitutions={"x": Literal(1)}).rows
    here_rows = local.query(unprojected, substitutions={"x": Literal(1)}).rows
    assert sorted(map(str, there_rows)) == sorted(map(str, here_rows))


@pytest.mark.slow
@pytest.mark.server
def test_update_and_reading_back(remote: SparqlStore) -> None:
    remote.update("INSERT DATA { kg:new a eco:Company }")
    assert remote.query("ASK { kg:new a eco:Company }").boolean is True
    triples = list(remote.triples())
    quads = list(remote.quads())
    assert len(triples) == 29 and len(quads) == 29
    assert sum(1 for q in quads if q.graph_name.value.endswith("/beta")) == 14


@pytest.mark.slow
@pytest.mark.server
def test_a_wrong_update_url_names_the_fix(server: str) -> None:
    store = SparqlStore(f"{server}/query")  # updates go to the query URL: Oxigraph refuses
    with pytest.raises(StoreError, match="refused the update") as err:
        store.replace(tiny_quads())
    assert err.value.hint is not None and "sparql:QUERY_URL,UPDATE_URL" in err.value.hint


def test_an_unreachable_server_is_a_store_error(runner, home: Path) -> None:  # type: ignore[no-untyped-def]
    from kg.cli import cli
    from tests.conftest import free_port

    spec = f"sparql:http://127.0.0.1:{free_port()}/query"
    result = runner.invoke(cli, ["query", "ASK { ?s ?p ?o }", "--store", spec])
    assert result.exit_code == 3, result.output
    assert "cannot reach the SPARQL server" in result.output


def test_a_spec_that_is_not_a_url_is_refused() -> None:
    from kg.store import open_store

    with pytest.raises(UsageError, match="not an http"):
        open_store("sparql:localhost:7878")


@pytest.mark.slow
def test_a_server_that_drips_bytes_meets_one_overall_deadline() -> None:
    """A server that sends its answer a byte a second resets every per-read timeout; the
    store gives the whole request one deadline (it hung for ever before)."""
    import socket
    import threading
    import time

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    stop = threading.Event()

    def drip() -> None:
        with contextlib.suppress(OSError):
            conn, _ = server.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    b"Content-Length: 1000\r\n\r\n"
                )
                while not stop.wait(0.5):
                    conn.sendall(b" ")

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    store = SparqlStore(f"http://127.0.0.1:{server.getsockname()[1]}/sparql", timeout=2)
    started = time.monotonic()
    try:
        with pytest.raises(StoreError) as err:
            store.query("SELECT * WHERE { ?s ?p ?o }")
        assert time.monotonic() - started < 3.5
        assert "did not answer within 2 s" in err.value.message
    finally:
        stop.set()
        server.close()
        thread.join(timeout=5)
