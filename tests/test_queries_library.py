"""The query library (kg/queries/*.rq): every question against its exact answer.

The answers are worked out from the data files by hand (the comments say how), on two graphs
that do not change under the tests: the ontology with data/essay-2015.trig (final), and the
ontology with a small made-up history (tests/fixtures/query/history.trig) for the questions
the essay holds no data for (prices, dates, members, donations, renames). data/history/ grows
while the project goes on, so it is left out here.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from kg.graph import KnowledgeGraph
from kg.namespaces import ECO, ESSAY_SOURCE, KG, shorten
from kg.sources import SourceFile, ontology_files, read_sources
from kg.sparql.library import library
from kg.store import Answer
from tests.conftest import ESSAY_DATA, FIXTURES, REPO

HISTORY_FIXTURE = FIXTURES / "query" / "history.trig"
A = "<https://example.org/a>"
B = "<https://example.org/b>"
ONTOLOGY = "<https://w3id.org/container-kg/ontology>"
#: The questions this module tests; other parts of the project add (and test) their own.
MINE = [
    "acquirer-categories",
    "acquisitions-by",
    "coalition-members",
    "companies-by-category",
    "conflicting-dates",
    "consortium-members",
    "disagreements",
    "donations",
    "entity-facts",
    "event-sources",
    "funding",
    "multi-category-organizations",
    "people",
    "pivots",
    "priced-acquisitions",
    "product-developers",
    "products-in-category",
    "renames",
    "source-mentions",
    "sources",
    "top-categories",
    "uncategorised",
    "undated-events",
]


def mine() -> list[str]:
    return MINE


def rows(answer: Answer) -> list[tuple[Any, ...]]:
    """IRIs as prefixed names (kg:docker), literals as their text, unbound as None."""
    return [
        tuple(
            None if t is None else shorten(str(t)) if isinstance(t, URIRef) else str(t) for t in row
        )
        for row in answer.rows
    ]


@pytest.fixture(scope="module")
def history_graph() -> KnowledgeGraph:
    return KnowledgeGraph(read_sources([*ontology_files(), SourceFile(HISTORY_FIXTURE, None)]))


# --- exact answers on the essay ---------------------------------------------------------------

# The essay names Docker's four acquisitions (no dates, no prices): ordered by the acquired.
DOCKER_ACQUISITIONS = [
    ("kg:docker", None, "kg:kitematic", None, "kg:docker-acquires-kitematic"),
    ("kg:docker", None, "kg:koality", None, "kg:docker-acquires-koality"),
    ("kg:docker", None, "kg:orchard", None, "kg:docker-acquires-orchard"),
    ("kg:docker", None, "kg:socketplane", None, "kg:docker-acquires-socketplane"),
]
# eco:category of each company and product in the essay, by category then type then IRI.
CATEGORIES = {
    "kg:management": (["chef", "hashicorp", "puppet", "sysdig"], ["atlas", "openview", "tivoli"]),
    "kg:networking": (["docker", "f5", "nicira", "socketplane"], ["weave"]),
    "kg:operating-systems": (
        ["coreos", "rancher-labs"],
        [
            "nano-server",
            "project-atomic",
            "project-photon",
            "rancheros",
            "red-hat-enterprise-linux",
            "windows-server",
        ],
    ),
    "kg:orchestration": (["coreos", "mesosphere"], ["kubernetes", "mesosphere-dcos"]),
    "kg:security": (["docker", "twistlock"], []),
    "kg:storage": (["3par", "nutanix", "portworx", "pure-storage", "veeam-software"], []),
    "kg:virtualization": (["3par", "nutanix", "pure-storage", "veeam-software", "vmware"], []),
}


def by_category(only: str | None = None) -> list[tuple[Any, ...]]:
    out = []
    for category, (companies, products) in CATEGORIES.items():
        if only in (None, category):
            out += [(category, "eco:Company", f"kg:{c}") for c in companies]
            out += [(category, "eco:Product", f"kg:{p}") for p in products]
    return out


# (query, bindings, expected rows) on the essay.
ESSAY_CASES: list[tuple[str, dict[str, str], list[tuple[Any, ...]]]] = [
    ("acquisitions-by", {"acquirer": "kg:docker"}, DOCKER_ACQUISITIONS),
    ("acquisitions-by", {}, DOCKER_ACQUISITIONS),
    ("acquisitions-by", {"acquired": "kg:socketplane"}, DOCKER_ACQUISITIONS[3:]),
    ("acquisitions-by", {"acquirer": "kg:google"}, []),
    ("companies-by-category", {}, by_category()),
    ("companies-by-category", {"category": "kg:storage"}, by_category("kg:storage")),
    # The essay's coalition formed "Open Container" and names no members and no date.
    ("coalition-members", {}, [("kg:open-container-coalition", None, "kg:oci", None)]),
    (
        "coalition-members",
        {"coalition": "kg:open-container-coalition"},
        [("kg:open-container-coalition", None, "kg:oci", None)],
    ),
    (
        "consortium-members",
        {"consortium": "kg:oci"},
        [("kg:oci", None, "kg:open-container-coalition", None)],
    ),
    # Docker's pivot from PaaS: no target category, no date.
    ("pivots", {}, [("kg:docker", None, "kg:paas", None, "kg:docker-pivot-from-paas")]),
    (
        "pivots",
        {"organization": "kg:docker"},
        [("kg:docker", None, "kg:paas", None, "kg:docker-pivot-from-paas")],
    ),
    ("pivots", {"organization": "kg:coreos"}, []),
    # Ten of the twelve products have a developer (by developer IRI); Weave and Windows
    # Server have none in the essay and come last.
    (
        "product-developers",
        {},
        [
            ("kg:kubernetes", "kg:google"),
            ("kg:atlas", "kg:hashicorp"),
            ("kg:openview", "kg:hp"),
            ("kg:tivoli", "kg:ibm"),
            ("kg:mesosphere-dcos", "kg:mesosphere"),
            ("kg:nano-server", "kg:microsoft"),
            ("kg:rancheros", "kg:rancher-labs"),
            ("kg:project-atomic", "kg:red-hat"),
            ("kg:red-hat-enterprise-linux", "kg:red-hat"),
            ("kg:project-photon", "kg:vmware"),
            ("kg:weave", None),
            ("kg:windows-server", None),
        ],
    ),
    (
        "products-in-category",
        {"category": "kg:operating-systems"},
        [
            ("kg:operating-systems", "kg:nano-server", "kg:microsoft"),
            ("kg:operating-systems", "kg:project-atomic", "kg:red-hat"),
            ("kg:operating-systems", "kg:project-photon", "kg:vmware"),
            ("kg:operating-systems", "kg:rancheros", "kg:rancher-labs"),
            ("kg:operating-systems", "kg:red-hat-enterprise-linux", "kg:red-hat"),
            ("kg:operating-systems", "kg:windows-server", None),
        ],
    ),
    (
        "products-in-category",
        {"category": "kg:networking"},
        [("kg:networking", "kg:weave", None)],
    ),
    # Organisations (companies, investors, consortia) per category, from CATEGORIES: storage
    # and virtualization 5, management and networking 4, the rest 2; ties by IRI.
    (
        "top-categories",
        {},
        [
            ("kg:storage", "5"),
            ("kg:virtualization", "5"),
            ("kg:management", "4"),
            ("kg:networking", "4"),
            ("kg:operating-systems", "2"),
            ("kg:orchestration", "2"),
            ("kg:security", "2"),
        ],
    ),
    # Docker (networking, security), CoreOS (operating systems, orchestration) and the four
    # storage companies of the virtualisation era.
    (
        "multi-category-organizations",
        {},
        [
            (f"kg:{org}", "2", f"kg:{cat}")
            for org, cats in [
                ("3par", ["storage", "virtualization"]),
                ("coreos", ["operating-systems", "orchestration"]),
                ("docker", ["networking", "security"]),
                ("nutanix", ["storage", "virtualization"]),
                ("pure-storage", ["storage", "virtualization"]),
                ("veeam-software", ["storage", "virtualization"]),
            ]
            for cat in cats
        ],
    ),
    # The essay dates none of its eight events.
    (
        "undated-events",
        {},
        [
            ("eco:Acquisition", "kg:docker-acquires-kitematic", "kg:essay-2015"),
            ("eco:Acquisition", "kg:docker-acquires-koality", "kg:essay-2015"),
            ("eco:Acquisition", "kg:docker-acquires-orchard", "kg:essay-2015"),
            ("eco:Acquisition", "kg:docker-acquires-socketplane", "kg:essay-2015"),
            ("eco:Coalition", "kg:open-container-coalition", "kg:essay-2015"),
            ("eco:Conference", "kg:dockercon-2015", "kg:essay-2015"),
            ("eco:Funding", "kg:container-vc-investment-2015", "kg:essay-2015"),
            ("eco:Pivot", "kg:docker-pivot-from-paas", "kg:essay-2015"),
        ],
    ),
    (
        "undated-events",
        {"type": "eco:Pivot"},
        [("eco:Pivot", "kg:docker-pivot-from-paas", "kg:essay-2015")],
    ),
    (
        "event-sources",
        {"type": "eco:Acquisition"},
        [
            ("eco:Acquisition", f"kg:docker-acquires-{x}", "1")
            for x in ("kitematic", "koality", "orchard", "socketplane")
        ],
    ),
    (
        "people",
        {},
        [
            ("kg:mitchell-hashimoto", "eco:founder", "kg:hashicorp", None),
            ("kg:navin-chaddha", "eco:worksFor", "kg:mayfield", "managing director"),
        ],
    ),
    # The essay's one funding figure is a market total: no organisation, no investor.
    (
        "funding",
        {},
        [(None, None, "500000000", "true", None, "kg:container-vc-investment-2015")],
    ),
    ("priced-acquisitions", {}, []),
    # Of Docker's acquisitions, only SocketPlane has a category (networking).
    ("acquirer-categories", {"acquirer": "kg:docker"}, [("kg:docker", "kg:networking", "1")]),
    ("conflicting-dates", {}, []),
    # Companies the essay names only as owners, acquired companies, the investor, the
    # consortium: every product has a category.
    (
        "uncategorised",
        {},
        [
            ("eco:Company", f"kg:{c}")
            for c in ("google", "hp", "ibm", "kitematic", "koality", "microsoft", "orchard")
        ]
        + [("eco:Company", "kg:red-hat"), ("eco:Consortium", "kg:oci")]
        + [("eco:Investor", "kg:mayfield")],
    ),
    ("donations", {}, []),
    ("renames", {}, []),
]


@pytest.mark.parametrize(
    ("name", "bindings", "expected"),
    ESSAY_CASES,
    ids=[f"{n}-{'-'.join(b.values()) or 'all'}" for n, b, _ in ESSAY_CASES],
)
def test_library_query_on_the_essay(
    essay_graph: KnowledgeGraph, name: str, bindings: dict[str, str], expected: list[Any]
) -> None:
    assert rows(essay_graph.query(name, **bindings)) == expected


def _essay_dataset() -> Dataset:
    ds = Dataset()
    ds.parse(ESSAY_DATA, format="trig")
    return ds


def test_entity_facts_is_every_statement_about_the_entity(essay_graph: KnowledgeGraph) -> None:
    # Cross-checked with rdflib's own TriG parser: each quad with Docker as subject or object.
    docker = URIRef(KG + "docker")
    ds = _essay_dataset()
    expected = {
        (str(s), str(p), str(o), str(g))
        for s, p, o, g in ds.quads((None, None, None, None))
        if docker in (s, o)
    }
    answer = essay_graph.query("entity-facts", entity="kg:docker")
    got = [(str(s), str(p), str(o), str(g)) for _e, s, p, o, g in answer.rows]
    assert set(got) == expected
    assert len(got) == len(expected) == 16
    # Its own statements first (10), then those about it: four acquisitions, the pivot and
    # DockerCon name it as acquirer or organisation.
    assert [s == str(docker) for s, *_ in got] == [True] * 10 + [False] * 6
    assert (KG + "docker-acquires-kitematic", ECO + "acquirer", str(docker), ESSAY_SOURCE) in got


def test_entity_facts_names_the_ontology_graph_as_source_of_a_category(
    essay_graph: KnowledgeGraph,
) -> None:
    answer = essay_graph.query("entity-facts", entity="kg:paas")
    sources = {shorten(str(r[-1])) for r in answer.rows}
    assert sources == {ONTOLOGY, "kg:essay-2015"}
    essay_facts = [
        rows(answer)[i] for i, r in enumerate(answer.rows) if r[-1] == URIRef(ESSAY_SOURCE)
    ]
    assert essay_facts == [
        ("kg:paas", "kg:docker-pivot-from-paas", "eco:fromCategory", "kg:paas", "kg:essay-2015")
    ]


def test_source_mentions_every_typed_entity_of_the_essay(essay_graph: KnowledgeGraph) -> None:
    # Every IRI in the essay's graph (as subject or object) whose type (in the essay or the
    # category scheme) is an entity class, found with rdflib's own parsers.
    ds = _essay_dataset()
    scheme = Graph().parse(REPO / "ontology" / "categories.ttl", format="turtle")
    types = {(s, o) for s, _p, o, _g in ds.quads((None, RDF.type, None, None))}
    types |= set(scheme.subject_objects(RDF.type))
    classes = {ECO + t for t in ("Company", "Investor", "Consortium", "Person", "Product")}
    classes.add(ECO + "Category")
    essay = ds.graph(URIRef(ESSAY_SOURCE))
    mentioned = {t for triple in essay for t in (triple[0], triple[2])}
    expected = {(str(o), str(s)) for s, o in types if str(o) in classes and s in mentioned}
    answer = essay_graph.query("source-mentions", source="kg:essay-2015")
    got = {(str(t), str(e)) for _s, t, e in answer.rows}
    assert got == expected
    # 26 companies, 12 products, 8 categories, 2 people, 1 investor, 1 consortium.
    assert len(answer.rows) == 50
    # The ontology's graph is not a source: without a binding, only the essay is listed.
    assert {str(r[0]) for r in essay_graph.query("source-mentions").rows} == {ESSAY_SOURCE}


def test_sources_counts_the_statements_of_each_source(essay_graph: KnowledgeGraph) -> None:
    ds = _essay_dataset()
    size = len(ds.graph(URIRef(ESSAY_SOURCE)))
    assert rows(essay_graph.query("sources")) == [
        (
            "kg:essay-2015",
            "Essay on the container ecosystem after DockerCon 2015",
            None,
            "2015",
            str(size),
        )
    ]


# --- exact answers on the made-up history -----------------------------------------------------

HISTORY_CASES: list[tuple[str, dict[str, str], list[tuple[Any, ...]]]] = [
    # Gadget 2014, WidgetCo dated 2016-04 by B and 2016-05-01 by A (two rows), the product
    # line undated (last).
    (
        "acquisitions-by",
        {"acquirer": "kg:acme"},
        [
            ("kg:acme", "2014", "kg:gadget", "25000000.5", "kg:acme-acquires-gadget"),
            ("kg:acme", "2016-04", "kg:widgetco", "150000000", "kg:acme-acquires-widgetco"),
            ("kg:acme", "2016-05-01", "kg:widgetco", "150000000", "kg:acme-acquires-widgetco"),
            ("kg:acme", None, "kg:widget", None, "kg:acme-acquires-widget-line"),
        ],
    ),
    (
        "priced-acquisitions",
        {},
        [
            ("kg:acme", "kg:widgetco", "150000000", "2016-04", "kg:acme-acquires-widgetco"),
            ("kg:acme", "kg:widgetco", "150000000", "2016-05-01", "kg:acme-acquires-widgetco"),
            ("kg:acme", "kg:gadget", "25000000.5", "2014", "kg:acme-acquires-gadget"),
        ],
    ),
    (
        "conflicting-dates",
        {},
        [
            ("kg:acme-acquires-widgetco", "2016-04", B),
            ("kg:acme-acquires-widgetco", "2016-05-01", A),
        ],
    ),
    # Storage: Gadget and WidgetCo; networking: WidgetCo; orchestration: the Widget line.
    (
        "acquirer-categories",
        {"acquirer": "kg:acme"},
        [
            ("kg:acme", "kg:storage", "2"),
            ("kg:acme", "kg:networking", "1"),
            ("kg:acme", "kg:orchestration", "1"),
        ],
    ),
    (
        "coalition-members",
        {"coalition": "kg:example-foundation-formed"},
        [
            ("kg:example-foundation-formed", "2015-06", "kg:example-foundation", "kg:acme"),
            ("kg:example-foundation-formed", "2015-06", "kg:example-foundation", "kg:widgetco"),
        ],
    ),
    (
        "consortium-members",
        {"consortium": "kg:example-foundation"},
        [
            ("kg:example-foundation", "kg:acme", "kg:example-foundation-formed", "2015-06"),
            ("kg:example-foundation", "kg:widgetco", "kg:example-foundation-formed", "2015-06"),
        ],
    ),
    (
        "pivots",
        {"organization": "kg:acme"},
        [("kg:acme", "2013", "kg:paas", "kg:orchestration", "kg:acme-pivots")],
    ),
    (
        "funding",
        {},
        [
            ("kg:acme", "2012-03", "10000000", None, "kg:vc-one", "kg:acme-series-a"),
            ("kg:acme", "2012-03", "10000000", None, "kg:vc-two", "kg:acme-series-a"),
        ],
    ),
    (
        "donations",
        {"recipient": "kg:example-foundation"},
        [
            (
                "kg:example-foundation",
                "2017-01-10",
                "kg:widget",
                "kg:acme",
                "kg:acme-donates-widget",
            )
        ],
    ),
    ("donations", {"recipient": "kg:acme"}, []),
    # B dates the Widgetco deal to its month, A to its day: a disagreement of precision.
    (
        "disagreements",
        {},
        [
            ("kg:acme-acquires-widgetco", "eco:date", "2016-04", B),
            ("kg:acme-acquires-widgetco", "eco:date", "2016-05-01", A),
        ],
    ),
    ("disagreements", {"property": "eco:price"}, []),
    ("renames", {}, [("2013-05", "kg:acme", "Acme Labs", "Acme", "kg:acme-renamed")]),
    # Jane Roe founded Acme and works there; John Doe is tied to nothing.
    (
        "people",
        {},
        [
            ("kg:jane-roe", "eco:founder", "kg:acme", None),
            ("kg:jane-roe", "eco:worksFor", "kg:acme", "CEO"),
            ("kg:john-doe", None, None, None),
        ],
    ),
    # Two acquisitions are restated by B; the other events have one source each.
    (
        "event-sources",
        {},
        [
            ("eco:Acquisition", "kg:acme-acquires-widget-line", "1"),
            ("eco:Coalition", "kg:example-foundation-formed", "1"),
            ("eco:Donation", "kg:acme-donates-widget", "1"),
            ("eco:Funding", "kg:acme-series-a", "1"),
            ("eco:Pivot", "kg:acme-pivots", "1"),
            ("eco:Rename", "kg:acme-renamed", "1"),
            ("eco:Acquisition", "kg:acme-acquires-gadget", "2"),
            ("eco:Acquisition", "kg:acme-acquires-widgetco", "2"),
        ],
    ),
    # Only the product-line acquisition has no date.
    (
        "undated-events",
        {},
        [("eco:Acquisition", "kg:acme-acquires-widget-line", A)],
    ),
    (
        "multi-category-organizations",
        {},
        [("kg:widgetco", "2", "kg:networking"), ("kg:widgetco", "2", "kg:storage")],
    ),
    (
        "top-categories",
        {},
        [("kg:storage", "2"), ("kg:networking", "1"), ("kg:orchestration", "1")],
    ),
    (
        "uncategorised",
        {},
        [
            ("eco:Consortium", "kg:example-foundation"),
            ("eco:Investor", "kg:vc-one"),
            ("eco:Investor", "kg:vc-two"),
        ],
    ),
    # 13 subjects in graph A: count of their statements worked out from the fixture.
    (
        "sources",
        {},
        [
            (A, "Source A", "Example News", "2017-02-01", "79"),
            (B, "Source B", "Example News", None, "11"),
        ],
    ),
    (
        "source-mentions",
        {"source": "https://example.org/b"},
        [
            (B, "eco:Company", "kg:acme"),
            (B, "eco:Company", "kg:gadget"),
            (B, "eco:Company", "kg:widgetco"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "bindings", "expected"),
    HISTORY_CASES,
    ids=[f"{n}-{'-'.join(b.values()) or 'all'}" for n, b, _ in HISTORY_CASES],
)
def test_library_query_on_a_made_up_history(
    history_graph: KnowledgeGraph, name: str, bindings: dict[str, str], expected: list[Any]
) -> None:
    assert rows(history_graph.query(name, **bindings)) == expected


def test_source_statement_counts_match_rdflib() -> None:
    ds = Dataset()
    ds.parse(HISTORY_FIXTURE, format="trig")
    assert len(ds.graph(URIRef("https://example.org/a"))) == 79
    assert len(ds.graph(URIRef("https://example.org/b"))) == 11


# --- the library itself -----------------------------------------------------------------------


def test_every_library_query_has_an_exact_answer_test() -> None:
    tested = {n for n, _, _ in ESSAY_CASES} | {n for n, _, _ in HISTORY_CASES}
    tested |= {"entity-facts"}  # test_entity_facts_*
    assert set(MINE) <= set(library())
    assert set(MINE) <= tested
    assert len(MINE) >= 15


@pytest.mark.parametrize("name", mine())
def test_library_header(name: str) -> None:
    entry = library()[name]
    assert entry.title and entry.title != name
    assert entry.description.endswith(".")
    assert entry.examples, f"{name}.rq has no '# example:' line"
    for example in entry.examples:
        assert example.startswith(f"kg query {name}")
    for param, what in entry.params.items():
        assert what, f"{name}.rq: parameter {param} is not described"


@pytest.mark.parametrize("name", mine())
def test_every_parameter_is_returned_by_the_select(essay_graph: KnowledgeGraph, name: str) -> None:
    # Oxigraph binds a variable only if the SELECT returns it; a binding on a pattern inside
    # OPTIONAL would also be wrong, so each parameter gives no rows for an unknown IRI.
    entry = library()[name]
    for param in entry.params:
        answer = essay_graph.query(name, **{param: "kg:no-such-thing"})
        assert param in answer.vars
        assert answer.rows == [], f"{name}: -p {param} does not restrict the rows"


@pytest.mark.parametrize("name", mine())
def test_every_example_runs(runner: Any, essay_home: Path, name: str) -> None:
    from kg.cli import cli

    for example in library()[name].examples:
        result = runner.invoke(cli, shlex.split(example)[1:])
        assert result.exit_code == 0, (example, result.output)


def test_the_readme_lists_the_library() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in mine():
        entry = library()[name]
        assert f"| {name} | {entry.title} |" in readme, (
            f"README.md does not list {name}: regenerate the table with "
            "`kg query --list --format md` (see the query section)"
        )


def test_library_files_are_package_data() -> None:
    # The wheel carries kg/ whole; the library lives inside the package.
    from kg import resources

    assert resources.queries_dir() == Path(__file__).parents[1] / "kg" / "sparql" / "queries"
    assert {p.stem for p in resources.queries_dir().glob("*.rq")} >= set(mine())
