"""kg.store: one spec per store, and the same answers from each.

The query library runs on the three stores: ``memory``, ``oxigraph:PATH`` (reopened read-only,
as later commands open it) and ``sparql:`` (a real Oxigraph server on loopback), all holding
the curated graph.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef

from kg.cli import cli
from kg.errors import StoreError, UsageError
from kg.namespaces import KG, XSD
from kg.query import execute
from kg.sparql.library import example_bindings, library
from kg.store import OxigraphStore, Store, open_store
from kg.store.terms import from_ox, normalise, to_ox
from tests.conftest import oxigraph_server

DECIMAL = URIRef(XSD + "decimal")


# --- terms ---------------------------------------------------------------------------------


def test_numbers_and_strings_have_one_form() -> None:
    assert normalise(Literal("77.0", datatype=DECIMAL)) == normalise(
        Literal("77", datatype=DECIMAL)
    )
    assert str(normalise(Literal("77.0", datatype=DECIMAL))) == "77"
    assert normalise(Literal("x", datatype=URIRef(XSD + "string"))) == Literal("x")
    assert normalise(Literal("x", lang="en")) == Literal("x", lang="en")
    assert str(normalise(Literal("1.50", datatype=DECIMAL))) == "1.5"
    assert normalise(Literal("007", datatype=URIRef(XSD + "integer"))) == Literal(7)


def test_terms_round_trip_through_oxigraph() -> None:
    for term in (URIRef(KG + "docker"), Literal("a\nb"), Literal("x", lang="en"), Literal(5)):
        assert from_ox(to_ox(term)) == normalise(term)


# --- opening -------------------------------------------------------------------------------


def test_specs_are_checked(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown store"):
        open_store("postgres:db")
    with pytest.raises(StoreError, match="no Oxigraph store") as err:
        open_store(f"oxigraph:{tmp_path / 'absent'}")
    assert err.value.hint is not None and "kg build --store oxigraph:" in err.value.hint


def test_kg_store_names_the_default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ox"
    OxigraphStore(path).close()
    monkeypatch.setenv("KG_STORE", f"oxigraph:{path}")
    assert open_store().spec == f"oxigraph:{path}"


def test_readers_share_a_store_a_writer_holds(tmp_path: Path) -> None:
    """Reading takes no lock: a query works while another process holds the store open for
    writing; a second writer is told the store is busy."""
    path = tmp_path / "ox"
    store = OxigraphStore(path)
    store.add(
        [
            ox.Quad(
                ox.NamedNode(KG + "a"),
                ox.NamedNode(KG + "b"),
                ox.Literal("c"),
                ox.NamedNode(KG + "g"),
            )
        ]
    )
    store.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); "
            "print('ready', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        reader = open_store(f"oxigraph:{path}")
        assert reader.query("SELECT ?o WHERE { kg:a kg:b ?o }").rows == [(Literal("c"),)]
        with pytest.raises(StoreError, match="being written by another process"):
            open_store(f"oxigraph:{path}", create=True)
        with pytest.raises(StoreError, match="being written by another process"):
            reader.update("INSERT DATA { GRAPH kg:g { kg:a kg:b 'd' } }")
        reader.close()
    finally:
        holder.communicate("")
    assert holder.returncode == 0


def test_a_read_only_store_reopens_for_an_update(tmp_path: Path) -> None:
    path = tmp_path / "ox"
    OxigraphStore(path).close()
    store = open_store(f"oxigraph:{path}")
    assert getattr(store, "read_only", None) is True
    execute(store, "INSERT DATA { GRAPH kg:g { kg:a kg:b 'c' } }", allow_update=True)
    assert store.query("ASK { kg:a kg:b 'c' }").boolean is True
    store.close()
    assert open_store(f"oxigraph:{path}").query("ASK { GRAPH kg:g { kg:a kg:b 'c' } }").boolean


# --- the CLI on a persistent store ---------------------------------------------------------


@pytest.mark.slow
def test_build_loads_the_store_and_later_commands_reopen_it(
    runner, home: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from kg.cli import cli

    spec = f"oxigraph:{tmp_path / 'kg.oxigraph'}"
    dist = tmp_path / "dist"
    built = runner.invoke(cli, ["build", "--no-validate", "--out", str(dist), "--store", spec])
    assert built.exit_code == 0, built.output
    assert f"loaded into {spec}" in built.output
    memory = runner.invoke(cli, ["stats", "--format", "json"], env={"KG_HOME": str(tmp_path)})
    # Nothing is parsed: with dist/ gone, the store alone answers, by --store or $KG_STORE.
    shutil.rmtree(dist)
    stored = runner.invoke(cli, ["stats", "--format", "json", "--store", spec])
    assert stored.exit_code == 0, stored.output
    assert stored.output == memory.output
    by_env = runner.invoke(
        cli,
        ["query", "acquisitions-by", "-p", "acquirer", "kg:docker", "-f", "csv"],
        env={"KG_STORE": spec},
    )
    assert by_env.exit_code == 0, by_env.output
    assert "https://w3id.org/container-kg/id/socketplane" in by_env.output


# --- the same answers on every store -------------------------------------------------------


@pytest.fixture(scope="module")
def stores(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    """The curated graph in each kind of store."""
    from kg.graph import KnowledgeGraph

    memory = KnowledgeGraph.load(dist=workspace / "dist").store
    quads = list(memory.quads())
    path = tmp_path_factory.mktemp("stores") / "kg.oxigraph"
    writer = OxigraphStore(path)
    writer.replace(quads)
    writer.close()
    with oxigraph_server(tmp_path_factory.mktemp("stores-server") / "db") as url:
        remote = open_store(f"sparql:{url}/query,{url}/update")
        remote.replace(quads)
        yield {"memory": memory, "oxigraph": open_store(f"oxigraph:{path}"), "sparql": remote}
        remote.close()


def _cases() -> list[tuple[str, dict[str, str]]]:
    cases = []
    for entry in library().values():
        examples = example_bindings(entry) or [{}]
        for bindings in examples:
            cases.append((entry.name, bindings))
    return cases


def _key(row: tuple[object, ...]) -> tuple[object, ...]:
    return tuple("_:b" if isinstance(t, BNode) else normalise(t) for t in row)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.parametrize(
    ("name", "bindings"),
    _cases(),
    ids=[f"{n}{'-' + '-'.join(b) if b else ''}" for n, b in _cases()],
)
def test_the_library_answers_alike_on_every_store(
    stores: dict[str, Store], name: str, bindings: dict[str, str]
) -> None:
    entry = library()[name]
    missing = [p for p in entry.required if p not in bindings]
    assert not missing, f"{name}: add an '# example:' line with -p {missing[0]} VALUE"
    answers = {kind: execute(store, name, bindings=bindings) for kind, store in stores.items()}
    reference = answers["memory"]
    ordered = re.search(r"\bORDER\s+BY\b", entry.text, re.I) is not None
    for kind, answer in answers.items():
        assert answer.kind == reference.kind and answer.vars == reference.vars, kind
        assert answer.boolean == reference.boolean, kind
        got = [_key(row) for row in answer.rows]
        expected = [_key(row) for row in reference.rows]
        if ordered:
            assert got == expected, (
                f"{name} on {kind}: rows differ (or its ORDER BY leaves ties: add a tie-breaker)"
            )
        else:
            assert sorted(got, key=repr) == sorted(expected, key=repr), f"{name} on {kind}"
        assert sorted(map(_key, answer.triples), key=repr) == sorted(
            map(_key, reference.triples), key=repr
        ), f"{name} on {kind}"


@pytest.mark.slow
@pytest.mark.server
def test_the_stores_hold_the_same_graph(stores: dict[str, Store]) -> None:
    sizes = {kind: len(store) for kind, store in stores.items()}
    assert len(set(sizes.values())) == 1, sizes
    graphs = {kind: store.graphs() for kind, store in stores.items()}
    assert graphs["oxigraph"] == graphs["memory"] == graphs["sparql"]
    docker = execute(stores["sparql"], "acquisitions-by", bindings={"acquirer": "kg:docker"})
    assert URIRef(KG + "socketplane") in {row[docker.vars.index("acquired")] for row in docker.rows}


def test_a_row_cap_stops_the_engine_not_only_the_output(kg_graph) -> None:  # type: ignore[no-untyped-def]
    """A cross product of the whole graph three times over has about 10^11 rows; with a cap of
    5 the engine stops after the sixth (the sixth says there were more)."""
    import time

    runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.perf_counter()
    answer = kg_graph.store.query(runaway, limit=5)
    assert len(answer.rows) == 5 and answer.truncated
    assert time.perf_counter() - started < 2.0
    small = kg_graph.store.query("SELECT ?c WHERE { ?c a eco:Consortium }", limit=1000)
    assert not small.truncated and 0 < len(small.rows) < 1000


def test_cli_limit_bounds_the_work(home, runner) -> None:  # type: ignore[no-untyped-def]
    import time

    started = time.perf_counter()
    result = runner.invoke(
        cli,
        ["query", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--limit", "3", "-f", "csv"],
    )
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 4
    assert time.perf_counter() - started < 5.0


def test_written_n_quads_and_n_triples_are_the_quads_serialised_one_by_one() -> None:
    import io

    from kg.sources import curated_files, read_sources

    store = read_sources(curated_files())
    engine = store.to_oxigraph()
    expected = {
        "nq": ox.serialize(engine.quads_for_pattern(None, None, None, None), None,
                           ox.RdfFormat.N_QUADS),
        "nt": ox.serialize((q.triple for q in store.all_quads()
                            if isinstance(q.graph_name, ox.DefaultGraph)), None,
                           ox.RdfFormat.N_TRIPLES),
    }  # fmt: skip
    for fmt, want in expected.items():
        out = io.BytesIO()
        store.write(out, fmt)
        assert out.getvalue() == want and len(want) > 100_000


def test_bulk_add_keeps_blank_nodes_and_other_graphs_as_add_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ex = "https://example.org/"
    g, h = ox.NamedNode(ex + "g"), ox.NamedNode(ex + "h")
    blank = ox.BlankNode()
    quads = [
        # chunks of two: read back as N-Quads; with blank nodes; of another graph
        ox.Quad(
            ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.Literal(f"x <{g.value}> .\n"), g
        ),
        ox.Quad(ox.NamedNode(ex + "c"), ox.NamedNode(ex + "p"), ox.Literal("z"), g),
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), blank, g),
        ox.Quad(blank, ox.NamedNode(ex + "p"), ox.Literal("_:b"), g),
        ox.Quad(ox.NamedNode(ex + "b"), ox.NamedNode(ex + "p"), ox.Literal("y"), h),
    ]
    monkeypatch.setattr("kg.store.oxigraph._CHUNK", 2)
    by_quad, in_bulk = OxigraphStore(), OxigraphStore()
    by_quad.add(quads)
    in_bulk.bulk_add(quads, graph=g.value)
    assert set(in_bulk.all_quads()) == set(by_quad.all_quads())
    assert len(set(by_quad.all_quads())) == 10


def test_the_on_disk_copy_written_in_parts_holds_every_quad(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.sources import curated_files, read_sources

    store = read_sources(curated_files())
    monkeypatch.setattr("kg.store.oxigraph._COPY_PART", 1000)
    store.save_copy(tmp_path / "copy")
    copy = OxigraphStore.from_copy(tmp_path / "copy")
    expected = set(store.all_quads())
    assert len(expected) > 3000  # several parts
    assert set(copy.all_quads()) == expected
    copy.close()


@pytest.mark.parametrize(
    "use",
    [
        "from kg.store.terms import from_ox; from_ox(bad)",
        "from kg.store.terms import normalise; normalise(None)",
    ],
)
def test_an_ill_typed_literal_in_the_data_logs_nothing(use: str) -> None:
    """rdflib logs a traceback for a date that is no date: user data (validation reports
    it), so the project quietens it wherever it hands data to rdflib, not on import."""
    code = (
        "import sys, pyoxigraph as ox\n"
        "from kg.namespaces import XSD\n"
        "bad = ox.Literal('2016-02-30', datatype=ox.NamedNode(XSD + 'date'))\n"
        "import kg.store.terms\n"
        "assert 'logging' not in sys.modules  # quietened when used, not on import\n"
        f"{use}\n"
        "from rdflib import Literal, URIRef\n"
        "Literal('2016-02-31', datatype=URIRef(XSD + 'date'))  # after: quiet too\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # without it, rdflib does log: the test can fail
    loud = subprocess.run(
        [sys.executable, "-c", "from rdflib import Literal, URIRef, XSD\n"
         "Literal('2016-02-30', datatype=XSD.date)"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert "Failed to convert Literal" in loud.stderr


# --- the engine's union default graph ---------------------------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
_TERMS = [
    ox.NamedNode("urn:a"),
    ox.BlankNode("b0"),
    ox.Literal("x"),
    ox.Literal("x", language="en"),
    ox.Literal("1", datatype=ox.NamedNode(_XSD + "integer")),
    ox.Literal("1.5", datatype=ox.NamedNode(_XSD + "decimal")),
    ox.Literal("1.0E0", datatype=ox.NamedNode(_XSD + "double")),
    ox.Literal("1", datatype=ox.NamedNode(_XSD + "int")),
    ox.Literal("2", datatype=ox.NamedNode(_XSD + "long")),
    ox.Literal("1.5", datatype=ox.NamedNode(_XSD + "float")),
    None,
]


@given(st.lists(st.lists(st.sampled_from(_TERMS), min_size=1, max_size=4), max_size=6))
def test_answers_find_a_number_to_canonicalise_as_the_per_term_rule_does(rows: list) -> None:
    from kg.store.terms import any_not_canonical, not_canonical

    rows = [tuple(row) for row in rows]
    assert any_not_canonical(rows) == any(not_canonical(t) for row in rows for t in row)


def test_the_engine_still_counts_a_triple_of_two_graphs_twice_in_their_union() -> None:
    """Why the build stores the merged default graph (named graphs + their merge, twice the
    quads): the engine's union of named graphs is a bag. Oxigraph fixed this upstream
    (oxigraph/oxigraph#1919, pull request #1920, merged after pyoxigraph 0.5.13); when this
    fails, the installed engine deduplicates, and the stored merge can give way to
    ``use_default_graph_as_union`` (half the memory and the load time at 1M triples)."""
    engine = ox.Store()
    engine.update(
        "INSERT DATA { GRAPH <urn:g1> { <urn:s> <urn:p> 10 } "
        "GRAPH <urn:g2> { <urn:s> <urn:p> 10 } }"
    )
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:p> ?o }"
    (row,) = list(engine.query(count, use_default_graph_as_union=True))
    assert row[0].value == "2", "the engine's union is a set now: see this test's docstring"
