"""Analysis lines of ``make bench`` (issue 17): whole ``kg centrality``, ``kg communities`` and
``kg export`` processes against a floor script, and exact betweenness by igraph against
NetworkX.

Called by :func:`benchmarks.run.bench_size` with the data set of each size::

    from benchmarks import analysis as analysis_bench
    analysis_bench.bench_analysis_cli(report, data)
    analysis_bench.bench_betweenness(report, data)

The floor is the least a program must do to answer the same question: open the build's
Oxigraph copy, SELECT the organisation-to-organisation edges of the organizations view and run
the same algorithm by the same library (:data:`FLOOR_SCRIPT`): ``networkx.pagerank`` for
``kg centrality --metric pagerank`` (the issue's floor) and for ``kg export``, igraph's exact
betweenness for ``--metric betweenness``, NetworkX's Louvain with the same seed for
``kg communities``. (Until the third round every command had PageRank's floor: betweenness and
Louvain cost more than PageRank itself, whatever the program around them.)

Every command is run once before it is timed: the first run of a build projects the view and
caches it in the build (:func:`kg.views.cache_path`), which the note reports; the timed runs
are what every later command of that build costs. Commands run as installed, byte code cached.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import ORG_VIEW, Data, Line, Report, as_installed, measure
from kg.analysis.metrics import SEED

#: Whole processes are within this many times the floor (issue 17).
FLOOR_FACTOR = 2.0
#: Exact betweenness of the organizations view at 1M (igraph; was 25-29 s sampled).
BETWEENNESS_TARGET = 10.0
#: NetworkX's exact betweenness is run as the baseline up to this many nodes (minutes above).
NX_EXACT_MAX_NODES = 12_000

FLOOR_SCRIPT = '''\
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

dist = Path(sys.argv[1])
current = dist / "current"
folder = dist / __import__("os").readlink(current) if current.is_symlink() else dist
store = ox.Store.read_only(str(folder / "kg.oxigraph"))
query = """PREFIX eco: <https://w3id.org/container-kg/ontology#>
SELECT DISTINCT ?a ?b WHERE {
  { ?e eco:acquirer ?a ; eco:acquired ?b } UNION { ?e eco:member ?a ; eco:formed ?b }
  UNION { ?e eco:investor ?a ; eco:organization ?b }
  VALUES ?t { eco:Organization eco:Company eco:Investor eco:Consortium }
  VALUES ?u { eco:Organization eco:Company eco:Investor eco:Consortium }
  ?a a ?t . ?b a ?u }"""
edges = [(row[0].value, row[1].value) for row in store.query(query)]
metric = sys.argv[2]
if metric == "pagerank":
    graph = nx.DiGraph(edges)
    print(len(nx.pagerank(graph)))
elif metric == "betweenness":
    sys.modules["matplotlib"] = None  # as kg does: igraph would import it (1.3 s) to draw
    import igraph

    graph = igraph.Graph.TupleList(edges, directed=False)
    graph.simplify()
    print(len(graph.betweenness(directed=False)))
else:
    graph = nx.Graph(edges)
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    print(len(nx.community.louvain_communities(graph, seed=int(sys.argv[3]))))
'''


#: The floor script's algorithm for each command, and how the note names it. ``kg export``
#: keeps the issue's floor, PageRank's (writing the view is less work than running it).
FLOOR_WORK = {
    "pagerank": "nx.pagerank",
    "betweenness": "igraph's exact betweenness",
    "communities": f"NetworkX's Louvain (seed {SEED})",
}
COMMAND_FLOOR = {
    "kg centrality --metric pagerank": "pagerank",
    "kg centrality --metric betweenness": "betweenness",
    "kg communities": "communities",
    "kg export --to graphml": "pagerank",
}


def _kg() -> list[str]:
    kg_cmd = Path(sys.executable).with_name("kg")
    return [str(kg_cmd)] if kg_cmd.exists() else [sys.executable, "-m", "kg"]


def _workspace(data: Data) -> Path:
    """The KG_HOME whose ``dist/`` is the data set's build."""
    return data.workspace if data.workspace is not None else data.dist.parent


#: Runs a command and writes its wall time and peak memory (KiB) to a file. Linux keeps a
#: process's peak across exec: a command started straight from the benchmark (gigabytes by
#: 1M) would report the benchmark's own size; started from this small process, it reports
#: its own. The time is taken here too, so that this process's start is not counted.
_LAUNCHER = """\
import os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_pid, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - t0
with open(sys.argv[1], "w") as fh:
    fh.write(f"{elapsed!r} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``cmd``; its wall time and its own peak memory (bytes), measured by a small
    launcher process (:data:`_LAUNCHER`)."""
    with tempfile.TemporaryDirectory(prefix="kg-bench-run-") as tmp:
        out = Path(tmp) / "measured"
        launcher = [sys.executable, "-c", _LAUNCHER, str(out)]
        proc = subprocess.run([*launcher, *cmd], env=env, check=False)
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, cmd)
        elapsed, kib = out.read_text().split()
    return float(elapsed), float(int(kib) * 1024)  # KiB on Linux


def _timed(cmd: list[str], env: dict[str, str], rounds: int) -> tuple[float, float]:
    """The median wall time of ``cmd`` over ``rounds`` runs, and the largest peak memory."""
    runs = [run_measured(cmd, env) for _ in range(max(rounds, 1))]
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def bench_analysis_cli(report: Report, data: Data) -> None:
    """``kg centrality`` (pagerank, betweenness), ``kg communities`` and ``kg export`` as
    whole processes on the data set's build, each against the floor script."""
    home = _workspace(data)
    env = {**os.environ, "KG_HOME": str(home)}
    env.pop("KG_STORE", None)
    rounds = 1 if report.quick else 3
    with tempfile.TemporaryDirectory(prefix="kg-bench-analysis-") as tmp:
        as_installed(env, Path(tmp) / "pycache")
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text(FLOOR_SCRIPT)
        floors: dict[str, float] = {}
        for metric in FLOOR_WORK:
            floor_cmd = [sys.executable, str(floor_script), str(data.dist), metric, str(SEED)]
            subprocess.run(floor_cmd, env=env, check=True, stdout=subprocess.DEVNULL)  # warm
            floors[metric], _ = _timed(floor_cmd, env, rounds)
        commands = {
            "kg centrality --metric pagerank": ["centrality", "--metric", "pagerank"],
            "kg centrality --metric betweenness": ["centrality", "--metric", "betweenness"],
            "kg communities": ["communities"],
            "kg export --to graphml": ["export", "--to", "graphml", "--out",
                                       str(Path(tmp) / "view.graphml")],
        }  # fmt: skip
        for i, (name, args) in enumerate(commands.items()):
            metric = COMMAND_FLOOR[name]
            cmd = [*_kg(), *args, "--view", ORG_VIEW]
            first, _ = run_measured(cmd, env)
            ours, peak = _timed(cmd, env, rounds)
            note = (
                f"first run {first:.2f} s"
                + (" (projects the view and caches it in the build)" if i == 0 else "")
                + f"; peak {peak / 2**20:.0f} MiB; floor: SELECT the org-org edges with "
                f"pyoxigraph + {FLOOR_WORK[metric]}"
            )
            if metric != "pagerank":
                note += f" (to the PageRank floor: {ours / floors['pagerank']:.2f}x)"
            line = Line(
                f"CLI: {name} ({ORG_VIEW})",
                data.name,
                ours,
                floor=floors[metric],
                target=f"<= {FLOOR_FACTOR:g}x floor",
                note=note,
            )
            if not report.quick:
                line.passed = ours <= FLOOR_FACTOR * floors[metric]
            report.add(line)


def bench_betweenness(report: Report, data: Data) -> None:
    """Exact betweenness of the organizations view by kg.analysis (igraph), against
    NetworkX's exact betweenness where it finishes in reasonable time; the numbers must
    agree."""
    import networkx as nx

    from kg.analysis import centrality
    from kg.analysis.metrics import path_work, undirected
    from kg.store import open_dist
    from kg.views import project

    graph = project(open_dist(data.dist), ORG_VIEW)
    simple = undirected(graph)
    plan = report.plan(data.name)
    seconds, scores = measure(
        lambda: centrality(graph, "betweenness"), repeats=plan.repeats, budget=plan.budget
    )
    n = simple.number_of_nodes()
    line = Line(
        f"betweenness, exact by igraph ({ORG_VIEW})",
        data.name,
        seconds,
        target=f"exact, < {BETWEENNESS_TARGET:g} s" if data.name == "1M" else "exact",
        note=f"{n:,} nodes, {simple.number_of_edges():,} edges, path work "
        f"{path_work(simple):.2g}; {scores.method}",
    )
    if n <= NX_EXACT_MAX_NODES:
        t0 = time.perf_counter()
        exact = nx.betweenness_centrality(simple, normalized=True)
        line.baseline = time.perf_counter() - t0
        worst = max((abs(scores[k] - exact[k]) for k in exact), default=0.0)
        line.note += f"; baseline: NetworkX exact, max abs difference {worst:.1g}"
        agree = worst < 1e-9
    else:
        line.note += "; NetworkX exact not run (minutes at this size)"
        agree = True
    if not report.quick:
        line.passed = (
            scores.method == "exact"
            and agree
            and (data.name != "1M" or seconds < BETWEENNESS_TARGET)
        )
    elif not agree:
        line.passed = False
    report.add(line)
