"""Checks of data/essay-2015.trig: the 2015 essay's facts, encoded as one named graph."""

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

ROOT = Path(__file__).parents[1]
DATA = ROOT / "data" / "essay-2015.trig"
ESSAY = ROOT / ".." / "shared" / "essay-2015.txt"

ECO = Namespace("https://w3id.org/container-kg/ontology#")
KG = Namespace("https://w3id.org/container-kg/id/")
SOURCE = KG["essay-2015"]
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
XSD_GYEAR = URIRef(XSD_NS + "gYear")
XSD_DECIMAL = URIRef(XSD_NS + "decimal")

# Every entity the essay names, with its expected rdf:type.
EXPECTED_TYPES = {
    "docker": ECO.Company,
    "dockercon-2015": ECO.Conference,
    "container-vc-investment-2015": ECO.Funding,
    "mayfield": ECO.Investor,
    "navin-chaddha": ECO.Person,
    "hashicorp": ECO.Company,
    "mitchell-hashimoto": ECO.Person,
    "atlas": ECO.Product,
    "vmware": ECO.Company,
    "project-photon": ECO.Product,
    "red-hat": ECO.Company,
    "red-hat-enterprise-linux": ECO.Product,
    "project-atomic": ECO.Product,
    "coreos": ECO.Company,
    "microsoft": ECO.Company,
    "windows-server": ECO.Product,
    "nano-server": ECO.Product,
    "rancher-labs": ECO.Company,
    "rancheros": ECO.Product,
    "google": ECO.Company,
    "kubernetes": ECO.Product,
    "mesosphere": ECO.Company,
    "mesosphere-dcos": ECO.Product,
    "portworx": ECO.Company,
    "3par": ECO.Company,
    "nutanix": ECO.Company,
    "pure-storage": ECO.Company,
    "veeam-software": ECO.Company,
    "weave": ECO.Product,
    "socketplane": ECO.Company,
    "f5": ECO.Company,
    "nicira": ECO.Company,
    "twistlock": ECO.Company,
    "ibm": ECO.Company,
    "tivoli": ECO.Product,
    "hp": ECO.Company,
    "openview": ECO.Product,
    "sysdig": ECO.Company,
    "chef": ECO.Company,
    "puppet": ECO.Company,
    "kitematic": ECO.Company,
    "koality": ECO.Company,
    "orchard": ECO.Company,
    "docker-acquires-kitematic": ECO.Acquisition,
    "docker-acquires-koality": ECO.Acquisition,
    "docker-acquires-orchard": ECO.Acquisition,
    "docker-acquires-socketplane": ECO.Acquisition,
    "open-container-coalition": ECO.Coalition,
    "oci": ECO.Consortium,
    "docker-pivot-from-paas": ECO.Pivot,
}

# The categories the essay places each organisation or product in (exactly these).
EXPECTED_CATEGORIES = {
    "docker": {"security", "networking"},
    "hashicorp": {"management"},
    "atlas": {"management"},
    "vmware": {"virtualization"},
    "project-photon": {"operating-systems"},
    "red-hat": set(),
    "red-hat-enterprise-linux": {"operating-systems"},
    "project-atomic": {"operating-systems"},
    "coreos": {"operating-systems", "orchestration"},
    "microsoft": set(),
    "windows-server": {"operating-systems"},
    "nano-server": {"operating-systems"},
    "rancher-labs": {"operating-systems"},
    "rancheros": {"operating-systems"},
    "google": set(),
    "kubernetes": {"orchestration"},
    "mesosphere": {"orchestration"},
    "mesosphere-dcos": {"orchestration"},
    "portworx": {"storage"},
    "3par": {"storage", "virtualization"},
    "nutanix": {"storage", "virtualization"},
    "pure-storage": {"storage", "virtualization"},
    "veeam-software": {"storage", "virtualization"},
    "weave": {"networking"},
    "socketplane": {"networking"},
    "f5": {"networking"},
    "nicira": {"networking"},
    "twistlock": {"security"},
    "ibm": set(),
    "tivoli": {"management"},
    "hp": set(),
    "openview": {"management"},
    "sysdig": {"management"},
    "chef": {"management"},
    "puppet": {"management"},
    "kitematic": set(),
    "koality": set(),
    "orchard": set(),
}

# Products whose developer the essay states ("Googles Kubernetes", ...).
EXPECTED_DEVELOPERS = {
    "atlas": "hashicorp",
    "project-photon": "vmware",
    "project-atomic": "red-hat",
    "red-hat-enterprise-linux": "red-hat",
    "nano-server": "microsoft",
    "rancheros": "rancher-labs",
    "kubernetes": "google",
    "mesosphere-dcos": "mesosphere",
    "tivoli": "ibm",
    "openview": "hp",
}

ACQUISITIONS = {
    "docker-acquires-kitematic": "kitematic",
    "docker-acquires-koality": "koality",
    "docker-acquires-orchard": "orchard",
    "docker-acquires-socketplane": "socketplane",
}

CATEGORIES = {
    "operating-systems",
    "orchestration",
    "storage",
    "networking",
    "security",
    "management",
    "paas",
    "virtualization",
    "development-environments",
    "ui",
    "conversion-tools",
}


@pytest.fixture(scope="module")
def dataset():
    ds = Dataset()
    ds.parse(DATA, format="trig")
    return ds


@pytest.fixture(scope="module")
def graph(dataset):
    return dataset.graph(SOURCE)


@pytest.fixture(scope="module")
def essay():
    if not ESSAY.is_file():
        pytest.skip(f"essay text not found at {ESSAY.resolve()}: cannot check quotes")
    return ESSAY.read_text(encoding="utf-8")


def test_everything_is_in_the_essay_graph(dataset, graph):
    assert len(graph) > 0
    assert len(dataset.graph(DATASET_DEFAULT_GRAPH_ID)) == 0, "triples found in the default graph"
    names = {g.identifier for g in dataset.graphs() if len(g) > 0}
    assert names == {SOURCE}


def test_source_describes_itself(graph):
    assert (SOURCE, RDF.type, ECO.Source) in graph
    assert graph.value(SOURCE, URIRef("http://purl.org/dc/terms/title")) is not None
    assert (SOURCE, URIRef("http://purl.org/dc/terms/creator"), KG["navin-chaddha"]) in graph
    issued = graph.value(SOURCE, URIRef("http://purl.org/dc/terms/issued"))
    assert issued == Literal("2015", datatype=XSD_GYEAR)
    quotes = set(graph.objects(SOURCE, ECO.quote))
    assert Literal("Navin Chaddha is managing director of Mayfield.") in quotes


@pytest.mark.parametrize("slug", sorted(EXPECTED_TYPES))
def test_entity_present(graph, slug):
    node = KG[slug]
    assert (node, RDF.type, EXPECTED_TYPES[slug]) in graph
    assert graph.value(node, RDFS.label) is not None, f"{slug} has no rdfs:label"
    assert (node, ECO.source, SOURCE) in graph, f"{slug} lacks eco:source kg:essay-2015"
    assert graph.value(node, ECO.quote) is not None, f"{slug} has no eco:quote"


def test_every_subject_is_sourced_and_quoted(graph):
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)} - {SOURCE}
    for node in subjects:
        assert (node, ECO.source, SOURCE) in graph, node
        assert graph.value(node, ECO.quote) is not None, node
        assert graph.value(node, RDFS.label) is not None, node


@pytest.mark.parametrize("slug", sorted(EXPECTED_CATEGORIES))
def test_categories(graph, slug):
    found = {str(c) for c in graph.objects(KG[slug], ECO.category)}
    assert found == {str(KG[c]) for c in EXPECTED_CATEGORIES[slug]}


def test_categories_come_from_the_scheme(graph):
    allowed = {KG[c] for c in CATEGORIES}
    for prop in (ECO.category, ECO.fromCategory, ECO.toCategory):
        for _, _, cat in graph.triples((None, prop, None)):
            assert cat in allowed, cat


@pytest.mark.parametrize("product,developer", sorted(EXPECTED_DEVELOPERS.items()))
def test_developers(graph, product, developer):
    assert set(graph.objects(KG[product], ECO.developer)) == {KG[developer]}


def test_no_developer_the_essay_does_not_state(graph):
    for product in ("weave", "windows-server"):
        assert graph.value(KG[product], ECO.developer) is None


@pytest.mark.parametrize("event,acquired", sorted(ACQUISITIONS.items()))
def test_acquisitions(graph, event, acquired):
    node = KG[event]
    assert set(graph.objects(node, ECO.acquirer)) == {KG.docker}
    assert set(graph.objects(node, ECO.acquired)) == {KG[acquired]}


def test_no_dates_or_prices_on_acquisitions(graph):
    for node in graph.subjects(RDF.type, ECO.Acquisition):
        assert graph.value(node, ECO.date) is None, node
        assert graph.value(node, ECO.price) is None, node


def test_no_dates_anywhere(graph):
    assert not list(graph.triples((None, ECO.date, None)))
    assert not list(graph.triples((None, ECO.foundingDate, None)))


def test_conference(graph):
    node = KG["dockercon-2015"]
    assert graph.value(node, ECO.location) == Literal("San Francisco")
    assert graph.value(node, ECO.attendeesAtLeast).toPython() == 2000
    assert graph.value(node, ECO.sponsors).toPython() == 70
    assert graph.value(node, ECO.exhibitorsMoreThan).toPython() == 40
    assert graph.value(node, ECO.organization) == KG.docker


def test_funding(graph):
    node = KG["container-vc-investment-2015"]
    amount = graph.value(node, ECO.amount)
    assert amount.datatype == XSD_DECIMAL
    assert amount.toPython() == 500_000_000
    assert graph.value(node, ECO.approximate).toPython() is True


def test_people(graph):
    navin = KG["navin-chaddha"]
    assert graph.value(navin, ECO.worksFor) == KG.mayfield
    assert graph.value(navin, ECO.jobTitle) == Literal("managing director")
    assert graph.value(KG.hashicorp, ECO.founder) == KG["mitchell-hashimoto"]
    assert graph.value(KG["mitchell-hashimoto"], ECO.description) == Literal("DevOps guru")


def test_coalition_and_pivot(graph):
    coalition = KG["open-container-coalition"]
    assert graph.value(coalition, ECO.formed) == KG.oci
    assert graph.value(coalition, ECO.member) is None
    assert graph.value(coalition, ECO.date) is None
    pivot = KG["docker-pivot-from-paas"]
    assert graph.value(pivot, ECO.organization) == KG.docker
    assert graph.value(pivot, ECO.fromCategory) == KG.paas


def test_alt_labels(graph):
    skos_alt = URIRef("http://www.w3.org/2004/02/skos/core#altLabel")
    assert Literal("Atom") in set(graph.objects(KG["project-atomic"], skos_alt))
    assert Literal("Nano") in set(graph.objects(KG["nano-server"], skos_alt))
    assert Literal("SocketPlane.io") in set(graph.objects(KG.socketplane, skos_alt))


def test_quotes_are_in_the_essay(graph, essay):
    quotes = list(graph.triples((None, ECO.quote, None)))
    assert quotes
    for subject, _, quote in quotes:
        assert str(quote) in essay, f"quote of {subject} not in essay: {quote!r}"


def test_descriptions_are_in_the_essay(graph, essay):
    for subject, _, text in graph.triples((None, ECO.description, None)):
        assert str(text) in essay, f"description of {subject} not in essay: {text!r}"
