"""Analysis (kg/analysis.py) and its commands: centralities checked against values worked
out by hand, Louvain communities, scores written back as triples a query sorts by, and the
`kg centrality`, `kg communities` and `kg export` commands."""

from __future__ import annotations

import csv
import doctest
import io
import json
import shutil
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from kg import analysis
from kg.analysis import (
    METRICS,
    PROPERTIES,
    centrality,
    communities,
    describe_communities,
    ranking,
    write_scores,
)
from kg.analysis.metrics import directed, path_work, undirected
from kg.build import build
from kg.cli import cli
from kg.errors import UsageError
from kg.namespaces import ECO, KG
from kg.sources import SourceFile, ontology_files, read_sources
from kg.store import OxigraphStore
from kg.views import project
from tests.conftest import FIXTURES

TINY = FIXTURES / "analysis" / "tiny.trig"


def t(name: str) -> str:
    return KG + "t-" + name


@pytest.fixture(scope="module")
def tiny_orgs() -> nx.MultiDiGraph:
    store = read_sources([*ontology_files(), SourceFile(TINY, None)])
    return project(store, "organizations")


def by_name(scores: dict[str, float]) -> dict[str, float]:
    return {k.removeprefix(KG + "t-"): round(v, 6) for k, v in scores.items()}


# --- small graphs, scores by hand -------------------------------------------------------------


def test_path_betweenness_and_closeness() -> None:
    """a - b - c: b lies on the one path between a and c (normalised by the one pair:
    1.0); closeness is (n-1) / sum of distances: b 2/2, a and c 2/3."""
    path = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    assert centrality(path, "betweenness") == {"a": 0.0, "b": 1.0, "c": 0.0}
    assert centrality(path, "closeness") == pytest.approx({"a": 2 / 3, "b": 1.0, "c": 2 / 3})


def test_star_degree_and_eigenvector() -> None:
    """A hub with three leaves: degree 3/3 and 1/3; the principal eigenvector of the star
    K(1,3) is (sqrt 3, 1, 1, 1) / sqrt 6: hub 1/sqrt 2, leaves 1/sqrt 6."""
    star = nx.MultiDiGraph([("hub", "a"), ("hub", "b"), ("hub", "c")])
    assert centrality(star, "degree") == pytest.approx(
        {"hub": 1.0, "a": 1 / 3, "b": 1 / 3, "c": 1 / 3}
    )
    eig = centrality(star, "eigenvector")
    assert eig["hub"] == pytest.approx(2**-0.5, abs=1e-5)
    assert eig["a"] == pytest.approx(6**-0.5, abs=1e-5)


def test_pagerank_two_nodes() -> None:
    """a -> b, b dangling (its rank spread evenly): a = 0.15/2 + 0.85 b/2 and a + b = 1
    give a = 0.5/1.425 = 0.350877, b = 0.649123."""
    pr = centrality(nx.MultiDiGraph([("a", "b")]), "pagerank")
    assert pr == pytest.approx({"a": 0.5 / 1.425, "b": 1 - 0.5 / 1.425}, abs=1e-6)


def test_pagerank_follows_weights() -> None:
    """a -> b (weight 3), a -> c (weight 1), b and c dangling: a = 0.05 + 0.85 (1 - a)/3
    gives a = 0.259740; b = 0.05 + 0.85 (0.75 a + (1 - a)/3) = 0.425325; c = 0.314935."""
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", weight=3.0)
    g.add_edge("a", "c", weight=1.0)
    pr = centrality(g, "pagerank")
    assert pr == pytest.approx({"a": 0.259740, "b": 0.425325, "c": 0.314935}, abs=1e-5)


def test_in_and_out_degree_follow_directions() -> None:
    g = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("c", "b")])  # a parallel edge counts once
    assert centrality(g, "in-degree") == {"a": 0.0, "b": 1.0, "c": 0.0}
    assert centrality(g, "out-degree") == {"a": 0.5, "b": 0.0, "c": 0.5}


def test_tiny_organizations_by_hand(tiny_orgs: nx.MultiDiGraph) -> None:
    """The organizations view of tests/fixtures/analysis/tiny.trig (see test_views.py): six
    organisations and the second pact (a coalition that formed nothing, so a node); 9 edges.

    Neighbours: alpha 4 (beta, found, pact-2, fund), beta 2 (alpha, found), gamma 3 (delta,
    found, pact-2), delta 2 (gamma, found), fund 1 (alpha), found 4 (beta, alpha, gamma,
    delta), pact-2 2 (alpha, gamma); degree = neighbours / 6.
    In-edges from: alpha 1 (fund), beta 2 (alpha, found), gamma 1 (delta), delta 0, fund 0,
    found 3 (its members), pact-2 2. Out-edges to: alpha 3, beta 0, gamma 2, delta 2, fund 1,
    found 1 (beta), pact-2 0.
    Betweenness (shortest paths between others, normalised by 2/(6*5) = 1/15): alpha is on
    every path from fund (5: to beta, found, pact-2 alone; to gamma and delta with found or
    pact-2), on beta-pact-2 (1) and on one of the two found-pact-2 paths (1/2): 6.5. found is
    on beta-gamma, beta-delta, alpha-delta and fund-delta (4), half of alpha-gamma and of
    fund-gamma (1): 5. gamma: delta-pact-2 (1), half of found-pact-2: 1.5. pact-2: half of
    alpha-gamma and of fund-gamma: 1.
    Closeness = 6 / sum of distances: alpha and found 6/8, beta, gamma and pact-2 6/10,
    delta 6/11, fund 6/13.
    Without the co-member pairs (alpha-gamma-delta before issue 15), alpha and the
    Foundation lead together, and the pact is a broker of its own.
    """
    degree = by_name(centrality(tiny_orgs, "degree"))
    assert degree == pytest.approx(
        {"alpha": 4 / 6, "beta": 2 / 6, "gamma": 3 / 6, "delta": 2 / 6, "fund": 1 / 6,
         "found": 4 / 6, "pact-2": 2 / 6},
        abs=1e-6,
    )  # fmt: skip
    assert by_name(centrality(tiny_orgs, "in-degree")) == pytest.approx(
        {"alpha": 1 / 6, "beta": 2 / 6, "gamma": 1 / 6, "delta": 0.0, "fund": 0.0,
         "found": 3 / 6, "pact-2": 2 / 6},
        abs=1e-6,
    )  # fmt: skip
    assert by_name(centrality(tiny_orgs, "out-degree")) == pytest.approx(
        {"alpha": 3 / 6, "beta": 0.0, "gamma": 2 / 6, "delta": 2 / 6, "fund": 1 / 6,
         "found": 1 / 6, "pact-2": 0.0},
        abs=1e-6,
    )  # fmt: skip
    assert by_name(centrality(tiny_orgs, "betweenness")) == pytest.approx(
        {"alpha": 6.5 / 15, "beta": 0.0, "gamma": 1.5 / 15, "delta": 0.0, "fund": 0.0,
         "found": 5 / 15, "pact-2": 1 / 15},
        abs=1e-6,
    )  # fmt: skip
    assert by_name(centrality(tiny_orgs, "closeness")) == pytest.approx(
        {"alpha": 6 / 8, "beta": 6 / 10, "gamma": 6 / 10, "delta": 6 / 11, "fund": 6 / 13,
         "found": 6 / 8, "pact-2": 6 / 10},
        abs=1e-6,
    )  # fmt: skip
    # PageRank: nothing links to fund or delta, and beta and the pact have no way out, so
    # fund and delta get only the teleport share and their part of the dangling spread.
    pr = centrality(tiny_orgs, "pagerank")
    assert sum(pr.values()) == pytest.approx(1.0)
    spread = 0.85 * (pr[t("beta")] + pr[t("pact-2")]) / 7
    assert pr[t("fund")] == pytest.approx(0.15 / 7 + spread, abs=1e-6)
    assert pr[t("delta")] == pytest.approx(pr[t("fund")], abs=1e-9)
    assert min(pr.values()) == pytest.approx(pr[t("fund")], abs=1e-9)


def test_symmetric_relation_counts_once() -> None:
    """A relation stored both ways under one key (a symmetric relation) is one tie of its
    weight in the undirected graph, and an edge each way in the directed one; another
    relation between the same pair adds its own weight."""
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="co", weight=2.0)
    g.add_edge("b", "a", key="co", weight=2.0)
    g.add_edge("a", "b", key="deal", weight=1.0)
    u = undirected(g)
    assert u.number_of_edges() == 1 and u.edges["a", "b"]["weight"] == 3.0
    d = directed(g)
    assert d.edges["a", "b"]["weight"] == 3.0
    assert d.edges["b", "a"]["weight"] == 2.0


@pytest.mark.slow
def test_memberships_go_through_the_coalition_node(kg_graph: Any) -> None:
    """The curated organizations view has no co-member pairs: each member has one edge to
    the foundation, so a foundation's degree counts its members, and a company's counts its
    own deals and memberships, not the other members."""
    g = kg_graph.to_networkx("organizations")
    relations = {d["relation"] for *_e, d in g.edges(data=True)}
    assert "co-member" not in relations and "member of" in relations
    cncf = KG + "cncf"
    members = {u for u, _v, d in g.in_edges(cncf, data=True) if d["relation"] == "member of"}
    assert len(members) >= 20
    google = KG + "google"
    neighbours = set(g.successors(google)) | set(g.predecessors(google))
    assert len(neighbours) < len(members)  # not every other founding member
    pr = centrality(g, "pagerank")
    top = sorted(pr, key=pr.__getitem__, reverse=True)[:5]
    assert cncf in top


def test_every_metric_on_empty_and_single_node_graphs() -> None:
    one = nx.MultiDiGraph()
    one.add_node("x")
    for metric in METRICS:
        assert centrality(nx.MultiDiGraph(), metric) == {}
        assert set(centrality(one, metric)) == {"x"}


def test_unknown_metric() -> None:
    with pytest.raises(UsageError, match="unknown metric 'katz'"):
        centrality(nx.MultiDiGraph([("a", "b")]), "katz")


# --- large graphs: sampled, and saying so -----------------------------------------------------


def test_betweenness_is_sampled_above_the_threshold_and_says_so() -> None:
    g = nx.relabel_nodes(nx.karate_club_graph(), str)
    exact = centrality(g, "betweenness")
    assert exact.method == "exact"
    sampled = centrality(g, "betweenness", exact_max_nodes=10, samples=20)
    assert sampled.method == "sampled: 20 of 34 source nodes, seed 42"
    assert sampled == centrality(g, "betweenness", exact_max_nodes=10, samples=20)  # fixed seed
    assert sampled != exact
    assert max(sampled, key=sampled.__getitem__) == max(exact, key=exact.__getitem__)


def test_closeness_estimate_is_close() -> None:
    """networkx has no sampled closeness: ours, from 10 of 34 sources, stays within 15% of
    the exact value on Zachary's karate club, and finds the same most central member."""
    g = nx.relabel_nodes(nx.karate_club_graph(), str)
    exact = nx.closeness_centrality(g)
    est = centrality(g, "closeness", exact_max_nodes=0, samples=10)
    assert est.method.startswith("sampled: 10 of 34")
    assert max(abs(est[n] - exact[n]) / exact[n] for n in g) < 0.15
    assert max(est, key=est.__getitem__) == max(exact, key=exact.__getitem__)


def test_closeness_estimate_on_components() -> None:
    """A lone node scores 0; a pair that no sample falls in is measured exactly (1.0 scaled
    by the share it reaches: 1/(n-1))."""
    g = nx.relabel_nodes(nx.karate_club_graph(), str)
    g.add_node("alone")
    g.add_edge("p", "q")
    est = centrality(g, "closeness", exact_max_nodes=0, samples=5)
    exact = nx.closeness_centrality(undirected(g))
    assert est["alone"] == 0.0
    assert est["p"] == pytest.approx(exact["p"])


@pytest.mark.slow
def test_betweenness_is_sampled_when_exact_costs_too_much() -> None:
    """The limit is the cost of exact betweenness (path_work), not the node count: 2,500
    nodes in one component are exact by default and sampled under a small work budget."""
    g = nx.MultiDiGraph(nx.barabasi_albert_graph(2500, 2, seed=1))
    assert path_work(undirected(g)) == 2500 * (2500 + undirected(g).number_of_edges())
    assert centrality(g, "betweenness").method == "exact"
    scores = centrality(g, "betweenness", samples=32, exact_max_work=10**6)
    assert scores.method == "sampled: 32 of 2,500 source nodes, seed 42"
    assert len(scores) == 2500


def test_path_work_counts_components_apart() -> None:
    """Many small components cost their own sizes, not the whole graph's squared: 100 pairs
    are 100 x 2 x (2 + 1), where one path of 200 nodes is 200 x (200 + 199)."""
    pairs = nx.Graph([(f"a{i}", f"b{i}") for i in range(100)])
    assert path_work(pairs) == 100 * 2 * 3
    assert path_work(nx.path_graph(200)) == 200 * 399


def _graphs_for_engines() -> dict[str, nx.Graph]:
    karate = nx.relabel_nodes(nx.karate_club_graph(), str)
    parts = nx.disjoint_union_all(
        [nx.path_graph(5), nx.star_graph(6), nx.empty_graph(3), nx.cycle_graph(7)]
    )
    directed_multi = nx.MultiDiGraph(nx.gnm_random_graph(60, 90, seed=3, directed=True))
    directed_multi.add_edge(0, 1, weight=5.0)  # weights do not change hop counts
    directed_multi.add_edge(1, 0)
    directed_multi.add_edge(2, 2)  # a self-loop is dropped
    return {
        "karate (undirected, weighted)": karate,
        "disconnected, with isolated nodes": nx.relabel_nodes(parts, str),
        "directed multigraph, weights, a loop": nx.relabel_nodes(directed_multi, str),
        "scale-free": nx.relabel_nodes(nx.barabasi_albert_graph(300, 2, seed=7), str),
    }


@pytest.mark.parametrize("name", list(_graphs_for_engines()))
def test_igraph_gives_networkx_numbers(name: str) -> None:
    """Exact betweenness and closeness by igraph are NetworkX's numbers, normalised the same,
    on the undirected simple graph each metric reads; and the sampled betweenness is
    NetworkX's own k-sample estimate (the same sources, the same scaling)."""
    g = _graphs_for_engines()[name]
    ug = undirected(g)
    assert centrality(g, "betweenness") == pytest.approx(
        nx.betweenness_centrality(ug, normalized=True), abs=1e-12
    )
    assert centrality(g, "closeness") == pytest.approx(nx.closeness_centrality(ug), abs=1e-12)
    sampled = centrality(g, "betweenness", exact_max_nodes=0, samples=10, seed=5)
    assert sampled.method.startswith("sampled: 10 of")
    assert sampled == pytest.approx(
        nx.betweenness_centrality(ug, k=10, normalized=True, seed=5), abs=1e-12
    )


# --- communities ------------------------------------------------------------------------------


def test_two_triangles_make_two_communities() -> None:
    g = nx.MultiDiGraph(
        [("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")]
    )
    assert communities(g) == [{"a", "b", "c"}, {"x", "y", "z"}]
    assert communities(nx.MultiDiGraph()) == []


def test_communities_are_repeatable_and_cover_every_node(kg_graph: Any) -> None:
    g = kg_graph.to_networkx("organizations")
    first = communities(g, seed=7)
    assert first == communities(g, seed=7)
    assert sorted(n for c in first for n in c) == sorted(g)
    assert [len(c) for c in first] == sorted((len(c) for c in first), reverse=True)


def test_describe_communities_names_the_most_central(tiny_orgs: nx.MultiDiGraph) -> None:
    groups = [set(tiny_orgs)]
    (only,) = describe_communities(tiny_orgs, groups, centrality(tiny_orgs, "degree"))
    assert (only.central, only.central_label) == (t("alpha"), "Alpha Inc.")
    assert only.score == pytest.approx(4 / 6)
    assert only.labels[:2] == ["Alpha Inc.", "Foundation"]
    assert only.name == "Alpha Inc."  # no category is shared by more than half


def test_communities_are_named_by_their_dominant_category() -> None:
    g = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("x", "y")])
    for node, categories in (("a", ["Storage"]), ("b", ["Storage", "Security"]), ("c", [])):
        g.nodes[node].update(label=node.upper(), categories=categories)
    for node in ("x", "y"):
        g.nodes[node].update(label=node.upper(), categories=["Security"])
    found = describe_communities(g, [{"a", "b", "c"}, {"x", "y"}], {"b": 1.0})
    assert [c.name for c in found] == ["Storage", "Security"]
    # two communities that would share a name get their index
    twice = describe_communities(g, [{"x"}, {"y"}], {})
    assert [c.name for c in twice] == ["Security (1)", "Security (2)"]


def test_ranking_sorts_by_score_then_label(tiny_orgs: nx.MultiDiGraph) -> None:
    rows = ranking(tiny_orgs, centrality(tiny_orgs, "degree"), top=4)
    assert [(label, kind) for _, label, kind, _ in rows] == [
        ("Alpha Inc.", "Company"), ("Foundation", "Consortium"), ("Gamma", "Company"),
        ("Beta", "Company"),
    ]  # fmt: skip


def test_doctests() -> None:
    failures, _ = doctest.testmod(analysis)
    assert failures == 0


# --- writing scores back ----------------------------------------------------------------------


def test_write_scores_then_query_sorted(tiny_orgs: nx.MultiDiGraph, tmp_path: Path) -> None:
    store = read_sources([*ontology_files(), SourceFile(TINY, None)])
    scores = {m: centrality(tiny_orgs, m) for m in ("degree", "pagerank")}
    done = write_scores(store, "organizations", scores, folder=tmp_path)
    assert done.path == tmp_path / "centrality-organizations.trig" and done.store_updated
    answer = store.query(
        "SELECT ?x ?s WHERE { GRAPH kg:centrality-organizations { ?x eco:degreeCentrality ?s } }"
        " ORDER BY DESC(?s) ?x"
    )
    assert [str(x) for x, _ in answer.rows][:2] == [t("alpha"), t("found")]
    assert [float(s) for _, s in answer.rows][:2] == pytest.approx([4 / 6, 4 / 6])
    # Rewriting one metric replaces it and keeps the other, in the file and in the store.
    write_scores(store, "organizations", {"degree": {t("beta"): 0.5}}, folder=tmp_path)
    again = read_sources([SourceFile(done.path, None)])
    assert len(again.query("SELECT ?x WHERE { ?x eco:degreeCentrality ?s }").rows) == 1
    assert len(again.query("SELECT ?x WHERE { ?x eco:pageRank ?s }").rows) == 7
    assert len(store.query("SELECT ?x WHERE { ?x eco:degreeCentrality ?s }").rows) == 1
    assert len(store.query("SELECT ?g WHERE { GRAPH ?g { ?g a eco:Source } }").rows) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_score_properties_are_in_the_ontology() -> None:
    from rdflib import OWL, RDF, RDFS, Graph, URIRef

    from tests.conftest import REPO

    onto = Graph().parse(REPO / "ontology" / "ontology.ttl", format="turtle")
    for prop in [*PROPERTIES.values(), ECO + "memberOf", ECO + "productFrom",
                 ECO + "investedIn"]:  # fmt: skip
        node = URIRef(prop)
        assert (node, RDF.type, OWL.DatatypeProperty) in onto or (
            node, RDF.type, OWL.ObjectProperty) in onto, prop  # fmt: skip
        for term in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range):
            assert onto.value(node, term) is not None, (prop, term)


# --- the commands -----------------------------------------------------------------------------


def test_centrality_command_ranks_docker_high(home: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["centrality", "--view", "organizations", "--metric", "pagerank", "--top", "10"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["rank", "label", "type", "pagerank", "id"]
    assert len(lines) == 2 + 10
    top5 = [line.split()[-1] for line in lines[2:7]]
    assert "kg:docker" in top5
    scores = [float(line.split()[-2]) for line in lines[2:]]
    assert scores == sorted(scores, reverse=True)


def test_centrality_all_metrics_csv(home: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["centrality", "--all", "--top", "0", "--format", "csv", "--metric", "degree"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert set(METRICS) <= set(rows[0])
    degrees = [float(r["degree"]) for r in rows]
    assert degrees == sorted(degrees, reverse=True) and len(rows) >= 28
    assert "betweenness: exact" in result.stderr


def test_centrality_json_and_sampled_note(home: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["centrality", "--view", "full", "--metric", "betweenness", "--exact-max", "10",
              "--samples", "5", "--format", "json", "--top", "3"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 3
    assert "betweenness: sampled: 5 of" in result.stderr


def test_centrality_bad_options(home: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["centrality", "--view", "nope"])
    assert result.exit_code == 2 and "'nope' is not one of" in result.output
    result = runner.invoke(cli, ["centrality", "--metric", "katz"])
    assert result.exit_code == 2 and "katz" in result.output


def test_communities_command(home: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["communities", "--view", "organizations", "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found and all(c["size"] >= 2 for c in found)
    assert all(c["central"] == c["members"].split("; ")[0] for c in found)
    assert all(c["name"] for c in found)
    assert len({c["name"] for c in found}) == len(found)
    # the foundations name communities of their own: memberships go through them
    assert "Cloud Native Computing Foundation" in {c["name"] for c in found}
    assert "Louvain, seed 42" in result.stderr
    table = runner.invoke(cli, ["communities"])
    assert table.stdout.splitlines()[0].split() == [
        "community",
        "name",
        "size",
        "central",
        "degree",
        "members",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
def test_export_command(home: Path, runner: CliRunner, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"eco.{fmt}"
    result = runner.invoke(cli, ["export", "--view", "ecosystem", "--to", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and "nodes" in result.stdout
    from kg import KnowledgeGraph

    expected = KnowledgeGraph.load(dist=home / "dist").to_networkx("ecosystem")
    if fmt == "graphml":
        back = nx.read_graphml(out)
    elif fmt == "gexf":
        back = nx.read_gexf(out)
    elif fmt == "json":
        back = nx.node_link_graph(json.loads(out.read_text()), edges="edges")
    else:
        import pandas as pd

        nodes = pd.read_csv(tmp_path / "eco-nodes.csv")
        assert len(nodes) == expected.number_of_nodes()
        assert len(pd.read_csv(out)) == expected.number_of_edges()
        return
    assert back.number_of_nodes() == expected.number_of_nodes()
    assert back.number_of_edges() == expected.number_of_edges()
    assert back.nodes[KG + "docker"]["label"] == "Docker, Inc."


@pytest.mark.slow
def test_centrality_write_then_build_then_query(
    workspace: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--write on the default (memory) store: the scores land in imports/, and after a
    build a SPARQL query sorts organisations by them."""
    shutil.copytree(workspace / "dist", tmp_path / "dist")
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    monkeypatch.delenv("KG_STORE", raising=False)
    result = runner.invoke(cli, ["centrality", "--metric", "pagerank", "--write", "--top", "3"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "imports" / "centrality-organizations.trig"
    assert written.is_file() and "run `kg build`" in result.stderr
    build(out=tmp_path / "dist", imports=tmp_path / "imports")  # validates: SHACL accepts them
    query = (
        "SELECT ?org ?score WHERE { GRAPH kg:centrality-organizations { ?org eco:pageRank ?score }"
        " } ORDER BY DESC(?score) LIMIT 3"
    )
    answer = runner.invoke(cli, ["query", query, "--format", "csv", "--iris"])
    assert answer.exit_code == 0, answer.output
    top = [row["org"] for row in csv.DictReader(io.StringIO(answer.stdout))]
    printed = [line.split()[-1] for line in result.stdout.splitlines()[2:5]]
    assert [KG + p.removeprefix("kg:") for p in printed] == top


@pytest.mark.slow
def test_centrality_write_into_a_persistent_store(
    workspace: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    spec = f"oxigraph:{tmp_path / 'store'}"
    store = OxigraphStore(tmp_path / "store")
    loaded = read_sources([SourceFile(workspace / "dist" / "kg.trig", None)])
    store.replace(loaded.quads())
    store.close()
    result = runner.invoke(cli, ["centrality", "--metric", "degree", "--write", "--store", spec])
    assert result.exit_code == 0, result.output
    assert "updated" in result.stderr
    answer = runner.invoke(
        cli, ["query", "--store", spec, "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { "
              "GRAPH kg:centrality-organizations { ?x eco:degreeCentrality ?s } }"],
    )  # fmt: skip
    assert answer.exit_code == 0, answer.output
    assert int(answer.stdout.splitlines()[1]) >= 28


@pytest.mark.parametrize("command", ["centrality", "communities", "export"])
def test_help_has_examples(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"kg {command}" in result.output
    assert "organizations" in result.output and "ecosystem" in result.output


# --- the Python API ---------------------------------------------------------------------------


def test_knowledge_graph_methods(kg_graph: Any) -> None:
    g = kg_graph.to_networkx("organizations")
    assert KG + "docker" in g
    as_dict = kg_graph.centrality("degree")
    assert isinstance(as_dict, dict) and set(as_dict) == set(g)
    assert as_dict.method == "exact"
    frame = kg_graph.centrality_df("pagerank")
    assert list(frame.columns) == ["iri", "label", "type", "pagerank"]
    assert frame["pagerank"].is_monotonic_decreasing and len(frame) == g.number_of_nodes()
    assert frame.attrs["method"] == "exact"
    groups = kg_graph.communities()
    assert sorted(n for c in groups for n in c) == sorted(g)


def test_nodes_without_neighbours_are_communities_of_their_own() -> None:
    """Louvain runs on the nodes that have neighbours (a lone node never moves): the others
    are Louvain's communities of that part, with the same seed, and each lone node is one."""
    karate = nx.relabel_nodes(nx.karate_club_graph(), str)
    g = nx.MultiDiGraph(karate)
    g.add_nodes_from(["lone-1", "lone-2"])
    found = communities(g, seed=3)
    assert {"lone-1"} in found and {"lone-2"} in found
    expected = nx.community.louvain_communities(undirected(karate), weight="weight", seed=3)
    assert sorted(map(sorted, found)) == sorted(
        [["lone-1"], ["lone-2"], *(sorted(c) for c in expected)]
    )


@pytest.mark.slow
def test_igraph_is_imported_without_matplotlib() -> None:
    """Betweenness in a fresh process loads igraph but not matplotlib (1.3 s of the
    command), and matplotlib can still be imported afterwards."""
    import subprocess
    import sys

    code = (
        "import sys, networkx as nx; from kg.analysis import centrality; "
        "centrality(nx.MultiDiGraph([('a', 'b'), ('b', 'c')]), 'betweenness'); "
        "print('igraph' in sys.modules, 'matplotlib' in sys.modules); "
        "import matplotlib; print(bool(matplotlib.__version__))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False", "True"]
