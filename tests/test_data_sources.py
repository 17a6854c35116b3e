"""The source policy as a check (data/README.md, "Sources"), over every data/**/*.trig file.

A source is the original page: never a mirror, a scraper or a reprint (those are named, when a
copy was all that could be read, in ``eco:retrievedFrom``), never a blog's pagination, tag or
category page, and its address carries no tracking parameters. Every source says what kind it is
(``eco:sourceKind``: primary, press, data set or analysis); a web source also names its
publisher. Each check is a function over a dataset, so that the negative tests at the end can
show, on a small in-memory TriG document, that it does fail.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import RDF, Dataset, Literal, Namespace, URIRef

ECO = Namespace("https://w3id.org/container-kg/ontology#")
KG = "https://w3id.org/container-kg/id/"
DCTERMS = Namespace("http://purl.org/dc/terms/")
# A plain Namespace (not rdflib's closed XSD) so that pytest's module inspection stays quiet.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DATA = Path(__file__).resolve().parent.parent / "data"
FILES = sorted(DATA.glob("**/*.trig"))

SOURCE_KINDS = {
    URIRef(KG + "source-primary"),
    URIRef(KG + "source-press"),
    URIRef(KG + "source-dataset"),
    URIRef(KG + "source-analysis"),
}

# Known mirrors, scrapers, aggregators, reprints and wiki copies: never a source. A host matches
# when it is one of these or a subdomain of one. Copies read for want of the original belong in
# eco:retrievedFrom, which this list does not police.
MIRROR_DOMAINS = {
    # named by the project's audit
    "pulsatingnews.xyz",
    "gaming-updates.com",
    "cybersecurity-see.com",
    "rimzy.net",
    "riceoweek.com",
    "hi-network.com",
    "exploitledger.com",
    "secrss.com",
    "hostadvice.com",
    "podcastdetails.com",
    "castbox.fm",
    "gist.github.com",
    "torstenvolk.medium.com",
    "sicura.us",
    # Wikipedia and its mirrors
    "wikipedia.org",
    "wikiwand.com",
    "owiki.org",
    "iiab.live",
    "kiwix.org",
    "profilbaru.com",
    "knowledgr.com",
    "osmarks.net",
    "grokipedia.com",
    "paperai.life",
    "dbpedia.org",
    # reprints and aggregators met while curating
    "techlifely.com",
    "digitalsevaa.com",
    "networkingnexus.net",
    "laitimes.com",
    "mo4tech.com",
    "sthom.as",
    "roxxcloud.com",
    "jompom.com",
    "firatnews.org",
    "televisor.co.uk",
    "pipedot.org",
    "vimarsana.com",
    "all-global-news.pages.dev",
    "newsbreak.com",
    "personeltest.ru",
    "kinsta.cloud",
    "crnitalia.it",
    "sausalito.com",
    "capedge.com",
    "edgar-online.com",
    "quarterlytics.com",
    "annual-statements.com",
    "marketscreener.com",
    "longportapp.cn",
    "futunn.com",
    "moomoo.com",
    "cloudzsexy.com",
}

# Query parameters that only track where a reader came from.
TRACKING = re.compile(
    r"(?:^|&)(?:utm_[a-z_]+|source|ref|td|share|rebelltitem|guccounter|tpcc|wt_mc|fbclid|gclid)=",
    re.IGNORECASE,
)
# A blog's pagination, tag, category or author listing is not an article.
LISTING = re.compile(r"/(?:page/\d+|tag|tags|category|categories|author)(?:/|$)", re.IGNORECASE)


def load(*paths: Path) -> Dataset:
    ds = Dataset()
    for path in paths:
        ds.parse(path, format="trig")
    return ds


def parse(text: str) -> Dataset:
    ds = Dataset()
    ds.parse(data=PREFIXES + text, format="trig")
    return ds


def sources(ds: Dataset) -> set[URIRef]:
    """Every source: what is typed eco:Source, every graph name, every object of eco:source."""
    found: set[URIRef] = set()
    for s, _, _, _ in ds.quads((None, RDF.type, ECO.Source, None)):
        if isinstance(s, URIRef):
            found.add(s)
    for _, _, o, _ in ds.quads((None, ECO.source, None, None)):
        if isinstance(o, URIRef):
            found.add(o)
    for ctx in ds.graphs():
        if ctx.identifier != ds.default_graph.identifier and isinstance(ctx.identifier, URIRef):
            found.add(ctx.identifier)
    return found


def is_web(iri: URIRef) -> bool:
    return str(iri).startswith(("http://", "https://")) and not str(iri).startswith(KG)


def described(ds: Dataset, iri: URIRef) -> bool:
    return any(True for _ in ds.quads((iri, RDF.type, ECO.Source, None)))


def values(ds: Dataset, iri: URIRef, prop) -> list:
    return [o for _, _, o, _ in ds.quads((iri, prop, None, None))]


def mirror_problems(ds: Dataset) -> list[str]:
    problems = []
    for iri in sorted(sources(ds)):
        host = (urlsplit(str(iri)).hostname or "").lower()
        for domain in MIRROR_DOMAINS:
            if host == domain or host.endswith("." + domain):
                problems.append(f"{iri}: {domain} is a mirror, scraper or reprint, not a source")
    return problems


def tracking_problems(ds: Dataset) -> list[str]:
    return [
        f"{iri}: tracking parameter in the address"
        for iri in sorted(sources(ds))
        if TRACKING.search(urlsplit(str(iri)).query)
    ]


def listing_problems(ds: Dataset) -> list[str]:
    return [
        f"{iri}: a pagination, tag, category or author page, not an article"
        for iri in sorted(sources(ds))
        if is_web(iri) and LISTING.search(urlsplit(str(iri)).path)
    ]


def description_problems(ds: Dataset) -> list[str]:
    """Web sources: described, with a publisher; every described source: one known kind."""
    problems = []
    for iri in sorted(sources(ds)):
        if is_web(iri) and not described(ds, iri):
            problems.append(f"{iri}: not described as an eco:Source")
            continue
        if not described(ds, iri):
            continue
        derived = any(True for _ in ds.quads((iri, RDF.type, ECO.DerivedSource, None)))
        if derived:
            continue
        kinds = set(values(ds, iri, ECO.sourceKind))
        if len(kinds) != 1:
            problems.append(f"{iri}: {len(kinds)} eco:sourceKind values (needs exactly one)")
        elif not kinds <= SOURCE_KINDS:
            problems.append(f"{iri}: eco:sourceKind {next(iter(kinds))} is not one of the four")
        if is_web(iri) and not values(ds, iri, DCTERMS.publisher):
            problems.append(f"{iri}: web source without dcterms:publisher")
    return problems


def retrieved_from_problems(ds: Dataset) -> list[str]:
    problems = []
    for s, _, o, _ in ds.quads((None, ECO.retrievedFrom, None, None)):
        if not (
            isinstance(o, Literal)
            and o.datatype == XSD.anyURI
            and str(o).startswith(("http://", "https://"))
        ):
            problems.append(f"{s}: eco:retrievedFrom {o!r} is not an http(s) xsd:anyURI")
    return problems


CHECKS = [
    mirror_problems,
    tracking_problems,
    listing_problems,
    retrieved_from_problems,
]


@pytest.mark.slow
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_every_data_file_follows_the_source_policy(path, check):
    problems = check(load(path))
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_every_source_is_described_once_somewhere_in_the_data():
    """A source is described in one file (its graph may gather facts in several files)."""
    every = Dataset()
    for path in FILES:
        every.parse(path, format="trig")
    problems = description_problems(every)
    assert not problems, "\n".join(problems)


def untyped_subjects(ds: Dataset) -> list[str]:
    """Entities the data says something about but never types: a statement left behind when
    the entity's description (and its label) was removed with a weak source."""
    typed = {s for s, _, _, _ in ds.quads((None, RDF.type, None, None))}
    said = {s for s, _, _, _ in ds.quads((None, None, None, None)) if str(s).startswith(KG)}
    return sorted(
        f"{s} has statements but no rdf:type (and so no shape checks it)" for s in said - typed
    )


@pytest.mark.slow
def test_every_described_entity_is_typed_somewhere():
    every = Dataset()
    for path in FILES:
        every.parse(path, format="trig")
    problems = untyped_subjects(every)
    assert not problems, "\n".join(problems)


def test_an_untyped_entity_fails():
    ds = parse(
        "@prefix eco: <https://w3id.org/container-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/container-kg/id/> .\n"
        "<https://example.org/a> { kg:someone eco:worksFor kg:puppet .\n"
        "  kg:puppet a eco:Organization . }"
    )
    assert untyped_subjects(ds) == [
        f"{KG}someone has statements but no rdf:type (and so no shape checks it)"
    ]


def test_the_data_files_are_found():
    names = {p.name for p in FILES}
    assert {"essay-2015.trig", "acquisitions.trig", "companies.trig"} <= names


# --- Each check can fail: small documents that break one rule each ---------------------------

PREFIXES = """
@prefix eco:     <https://w3id.org/container-kg/ontology#> .
@prefix kg:      <https://w3id.org/container-kg/id/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


def source_graph(iri: str, description: str) -> str:
    return f"""<{iri}> {{
    <{iri}> a eco:Source ; dcterms:title "A page" ; {description} .
    kg:thing a eco:Company ; rdfs:label "Thing" ; eco:source <{iri}> ; eco:quote "Thing." .
}}"""


GOOD = 'eco:sourceKind kg:source-press ; dcterms:publisher "The Example Times"'


def test_a_conforming_source_passes_every_check():
    ds = parse(source_graph("https://example.com/2020/01/02/news/", GOOD))
    for check in CHECKS:
        assert check(ds) == [], check.__name__


@pytest.mark.parametrize(
    "iri", ["https://www.gaming-updates.com/some-reprint/", "https://en.wikipedia.org/wiki/Docker"]
)
def test_a_mirror_domain_fails(iri):
    assert mirror_problems(parse(source_graph(iri, GOOD)))


@pytest.mark.parametrize(
    "query", ["utm_source=feedburner", "ref=rss", "td=readmore", "share=telegram", "source=rss"]
)
def test_a_tracking_parameter_fails(query):
    assert tracking_problems(parse(source_graph(f"https://example.com/a/?{query}", GOOD)))


@pytest.mark.parametrize("path", ["/page/2/", "/tag/linux/", "/category/heptio/"])
def test_a_listing_page_fails(path):
    assert listing_problems(parse(source_graph(f"https://example.com{path}", GOOD)))


def test_a_web_source_without_publisher_fails():
    problems = description_problems(
        parse(source_graph("https://example.com/a", "eco:sourceKind kg:source-press"))
    )
    assert any("dcterms:publisher" in p for p in problems)


def test_a_web_source_without_kind_fails():
    problems = description_problems(
        parse(source_graph("https://example.com/a", 'dcterms:publisher "Example"'))
    )
    assert any("eco:sourceKind" in p for p in problems)


def test_an_unknown_kind_fails():
    problems = description_problems(
        parse(
            source_graph(
                "https://example.com/a", 'eco:sourceKind kg:source-rumour ; dcterms:publisher "X"'
            )
        )
    )
    assert any("not one of the four" in p for p in problems)


def test_two_kinds_fail():
    problems = description_problems(
        parse(
            source_graph(
                "https://example.com/a",
                'eco:sourceKind kg:source-press, kg:source-primary ; dcterms:publisher "X"',
            )
        )
    )
    assert any("2 eco:sourceKind" in p for p in problems)


def test_a_cited_but_undescribed_web_source_fails():
    ds = parse("""kg:essay {
    kg:essay a eco:Source ; dcterms:title "Essay" ; eco:sourceKind kg:source-analysis .
    kg:thing a eco:Company ; rdfs:label "Thing" ; eco:source <https://example.com/elsewhere> .
}""")
    assert any("not described" in p for p in description_problems(ds))


def test_the_projects_own_sources_need_no_publisher():
    ds = parse(source_graph(KG + "essay-2015", "eco:sourceKind kg:source-analysis"))
    assert description_problems(ds) == []


@pytest.mark.parametrize(
    "value",
    ['"https://copy.example.org/a"', '"ftp://copy.example.org/a"^^xsd:anyURI', "<https://x.org/>"],
)
def test_a_bad_retrieved_from_fails(value):
    ds = parse(source_graph("https://example.com/a", GOOD + f" ; eco:retrievedFrom {value}"))
    assert retrieved_from_problems(ds)


def test_a_good_retrieved_from_passes():
    ds = parse(
        source_graph(
            "https://example.com/a",
            GOOD + ' ; eco:retrievedFrom "https://copy.example.org/a"^^xsd:anyURI',
        )
    )
    assert retrieved_from_problems(ds) == []
