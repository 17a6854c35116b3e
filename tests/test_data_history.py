"""Checks on the sourced history since 2013 (data/history/*.trig).

Every event is dated exactly once, as precisely as its source; every event names at least one
source page that describes itself in its own named graph and at least one quote; every triple is
in a named graph; and every acquisition has exactly one acquirer and one acquired.
"""

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef

ECO = Namespace("https://w3id.org/container-kg/ontology#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
# A plain Namespace (not rdflib's closed XSD) so that pytest's module inspection stays quiet.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
HISTORY = Path(__file__).resolve().parent.parent / "data" / "history"
FILES = sorted(HISTORY.glob("*.trig"))

EVENT_CLASSES = {
    ECO.Event,
    ECO.Acquisition,
    ECO.Coalition,
    ECO.Pivot,
    ECO.Funding,
    ECO.Conference,
    ECO.Founding,
    ECO.Rename,
    ECO.Closure,
    ECO.Donation,
    ECO.Release,
    ECO.MaturityChange,
    ECO.PublicOffering,
    ECO.SpinOff,
    ECO.Appointment,
    ECO.LicenceChange,
    ECO.Fork,
}
DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear}
ORG_OR_PRODUCT = {
    ECO.Organization,
    ECO.Company,
    ECO.Investor,
    ECO.Consortium,
    ECO.Product,
}


def load(path: Path) -> Dataset:
    ds = Dataset()
    ds.parse(path, format="trig")
    return ds


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    ds = Dataset()
    for path in FILES:
        ds.parse(path, format="trig")
    return ds


@pytest.fixture(scope="module")
def union(dataset):
    """All triples of all named graphs, as one graph."""
    g = Graph()
    for ctx in dataset.graphs():
        if ctx.identifier == dataset.default_graph.identifier:
            continue
        for triple in ctx:
            g.add(triple)
    return g


@pytest.fixture(scope="module")
def events(union):
    found = set()
    for cls in EVENT_CLASSES:
        found.update(s for s in union.subjects(RDF.type, cls))
    return sorted(found)


def graphs_of(dataset: Dataset, subject) -> set:
    """The names of the named graphs in which the subject appears as a subject."""
    return {
        ctx.identifier
        for ctx in dataset.graphs()
        if ctx.identifier != dataset.default_graph.identifier and (subject, None, None) in ctx
    }


def test_files_exist():
    names = {p.name for p in FILES}
    assert {"acquisitions.trig", "foundations.trig", "companies.trig"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_file_parses(path):
    assert len(load(path)) > 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_triple_is_in_a_named_graph(path):
    ds = load(path)
    assert len(ds.default_graph) == 0, f"{path.name}: triples outside any named graph"


@pytest.mark.slow
def test_at_least_100_dated_events(events, union):
    dated = [e for e in events if (e, ECO.date, None) in union]
    assert len(dated) >= 100, f"only {len(dated)} dated events"


def test_every_event_has_exactly_one_typed_date(events, union):
    problems = []
    for e in events:
        dates = list(union.objects(e, ECO.date))
        if len(dates) != 1:
            problems.append(f"{e}: {len(dates)} dates")
        elif not isinstance(dates[0], Literal) or dates[0].datatype not in DATE_TYPES:
            problems.append(f"{e}: date {dates[0]!r} not xsd:date/gYearMonth/gYear")
    assert not problems, "\n".join(problems)


def test_every_event_has_a_label(events, union):
    missing = [e for e in events if not list(union.objects(e, RDFS.label))]
    assert not missing, missing


def test_every_event_has_a_source_page_described_in_its_own_graph(dataset, events, union):
    problems = []
    graph_names = {ctx.identifier for ctx in dataset.graphs()}
    for e in events:
        web = [
            s
            for s in union.objects(e, ECO.source)
            if isinstance(s, URIRef) and str(s).startswith(("http://", "https://"))
        ]
        if not web:
            problems.append(f"{e}: no http(s) eco:source")
            continue
        for src in web:
            if src not in graph_names:
                problems.append(f"{e}: source {src} has no named graph")
                continue
            own = dataset.graph(src)
            if (src, RDF.type, ECO.Source) not in own:
                problems.append(f"{e}: source {src} is not typed eco:Source in its own graph")
            if not list(own.objects(src, DCTERMS.title)):
                problems.append(f"{e}: source {src} has no dcterms:title")
    assert not problems, "\n".join(problems)


def test_every_event_has_a_non_empty_quote(events, union):
    missing = [e for e in events if not any(str(q).strip() for q in union.objects(e, ECO.quote))]
    assert not missing, missing


@pytest.mark.slow
def test_every_event_appears_in_the_graph_of_one_of_its_sources(dataset, events, union):
    problems = []
    for e in events:
        sources = set(union.objects(e, ECO.source))
        if not sources & graphs_of(dataset, e):
            problems.append(f"{e}: not stated in the graph of any of its sources")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_every_graph_that_states_an_event_is_one_of_its_sources(dataset, events, union):
    problems = []
    for e in events:
        sources = set(union.objects(e, ECO.source))
        for g in graphs_of(dataset, e):
            if g not in sources:
                problems.append(f"{e}: stated in graph {g} which is not among its eco:source")
    assert not problems, "\n".join(problems)


def test_every_acquisition_has_one_acquirer_and_one_acquired(union):
    problems = []
    for a in union.subjects(RDF.type, ECO.Acquisition):
        acquirers = list(union.objects(a, ECO.acquirer))
        acquired = list(union.objects(a, ECO.acquired))
        if len(acquirers) != 1 or len(acquired) != 1:
            problems.append(f"{a}: {len(acquirers)} acquirers, {len(acquired)} acquired")
    assert not problems, "\n".join(problems)


def test_money_is_decimal(union):
    problems = []
    for prop in (ECO.price, ECO.amount):
        for s, o in union.subject_objects(prop):
            if not isinstance(o, Literal) or o.datatype != XSD.decimal:
                problems.append(f"{s} {prop}: {o!r}")
    assert not problems, "\n".join(problems)


def test_coalitions_form_a_consortium(union):
    problems = []
    for c in union.subjects(RDF.type, ECO.Coalition):
        formed = list(union.objects(c, ECO.formed))
        members = list(union.objects(c, ECO.member))
        if len(formed) != 1 or not members:
            problems.append(f"{c}: formed={formed}, {len(members)} members")
    assert not problems, "\n".join(problems)


def test_new_entities_are_typed_labelled_and_sourced(union):
    """Every kg: entity referenced by an event is typed, labelled and sourced somewhere.

    Entities defined by the essay's own data (data/essay-2015.trig) are exempt when it exists.
    """
    kg = "https://w3id.org/container-kg/id/"
    essay = HISTORY.parent / "essay-2015.trig"
    essay_subjects = set()
    if essay.exists():
        essay_ds = load(essay)
        for ctx in essay_ds.graphs():
            essay_subjects.update(ctx.subjects(RDF.type, None))
    roles = (
        ECO.acquirer,
        ECO.acquired,
        ECO.member,
        ECO.formed,
        ECO.organization,
        ECO.product,
        ECO.recipient,
        ECO.investor,
    )
    referenced = set()
    for prop in roles:
        referenced.update(o for o in union.objects(None, prop) if str(o).startswith(kg))
    problems = []
    for ent in sorted(referenced):
        if ent in essay_subjects:
            continue
        if (ent, RDF.type, None) not in union:
            # Essay entities may be defined only in data/essay-2015.trig; be lenient when
            # that file is not there yet, but require types for everything else.
            if essay.exists():
                problems.append(f"{ent}: no rdf:type")
            continue
        if not list(union.objects(ent, RDFS.label)):
            problems.append(f"{ent}: no rdfs:label")
        if not list(union.objects(ent, ECO.source)) or not list(union.objects(ent, ECO.quote)):
            problems.append(f"{ent}: no eco:source / eco:quote")
    assert not problems, "\n".join(problems)


def test_acquired_things_are_organizations_or_products(union):
    essay = HISTORY.parent / "essay-2015.trig"
    typed = {}
    for s, o in union.subject_objects(RDF.type):
        typed.setdefault(s, set()).add(o)
    if essay.exists():
        for ctx in load(essay).graphs():
            for s, o in ctx.subject_objects(RDF.type):
                typed.setdefault(s, set()).add(o)
    problems = []
    for a, thing in union.subject_objects(ECO.acquired):
        types = typed.get(thing)
        if types is None:
            if essay.exists():
                problems.append(f"{a}: acquired {thing} is not typed anywhere")
            continue
        if not types & ORG_OR_PRODUCT:
            problems.append(f"{a}: acquired {thing} has types {types}")
    assert not problems, "\n".join(problems)


# --- Values corrected by the source audit (issue 14), each pinned with the source that states it

KG = Namespace("https://w3id.org/container-kg/id/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


def in_graph(dataset: Dataset, source: str, triple) -> bool:
    """True when the named graph of ``source`` states ``triple``."""
    return triple in dataset.graph(URIRef(source))


def literal(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=XSD[datatype])


PINNED = [
    # (subject, property, value, datatype, source that states it)
    (
        "docker-series-c-2022",
        ECO.date,
        "2022-03-31",
        "date",
        "https://techcrunch.com/2022/03/31/as-docker-gains-momentum-it-hauls-in-105m-series-c-on-2b-valuation/",
    ),
    (
        "docker-series-b-2021",
        ECO.amount,
        "23000000",
        "decimal",
        "https://www.docker.com/blog/docker-series-b-more-fuel-to-help-dev-teams-get-ship-done/",
    ),
    (
        "ibm-acquires-red-hat",
        ECO.date,
        "2018-10-28",
        "date",
        "https://www.sec.gov/Archives/edgar/data/51143/000110465918064384/0001104659-18-064384-index.htm",
    ),
    (
        "ibm-acquires-red-hat",
        ECO.completionDate,
        "2019-07-09",
        "date",
        "https://www.cbronline.com/news/ibm-closes-red-hat-deal",
    ),
    (
        "suse-acquires-rancher-labs",
        ECO.date,
        "2020-07",
        "gYearMonth",
        "https://lists.opensuse.org/opensuse-project/2020-07/msg00055.html",
    ),
    (
        "suse-acquires-rancher-labs",
        ECO.completionDate,
        "2020-12",
        "gYearMonth",
        "https://www.theregister.com/2020/12/02/suse_rancher/",
    ),
    (
        "broadcom-acquires-vmware",
        ECO.date,
        "2022-05-26",
        "date",
        "https://www.thetimes.co.uk/article/broadcom-buys-into-the-cloud-with-61bn-vmware-purchase-t5x3stp9m",
    ),
    (
        "broadcom-acquires-vmware",
        ECO.completionDate,
        "2023-11-22",
        "date",
        "https://www.helpnetsecurity.com/2023/11/22/broadcom-vmware-acquisition/",
    ),
    (
        "vmware-acquires-heptio",
        ECO.date,
        "2018-11-06",
        "date",
        "https://www.eweek.com/cloud/why-vmware-is-acquiring-heptio-and-going-all-in-for-kubernetes",
    ),
    (
        "vmware-acquires-heptio",
        ECO.completionDate,
        "2018-12",
        "gYearMonth",
        "https://www.businessinsider.com/vmware-heptio-acquisition-vmworld-kubernetes-2019-8",
    ),
    (
        "ibm-acquires-hashicorp",
        ECO.date,
        "2024-04-24",
        "date",
        "https://www.sec.gov/Archives/edgar/data/0001720671/000119312524114310/d804229d8k.htm",
    ),
    (
        "ibm-acquires-hashicorp",
        ECO.completionDate,
        "2025-02",
        "gYearMonth",
        "https://www.digitalworlditalia.it/data-center/gestione-infrastruttura/armon-dadgar-hashicorp-terraform-ibm-174490",
    ),
    (
        "pure-storage-acquires-portworx",
        ECO.date,
        "2020",
        "gYear",
        "https://blog.purestorage.com/purely-technical/portworx-adds-flexibility-to-pure-and-vmware/",
    ),
    (
        "pure-storage-acquires-portworx",
        ECO.completionDate,
        "2020-10",
        "gYearMonth",
        "https://www.sec.gov/Archives/edgar/data/1474432/000162828020017299/R12.htm",
    ),
    (
        "vmware-acquires-pivotal",
        ECO.completionDate,
        "2019-12-30",
        "date",
        "https://techcrunch.com/2019/12/30/vmware-completes-2-7-billion-pivotal-acquisition/",
    ),
    (
        "vmware-acquires-pivotal",
        ECO.date,
        "2019-08-22",
        "date",
        "https://news.broadcom.com/apj/releases/vmware-reports-fiscal-year-2020-second-quarter-results-082219",
    ),
    (
        "red-hat-acquires-ansible",
        ECO.completionDate,
        "2015-10-16",
        "date",
        "https://www.sec.gov/Archives/edgar/data/1087423/000119312516732752/R20.htm",
    ),
    (
        "red-hat-acquires-coreos",
        ECO.date,
        "2018-01-30",
        "date",
        "https://silicon.co.uk/cloud/red-hat-coreos-227785",
    ),
    (
        "f5-acquires-nginx",
        ECO.date,
        "2019-03-11",
        "date",
        "https://www.lightreading.com/cloud/f5-denies-670m-nginx-buy-was-a-defensive-move",
    ),
    (
        "f5-acquires-nginx",
        ECO.completionDate,
        "2019-05-08",
        "date",
        "https://www.sec.gov/Archives/edgar/data/1048695/000104869519000030/R11.htm",
    ),
    (
        "hashicorp-ipo",
        ECO.date,
        "2021-12-09",
        "date",
        "https://capital.com/hashicorp-hcp-ipo-us-software-company-seeks-1bn-capital",
    ),
    (
        "docker-acquires-kitematic",
        ECO.date,
        "2015-03",
        "gYearMonth",
        "https://devops.com/the-docker-whale-swallows-another-one-kitematic/",
    ),
    (
        "docker",
        ECO.foundingDate,
        "2008",
        "gYear",
        "https://www.journaldunet.com/solutions/dsi/1187395-solomon-hykes-le-francais-qui-aura-conquis-toute-la-silicon-valley/",
    ),
    (
        "dotcloud-renamed-docker",
        ECO.date,
        "2013-10-29",
        "date",
        "https://informationweek.com/cloud/platform-as-a-service/docker-finds-open-source-success/d/d-id/1112100",
    ),
    (
        "emc-acquires-vmware",
        ECO.date,
        "2003-12-15",
        "date",
        "http://rcpmag.com/articles/2003/12/15/emc-to-acquire-vmware.aspx",
    ),
    (
        "emc-acquires-vmware",
        ECO.completionDate,
        "2004",
        "gYear",
        "https://www.crn.com/news/data-center/dell-vmware-spin-off-set-for-nov-1-stock-dividend-approved",
    ),
    (
        "dell-acquires-emc",
        ECO.date,
        "2015-10-12",
        "date",
        "https://www.itproportal.com/2015/10/12/dell-swallows-emc-in-massive-67bn-deal/",
    ),
    (
        "dell-acquires-emc",
        ECO.completionDate,
        "2016-09-07",
        "date",
        "https://siliconangle.com/2016/08/30/dell-to-close-landmark-emc-acquisition-on-sept-7",
    ),
    (
        "dell-spins-off-vmware",
        ECO.date,
        "2021-11-01",
        "date",
        "https://www.thestreet.com/investing/dell-technologies-to-spin-off-vmware-stake-into-separate-company",
    ),
    (
        "hp-spins-off-hpe",
        ECO.date,
        "2015-11-01",
        "date",
        "http://www.reuters.com/article/us-hp-restructuring-idUSKCN0RV4FL20151001",
    ),
    (
        "micro-focus-acquires-hpe-software",
        ECO.completionDate,
        "2017-09-01",
        "date",
        "https://www.enterprisetech.com/2017/09/01/hpe-micro-focus-complete-software-merger/",
    ),
    (
        "opentext-acquires-micro-focus",
        ECO.completionDate,
        "2023-01-31",
        "date",
        "https://www.sec.gov/Archives/edgar/data/1002638/000119312523096505/R1.htm",
    ),
]


@pytest.mark.parametrize(
    "subject, prop, value, datatype, source", PINNED, ids=lambda v: str(v)[-40:]
)
def test_corrected_value_is_stated_by_its_source(
    dataset, union, subject, prop, value, datatype, source
):
    triple = (KG[subject], prop, literal(value, datatype))
    assert in_graph(dataset, source, triple), f"{source} does not state {subject} {prop} {value}"
    assert (KG[subject], ECO.source, URIRef(source)) in union
    # The corrected value is the only one: no other graph keeps the old one.
    assert set(union.objects(KG[subject], prop)) == {triple[2]}


WRONG_VALUES = [
    ("docker-series-c-2022", ECO.date, literal("2022-05-25", "date")),
    ("docker-series-b-2021", ECO.amount, literal("21000000", "decimal")),
    ("hashicorp-ipo", ECO.date, literal("2021-12-13", "date")),
    ("ibm-acquires-red-hat", ECO.date, literal("2019-07-09", "date")),
    ("suse-acquires-rancher-labs", ECO.date, literal("2020-12-02", "date")),
    ("broadcom-acquires-vmware", ECO.date, literal("2023-11-22", "date")),
]


@pytest.mark.parametrize("subject, prop, value", WRONG_VALUES, ids=lambda v: str(v)[-30:])
def test_the_old_wrong_value_is_gone(union, subject, prop, value):
    assert (KG[subject], prop, value) not in union


def test_hashicorp_ipo_is_a_public_offering(union):
    assert (KG["hashicorp-ipo"], RDF.type, ECO.PublicOffering) in union


def test_dc_os_is_one_product(union):
    """kg:dc-os was a duplicate of the essay's kg:mesosphere-dcos: every fact moved to it."""
    dc_os = KG["dc-os"]
    assert not list(union.triples((dc_os, None, None)))
    assert not list(union.triples((None, None, dc_os)))
    assert (KG["mesosphere-dcos"], SKOS.altLabel, Literal("DC/OS")) in union


def test_the_hp_split_hands_3par_and_openview_to_hpe(dataset, union):
    split = KG["hp-spins-off-hpe"]
    assert (split, RDF.type, ECO.SpinOff) in union
    assert set(union.objects(split, ECO.organization)) == {KG.hp}
    assert set(union.objects(split, ECO.spunOff)) == {KG.hpe}
    assert set(union.objects(split, ECO.transferred)) == {KG["3par"], KG.openview}


def test_vmware_leaves_dell_in_a_spin_off(union):
    spin = KG["dell-spins-off-vmware"]
    assert (spin, RDF.type, ECO.SpinOff) in union
    assert set(union.objects(spin, ECO.organization)) == {KG.dell}
    assert set(union.objects(spin, ECO.spunOff)) == {KG.vmware}


def test_docker_founding_disagreement_names_both_sources(dataset):
    graph = dataset.graph(
        URIRef(
            "https://www.journaldunet.com/solutions/dsi/1187395-solomon-hykes-le-francais-qui-aura-conquis-toute-la-silicon-valley/"
        )
    )
    comments = " ".join(str(c) for c in graph.objects(KG.docker, RDFS.comment))
    assert "2010" in comments and "InformationWeek" in comments and "2008" in comments


def test_kitematic_source_names_the_copy_it_was_read_in(dataset):
    src = URIRef("https://devops.com/the-docker-whale-swallows-another-one-kitematic/")
    copies = list(dataset.graph(src).objects(src, ECO.retrievedFrom))
    assert copies == [
        Literal(
            "https://staging-devopsy.kinsta.cloud/the-docker-whale-swallows-another-one-kitematic",
            datatype=XSD.anyURI,
        )
    ]


def _first_day(lexical: str) -> str:
    return {4: lexical + "-01-01", 7: lexical + "-01", 10: lexical}[len(lexical)]


def test_completion_never_precedes_announcement(union):
    problems = []
    for event, done in union.subject_objects(ECO.completionDate):
        dates = list(union.objects(event, ECO.date))
        if len(dates) != 1:
            continue
        if _first_day(str(done)) < _first_day(str(dates[0])):
            problems.append(f"{event}: completed {done} before announced {dates[0]}")
    assert not problems, "\n".join(problems)


def test_completion_dates_are_typed_and_single(union):
    problems = []
    for event in set(union.subjects(ECO.completionDate, None)):
        done = list(union.objects(event, ECO.completionDate))
        if len(done) != 1 or done[0].datatype not in DATE_TYPES:
            problems.append(f"{event}: completion {done}")
    assert not problems, "\n".join(problems)


def test_at_least_60_dated_acquisitions(union):
    dated = [
        a for a in set(union.subjects(RDF.type, ECO.Acquisition)) if (a, ECO.date, None) in union
    ]
    assert len(dated) >= 60, f"only {len(dated)} dated acquisitions"


# Some of the deals added from the essay's organisations: date (the announcement, as precise as
# the source), acquirer and the source whose graph states the date.
NEW_DEALS = [
    (
        "microsoft-acquires-github",
        "microsoft",
        "2018-06-04",
        "https://www.windowslatest.com/2018/06/04/microsoft-acquires-github-for-7-5-billion/",
    ),
    (
        "cisco-acquires-piston-cloud-computing",
        "cisco",
        "2015-06-03",
        "http://techcrunch.com/2015/06/03/"
        "piston-goes-to-cisco-bluebox-to-ibm-as-openstack-consolidation-accelerates/",
    ),
    (
        "hp-acquires-eucalyptus",
        "hp",
        "2014-09-11",
        "https://virtualizationreview.com/articles/2014/09/12/hp-buys-cloud-vendor-eucalyptus.aspx",
    ),
    (
        "hpe-acquires-simplivity",
        "hpe",
        "2017-01-17",
        "http://derstandard.at/2000050940498/IT-Konzern-HP-Enterprise-kauft-nach-Schrumpfkur-wieder-zu",
    ),
    (
        "red-hat-acquires-3scale",
        "red-hat",
        "2016-06-22",
        "https://searchcloudcomputing.techtarget.com/news/450299207/"
        "Red-Hat-explains-its-acquisition-of-API-management-tools-maker-3scale",
    ),
    (
        "docker-acquires-tilt",
        "docker",
        "2022-05-24",
        "https://blog.tilt.dev/2022/05/24/joining-docker.html",
    ),
    (
        "chronosphere-acquires-calyptia",
        "chronosphere",
        "2024",
        "https://chronosphere.io/learn/fluent-bit-logs-openmetrics-opentelemetry/",
    ),
]


@pytest.mark.parametrize(("event", "acquirer", "date", "source"), NEW_DEALS)
def test_new_deal_is_dated_by_its_source(dataset, union, event, acquirer, date, source):
    node = KG[event]
    assert (node, RDF.type, ECO.Acquisition) in union
    assert (node, ECO.acquirer, KG[acquirer]) in union
    assert [str(d) for d in union.objects(node, ECO.date)] == [date]
    graph = dataset.graph(URIRef(source))
    assert (node, ECO.date, None) in graph, f"{event}: its date is not stated in {source}"
    assert (URIRef(source), ECO.sourceKind, None) in graph
