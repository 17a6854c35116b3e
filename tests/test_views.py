"""Views (kg/project.py): what each view holds, on a hand-made graph and on the curated data;
literals and classes never become nodes (unlike the naive rdflib projection); exports that
networkx and pandas read back."""

from __future__ import annotations

import doctest
import json
import pickle
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
    assert list(VIEWS) == ["organizations", "ecosystem", "deals", "events", "full"]
    assert all(len(text) > 40 for text in VIEWS.values())


def test_organizations_view_by_hand(tiny: OxigraphStore) -> None:
    """Six organisations and the second pact, which formed no organisation and so is a node
    of its own. Edges: the acquisition (alpha -> beta); delta bought gamma's product line
    Gizmo (delta -> gamma); Beta gave Widget to the Foundation (found -> beta); the first
    pact's three members -> the Foundation it formed; the second pact's two members -> the
    pact; Fund invested in Alpha (fund -> alpha). 9 edges: no pair of co-members is linked."""
    g = project(tiny, "organizations")
    assert sorted(g) == sorted(
        t(n) for n in ("alpha", "beta", "gamma", "delta", "fund", "found", "pact-2")
    )
    assert edges(g) == {
        ("alpha", "beta", "acquired"),
        ("delta", "gamma", "took a product from"),
        ("found", "beta", "took a product from"),
        ("alpha", "found", "member of"),
        ("gamma", "found", "member of"),
        ("delta", "found", "member of"),
        ("alpha", "pact-2", "member of"),
        ("gamma", "pact-2", "member of"),
        ("fund", "alpha", "invested in"),
    }
    assert g.number_of_edges() == 9
    assert g.nodes[t("pact-2")]["type"] == "Coalition"
    acquisition = g.edges[t("alpha"), t("beta"), t("alpha-acquires-beta")]
    assert acquisition == {
        "predicate": ECO + "acquired",
        "relation": "acquired",
        "date": "2015-03-04",
        "weight": 1.0,
        "price": 1_000_000.0,
        "event": t("alpha-acquires-beta"),
        "event_type": "Acquisition",
        "event_label": "Alpha acquires Beta",
        "sources": [NEWS],
        "source_titles": ["Tiny news"],
        "valid_from": "2015-03-04",
    }
    member = g.edges[t("alpha"), t("found"), t("pact")]
    assert (member["date"], member["valid_from"], member["event_type"]) == (
        "2015-06", "2015-06-01", "Coalition",
    )  # fmt: skip
    bought = g.edges[t("delta"), t("gamma"), f"{t('delta-buys-gizmo')} {t('gizmo')}"]
    assert (bought["product"], bought["date"], bought["valid_from"]) == (
        t("gizmo"), "2016", "2016-01-01",
    )  # fmt: skip
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
        "source_titles": ["Tiny news"],
        "valid_from": "2010-01-01",
    }
    assert g.nodes[t("found")]["type"] == "Consortium"
    assert g.nodes[t("fund")]["type"] == "Investor"
    assert g.graph["view"] == "organizations"


def test_ecosystem_view_by_hand(tiny: OxigraphStore) -> None:
    """6 organisations, 2 products and the 11 categories of the scheme; 2 developer and 3
    category edges, and the 2 acquisitions (of Beta, of the Gizmo product line). No build
    derived ownership periods here, so no ownership edge."""
    g = project(tiny, "ecosystem")
    types = [d["type"] for _, d in g.nodes(data=True)]
    assert (types.count("Category"), types.count("Product"), g.number_of_nodes()) == (11, 2, 19)
    assert edges(g) == {
        ("widget", "beta", "developer"),
        ("gizmo", "gamma", "developer"),
        ("alpha", KG + "storage", "category"),
        ("gamma", KG + "networking", "category"),
        ("widget", KG + "storage", "category"),
        ("alpha", "beta", "acquired"),
        ("delta", "gizmo", "acquired"),
    }
    assert g.nodes[KG + "storage"]["label"] == "Storage"
    assert g.edges[t("delta"), t("gizmo"), t("delta-buys-gizmo")]["sources"] == [NEWS]


def test_ownership_edges_in_the_ecosystem_view(tmp_path: Path) -> None:
    """Built (so ownership is derived): Widget, given to the Foundation in 2018, is owned by
    it from the last day 2018 can mean (certainly, by then); Gizmo's and Beta's ownership
    come from acquisitions, which their acquisition edges already show."""
    from kg.build import build

    data = tmp_path / "data"
    data.mkdir()
    (data / "tiny.trig").write_bytes(TINY.read_bytes())
    store = build(out=tmp_path / "dist", data=data, imports=tmp_path / "i", validate=False).store
    g = project(store, "ecosystem")
    owned = [(u, v, d) for u, v, d in g.edges(data=True) if d["relation"] == "owned by"]
    assert [(u, v) for u, v, _d in owned] == [(t("widget"), t("found"))]
    data_ = owned[0][2]
    assert (data_["date"], data_["valid_from"], data_["event_type"]) == (
        "2018", "2018-12-31", "Donation",
    )  # fmt: skip
    assert "valid_until" not in data_


def test_deals_view_by_hand(tiny: OxigraphStore) -> None:
    """The two acquisitions and their four ends; each end is in the view from its first
    deal."""
    g = project(tiny, "deals")
    assert edges(g) == {("alpha", "beta", "acquired"), ("delta", "gizmo", "acquired")}
    assert sorted(g) == sorted(t(n) for n in ("alpha", "beta", "delta", "gizmo"))
    assert g.nodes[t("gizmo")]["valid_from"] == "2016-01-01"
    assert g.nodes[t("alpha")]["valid_from"] == "2015-03-04"  # founded 2010, first deal 2015
    deal = g.edges[t("alpha"), t("beta"), t("alpha-acquires-beta")]
    assert (deal["price"], deal["event_label"]) == (1_000_000.0, "Alpha acquires Beta")


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


def test_node_lists_are_each_nodes_own(tiny: OxigraphStore) -> None:
    """Nodes with the same types, categories or sources share no list (the projection copies
    them from one sorted list per combination): changing one node's leaves the others'."""
    g = project(tiny, "full")
    companies = [n for n, d in g.nodes(data=True) if d["types"] == ["Company"]]
    sourced = [n for n, d in g.nodes(data=True) if d["sources"] == [NEWS]]
    assert len(companies) >= 2 and len(sourced) >= 2
    first, second = (g.nodes[n] for n in companies[:2])
    assert first["types"] is not second["types"]
    first["types"].append("Changed")
    assert second["types"] == ["Company"]
    a, b = (g.nodes[n] for n in sourced[:2])
    assert a["sources"] is not b["sources"] and a["source_titles"] is not b["source_titles"]
    assert a["categories"] is not b["categories"]


def test_full_view_with_schema(tiny: OxigraphStore) -> None:
    plain = project(tiny, "full")
    schema = project(tiny, "full", include_schema=True)
    assert ECO + "Company" in schema and ECO + "Organization" in schema
    assert schema.number_of_edges() > plain.number_of_edges() + 17
    assert schema.nodes[ECO + "Company"]["type"] == "Class"


def test_unknown_view_and_schema_misuse(tiny: OxigraphStore) -> None:
    with pytest.raises(UsageError, match="unknown view 'orgs'") as info:
        project(tiny, "orgs")
    assert "organizations, ecosystem, deals, events, full" in str(info.value.hint)
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


@pytest.mark.slow
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
    assert (eco.number_of_nodes(), eco.number_of_edges()) == (28 + 12 + 11, 10 + 36 + 4)
    deals = project(essay, "deals")
    assert (deals.number_of_nodes(), deals.number_of_edges()) == (5, 4)
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
    # a coalition that formed no organisation is a node; each member an edge to it
    alone = f"?c eco:member ?a . {o('?a')} FILTER NOT EXISTS {{ ?c eco:formed ?f . {o('?f')} }}"
    orgs += _count(store, f"SELECT DISTINCT ?c WHERE {{ {alone} }}")
    org_edges += _count(store, f"SELECT DISTINCT ?c ?a WHERE {{ {alone} }}")
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
    thing = (
        "FILTER EXISTS {{ {0} a ?k . ?k rdfs:subClassOf* ?top "
        "VALUES ?top {{ eco:Organization eco:Product }} }}"
    ).format
    deal = f"?e eco:acquirer ?a ; eco:acquired ?b . FILTER(?a != ?b) {thing('?a')} {thing('?b')}"
    deal_edges = _count(store, f"SELECT DISTINCT ?e ?a ?b WHERE {{ {deal} }}")
    deal_nodes = _count(
        store,
        f"SELECT DISTINCT ?n WHERE {{ {{ {deal} BIND(?a AS ?n) }} UNION "
        f"{{ {deal} BIND(?b AS ?n) }} }}",
    )
    # ownership no acquisition explains: derived periods (direct) from other events
    owned = _count(
        store,
        "SELECT DISTINCT ?p WHERE { ?p a eco:Ownership ; eco:owner ?o ; eco:owned ?x ; "
        "prov:wasDerivedFrom ?ev . FILTER NOT EXISTS { ?p a eco:IndirectOwnership } "
        "FILTER NOT EXISTS { ?p prov:wasDerivedFrom ?a . ?a eco:acquirer ?o ; eco:acquired ?x }"
        f" FILTER(?o != ?x) {thing('?o')} {thing('?x')} }}",
    )
    eco_edges += deal_edges + owned
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
        "deals": (deal_nodes, deal_edges),
        "events": (n_events + n_entities, n_roles),
        "full": (full_nodes, full_edges),
    }


@pytest.mark.slow
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
    assert expected["ecosystem"] == (51, 50)
    assert expected["deals"] == (5, 4)
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
        assert (len(nodes_df), len(edges_df)) == (7, 9)
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
    # (a reader makes a multigraph only where parallel edges need one: this view has none)
    assert back.is_directed()
    assert (back.number_of_nodes(), back.number_of_edges()) == (7, 9)
    alpha = back.nodes[t("alpha")]
    assert alpha["label"] == "Alpha Inc."
    assert alpha["founding_date"] == "2010"
    assert alpha["sources"] in ([NEWS], NEWS)  # a list in JSON, a string elsewhere
    acquired = [d for u, v, d in back.edges(data=True) if d["relation"] == "acquired"]
    assert len(acquired) == 1
    assert acquired[0]["date"] == "2015-03-04" and float(acquired[0]["price"]) == 1_000_000.0
    members = [d for u, v, d in back.edges(data=True) if d["relation"] == "member of"]
    assert len(members) == 5
    assert all(d["source_titles"] in (["Tiny news"], "Tiny news") for d in members)


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
    funding (2014) had happened; Gizmo's sale (2016), the second pact (2017, so it is not yet
    a node) and the gift (2018) had not."""
    g = project(tiny, "organizations", as_of="2015-12-31")
    assert edges(g) == {
        ("alpha", "beta", "acquired"),
        ("alpha", "found", "member of"),
        ("gamma", "found", "member of"),
        ("delta", "found", "member of"),
        ("fund", "alpha", "invested in"),
    }
    assert t("pact-2") not in g
    assert g.graph["as_of"] == "2015-12-31"
    before = project(tiny, "events", as_of="2014-12-31")
    assert {n for n, d in before.nodes(data=True) if d["bipartite"] == 1} == {t("round-a")}


def test_time_attributes_give_the_as_of_answer(tiny: OxigraphStore) -> None:
    """What a page's slider does with valid_from (nodes and edges) is what --as-of does: for
    each end of year, the nodes and edges whose valid_from is not later are the as-of view."""
    whole = project(tiny, "organizations")
    for year in range(2013, 2020):
        day = f"{year}-12-31"
        nodes = {n for n, d in whole.nodes(data=True) if d.get("valid_from", "") <= day}
        kept = {
            (u, v, d["relation"])
            for u, v, d in whole.edges(data=True)
            if d.get("valid_from", "") <= day and u in nodes and v in nodes
        }
        then = project(tiny, "organizations", as_of=str(year))
        assert nodes == set(then), year
        assert kept == {(u, v, d["relation"]) for u, v, d in then.edges(data=True)}, year


def test_as_of_on_the_curated_graph(kg_graph: Any) -> None:
    """Kubernetes was donated to the CNCF in 2016: the organizations view of 2014 has no
    edge into the CNCF, today's has."""
    now = kg_graph.to_networkx("organizations")
    then = kg_graph.to_networkx("organizations", as_of="2014-01-01")
    cncf = KG + "cncf"
    assert now.in_degree(cncf) > 0
    assert cncf not in then or then.in_degree(cncf) == 0
    assert then.number_of_edges() < now.number_of_edges()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_of_characters_xml_cannot_carry_is_a_file_every_parser_reads(
    tiny: OxigraphStore, tmp_path: Path, fmt: str
) -> None:
    # The probe: a NUL in a label made `kg export --to graphml` write a file no parser reads.
    import xml.etree.ElementTree as ET

    g = project(tiny, "organizations")
    g.nodes[t("alpha")]["label"] = "Alpha\x00Inc.\x1b"
    g.nodes[t("alpha")]["categories"] = ["Stor\x0bage", "Net"]
    notes: list[str] = []
    (path,) = export(g, tmp_path / f"orgs.{fmt}", fmt, note=notes.append)
    ET.parse(path)  # raises on a character XML 1.0 does not allow
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert back.nodes[t("alpha")]["label"] == "Alpha\ufffdInc.\ufffd"
    assert back.nodes[t("alpha")]["categories"] == "Stor\ufffdage; Net"
    assert notes == [
        f"note: 2 values held characters XML 1.0 cannot carry (U+0000, U+000B): written as "
        f"U+FFFD in {path} (--to json keeps them)"
    ]
    # JSON carries them as they are.
    (json_path,) = export(g, tmp_path / "orgs.json", "json")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert "Alpha\x00Inc.\x1b" in {n.get("label") for n in data["nodes"]}


# --- the projection of a build, cached in the build --------------------------------------------


def _graph_state(g: nx.MultiDiGraph) -> tuple[Any, ...]:
    return (
        sorted(g.nodes(data=True)),
        sorted((u, v, k, sorted(d.items())) for u, v, k, d in g.edges(keys=True, data=True)),
        g.graph,
    )


def test_projection_of_a_build_is_cached_in_it(tmp_path: Path) -> None:
    """The first projection of a build is kept in its generation and read back identical; a
    new build (other data) starts without it and projects its own data; a store in memory,
    an --as-of graph and the schema variant are never served the plain view's cache."""
    from kg.build import build
    from kg.store import open_dist

    data = tmp_path / "data"
    data.mkdir()
    (data / "tiny.trig").write_bytes(TINY.read_bytes())
    dist = tmp_path / "dist"
    build(out=dist, data=data, imports=tmp_path / "i", validate=False)
    store = open_dist(dist)
    cache = project_module.cache_path(store, "organizations")
    assert cache is not None and not cache.exists()
    first = project(store, "organizations")
    assert cache.is_file()
    again = project(open_dist(dist), "organizations")
    assert _graph_state(again) == _graph_state(first)
    # Read from the file, not projected: a graph planted there is what comes back.
    planted = nx.MultiDiGraph([("x", "y")])
    cache.write_bytes(pickle.dumps(planted))
    assert list(project(open_dist(dist), "organizations").edges) == [("x", "y", 0)]
    assert project_module.cache_path(open_dist(dist), "full", include_schema=True) != cache
    assert project(open_dist(dist), "organizations", as_of="2099-01-01").number_of_edges() > 1
    assert project_module.cache_path(read_sources(ontology_files()), "organizations") is None
    # A damaged file is projected again (and rewritten).
    cache.write_bytes(b"not a pickle")
    assert _graph_state(project(open_dist(dist), "organizations")) == _graph_state(first)
    # A new build with one organisation fewer: a new generation, a new projection.
    text = TINY.read_text()
    (data / "tiny.trig").write_text(
        text.replace("kg:t-found a eco:Consortium", "kg:t-found a eco:Product")
    )
    build(out=dist, data=data, imports=tmp_path / "i", validate=False)
    fresh = project(open_dist(dist), "organizations")
    assert project_module.cache_path(open_dist(dist), "organizations") != cache
    assert t("found") in first and t("found") not in fresh
