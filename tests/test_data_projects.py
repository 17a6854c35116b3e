"""Checks on the curated foundations, CNCF projects, licence changes and releases.

Pins the values corrected in issue 14 (each with the source that states it), the merge of the
Open Container coalition, and the source policy on the files of this part of the history:
data/history/foundations.trig, projects-*.trig, licences.trig and releases.trig.
"""

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef

ECO = Namespace("https://w3id.org/container-kg/ontology#")
KG = Namespace("https://w3id.org/container-kg/id/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
# A plain Namespace (not rdflib's closed XSD) so that pytest's module inspection stays quiet.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

DATA = Path(__file__).resolve().parent.parent / "data"
HISTORY = DATA / "history"
FILES = sorted(
    [
        HISTORY / "foundations.trig",
        HISTORY / "licences.trig",
        HISTORY / "releases.trig",
        *list(HISTORY.glob("projects-*.trig")),
    ]
)
ESSAY = DATA / "essay-2015.trig"

EVENT_CLASSES = [
    ECO[c]
    for c in [
        "Event",
        "Acquisition",
        "Coalition",
        "Pivot",
        "Funding",
        "Conference",
        "Founding",
        "Rename",
        "Closure",
        "Donation",
        "Release",
        "MaturityChange",
        "LicenceChange",
        "Fork",
        "PublicOffering",
        "SpinOff",
        "Appointment",
    ]
]
DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear}
SOURCE_KINDS = {KG["source-primary"], KG["source-press"], KG["source-dataset"]}

# Mirrors, scrapers and weak copies that must not be sources (brief of issue 14).
BANNED_HOSTS = (
    "blogspot.com",
    "cloudcow.com",
    "primeurmagazine.com",
    "profilbaru.com",
    "iiab.live",
    "kiwix",
    "thetechportal.com",
    "wikipedia.org",
    "medium.com",
    "gist.github.com",
)
TRACKING = (
    "utm_",
    "?ref=",
    "&ref=",
    "td=readmore",
    "ncid=",
    "rebelltitem",
    "?share=",
    "hss_channel",
)

CHANGELOG = URIRef("https://github.com/opencontainers/runc/blob/main/CHANGELOG.md")
OCI_V1 = URIRef(
    "https://opencontainers.org/posts/announcements/"
    "2017-07-17-open-container-initiative-oci-releases-v1-0-of-container-standards/"
)
CNCF_2015 = URIRef(
    "https://www.cncf.io/announcements/2015/06/21/"
    "new-cloud-native-computing-foundation-to-drive-alignment-among-container-technologies/"
)
OCP_2015 = URIRef(
    "http://www.businesswire.com/news/home/20150622005422/en/"
    "Industry-Leaders-Unite-Create-Project-Open-Container"
)
OCI_RENAME = URIRef(
    "https://opencontainers.org/posts/announcements/"
    "2015-07-22-community-rallies-behind-open-container-initiative/"
)
K8S_ACCEPTED = URIRef(
    "https://www.cncf.io/announcement/2016/03/10/cloud-native-computing-foundation-accepts-"
    "kubernetes-as-first-hosted-project-technical-oversight-committee-elected/"
)


def _parse(paths) -> Dataset:
    ds = Dataset()
    for path in paths:
        ds.parse(path, format="trig")
    return ds


def _union(ds: Dataset) -> Graph:
    g = Graph()
    for ctx in ds.graphs():
        if ctx.identifier != ds.default_graph.identifier:
            for triple in ctx:
                g.add(triple)
    return g


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return _parse(FILES)


@pytest.fixture(scope="module")
def union(dataset) -> Graph:
    return _union(dataset)


@pytest.fixture(scope="module")
def everything() -> Graph:
    """The union of all curated data (every history file and the essay)."""
    return _union(_parse([*sorted(HISTORY.glob("*.trig")), ESSAY]))


@pytest.fixture(scope="module")
def events(union):
    found = set()
    for cls in EVENT_CLASSES:
        found.update(union.subjects(RDF.type, cls))
    return sorted(found)


def _date(graph: Graph, event) -> Literal:
    dates = list(graph.objects(event, ECO.date))
    assert len(dates) == 1, f"{event}: {dates}"
    return dates[0]


def _in_graph(dataset: Dataset, source, triple) -> bool:
    return triple in dataset.graph(source)


# --- corrected values ---------------------------------------------------------------------


@pytest.mark.slow
def test_runc_1_0_0_is_2021_06_22_from_the_runc_changelog(dataset, union):
    event = KG["runc-1-0-0-released"]
    assert _date(union, event) == Literal("2021-06-22", datatype=XSD.date)
    assert set(union.objects(event, ECO.source)) == {CHANGELOG}
    assert _in_graph(
        dataset, CHANGELOG, (event, ECO.date, Literal("2021-06-22", datatype=XSD.date))
    )
    assert Literal("## [1.0.0] - 2021-06-22") in set(union.objects(event, ECO.quote))


def test_oci_specs_1_0_are_2017_07_19_from_the_oci(dataset, union):
    for name, product in (
        ("oci-runtime-spec-1-0-released", "oci-runtime-spec"),
        ("oci-image-spec-1-0-0-released", "oci-image-spec"),
    ):
        event = KG[name]
        assert _date(union, event) == Literal("2017-07-19", datatype=XSD.date)
        assert union.value(event, ECO.product) == KG[product]
        assert set(union.objects(event, ECO.source)) == {OCI_V1}


def test_cncf_founding_members_exactly_as_the_2015_announcement(dataset, union):
    founded = KG["cncf-founded"]
    expected = {
        KG[m]
        for m in [
            "att",
            "box",
            "cisco",
            "cloud-foundry-foundation",
            "coreos",
            "cycle-computing",
            "docker",
            "ebay",
            "goldman-sachs",
            "google",
            "huawei",
            "ibm",
            "intel",
            "joyent",
            "kismatic",
            "mesosphere",
            "red-hat",
            "switch-supernap",
            "twitter",
            "univa",
            "vmware",
            "weaveworks",
        ]
    }
    assert set(union.objects(founded, ECO.member)) == expected
    assert KG["rx-m"] not in set(union.objects(founded, ECO.member))
    assert _date(union, founded) == Literal("2015-07-21", datatype=XSD.date)
    assert set(union.objects(founded, ECO.source)) == {CNCF_2015}
    own = dataset.graph(CNCF_2015)
    assert (CNCF_2015, ECO.sourceKind, KG["source-primary"]) in own


def test_kubernetes_accepted_by_the_cncf_on_2016_03_10(union):
    event = KG["cncf-accepts-kubernetes"]
    assert _date(union, event) == Literal("2016-03-10", datatype=XSD.date)
    assert K8S_ACCEPTED in set(union.objects(event, ECO.source))
    assert union.value(event, ECO.recipient) == KG.cncf


def test_open_container_project_renamed_on_2015_07_22(union):
    rename = KG["oci-renamed-open-container-initiative"]
    assert (rename, RDF.type, ECO.Rename) in union
    assert _date(union, rename) == Literal("2015-07-22", datatype=XSD.date)
    assert union.value(rename, ECO.formerName) == Literal("Open Container Project")
    assert union.value(rename, ECO.newName) == Literal("Open Container Initiative")
    assert set(union.objects(rename, ECO.source)) == {OCI_RENAME}


# --- the merged coalition and the OCI's labels ---------------------------------------------


@pytest.mark.slow
def test_oci_founded_is_merged_into_the_essay_coalition(everything):
    assert (KG["oci-founded"], None, None) not in everything
    assert (None, None, KG["oci-founded"]) not in everything
    coalition = KG["open-container-coalition"]
    assert _date(everything, coalition) == Literal("2015-06-22", datatype=XSD.date)
    assert len(set(everything.objects(coalition, ECO.member))) == 21
    assert set(everything.objects(coalition, ECO.formed)) == {KG.oci}
    sources = set(everything.objects(coalition, ECO.source))
    assert {KG["essay-2015"], OCP_2015} <= sources
    assert len(set(everything.objects(coalition, RDFS.label))) == 1


def test_the_essay_graph_still_states_only_what_the_essay_says():
    essay = _parse([ESSAY]).graph(KG["essay-2015"])
    coalition = KG["open-container-coalition"]
    assert essay.value(coalition, ECO.formed) == KG.oci
    assert essay.value(coalition, ECO.member) is None
    assert essay.value(coalition, ECO.date) is None


def test_oci_has_one_label_and_keeps_the_essay_name_as_alt_label(everything):
    assert set(everything.objects(KG.oci, RDFS.label)) == {Literal("Open Container Initiative")}
    assert Literal("Open Container") in set(everything.objects(KG.oci, SKOS.altLabel))


# --- licence changes and forks ---------------------------------------------------------------


def test_terraform_moves_to_the_business_source_license_on_2023_08_10(union):
    change = KG["terraform-relicensed-busl"]
    assert union.value(change, ECO.product) == KG.terraform
    assert union.value(change, ECO.licenceBefore) == Literal("MPL-2.0")
    assert union.value(change, ECO.licenceAfter) == Literal("BUSL-1.1")
    assert _date(union, change) == Literal("2023-08-10", datatype=XSD.date)


@pytest.mark.parametrize(
    ("fork", "product", "origin"),
    [
        ("opentofu-forks-terraform", "opentofu", "terraform"),
        ("opensearch-forks-elasticsearch", "opensearch", "elasticsearch"),
        ("valkey-forks-redis", "valkey", "redis"),
    ],
)
def test_forks(union, fork, product, origin):
    assert (KG[fork], RDF.type, ECO.Fork) in union
    assert union.value(KG[fork], ECO.product) == KG[product]
    assert union.value(KG[fork], ECO.forkOf) == KG[origin]


# --- CNCF projects ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "level", "date"),
    [
        ("prometheus-graduates", "graduated", ("2018-08-09", XSD.date)),
        ("containerd-graduates", "graduated", ("2019-02-28", XSD.date)),
        ("linkerd-graduates", "graduated", ("2021-07-28", XSD.date)),
        ("cilium-graduates", "graduated", ("2023-10-11", XSD.date)),
        ("falco-graduates", "graduated", ("2024-02-29", XSD.date)),
        ("cri-o-joins-cncf", "incubating", ("2019-04-08", XSD.date)),
        ("vitess-joins-cncf", "incubating", ("2018-02-05", XSD.date)),
        ("harbor-joins-cncf", "sandbox", ("2018-07-31", XSD.date)),
        ("istio-joins-cncf", "incubating", ("2022-09-28", XSD.date)),
        ("argo-joins-cncf", "incubating", ("2020-04", XSD.gYearMonth)),
        ("argo-graduates", "graduated", ("2022-12-06", XSD.date)),
        ("harbor-moves-to-incubation", "incubating", ("2018-11", XSD.gYearMonth)),
        ("harbor-graduates", "graduated", ("2020-06", XSD.gYearMonth)),
        ("cert-manager-graduates", "graduated", ("2024-11-12", XSD.date)),
        ("cloudevents-moves-to-incubation", "incubating", ("2019-10-24", XSD.date)),
        ("cloudevents-graduates", "graduated", ("2024-01-25", XSD.date)),
        ("opentelemetry-graduates", "graduated", ("2026-05-21", XSD.date)),
        ("kubeflow-graduates", "graduated", ("2026-08", XSD.gYearMonth)),
        ("in-toto-graduates", "graduated", ("2025-04", XSD.gYearMonth)),
        ("cubefs-graduates", "graduated", ("2024-12-11", XSD.date)),
        ("crossplane-graduates", "graduated", ("2025-10", XSD.gYearMonth)),
        ("kyverno-moves-to-incubation", "incubating", ("2022-07-12", XSD.date)),
        ("kyverno-graduates", "graduated", ("2026-03", XSD.gYearMonth)),
        ("keycloak-joins-cncf", "incubating", ("2023-04", XSD.gYearMonth)),
        ("karmada-graduates", "graduated", ("2026-09-03", XSD.date)),
    ],
)
def test_maturity_changes(union, event, level, date):
    node = KG[event]
    assert (node, RDF.type, ECO.MaturityChange) in union
    assert union.value(node, ECO.maturity) == KG[f"maturity-{level}"]
    assert _date(union, node) == Literal(date[0], datatype=date[1])


@pytest.mark.parametrize(
    ("product", "developer"),
    [
        ("envoy", "lyft"),
        ("jaeger", "uber"),
        ("linkerd", "buoyant"),
        ("fluentd", "treasure-data"),
        ("helm", "deis"),
        ("etcd", "coreos"),
        ("tikv", "pingcap"),
        ("vitess", "youtube"),
        ("harbor", "vmware"),
        ("cilium", "isovalent"),
        ("falco", "sysdig"),
        ("open-policy-agent", "styra"),
        ("cri-o", "red-hat"),
        ("crossplane", "upbound"),
        ("prometheus", "soundcloud"),
        ("tuf", "nyu-tandon-school-of-engineering"),
        ("in-toto", "nyu-tandon-school-of-engineering"),
    ],
)
def test_project_creators(union, product, developer):
    assert KG[developer] in set(union.objects(KG[product], ECO.developer))


def test_curated_projects_carry_the_landscape_repository(union):
    """So that `kg import landscape` links the landscape's items to them."""
    expected = {
        "prometheus": "https://github.com/prometheus/prometheus",
        "envoy": "https://github.com/envoyproxy/envoy",
        "argo": "https://github.com/argoproj/argo-cd",
        "helm": "https://github.com/helm/helm",
        "etcd": "https://github.com/etcd-io/etcd",
    }
    for slug, repo in expected.items():
        assert Literal(repo, datatype=XSD.anyURI) in set(union.objects(KG[slug], ECO.repository))


# --- source policy and event shape -------------------------------------------------------


def test_every_source_has_title_publisher_kind_and_an_issued_date_or_says_why(dataset):
    problems = []
    for ctx in dataset.graphs():
        src = ctx.identifier
        if src == dataset.default_graph.identifier:
            continue
        if (src, RDF.type, ECO.Source) not in ctx:
            problems.append(f"{src}: not typed eco:Source in its own graph")
            continue
        if ctx.value(src, DCTERMS.title) is None:
            problems.append(f"{src}: no dcterms:title")
        if ctx.value(src, DCTERMS.publisher) is None:
            problems.append(f"{src}: no dcterms:publisher")
        if set(ctx.objects(src, ECO.sourceKind)) - SOURCE_KINDS or not list(
            ctx.objects(src, ECO.sourceKind)
        ):
            problems.append(f"{src}: eco:sourceKind missing or not primary/press/dataset")
        issued = ctx.value(src, DCTERMS.issued)
        if issued is None:
            comment = " ".join(str(c) for c in ctx.objects(src, RDFS.comment))
            if "no dcterms:issued" not in comment and "no date" not in comment:
                problems.append(f"{src}: no dcterms:issued and no comment saying why")
        elif not isinstance(issued, Literal) or issued.datatype not in DATE_TYPES:
            problems.append(f"{src}: dcterms:issued {issued!r} is not a typed date")
    assert not problems, "\n".join(problems)


def test_no_mirror_or_tracking_parameter_in_source_addresses(dataset):
    problems = []
    for ctx in dataset.graphs():
        src = str(ctx.identifier)
        if ctx.identifier == dataset.default_graph.identifier:
            continue
        if any(host in src for host in BANNED_HOSTS):
            problems.append(f"{src}: a mirror or weak copy used as a source")
        if any(t in src for t in TRACKING):
            problems.append(f"{src}: tracking parameter in the address")
    assert not problems, "\n".join(problems)


def test_every_event_is_dated_labelled_quoted_and_in_its_sources_graph(dataset, union, events):
    problems = []
    for e in events:
        dates = list(union.objects(e, ECO.date))
        if (
            len(dates) != 1
            or not isinstance(dates[0], Literal)
            or dates[0].datatype not in DATE_TYPES
        ):
            problems.append(f"{e}: dates {dates}")
        if union.value(e, RDFS.label) is None:
            problems.append(f"{e}: no rdfs:label")
        if not any(str(q).strip() for q in union.objects(e, ECO.quote)):
            problems.append(f"{e}: no eco:quote")
        sources = set(union.objects(e, ECO.source))
        stated_in = {
            ctx.identifier
            for ctx in dataset.graphs()
            if ctx.identifier != dataset.default_graph.identifier and (e, None, None) in ctx
        }
        if not sources or not stated_in <= sources:
            problems.append(f"{e}: stated in {stated_in - sources} outside its eco:source")
    assert not problems, "\n".join(problems)


def test_licence_changes_and_forks_are_complete(union):
    problems = []
    for change in union.subjects(RDF.type, ECO.LicenceChange):
        for prop in (ECO.product, ECO.licenceBefore, ECO.licenceAfter):
            if union.value(change, prop) is None:
                problems.append(f"{change}: no {prop}")
    for fork in union.subjects(RDF.type, ECO.Fork):
        for prop in (ECO.product, ECO.forkOf):
            if union.value(fork, prop) is None:
                problems.append(f"{fork}: no {prop}")
    assert not problems, "\n".join(problems)


def test_at_least_90_events_in_these_files(events):
    assert len(events) >= 90, len(events)


# --- dates taken from the projects' own announcements and changelogs -------------------------


@pytest.mark.parametrize(
    ("event", "product", "date", "source"),
    [
        (
            "istio-1-0-released",
            "istio",
            ("2018-07-31", XSD.date),
            "https://istio.io/latest/news/releases/1.0.x/announcing-1.0/",
        ),
        (
            "linkerd-1-0-released",
            "linkerd",
            ("2017-04-25", XSD.date),
            "https://linkerd.io/2017/04/25/announcing-linkerd-1-0/",
        ),
        (
            "vault-1-0-released",
            "vault",
            ("2018-12-03", XSD.date),
            "https://github.com/hashicorp/vault/blob/main/CHANGELOG-pre-v1.10.md",
        ),
        (
            "consul-1-0-released",
            "consul",
            ("2017-10-16", XSD.date),
            "https://github.com/hashicorp/consul/blob/main/CHANGELOG.md",
        ),
        (
            "envoy-1-0-released",
            "envoy",
            ("2016-09-12", XSD.date),
            "https://github.com/envoyproxy/envoy/blob/289b8f768a9955d05e291f1b8b791b630124aee6/"
            "docs/root/intro/version_history.rst",
        ),
        (
            "helm-3-0-released",
            "helm",
            ("2019-11-13", XSD.date),
            "https://helm.sh/blog/helm-3-released/",
        ),
        (
            "etcd-2-0-released",
            "etcd",
            ("2015-01-28", XSD.date),
            "https://coreos.com/press/coreos-etcd-major-2-0-release.html",
        ),
        (
            "cloudevents-1-0-released",
            "cloudevents",
            ("2019-10-24", XSD.date),
            "https://cloudevents.io/",
        ),
    ],
)
def test_release_day_is_stated_by_its_source(dataset, union, event, product, date, source):
    node = KG[event]
    assert (node, RDF.type, ECO.Release) in union
    assert union.value(node, ECO.product) == KG[product]
    assert _date(union, node) == Literal(date[0], datatype=date[1])
    graph = dataset.graph(URIRef(source))
    assert (node, ECO.date, Literal(date[0], datatype=date[1])) in graph
    assert (URIRef(source), ECO.sourceKind, KG["source-primary"]) in graph


def test_cubefs_graduation_names_the_later_announcements(union):
    comment = " ".join(str(c) for c in union.objects(KG["cubefs-graduates"], RDFS.comment))
    assert "December 24, 2024" in comment and "2025-01-21" in comment
