"""``make bench``: the generator is reproducible and shaped like the data, and the quick run
prints its table with every ratio computed. No timing is asserted: the figures belong to
benchmarks/RESULTS.md, measured by a full run."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from collections import Counter

import pyoxigraph as ox
import pytest

from benchmarks.generate import synthetic_quads
from benchmarks.run import (
    HEADERS,
    Line,
    NotParsed,
    Report,
    Seconds,
    bare_engine,
    bench_load,
    check_parsed,
    example_bindings,
    fitted_exponent,
    growth,
    growth_fit,
    measure_pair,
    strip_order_by,
    synthetic,
)
from kg.namespaces import ECO, SKOS
from kg.sparql.library import library
from tests.conftest import REPO

# rdflib warns about its own deprecated calls, thousands of times per query
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


def _digest(target: int, seed: int) -> str:
    return hashlib.sha256("".join(synthetic_quads(target, seed)).encode()).hexdigest()


def test_generator_is_reproducible_across_processes() -> None:
    here = _digest(3000, 7)
    code = (
        "import hashlib; from benchmarks.generate import synthetic_quads; "
        "print(hashlib.sha256(''.join(synthetic_quads(3000, 7)).encode()).hexdigest())"
    )
    # another process, another string-hash seed: set iteration order would change
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, env=env
    ).stdout.strip()
    assert here == there
    assert _digest(3000, 8) != here


def test_generator_makes_the_ecosystem_shape_at_the_asked_size() -> None:
    text = "".join(synthetic_quads(20_000, 1))
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.N_QUADS)
    quads = list(store)
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in quads)  # one graph per source
    merged = {(q.subject, q.predicate, q.object) for q in quads}
    assert 20_000 <= len(merged) < 20_000 * 1.05
    types = Counter(
        q.object.value.removeprefix(ECO) for q in quads if q.predicate.value.endswith("#type")
    )
    for cls in ("Company", "Product", "Category", "Acquisition", "Coalition", "Source"):
        assert types[cls] > 0, cls
    assert types["Product"] > types["Company"] > types["Acquisition"]
    broader = [q for q in quads if q.predicate.value == SKOS + "broader"]
    assert len(broader) == types["Category"]  # each synthetic category hangs in the tree
    # every acquisition is stated by a source of its own, and the merge is smaller than the
    # sum of the graphs (some facts are stated twice)
    acquisitions = {q.subject for q in quads if q.object.value == ECO + "Acquisition"}
    graphs = {q.graph_name for q in quads if q.subject in acquisitions}
    assert len(graphs) >= len(acquisitions)
    assert len(merged) < len(quads)


def test_ratios_read_as_times_faster_and_times_the_floor() -> None:
    line = Line("load", "1M", ours=2.0, baseline=30.0, floor=1.6)
    assert line.ratio == pytest.approx(15.0)
    assert line.to_floor == pytest.approx(1.25)
    cells = dict(zip(HEADERS, line.cells(), strict=True))
    assert cells["ratio"] == "15x" and cells["to floor"] == "1.25x"
    assert cells["spread"] == "-"
    assert Line("x", "10k", ours=None, baseline=1.0).ratio is None


def test_each_line_shows_the_spread_of_its_runs() -> None:
    line = Line("load", "1M", ours=Seconds([2.0, 1.5, 3.25]), baseline=30.0)
    cells = dict(zip(HEADERS, line.cells(), strict=True))
    assert cells["ours"] == "2.00 s"  # the median
    assert cells["spread"] == "1.50 s–3.25 s (3)"
    assert Line("x", "10k", ours=Seconds([0.5])).spread == "1 run"
    assert Line("x", "10k", ours=0.5).spread == "-"  # a figure without its runs


def test_ours_and_the_floor_are_timed_in_turn_quick_pairs_for_more_rounds() -> None:
    """A library query and its floor run round by round (a three-run median of each, one
    after the other, put a query at 1.93x its floor that measured 1.0x in turn)."""
    calls: list[str] = []

    def ours() -> str:
        calls.append("ours")
        return "answer"

    def floor() -> None:
        calls.append("floor")

    t_ours, answer, t_floor = measure_pair(ours, floor, repeats=3, budget=20.0)
    assert answer == "answer"
    assert calls[:4] == ["ours", "floor", "ours", "floor"]
    assert len(t_ours.samples) == len(t_floor.samples) == 15  # quick: more rounds
    calls.clear()
    measure_pair(ours, floor, repeats=1, budget=0.0)  # make bench --quick: once each
    assert calls == ["ours", "floor"]

    def slow() -> None:
        time.sleep(0.06)

    t_slow, _, _ = measure_pair(slow, slow, repeats=3, budget=20.0)
    assert len(t_slow.samples) == 3  # 0.12 s a round is not quick


def test_growth_exponent_is_the_slope_of_the_logs() -> None:
    linear = [(10_000, 0.01), (100_000, 0.1), (1_000_000, 1.0)]
    quadratic = [(10_000, 0.01), (100_000, 1.0), (1_000_000, 100.0)]
    assert fitted_exponent(linear) == pytest.approx(1.0)
    assert fitted_exponent(quadratic) == pytest.approx(2.0)
    assert fitted_exponent([(10_000, 0.01)]) is None
    report = Report(quick=True)
    report.triples = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
    for (_n, t), size in zip(quadratic, report.triples, strict=True):
        report.lines.append(Line("centrality pagerank (organizations)", size, t))
    for (_n, t), size in zip(linear, report.triples, strict=True):
        report.lines.append(Line("load (parse into a fresh store)", size, t))
        report.lines.append(Line("kg build with validation", size, 2 * t))
        report.lines.append(
            Line("projection organizations: memory of its graph", size, 9.0, unit="MB")
        )
    headers, rows = growth_fit(report)
    by_step = {row[0]: row for row in rows}
    assert headers[1:4] == ["10k", "100k", "1M"]
    assert by_step["centrality pagerank"][-2:] == ["2.00", "ABOVE LINEAR (k > 1.15)"]
    assert by_step["load (parse into memory)"][-2:] == ["1.00", "linear or less"]
    assert by_step["build (kg build)"][-2:] == ["1.00", "linear or less"]  # its line's start
    assert by_step["projection organizations"][-1] == "not measured at the synthetic sizes"
    report.lines = [line for line in report.lines if not line.operation.startswith("kg build")]
    assert growth_fit(report)[1][0][-1] == "not measured at the synthetic sizes"


@pytest.mark.slow
def test_the_load_line_times_a_parse_and_the_floor_is_the_bare_engine_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kg.store import open_dist

    data = synthetic("10k")
    report = Report(quick=True)
    store, _ds, _engine = bench_load(report, data)
    line = next(line for line in report.lines if line.operation.startswith("load"))
    assert line.size == "10k" and line.ours is not None and line.floor is not None
    # the store the line timed: in memory, holding every quad of the reload file
    assert store.path is None and not store.copy_on_write
    assert len(store.to_oxigraph()) == data.quads + data.triples
    check_parsed(store, data)
    # reopening the dist/ copy is not a parse, and a store missing quads is not the build
    with pytest.raises(NotParsed, match="not a parse"):
        check_parsed(open_dist(data.dist), data)
    partial = open_dist(data.dist, in_memory=True)
    partial.update("CLEAR DEFAULT")
    with pytest.raises(NotParsed, match="quads"):
        check_parsed(partial, data)
    # the floor of the queries: pyoxigraph's own Store, made without a path (in memory)
    made: list[tuple[object, ...]] = []
    real_store = ox.Store

    def recording(*args: object, **kwargs: object) -> ox.Store:
        made.append(args + tuple(kwargs.values()))
        return real_store(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ox, "Store", recording)
    engine = bare_engine(data.dist)
    assert made == [()]
    assert len(engine) == data.quads + data.triples


def test_growth_flags_a_query_that_grows_faster_than_the_data() -> None:
    rows = growth({"10k": {"a": 0.001, "b": 0.001}, "1M": {"a": 0.1, "b": 3.0}})
    by_name = {row[0]: row[-1] for row in rows}
    assert "CLIFF" not in by_name["a"]
    assert "CLIFF" in by_name["b"]


def test_example_bindings_come_from_the_query_header() -> None:
    queries = library()
    with_examples = {n: example_bindings(q) for n, q in queries.items()}
    assert any(with_examples.values())
    for name, found in with_examples.items():
        assert set(found) <= set(queries[name].params), name


def test_strip_order_by_keeps_limit() -> None:
    text = "SELECT ?x WHERE { ?x ?p ?o }\nORDER BY (!BOUND(?o)) STR(?o) ?x\nLIMIT 5"
    stripped = strip_order_by(text)
    assert "ORDER" not in stripped and "LIMIT 5" in stripped


def test_the_readme_quotes_the_results_of_the_last_run() -> None:
    """README's performance figures are RESULTS.md's, copied by benchmarks/readme.py: a hand
    edit of either side, or a new run not quoted, fails here."""
    from benchmarks import readme

    assert readme.main(["--check"]) == 0


def test_the_readme_block_lists_every_targeted_line_and_counts_failures() -> None:
    from benchmarks.readme import END, START, render, splice

    results = (
        "- **date**: 2026-01-01 00:00 UTC\n- **CPU**: test, 2 cores\n\n## Table\n\n"
        "| operation | size | ours | target | result |\n| --- | --- | --- | --- | --- |\n"
        "| load | 1M | 3 s | >=10x rdflib | FAIL |\n| query a | 1M | 1 ms | same rows | pass |\n"
        "| centrality | 1M | 1 s |  |  |\n\n## Growth\n\n| step | k |\n| --- | --- |\n"
        "| build | 1.02 |\n"
    )
    block = render(results)
    assert "| load | 1M | 3 s | >=10x rdflib | FAIL |" in block
    assert "query a" not in block and "centrality" not in block
    assert "the 1 lines with a target, 1 of them failing" in block
    assert "1 query lines check that our rows equal rdflib's (0 failing)" in block
    assert "| build | 1.02 |" in block
    assert splice(f"a\n{START}\nold\n{END}\nb", block) == f"a\n{block}\nb"
    with pytest.raises(ValueError, match="markers"):
        splice("no markers here", block)


def _data_10k():  # type: ignore[no-untyped-def]
    from benchmarks.run import synthetic

    return synthetic("10k")


@pytest.mark.slow
def test_betweenness_and_derivation_lines() -> None:
    """benchmarks/analysis.py and validation.py: at 10k, exact betweenness agrees with
    NetworkX (the line says so, and does not fail), and the derivation line counts quads."""
    from benchmarks import analysis, validation
    from benchmarks.run import Report

    report = Report(quick=True)
    data = _data_10k()
    analysis.bench_betweenness(report, data)
    validation.bench_derivation(report, data)
    between, derive = report.lines
    assert between.passed is not False and "exact" in between.note
    assert "max abs difference" in between.note and between.baseline is not None
    assert re.search(r"[\d,]+ derived quads for [\d,]+ triples", derive.note)


@pytest.mark.slow
def test_analysis_and_build_lines_run_whole_processes() -> None:
    """The whole-process lines at 10k: four commands against the floor script, and a build
    with validation whose peak memory is measured."""
    from benchmarks import analysis, validation
    from benchmarks.run import Report

    report = Report(quick=True)
    data = _data_10k()
    analysis.bench_analysis_cli(report, data)
    validation.bench_build(report, data)
    names = [line.operation for line in report.lines]
    assert names[:4] == [
        "CLI: kg centrality --metric pagerank (organizations)",
        "CLI: kg centrality --metric betweenness (organizations)",
        "CLI: kg communities (organizations)",
        "CLI: kg export --to graphml (organizations)",
    ]
    assert all(line.floor and line.ours for line in report.lines[:4])
    # Each command's floor runs the same algorithm (PageRank's floor for export, the issue's)
    floors = [line.note.split("floor: ")[1] for line in report.lines[:4]]
    assert "nx.pagerank" in floors[0] and "nx.pagerank" in floors[3]
    assert "igraph's exact betweenness" in floors[1] and "Louvain" in floors[2]
    assert "to the PageRank floor" in report.lines[1].note
    assert report.lines[0].floor == report.lines[3].floor != report.lines[1].floor
    assert "kg build with validation" in names
    assert all("peak" in line.note for line in report.lines)


def test_a_whole_process_peak_is_its_own_not_the_benchmarks() -> None:
    """Linux carries a process's peak memory across exec: a command started straight from a
    large benchmark process reported the benchmark's size (5 GB at 1M for every command)."""

    from benchmarks.analysis import run_measured

    parent = bytearray(400 * 2**20)
    parent[::4096] = b"1" * len(parent[::4096])  # resident, not just reserved
    child = "x = bytearray(100 * 2**20); x[::4096] = b'1' * len(x[::4096])"
    seconds, peak = run_measured([sys.executable, "-c", child], dict(os.environ))
    assert 100 * 2**20 < peak < 300 * 2**20
    assert 0 < seconds < 30
    del parent
