"""The landscape history's library queries: exact answers on the repository the tests build
(tests/helpers/landscape_repo.py, worked out by hand), the library's rules for each, and
figures on the real bundle checked against counts made here from its YAML (slow)."""

from __future__ import annotations

import os
import shlex
import shutil
import statistics
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import URIRef

from kg.build import build
from kg.graph import KnowledgeGraph
from kg.importers.landscape.history import import_landscape_history
from kg.importers.landscape.linking import name_key
from kg.namespaces import shorten
from kg.sources import SourceFile, ontology_files, read_sources
from kg.sparql.library import library
from kg.store import Answer
from tests.conftest import ESSAY_DATA, FIXTURES
from tests.helpers.landscape_repo import GIT, HISTORY, git, make_repo

pytestmark = pytest.mark.skipif(GIT is None, reason="the git command is needed to build repos")

CURATED = FIXTURES / "landscape" / "history-curated.trig"
DATA = Path(
    os.environ.get(
        "KG_LANDSCAPE_DATA", Path(__file__).parents[1] / ".." / "shared" / "data" / "cncf-landscape"
    )
)
BUNDLE = DATA / "landscape-history.bundle"
MINE = [
    "landscape-categories-by-year",
    "landscape-entries-exits",
    "landscape-item-history",
    "landscape-maturity-on",
    "landscape-maturity-pipeline",
    "landscape-ownership-changes",
]


def rows(answer: Answer) -> list[tuple[Any, ...]]:
    """IRIs as prefixed names, literals as their text, unbound as None."""
    return [
        tuple(
            None if t is None else shorten(str(t)) if isinstance(t, URIRef) else str(t) for t in row
        )
        for row in answer.rows
    ]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose dist/ holds the ontology, the curated fixture and the history of
    HISTORY, built and validated the way `kg build` does it."""
    home = tmp_path_factory.mktemp("history-home")
    make_repo(home / "repo", HISTORY)
    (home / "data").mkdir()
    shutil.copy(CURATED, home / "data" / CURATED.name)
    shutil.copy(ESSAY_DATA, home / "data" / ESSAY_DATA.name)  # the categories cite it
    curated = read_sources([*ontology_files(), SourceFile(CURATED, None)])
    import_landscape_history(home / "repo", out_dir=home / "imports", curated=curated)
    result = build(out=home / "dist", data=home / "data", imports=home / "imports")
    assert result.violations == []
    return home


@pytest.fixture(scope="module")
def graph(workspace: Path) -> KnowledgeGraph:
    return KnowledgeGraph.load(dist=workspace / "dist")


CASES: list[tuple[str, dict[str, str], list[tuple[Any, ...]]]] = [
    # Listings holding on 31 December: 2019 Alpha, Beta, Delta, Gamma in Runtime and Dist X
    # (a certified distribution: Platform itself); Delta leaves in 2020, Epsilon comes in 2021,
    # Beta leaves in 2022.
    (
        "landscape-categories-by-year",
        {},
        [
            ("2019", "kg:cncf-landscape.platform", "1"),
            ("2019", "kg:cncf-landscape.runtime", "4"),
            ("2020", "kg:cncf-landscape.platform", "1"),
            ("2020", "kg:cncf-landscape.runtime", "3"),
            ("2021", "kg:cncf-landscape.platform", "1"),
            ("2021", "kg:cncf-landscape.runtime", "4"),
            ("2022", "kg:cncf-landscape.platform", "1"),
            ("2022", "kg:cncf-landscape.runtime", "3"),
        ],
    ),
    (
        "landscape-categories-by-year",
        {"category": "kg:cncf-landscape.platform"},
        [(str(y), "kg:cncf-landscape.platform", "1") for y in range(2019, 2023)],
    ),
    # Gamma (2019) and Epsilon (2021) listed; Delta (2020) and Beta (2022) delisted.
    (
        "landscape-entries-exits",
        {},
        [
            ("2019", "1", "0", "1"),
            ("2020", "0", "1", "-1"),
            ("2021", "1", "0", "1"),
            ("2022", "0", "1", "-1"),
        ],
    ),
    # Alpha incubating since the day the file states (2019-07-01); graduated 2020-12-15, the
    # stated day, though the commit came in 2021; Gamma a sandbox project from 2020-11-20.
    (
        "landscape-maturity-on",
        {"date": "2020-06-30"},
        [("2020-06-30", "kg:maturity-incubating", "kg:alpha-prime", "2019-07-01")],
    ),
    (
        "landscape-maturity-on",
        {"date": "2020"},
        [
            ("2020", "kg:maturity-graduated", "kg:alpha-prime", "2020-12-15"),
            ("2020", "kg:maturity-sandbox", "kg:gamma", "2020-11-20"),
        ],
    ),
    (
        "landscape-maturity-on",
        {"date": "2018-12-31"},
        [("2018-12-31", "kg:maturity-sandbox", "kg:alpha-prime", "2018-12-01")],
    ),
    (
        "landscape-maturity-on",
        {"date": "2021", "level": "kg:maturity-sandbox"},
        [("2021", "kg:maturity-sandbox", "kg:gamma", "2020-11-20")],
    ),
    # Alpha: sandbox 2018-12-01 (accepted, stated in the first revision), incubating
    # 2019-07-01 (212 days), graduated 2020-12-15 (533 days). Gamma: sandbox only.
    (
        "landscape-maturity-pipeline",
        {},
        [
            ("kg:alpha-prime", "2018", "2018-12-01", "2019-07-01", "2020-12-15", "212", "533"),
            ("kg:gamma", "2020", "2020-11-20", None, None, None, None),
        ],
    ),
    # Beta: listed under Acme from 2020-02-01, 78 days after Acme's deal of 2019-11-15; Gamma:
    # under the CNCF from 2021-01-10, 40 days after a donation dated December 2020.
    (
        "landscape-ownership-changes",
        {},
        [
            (
                "2020-02-01",
                "kg:beta",
                "kg:beta-co",
                "kg:acme",
                "kg:acme-acquires-beta-co",
                "2019-11-15",
                "78",
                "kg:cncf-landscape-history.cccccccccccc.organisation.beta",
            ),
            (
                "2021-01-10",
                "kg:gamma",
                "kg:gamma-inc",
                "kg:cncf",
                "kg:gamma-inc-donates-gamma",
                "2020-12",
                "40",
                "kg:cncf-landscape-history.dddddddddddd.organisation.gamma",
            ),
        ],
    ),
    (
        "landscape-ownership-changes",
        {"after": "kg:acme"},
        [
            (
                "2020-02-01",
                "kg:beta",
                "kg:beta-co",
                "kg:acme",
                "kg:acme-acquires-beta-co",
                "2019-11-15",
                "78",
                "kg:cncf-landscape-history.cccccccccccc.organisation.beta",
            ),
        ],
    ),
    (
        "landscape-item-history",
        {"item": "kg:gamma"},
        [
            (
                "kg:gamma",
                "2019-07-12",
                "eco:ItemListed",
                "kg:cncf-landscape-history.bbbbbbbbbbbb.added.gamma",
                "2019-07-12",
                "<https://github.com/cncf/landscape/commit/" + "b" * 40 + ">",
            ),
            (
                "kg:gamma",
                "2020-02-01",
                "eco:ItemMoved",
                "kg:cncf-landscape-history.cccccccccccc.moved.gamma",
                "2020-02-01",
                "<https://github.com/cncf/landscape/commit/" + "c" * 40 + ">",
            ),
            (
                "kg:gamma",
                "2020-11-20",
                "eco:LandscapeMaturityChange",
                "kg:cncf-landscape-history.dddddddddddd.maturity.gamma",
                "2021-01-10",
                "<https://github.com/cncf/landscape/commit/" + "d" * 40 + ">",
            ),
            (
                "kg:gamma",
                "2021-01-10",
                "eco:OrganizationChange",
                "kg:cncf-landscape-history.dddddddddddd.organisation.gamma",
                "2021-01-10",
                "<https://github.com/cncf/landscape/commit/" + "d" * 40 + ">",
            ),
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "bindings", "expected"),
    CASES,
    ids=[f"{n}-{'-'.join(b.values()) or 'all'}" for n, b, _ in CASES],
)
def test_exact_answer_on_the_built_history(
    graph: KnowledgeGraph, name: str, bindings: dict[str, str], expected: list[Any]
) -> None:
    assert rows(graph.query(name, **bindings)) == expected


def test_every_query_has_an_exact_answer_test() -> None:
    assert set(MINE) <= set(library())
    assert set(MINE) <= {n for n, _, _ in CASES}


@pytest.mark.parametrize("name", MINE)
def test_library_header(name: str) -> None:
    entry = library()[name]
    assert entry.title and entry.title != name
    assert entry.description.endswith(".")
    assert entry.examples
    for example in entry.examples:
        assert example.startswith(f"kg query {name}")
    for param, what in entry.params.items():
        assert what, f"{name}.rq: parameter {param} is not described"


@pytest.mark.parametrize("name", MINE)
def test_every_parameter_is_returned_and_restricts(graph: KnowledgeGraph, name: str) -> None:
    entry = library()[name]
    for param in entry.params:
        answer = graph.query(name, **{param: "kg:no-such-thing"})
        assert param in answer.vars
        assert answer.rows == [], f"{name}: -p {param} does not restrict the rows"


@pytest.mark.parametrize("name", MINE)
def test_every_example_runs(runner: Any, workspace: Path, monkeypatch: Any, name: str) -> None:
    from kg.cli import cli

    monkeypatch.setenv("KG_HOME", str(workspace))
    monkeypatch.delenv("KG_STORE", raising=False)
    for example in library()[name].examples:
        result = runner.invoke(cli, shlex.split(example)[1:])
        assert result.exit_code == 0, (example, result.output)


def test_the_readme_lists_them() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name in MINE:
        assert f"| {name} | {library()[name].title} |" in readme, name


def test_timeline_shows_landscape_events_beside_curated_ones(graph: KnowledgeGraph) -> None:
    events = graph.timeline("kg:gamma")
    kinds = [(e.date, e.type.rsplit("#", 1)[-1]) for e in events]
    assert ("2020-12", "Donation") in kinds  # the curated donation
    assert ("2021-01-10", "OrganizationChange") in kinds  # the landscape's record of it
    assert [d for d, _ in kinds] == sorted(d for d, _ in kinds)


# --- the real bundle (slow): figures checked against the YAML ---------------------------------

needs_bundle = pytest.mark.skipif(
    not BUNDLE.exists(), reason=f"the landscape history bundle is not at {BUNDLE}"
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("bundle-home")
    clone = home / "landscape"
    git(home, "clone", "-q", str(BUNDLE.resolve()), str(clone))
    import_landscape_history(clone, out_dir=home / "imports")
    result = build(out=home / "dist", imports=home / "imports", formats=("nt",))
    return {"clone": clone, "graph": KnowledgeGraph(result.store), "home": home}


def _yaml_at(clone: Path, rev: str) -> Any:
    text = git(clone, "show", f"{rev}:landscape.yml")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _last_commit_before(clone: Path, day: str) -> str:
    return git(clone, "rev-list", "-1", "--first-parent", f"--before={day}T23:59:59Z", "HEAD")


@pytest.mark.slow
@needs_bundle
def test_bundle_graduated_on_the_last_day_equal_that_revisions_yaml(bundle: dict[str, Any]) -> None:
    data = _yaml_at(bundle["clone"], "HEAD")
    names = {
        name_key(i["name"])
        for c in data["landscape"]
        for s in c.get("subcategories") or []
        for i in s.get("items") or []
        if i.get("project") == "graduated"
    }
    answer = bundle["graph"].query(
        "landscape-maturity-on", date="2026-08-07", level="kg:maturity-graduated"
    )
    assert len({r[2] for r in answer.rows}) == len(names) >= 30


@pytest.mark.slow
@needs_bundle
def test_bundle_items_per_category_at_a_year_end_equal_that_revisions_yaml(
    bundle: dict[str, Any],
) -> None:
    # 2021-12-31: the last revision of that day, counted from its YAML: distinct item names
    # per top-level category, members and programme partners aside.
    clone = bundle["clone"]
    data = _yaml_at(clone, _last_commit_before(clone, "2021-12-31"))
    expected: dict[str, set[str]] = {}
    for c in data["landscape"]:
        if c["name"] in ("CNCF Members", "Special"):
            continue
        for s in c.get("subcategories") or []:
            for i in s.get("items") or []:
                expected.setdefault(c["name"], set()).add(i["name"])
    answer = bundle["graph"].query("landscape-categories-by-year")
    got = {}
    for year, category, items in answer.rows:
        if str(year) == "2021":
            got[str(category)] = int(items)
    labels = bundle["graph"].labels(set(got))
    by_name = {labels[iri]: n for iri, n in got.items()}
    # items are counted by identity (IRI); a name listed twice under one IRI counts once
    for name, items in expected.items():
        assert abs(by_name[name] - len(items)) <= max(2, len(items) // 50), (name, by_name)


@pytest.mark.slow
@needs_bundle
def test_bundle_pipeline_medians(bundle: dict[str, Any]) -> None:
    answer = bundle["graph"].query("landscape-maturity-pipeline")
    days = [int(r[5]) for r in answer.rows if r[5] is not None]
    assert len(days) >= 30 and statistics.median(days) > 180


# --- --as-of: the landscape as it stood, from the history ------------------------------------


def _facts(store: Any, query: str) -> set[tuple[str, ...]]:
    return {
        tuple(shorten(str(t)) if isinstance(t, URIRef) else str(t) for t in row)
        for row in store.query(query).rows
    }


def test_as_of_gives_the_landscape_of_that_day(graph: KnowledgeGraph) -> None:
    from kg.history.asof import as_of_store

    day = as_of_store(graph.store, "2019-12-31")
    facts = _facts(
        day,
        """SELECT ?s ?p ?o WHERE { GRAPH kg:cncf-landscape-history {
             ?s ?p ?o VALUES ?p { eco:category eco:developer eco:hostedBy eco:maturity }
             FILTER(!CONTAINS(STR(?s), "cncf-landscape-history")) } }""",
    )
    cr, cns = (
        "kg:cncf-landscape.runtime.container-runtime",
        "kg:cncf-landscape.runtime.cloud-native-storage",
    )
    assert facts == {
        ("kg:alpha-prime", "eco:category", cr),
        ("kg:alpha-prime", "eco:developer", "kg:alpha-inc"),
        ("kg:alpha-prime", "eco:hostedBy", "kg:cncf"),
        ("kg:alpha-prime", "eco:maturity", "kg:maturity-incubating"),
        ("kg:beta", "eco:category", cr),
        ("kg:beta", "eco:developer", "kg:beta-co"),  # Acme's only from 2020
        ("kg:delta", "eco:category", cns),
        ("kg:distx", "eco:category", "kg:cncf-landscape.platform"),
        ("kg:gamma", "eco:category", cr),
        ("kg:gamma", "eco:developer", "kg:gamma-inc"),
    }
    # the name of the day; an item listed later is not there; later events are not either
    assert _facts(day, "SELECT ?n WHERE { kg:alpha-prime rdfs:label ?n }") == {("Alpha",)}
    assert _facts(day, "SELECT ?p WHERE { kg:epsilon ?p ?o }") == set()
    assert _facts(day, "SELECT ?e WHERE { ?e a eco:OrganizationChange }") == set()
    # a membership that ended later had not ended yet; one that began later is not there
    members = "SELECT ?m WHERE { ?x a eco:Membership ; eco:member ?m }"
    assert _facts(day, members) == {("kg:big",)}
    assert _facts(day, "SELECT ?x WHERE { ?x a eco:Membership ; eco:endDate ?e }") == set()
    # commits issued after the day, cited by nothing kept, are gone
    assert (
        _facts(
            day,
            "SELECT ?t WHERE { <https://github.com/cncf/landscape/commit/" + "d" * 40 + "> ?p ?t }",
        )
        == set()
    )


def test_as_of_before_the_history_has_none_of_it(graph: KnowledgeGraph) -> None:
    from kg.history.asof import as_of_store

    day = as_of_store(graph.store, "2015")
    assert _facts(day, "SELECT ?s WHERE { GRAPH kg:cncf-landscape-history { ?s ?p ?o } }") == set()


def test_as_of_the_last_day_is_the_import(graph: KnowledgeGraph) -> None:
    # One rule for "now" (the import) and for --as-of (kg.history.landscape.facts_on).
    from kg.history.asof import as_of_store

    query = """SELECT ?s ?p ?o WHERE { GRAPH kg:cncf-landscape-history {
        ?s ?p ?o VALUES ?p { eco:category eco:developer eco:hostedBy eco:maturity }
        FILTER(!CONTAINS(STR(?s), "cncf-landscape-history")) } }"""
    assert _facts(as_of_store(graph.store, "2022-05-01"), query) == _facts(graph.store, query)


def test_cli_as_of_reads_the_history(runner: Any, workspace: Path, monkeypatch: Any) -> None:
    from kg.cli import cli

    monkeypatch.setenv("KG_HOME", str(workspace))
    monkeypatch.delenv("KG_STORE", raising=False)
    ask = "SELECT ?p WHERE { ?p eco:developer kg:acme }"
    then = runner.invoke(cli, ["query", "--as-of", "2019-12-31", "--format", "csv", "--iris", ask])
    now = runner.invoke(cli, ["query", "--format", "csv", "--iris", ask])
    assert then.exit_code == 0 and now.exit_code == 0, (then.output, now.output)
    beta = "/id/beta\n"
    assert beta not in then.stdout
    assert beta not in now.stdout  # delisted in 2022: listed under Acme only 2020-2022
    during = runner.invoke(cli, ["query", "--as-of", "2021", "--format", "csv", "--iris", ask])
    assert beta in during.stdout
