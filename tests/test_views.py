"""Views (kg/project.py): what each view holds, on a hand-made graph and on the curated data;
literals and classes never become nodes (unlike the naive rdflib projection); exports that
networkx and pandas read back."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg import views as project_module
from kg.errors import UsageError
from kg.labels import fallback as local_name
from kg.namespaces import ECO, KG, ONTOLOGY_GRAPH
from kg.sources import SourceFile, ontology_files, read_sources
from kg.store import OxigraphStore
from kg.views import EXPORTS, VIEWS, export, project
from tests.conftest import FIXTURES, REPO

TINY = FIXTURES / "analysis" / "tiny.trig"
NEWS = "https://example.org/news"


def t(name: str) -> str:
    return KG + "t-" + name


@pytest.fixture(scope="module")
def tiny() -> OxigraphStore:
    """The ontology and tests/fixtures/analysis/tiny.trig."""
    return read_sources([*ontology_files(), SourceFile(TINY, None)])


@pytest.fixture(scope="module")
def essay() -> OxigraphStore:
    """The ontology and the 2015 essay only (data/history keeps growing; the essay does not)."""
    return read_sources([*ontology_files(), SourceFile(REPO / "data" / "essay-2015.trig", None)])


def edges(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    """(source, target, relation) with the kg:t- prefix dropped."""
    return {
        (u.removeprefix(KG + "t-"), v.removeprefix(KG + "t-"), d["relation"])
        for u, v, d in graph.edges(data=True)
    }


# --- the hand-made graph ----------------------------------------------------------------------


def test_views_are_documented() -> None:
    assert list(VIEWS) == ["organizations", "ecosystem", "events", "full"]
    assert all(len(text) > 40 for text in VIEWS.values())


def test_organizations_view_by_hand(tiny: OxigraphStore) -> None:
    """Six organisations. Edges: the acquisition (alpha -> beta); delta bought gamma's
    product line Gizmo (delta -> gamma); Beta gave Widget to the Foundation (found -> beta);
    alpha, gamma and delta share the first pact, alpha and gamma the second (3 pairs, each
    way: 6 edges, alpha-gamma weighing 2); the first pact formed the Foundation (3 members
    -> found); Fund invested in Alpha (fund -> alpha). 13 edges."""
    g = project(tiny, "organizations")
    assert sorted(g) == sorted(t(n) for n in ("alpha", "beta", "gamma", "delta", "fund", "found"))
    assert edges(g) == {
        ("alpha", "beta", "acquired"),
        ("delta", "gamma", "took a product from"),
        ("found", "beta", "took a product from"),
        *{(a, b, "co-member") for a in ("alpha", "gamma", "delta")
          for b in ("alpha", "gamma", "delta") if a != b},
        ("alpha", "found", "member of"),
        ("gamma", "found", "member of"),
        ("delta", "found", "member of"),
        ("fund", "alpha", "invested in"),
    }  # fmt: skip
    assert g.number_of_edges() == 13
    acquisition = g.edges[t("alpha"), t("beta"), t("alpha-acquires-beta")]
    assert acquisition == {
        "predicate": ECO + "acquired",
        "relation": "acquired",
        "date": "2015-03-04",
        "weight": 1.0,
        "price": 1_000_000.0,
        "event": t("alpha-acquires-beta"),
    }
    co = g.edges[t("alpha"), t("gamma"), ECO + "coMember"]
    assert (co["weight"], co["date"]) == (2.0, "2015-06")  # two pacts; dated by the first
    assert g.edges[t("gamma"), t("delta"), ECO + "coMember"]["weight"] == 1.0
    bought = g.edges[t("delta"), t("gamma"), f"{t('delta-buys-gizmo')} {t('gizmo')}"]
    assert (bought["product"], bought["date"]) == (t("gizmo"), "2016")
    assert g.edges[t("fund"), t("alpha"), t("round-a")]["amount"] == 5_000_000.0


def test_node_attributes(tiny: OxigraphStore) -> None:
    """Literals become attributes: the longer of Alpha's two labels, its homepage, founding
    date, category label and source."""
    g = project(tiny, "organizations")
    assert g.nodes[t("alpha")] == {
        "label": "Alpha Inc.",
        "type": "Company",
        "types": ["Company"],
        "categories": ["Storage"],
        "homepage": "https://alpha.example/",
        "founding_date": "2010",
        "sources": [NEWS],
    }
    assert g.nodes[t("found")]["type"] == "Consortium"
    assert g.nodes[t("fund")]["type"] == "Investor"
    assert g.graph["view"] == "organizations"


def test_ecosystem_view_by_hand(tiny: OxigraphStore) -> None:
    """6 organisations, 2 products and the 11 categories of the scheme; 2 developer and 3
    category edges."""
    g = project(tiny, "ecosystem")
    types = [d["type"] for _, d in g.nodes(data=True)]
    assert (types.count("Category"), types.count("Product"), g.number_of_nodes()) == (11, 2, 19)
    assert edges(g) == {
        ("widget", "beta", "developer"),
        ("gizmo", "gamma", "developer"),
        ("alpha", KG + "storage", "category"),
        ("gamma", KG + "networking", "category"),
        ("widget", KG + "storage", "category"),
    }
    assert g.nodes[KG + "storage"]["label"] == "Storage"


def test_events_view_by_hand(tiny: OxigraphStore) -> None:
    """Bipartite: 6 events, the 8 entities they involve, one edge per role (15)."""
    g = project(tiny, "events")
    events = {n for n, d in g.nodes(data=True) if d["bipartite"] == 1}
    assert len(events) == 6 and g.number_of_nodes() == 14
    assert nx.is_bipartite(g.to_undirected())
    assert edges(g) >= {
        ("alpha-acquires-beta", "alpha", "acquirer"),
        ("alpha-acquires-beta", "beta", "acquired"),
        ("beta-donates-widget", "found", "recipient"),
        ("pact-2", "gamma", "member"),
    }
    assert g.number_of_edges() == 15
    assert all(d["date"] for *_, d in g.edges(data=True))
    assert g.nodes[t("pact")]["date"] == "2015-06"
    assert g.nodes[t("pact")]["type"] == "Coalition"


def test_full_view_by_hand(tiny: OxigraphStore) -> None:
    """Every IRI-to-IRI triple of the data: 14 eco:source links (8 entities, 6 events), 3
    category, 2 developer, 4 acquirer/acquired, 5 member, 1 formed, 3 donation, 2 funding
    links and the source's kind: 35, between 18 nodes. No rdf:type edge, no class, no triple
    of the ontology."""
    g = project(tiny, "full")
    assert (g.number_of_nodes(), g.number_of_edges()) == (18, 35)
    assert not any(d["predicate"].endswith("#type") for *_, d in g.edges(data=True))
    assert ECO + "Company" not in g and ONTOLOGY_GRAPH not in g
    assert g.in_degree(NEWS) == 14


def test_full_view_with_schema(tiny: OxigraphStore) -> None:
    plain = project(tiny, "full")
    schema = project(tiny, "full", include_schema=True)
    assert ECO + "Company" in schema and ECO + "Organization" in schema
    assert schema.number_of_edges() > plain.number_of_edges() + 17
    assert schema.nodes[ECO + "Company"]["type"] == "Class"


def test_unknown_view_and_schema_misuse(tiny: OxigraphStore) -> None:
    with pytest.raises(UsageError, match="unknown view 'orgs'") as info:
        project(tiny, "orgs")
    assert "organizations, ecosystem, events, full" in str(info.value.hint)
    with pytest.raises(UsageError, match="full view only"):
        project(tiny, "organizations", include_schema=True)


def test_bare_pyoxigraph_store_without_merge(tiny: OxigraphStore) -> None:
    """A plain pyoxigraph store holding only named graphs projects the same."""
    import pyoxigraph as ox

    bare = ox.Store()
    bare.extend(tiny.quads())
    for view in VIEWS:
        ours, theirs = project(tiny, view), project(bare, view)
        assert sorted(ours.edges(keys=True)) == sorted(theirs.edges(keys=True)), view
        assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True)), view


def test_empty_store_gives_empty_views() -> None:
    for view in VIEWS:
        g = project(OxigraphStore(), view)
        assert (g.number_of_nodes(), g.number_of_edges()) == (0, 0)


def test_local_name() -> None:
    assert local_name(ECO + "Company") == "Company"
    assert local_name(KG + "docker") == "docker"
    assert local_name("urn:x:y") == "y"


def test_doctests() -> None:
    failures, _ = doctest.testmod(project_module)
    assert failures == 0


# --- literals and classes are not hubs --------------------------------------------------------


def test_naive_projection_makes_hubs_of_classes_and_dates(workspace: Path) -> None:
    """rdflib's rdflib_to_networkx_multidigraph makes every literal and class a node: a class
    (eco:Source, eco:Company) or a shared literal ranks first by degree, and shared dates
    join unrelated events. Our full view keeps literals and classes out."""
    import rdflib
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    data = rdflib.Graph()
    data.parse(workspace / "dist" / "kg.nt", format="nt")
    naive = rdflib_to_networkx_multidigraph(data)
    classes = {str(o) for o in data.objects(None, rdflib.RDF.type)}

    def is_schema(node: Any) -> bool:
        return isinstance(node, rdflib.Literal) or str(node) in classes

    hubs = sorted(naive, key=naive.degree, reverse=True)[:5]
    assert any(is_schema(n) for n in hubs), f"the naive top nodes are {hubs!r}"
    literal_hubs = [n for n in naive if isinstance(n, rdflib.Literal) and naive.in_degree(n) >= 5]
    assert any((n.datatype and "date" in str(n.datatype).lower()) or "gYear" in str(n.datatype)
               for n in literal_hubs), "no shared date became a hub"  # fmt: skip

    from kg import KnowledgeGraph

    ours = KnowledgeGraph.load(dist=workspace / "dist").to_networkx("full")
    assert not any(str(n) in classes for n in ours)
    assert all(isinstance(n, str) and n.startswith(("http", "urn")) for n in ours)
    assert ours.number_of_nodes() < naive.number_of_nodes() / 2
    our_top = max(ours, key=ours.degree)
    assert ours.nodes[our_top]["type"] not in ("Class", "Resource")
    # Centrality follows: the naive graph's most central node is schema, ours is an entity.
    naive_pr = nx.pagerank(nx.DiGraph(naive))
    assert is_schema(max(naive_pr, key=naive_pr.__getitem__))


# --- the curated data -------------------------------------------------------------------------


def test_essay_views_by_hand(essay: OxigraphStore) -> None:
    """From data/essay-2015.trig, counted by hand: 28 organisations (27 companies, investors
    and Mayfield... see below) and Docker's 4 acquisitions; 12 products and 11 categories
    with 10 developer and 36 category links; 8 events with 12 role links to 7 entities.

    Organisations: Mayfield, Docker, Kitematic, Koality, Orchard, VMware, Red Hat, Microsoft,
    CoreOS, Rancher Labs, Google, Mesosphere, Portworx, 3Par, Nutanix, Pure Storage, Veeam,
    SocketPlane, F5, Nicira, Twistlock, IBM, HP, Sysdig, HashiCorp, Chef, Puppet and the
    Open Container consortium (28). The coalition names no members and the funding no
    investor, so the only edges are the 4 acquisitions. Events: DockerCon (organization:
    Docker), the VC funding (no links), the pivot (organization, from category), 4
    acquisitions (2 each), the coalition (formed): 1 + 0 + 2 + 8 + 1 = 12 links to Docker,
    PaaS, Kitematic, Koality, Orchard, SocketPlane and the consortium."""
    orgs = project(essay, "organizations")
    assert (orgs.number_of_nodes(), orgs.number_of_edges()) == (28, 4)
    assert {v for _, v in orgs.out_edges(KG + "docker")} == {
        KG + n for n in ("kitematic", "koality", "orchard", "socketplane")
    }
    eco = project(essay, "ecosystem")
    assert (eco.number_of_nodes(), eco.number_of_edges()) == (28 + 12 + 11, 10 + 36)
    events = project(essay, "events")
    assert (events.number_of_nodes(), events.number_of_edges()) == (8 + 7, 12)


ORG = "FILTER EXISTS {{ {0} a/rdfs:subClassOf* eco:Organization }}"


def _count(store: Any, where: str) -> int:
    answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(answer.rows[0][0])


def expected_counts(store: Any) -> dict[str, tuple[int, int]]:
    """Each view's node and edge counts, by SPARQL queries written independently of the
    projection code."""
    o = ORG.format
    orgs = _count(store, f"SELECT DISTINCT ?x WHERE {{ ?x a ?c . {o('?x')} }}")
    org_edge_queries = [
        # acquisitions of organisations
        "?e eco:acquirer ?a ; eco:acquired ?b . FILTER(?a != ?b)",
        # product lines bought: buyer to the product's developer
        "?e eco:acquirer ?a ; eco:acquired ?p . ?p a eco:Product ; eco:developer ?b . "
        "FILTER(?a != ?b)",
        # gifts: recipient to donor, one per product
        "?e eco:recipient ?a ; eco:product ?p ; eco:organization ?b . FILTER(?a != ?b)",
        # member to the consortium the coalition formed
        "?e eco:member ?a ; eco:formed ?b . FILTER(?a != ?b)",
        # investor to the organisation funded
        "?e eco:investor ?a ; eco:organization ?b . FILTER(?a != ?b)",
    ]
    org_edges = sum(
        _count(store, f"SELECT DISTINCT * WHERE {{ {q} {o('?a')} {o('?b')} }}")
        for q in org_edge_queries
    )
    # co-members: one edge each way per pair sharing a coalition
    org_edges += 2 * _count(
        store,
        "SELECT DISTINCT ?a ?b WHERE { ?c eco:member ?a, ?b . "
        f"{o('?a')} {o('?b')} FILTER(STR(?a) < STR(?b)) }}",
    )
    entity = (
        "{ ?x a ?c . ?c rdfs:subClassOf* ?top VALUES ?top { eco:Organization eco:Product "
        "eco:Category } } UNION { ?any eco:category ?x }"
    )
    eco_nodes = _count(store, f"SELECT DISTINCT ?x WHERE {{ {entity} }}")
    eco_edges = _count(
        store,
        "SELECT DISTINCT ?s ?p ?o WHERE { VALUES ?p { eco:developer eco:category skos:broader "
        "eco:parentProject } ?s ?p ?o . FILTER(isIRI(?o) && ?s != ?o) }",
    )
    event = "?e a ?c . ?c rdfs:subClassOf* eco:Event ."
    role = (
        f"{event} ?e ?p ?x . FILTER(isIRI(?x) && ?p NOT IN (rdf:type, eco:source, eco:maturity, "
        "prov:wasDerivedFrom, rdfs:seeAlso, rdfs:isDefinedBy)) "
        "FILTER NOT EXISTS { ?x a eco:Source } FILTER NOT EXISTS { ?x a ?k . ?k rdfs:subClassOf* "
        "eco:Event } FILTER NOT EXISTS { ?any a ?x } FILTER NOT EXISTS { ?x rdfs:subClassOf ?y }"
        " FILTER NOT EXISTS { ?x a owl:Class } FILTER NOT EXISTS { ?x a owl:ObjectProperty }"
    )
    n_events = _count(store, f"SELECT DISTINCT ?e WHERE {{ {event} }}")
    n_roles = _count(store, f"SELECT DISTINCT ?e ?p ?x WHERE {{ {role} }}")
    n_entities = _count(store, f"SELECT DISTINCT ?x WHERE {{ {role} }}")
    data = (
        f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ONTOLOGY_GRAPH}> && isIRI(?s) && isIRI(?o) "
        "&& ?p != rdf:type)"
    )
    full_edges = _count(store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ {data} }}")
    either_end = f"{{ {data} BIND(?s AS ?n) }} UNION {{ {data} BIND(?o AS ?n) }}"
    full_nodes = _count(store, f"SELECT DISTINCT ?n WHERE {{ {either_end} }}")
    return {
        "organizations": (orgs, org_edges),
        "ecosystem": (eco_nodes, eco_edges),
        "events": (n_events + n_entities, n_roles),
        "full": (full_nodes, full_edges),
    }


def test_curated_views_match_independent_queries(kg_graph: Any) -> None:
    expected = expected_counts(kg_graph.store)
    for view in VIEWS:
        g = kg_graph.to_networkx(view)
        assert (g.number_of_nodes(), g.number_of_edges()) == expected[view], view
    # and the counts are not trivially small
    assert expected["organizations"][0] >= 28 and expected["full"][1] > 200


def test_essay_counts_agree_with_the_independent_queries(essay: OxigraphStore) -> None:
    expected = expected_counts(essay)
    assert expected["organizations"] == (28, 4)
    assert expected["events"] == (15, 12)
    assert expected["ecosystem"] == (51, 46)
    g = project(essay, "full")
    assert (g.number_of_nodes(), g.number_of_edges()) == expected["full"]


# --- exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(EXPORTS))
def test_export_reads_back(tiny: OxigraphStore, tmp_path: Path, fmt: str) -> None:
    g = project(tiny, "organizations")
    files = export(g, tmp_path / f"orgs.{fmt}", fmt)
    assert all(f.is_file() for f in files)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left
    if fmt == "csv":
        import pandas as pd

        edges_df, nodes_df = pd.read_csv(files[0]), pd.read_csv(files[1])
        assert files[1].name == "orgs-nodes.csv"
        assert (len(nodes_df), len(edges_df)) == (6, 13)
        alpha = nodes_df.set_index("id").loc[t("alpha")]
        assert (alpha["label"], alpha["founding_date"], alpha["categories"]) == (
            "Alpha Inc.", 2010, "Storage",
        )  # fmt: skip
        row = edges_df[edges_df["relation"] == "acquired"].iloc[0]
        assert (row["source_label"], row["target_label"], row["date"]) == (
            "Alpha Inc.",
            "Beta",
            "2015-03-04",
        )
        return
    if fmt == "graphml":
        back = nx.read_graphml(files[0])
    elif fmt == "gexf":
        back = nx.read_gexf(files[0])
    else:
        back = nx.node_link_graph(json.loads(files[0].read_text(encoding="utf-8")), edges="edges")
    assert back.is_directed() and back.is_multigraph()
    assert (back.number_of_nodes(), back.number_of_edges()) == (6, 13)
    alpha = back.nodes[t("alpha")]
    assert alpha["label"] == "Alpha Inc."
    assert alpha["founding_date"] == "2010"
    assert alpha["sources"] in ([NEWS], NEWS)  # a list in JSON, a string elsewhere
    acquired = [d for u, v, d in back.edges(data=True) if d["relation"] == "acquired"]
    assert len(acquired) == 1
    assert acquired[0]["date"] == "2015-03-04" and float(acquired[0]["price"]) == 1_000_000.0
    co = [d for u, v, d in back.edges(data=True) if d["relation"] == "co-member"]
    assert sorted(float(d["weight"]) for d in co) == [1.0, 1.0, 1.0, 1.0, 2.0, 2.0]


def test_export_joins_lists_for_gexf(tiny: OxigraphStore, tmp_path: Path) -> None:
    g = project(tiny, "ecosystem")
    g.nodes[t("alpha")]["categories"] = ["Storage", "Networking"]
    (path,) = export(g, tmp_path / "eco.gexf", "gexf")
    assert nx.read_gexf(path).nodes[t("alpha")]["categories"] == "Storage; Networking"


def test_export_unknown_format(tiny: OxigraphStore, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown export format 'dot'"):
        export(project(tiny, "organizations"), tmp_path / "x.dot", "dot")
    assert list(tmp_path.iterdir()) == []


# --- as of a date -----------------------------------------------------------------------------


def test_as_of_leaves_later_events_out(tiny: OxigraphStore) -> None:
    """At the end of 2015: the acquisition (March 2015), the first pact (June 2015) and the
    funding (2014) had happened; Gizmo's sale (2016), the second pact (2017) and the gift
    (2018) had not, so alpha and gamma share one pact."""
    g = project(tiny, "organizations", as_of="2015-12-31")
    assert edges(g) == {
        ("alpha", "beta", "acquired"),
        *{(a, b, "co-member") for a in ("alpha", "gamma", "delta")
          for b in ("alpha", "gamma", "delta") if a != b},
        ("alpha", "found", "member of"),
        ("gamma", "found", "member of"),
        ("delta", "found", "member of"),
        ("fund", "alpha", "invested in"),
    }  # fmt: skip
    assert g.edges[t("alpha"), t("gamma"), ECO + "coMember"]["weight"] == 1.0
    assert g.graph["as_of"] == "2015-12-31"
    before = project(tiny, "events", as_of="2014-12-31")
    assert {n for n, d in before.nodes(data=True) if d["bipartite"] == 1} == {t("round-a")}


def test_as_of_on_the_curated_graph(kg_graph: Any) -> None:
    """Kubernetes was donated to the CNCF in 2016: the organizations view of 2014 has no
    edge into the CNCF, today's has."""
    now = kg_graph.to_networkx("organizations")
    then = kg_graph.to_networkx("organizations", as_of="2014-01-01")
    cncf = KG + "cncf"
    assert now.in_degree(cncf) > 0
    assert cncf not in then or then.in_degree(cncf) == 0
    assert then.number_of_edges() < now.number_of_edges()
