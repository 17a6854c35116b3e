"""Checks on the company profiles (data/history/profiles-*.trig, issue 14).

The profiles record, for the 2015 essay's companies, their founding, first releases, renames,
funding rounds, public offerings and chief executives. These tests pin the values that matter
most (exact dates, amounts, founders and appointments, each with the source that states it) and
check the shape of the new event kinds (eco:Appointment, eco:PublicOffering) and the source
policy (every source typed, titled, published and of a kind; no mirrors, no tracking parameters).
"""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef

ECO = Namespace("https://w3id.org/container-kg/ontology#")
KG = Namespace("https://w3id.org/container-kg/id/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DATA = Path(__file__).resolve().parent.parent / "data"
HISTORY = DATA / "history"
PROFILES = sorted(HISTORY.glob("profiles-*.trig"))
ALL_FILES = [*sorted(HISTORY.glob("*.trig")), DATA / "essay-2015.trig"]

EVENT_CLASSES = {
    ECO.Founding,
    ECO.Funding,
    ECO.PublicOffering,
    ECO.Appointment,
    ECO.Rename,
    ECO.Release,
    ECO.Closure,
    ECO.Pivot,
}
DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear}
SOURCE_KINDS = {KG["source-primary"], KG["source-press"]}
# Hosts that are never sources (mirrors, scrapers, aggregators, podcast listings).
BANNED_HOSTS = (
    "wikipedia.org",
    "owiki.org",
    "wikimili.com",
    "gist.github.com",
    "castbox.fm",
    "podcastdetails.com",
    "pulsatingnews.xyz",
    "gaming-updates.com",
    "cybersecurity-see.com",
    "rimzy.net",
    "riceoweek.com",
    "hi-network.com",
    "secrss.com",
    "crunchbase.com",
    "feedreader.com",
    "blogspot.com",
)
TRACKING = ("utm_", "?ref=", "&ref=", "td=readmore", "rebelltitem", "?share=", "?source=")


def graph_of(paths) -> Dataset:
    ds = Dataset()
    for path in paths:
        if path.exists():
            ds.parse(path, format="trig")
    return ds


def union_of(ds: Dataset) -> Graph:
    g = Graph()
    for ctx in ds.graphs():
        if ctx.identifier == ds.default_graph.identifier:
            continue
        for triple in ctx:
            g.add(triple)
    return g


@pytest.fixture(scope="module")
def profiles() -> Dataset:
    return graph_of(PROFILES)


@pytest.fixture(scope="module")
def profile_union(profiles) -> Graph:
    return union_of(profiles)


@pytest.fixture(scope="module")
def everything() -> Graph:
    return union_of(graph_of(ALL_FILES))


@pytest.fixture(scope="module")
def profile_events(profile_union):
    found = set()
    for cls in EVENT_CLASSES:
        found.update(profile_union.subjects(RDF.type, cls))
    return sorted(found)


def test_profile_files_exist():
    assert len(PROFILES) >= 3


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.name)
def test_no_triples_outside_named_graphs(path):
    ds = graph_of([path])
    assert len(ds.default_graph) == 0


def test_at_least_90_events(profile_events):
    assert len(profile_events) >= 90, len(profile_events)


@pytest.mark.slow
def test_every_profile_event_has_exactly_one_typed_date(profile_events, everything):
    problems = []
    for e in profile_events:
        dates = list(everything.objects(e, ECO.date))
        if len(dates) != 1:
            problems.append(f"{e}: {len(dates)} dates {dates}")
        elif not isinstance(dates[0], Literal) or dates[0].datatype not in DATE_TYPES:
            problems.append(f"{e}: date {dates[0]!r}")
    assert not problems, "\n".join(problems)


def test_every_profile_event_is_labelled_sourced_and_quoted(profile_events, profile_union):
    problems = []
    for e in profile_events:
        if not list(profile_union.objects(e, RDFS.label)):
            problems.append(f"{e}: no label")
        if not list(profile_union.objects(e, ECO.source)):
            problems.append(f"{e}: no source")
        if not any(str(q).strip() for q in profile_union.objects(e, ECO.quote)):
            problems.append(f"{e}: no quote")
    assert not problems, "\n".join(problems)


def test_appointments_name_person_organization_and_title(profile_union, everything):
    problems = []
    for a in profile_union.subjects(RDF.type, ECO.Appointment):
        persons = list(profile_union.objects(a, ECO.person))
        orgs = list(profile_union.objects(a, ECO.organization))
        titles = list(profile_union.objects(a, ECO.jobTitle))
        if len(persons) != 1 or len(orgs) != 1 or not titles:
            problems.append(f"{a}: persons={persons} orgs={orgs} titles={titles}")
            continue
        if (persons[0], RDF.type, ECO.Person) not in everything:
            problems.append(f"{a}: {persons[0]} is not an eco:Person")
        if not list(everything.objects(orgs[0], RDF.type)):
            problems.append(f"{a}: {orgs[0]} is not typed anywhere")
    assert not problems, "\n".join(problems)


def test_public_offerings_name_their_company(profile_union):
    problems = []
    for p in profile_union.subjects(RDF.type, ECO.PublicOffering):
        if len(list(profile_union.objects(p, ECO.organization))) != 1:
            problems.append(str(p))
    assert not problems, problems


@pytest.mark.slow
def test_every_source_describes_itself(profiles, profile_union):
    """Each source cited by a profile is typed, titled, published and of an allowed kind.

    Sources described in another file (graphs this file adds facts to) are checked there.
    """
    everything_ds = graph_of(ALL_FILES)
    names = {ctx.identifier for ctx in everything_ds.graphs()}
    problems = []
    for src in set(profile_union.objects(None, ECO.source)):
        if not str(src).startswith("http"):
            continue
        if src not in names:
            problems.append(f"{src}: no named graph")
            continue
        own = everything_ds.graph(src)
        if (src, RDF.type, ECO.Source) not in own:
            problems.append(f"{src}: not an eco:Source in its own graph")
        if not list(own.objects(src, DCTERMS.title)):
            problems.append(f"{src}: no dcterms:title")
    # Sources described in the profile files themselves must carry publisher and kind.
    for src in profile_union.subjects(RDF.type, ECO.Source):
        if not list(profile_union.objects(src, DCTERMS.publisher)):
            problems.append(f"{src}: no dcterms:publisher")
        kinds = set(profile_union.objects(src, ECO.sourceKind))
        if not kinds or not kinds <= SOURCE_KINDS:
            problems.append(f"{src}: source kind {kinds}")
    assert not problems, "\n".join(problems)


def test_no_mirrors_or_tracking_parameters(profile_union):
    problems = []
    for src in profile_union.subjects(RDF.type, ECO.Source):
        url = str(src)
        host = urlparse(url).netloc.lower()
        if any(host == h or host.endswith("." + h) for h in BANNED_HOSTS):
            problems.append(f"{url}: banned host")
        if any(t in url for t in TRACKING):
            problems.append(f"{url}: tracking parameter")
    assert not problems, "\n".join(problems)


def test_retrieved_from_is_a_uri(profile_union):
    for s, o in profile_union.subject_objects(ECO.retrievedFrom):
        assert isinstance(o, Literal) and o.datatype == XSD.anyURI, (s, o)


# --- Pinned values: (event, expected eco:date, source IRI that states it) ---------------------

PINNED_DATES = [
    ("dotcloud-seed-round-2010", "2010-09", "https://trinityventures.com/2014/01/22/docker-pivot/"),
    ("dotcloud-series-a-2011", "2011-04", "https://trinityventures.com/2014/01/22/docker-pivot/"),
    (
        "docker-0-1-0-released",
        "2013-03-23",
        "https://github.com/moby/moby/blob/v1.7.1/CHANGELOG.md",
    ),
    (
        "fig-0-0-1-released",
        "2013-12-20",
        "https://github.com/docker/compose/blob/master/CHANGELOG.md",
    ),
    (
        "docker-appoints-ben-golub-ceo",
        "2013",
        "http://www.silicon.fr/steve-singh-remplace-ben-golub-a-la-tete-de-docker-173623.html",
    ),
    (
        "docker-appoints-steve-singh-ceo",
        "2017-05",
        "https://www.cio.com/article/234955/how-dockers-new-ceo-plans-to-manage-the-companys-growth.html",
    ),
    (
        "docker-appoints-rob-bearden-ceo",
        "2019-05",
        "https://linformaticien.com/magazine/tendances/52333-26rob-bearden-reprend-les-renes-de-cloudera.html",
    ),
    (
        "docker-appoints-scott-johnston-ceo",
        "2019-11",
        "https://techtarget.com/searchitoperations/news/252473923/Docker-Enterprise-spun-off-to-Mirantis-company-restructures",
    ),
    ("vmware-ipo", "2007-08-14", "https://www.theguardian.com/business/2007/aug/15/news.security"),
    (
        "red-hat-ipo",
        "1999-08-11",
        "http://www.itprotoday.com/windows-8/red-hat-s-wall-street-success-continues",
    ),
    (
        "google-ipo",
        "2004-08-19",
        "http://chronicle.augusta.com/stories/2004/08/20/bus_425823.shtml",
    ),
    ("microsoft-ipo", "1986-03-13", "http://blog.seattlepi.com/microsoft/archives/102018.asp"),
    ("nutanix-ipo", "2016-09-30", "http://fortune.com/2016/09/29/nutanix-ipo-unicorn-valuations"),
    ("hp-ipo", "1957-11-06", "https://www.foxnews.com/story/timeline-history-of-hewlett-packard"),
    (
        "google-founded",
        "1998-09-04",
        "http://www.cnn.com/2014/06/30/business/google-fast-facts/index.html",
    ),
    (
        "hp-founded",
        "1939-01-01",
        "https://www.foxnews.com/story/timeline-history-of-hewlett-packard",
    ),
    ("vmware-founded", "1998", "https://www.theguardian.com/business/2007/aug/15/news.security"),
    (
        "pure-storage-founded",
        "2009",
        "http://www.bizjournals.com/sanjose/print-edition/2012/10/26/tech-veteran-upstart-team-for-flashy.html",
    ),
    (
        "ibm-founded",
        "1911",
        "https://www.foxbusiness.com/features/ibm-centennial-100-years-of-big-blue",
    ),
    (
        "ibm-renamed-international-business-machines",
        "1924",
        "https://www.foxbusiness.com/features/ibm-centennial-100-years-of-big-blue",
    ),
    (
        "puppet-labs-renamed-puppet",
        "2016-04-07",
        "https://www.theregister.com/2016/04/07/puppet_new_products_new_people/",
    ),
    (
        "reductive-labs-renamed-puppet-labs",
        "2010",
        "https://www.oregonlive.com/silicon-forest/2016/04/puppet_hires_president_from_vm.html",
    ),
    (
        "f5-labs-renamed-f5-networks",
        "1999-03-05",
        "https://sec.gov/Archives/edgar/data/1048695/0000891020-99-002156.txt",
    ),
    (
        "zettio-releases-weave",
        "2014-09",
        "https://www.infoq.com/news/2014/09/zettio_releases_weave/",
    ),
    (
        "microsoft-appoints-satya-nadella-ceo",
        "2014-02-04",
        "http://www.washingtontimes.com/news/2014/feb/4/from-gates-to-nadella-microsoft-through-the-years/",
    ),
    (
        "ibm-appoints-arvind-krishna-ceo",
        "2020-04-06",
        "https://www.deccanherald.com/business/business-news/arvind-krishna-named-ibm-ceo-to-take-charge-on-april-6-800153.html",
    ),
    (
        "f5-appoints-francois-locoh-donou-ceo",
        "2017-04-03",
        "https://www.sec.gov/Archives/edgar/data/1048695/000104869517000004/francoislocoh-donouofferle.htm",
    ),
    (
        "red-hat-appoints-jim-whitehurst-ceo",
        "2008-01-01",
        "http://www.linuxjournal.com/node/1005933",
    ),
    (
        "pure-storage-appoints-charles-giancarlo-ceo",
        "2017-08",
        "http://searchstorage.techtarget.com/news/252437518/Pure-Storage-CEO-Giancarlo-races-toward-NVMe-oF-ponders-HCI",
    ),
    (
        "nutanix-appoints-rajiv-ramaswami-ceo",
        "2020-12",
        "https://www.nutanix.com/theforecastbynutanix/profile/co-founder-dheeraj-pandey-exits-nutanix",
    ),
    (
        "puppet-appoints-sanjay-mirchandani-ceo",
        "2016-09",
        "https://searchitoperations.techtarget.com/news/450401681/Puppet-automation-aims-to-capture-surge-in-DevOps-adoption",
    ),
    (
        "mesosphere-appoints-mike-fey-ceo",
        "2019-02",
        "https://www.gruenderszene.de/perspektive/florian-leibert-mesosphere-gespraech",
    ),
    (
        "mesosphere-seed-round-2013",
        "2013-05",
        "https://fuelcapital.com/stories/2018/5/10/investing-in-mesosphere",
    ),
    (
        "hashicorp-founded",
        "2012",
        "https://www.itprotoday.com/devops-and-software-development/mitchell-hashimoto-talks-about-his-superpower-and-why-you-should",
    ),
]


PINNED_DATES += [
    (
        "coreos-linux-first-stable",
        "2014-07-25",
        "https://www.eweek.com/enterprise-apps/coreos-stabilizes-cloud-container-linux-operating-system",
    ),
    (
        "coreos-linux-first-alpha",
        "2013-08",
        "https://www.infoq.com/news/2014/08/coreos-first-stable-release",
    ),
    ("3par-founded", "1999", "http://itpro.nikkeibp.co.jp/article/NEWS/20100824/351339/"),
    (
        "mayfield-founded",
        "1969",
        "https://www.buyoutsinsider.com/mayfield-closes-fund-xii-minus-upset-lps/",
    ),
]


@pytest.mark.parametrize(
    ("event", "date", "source"), PINNED_DATES, ids=[p[0] for p in PINNED_DATES]
)
def test_pinned_dates(everything, event, date, source):
    e = KG[event]
    dates = [str(d) for d in everything.objects(e, ECO.date)]
    assert dates == [date], dates
    assert URIRef(source) in set(everything.objects(e, ECO.source))


PINNED_AMOUNTS = [
    ("docker-funding-2019-11", 35_000_000),
    ("red-hat-ipo", 84_000_000),
    ("google-ipo", 1_200_000_000),
    ("microsoft-ipo", 61_000_000),
    ("pure-storage-funding-2014-04", 225_000_000),
    ("coreos-funding-2015-04", 12_000_000),
    ("rancher-labs-series-a", 10_000_000),
]


@pytest.mark.parametrize(("event", "amount"), PINNED_AMOUNTS, ids=[p[0] for p in PINNED_AMOUNTS])
def test_pinned_amounts(everything, event, amount):
    amounts = list(everything.objects(KG[event], ECO.amount))
    assert len(amounts) == 1 and amounts[0].datatype == XSD.decimal
    assert int(amounts[0].toPython()) == amount


PINNED_INVESTORS = [
    ("dotcloud-seed-round-2010", {"trinity-ventures"}),
    ("dotcloud-series-a-2011", {"benchmark"}),
    ("docker-funding-2019-11", {"benchmark", "insight-venture-partners"}),
    ("coreos-funding-2015-04", {"google-ventures"}),
    ("pure-storage-funding-2014-04", {"t-rowe-price", "tiger-global"}),
    ("mesosphere-seed-round-2013", {"fuel-capital"}),
    ("rancher-labs-series-a", {"mayfield"}),
    ("mesosphere-series-d", {"t-rowe-price", "koch-disruptive-technologies"}),
]


@pytest.mark.parametrize(
    ("event", "investors"), PINNED_INVESTORS, ids=[p[0] for p in PINNED_INVESTORS]
)
def test_pinned_investors(everything, event, investors):
    found = {str(o).rsplit("/", 1)[-1] for o in everything.objects(KG[event], ECO.investor)}
    assert investors <= found, found
    for inv in investors:
        assert (KG[inv], RDF.type, ECO.Investor) in everything


PINNED_FOUNDERS = [
    ("docker", {"solomon-hykes"}),
    ("vmware", {"mendel-rosenblum", "diane-greene"}),
    ("red-hat", {"bob-young", "marc-ewing"}),
    ("microsoft", {"bill-gates", "paul-allen"}),
    ("google", {"larry-page", "sergey-brin"}),
    ("hp", {"bill-hewlett", "dave-packard"}),
    ("pure-storage", {"john-colgrove", "john-hayes"}),
    ("weaveworks", {"alexis-richardson", "matthias-radestock"}),
    ("portworx", {"murli-thirumale", "goutham-rao", "vinod-jayaraman"}),
    ("mesosphere", {"florian-leibert", "tobias-knaup", "benjamin-hindman"}),
]


@pytest.mark.parametrize(("org", "founders"), PINNED_FOUNDERS, ids=[p[0] for p in PINNED_FOUNDERS])
def test_pinned_founders(everything, org, founders):
    found = {str(o).rsplit("/", 1)[-1] for o in everything.objects(KG[org], ECO.founder)}
    assert founders <= found, found
    for person in founders:
        assert (KG[person], RDF.type, ECO.Person) in everything


def test_docker_ceo_succession_is_in_order(everything):
    order = [
        "docker-appoints-ben-golub-ceo",
        "docker-appoints-steve-singh-ceo",
        "docker-appoints-rob-bearden-ceo",
        "docker-appoints-scott-johnston-ceo",
    ]
    dates = [str(next(everything.objects(KG[e], ECO.date))) for e in order]
    assert dates == sorted(dates), dates
    persons = [next(everything.objects(KG[e], ECO.person)) for e in order]
    assert len(set(persons)) == 4
    for p in persons:
        assert (p, ECO.worksFor, KG.docker) in everything


def test_renames_state_both_names(profile_union):
    for r in profile_union.subjects(RDF.type, ECO.Rename):
        assert list(profile_union.objects(r, ECO.formerName)), r
        assert list(profile_union.objects(r, ECO.newName)), r


def test_appointed_people_work_for_the_organization(profile_union, everything):
    problems = []
    for a in profile_union.subjects(RDF.type, ECO.Appointment):
        person = profile_union.value(a, ECO.person)
        org = profile_union.value(a, ECO.organization)
        if (person, ECO.worksFor, org) not in everything:
            problems.append(f"{a}: {person} has no eco:worksFor {org}")
    assert not problems, "\n".join(problems)
