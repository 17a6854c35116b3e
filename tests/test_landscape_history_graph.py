"""The landscape history as a graph (kg import landscape-history): a repository built here
with every kind of event (fast), exact RDF expected; bad input; updates; the real bundle (slow).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml

from kg.cli import cli
from kg.importers.landscape import import_landscape
from kg.importers.landscape.history import graph as history_graph
from kg.importers.landscape.history import import_history, import_landscape_history
from kg.importers.landscape.history.importer import GRAPH_FILE, STATE_DIR
from kg.namespaces import ECO, KG, RDF, RDFS
from kg.sources import SourceFile, ontology_files, read_sources
from kg.store import Store
from kg.validate import load_shapes, union_graph, validate_graph
from tests.conftest import FIXTURES, REPO
from tests.helpers.landscape_repo import GIT, HISTORY, commit, git, make_repo

pytestmark = pytest.mark.skipif(GIT is None, reason="the git command is needed to build repos")

CURATED = FIXTURES / "landscape" / "history-curated.trig"
DATA = Path(
    os.environ.get(
        "KG_LANDSCAPE_DATA", Path(__file__).parents[1] / ".." / "shared" / "data" / "cncf-landscape"
    )
)
BUNDLE = DATA / "landscape-history.bundle"


def kg(local: str) -> str:
    return KG + local


def curated_store() -> Store:
    return read_sources([*ontology_files(), SourceFile(CURATED, None)])


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "landscape"
    make_repo(path, HISTORY)
    return path


@pytest.fixture(scope="module")
def imported(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("imports")
    report = import_landscape_history(repo, out_dir=out, curated=curated_store())
    store = ox.Store()
    store.bulk_load(path=str(report.output), format=ox.RdfFormat.TRIG)
    return {"report": report, "store": store, "out": out}


def values(store: ox.Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)}


def of_type(store: ox.Store, cls: str) -> set[str]:
    return {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(ECO + cls))
    }


def one(store: ox.Store, s: str, p: str) -> str:
    found = values(store, s, p)
    assert len(found) == 1, (s, p, found)
    return next(iter(found))


C = "https://github.com/cncf/landscape/commit/"

#: Every event of HISTORY, as (class, item, eco:date, commit cited), worked out by hand from
#: tests/helpers/landscape_repo.py: the commit's day, except maturity changes for which the
#: file states a date (the one rule).
EXPECTED_EVENTS = {
    ("ItemListed", kg("gamma"), "2019-07-12", C + "b" * 40),
    ("LandscapeMaturityChange", kg("alpha-prime"), "2019-07-01", C + "b" * 40),
    ("MembershipListed", kg("big"), "2019-07-12", C + "b" * 40),
    ("ItemDelisted", kg("delta"), "2020-02-01", C + "c" * 40),
    ("ItemRenamed", kg("alpha-prime"), "2020-02-01", C + "c" * 40),
    ("ItemMoved", kg("gamma"), "2020-02-01", C + "c" * 40),
    ("ItemMoved", kg("distx"), "2020-02-01", C + "c" * 40),
    ("OrganizationChange", kg("beta"), "2020-02-01", C + "c" * 40),
    ("MembershipStarted", kg("small"), "2020-02-01", C + "c" * 40),
    ("CertificationEnded", kg("distx"), "2020-02-01", C + "c" * 40),
    ("ItemListed", kg("epsilon"), "2021-01-10", C + "d" * 40),
    ("LandscapeMaturityChange", kg("alpha-prime"), "2020-12-15", C + "d" * 40),
    ("LandscapeMaturityChange", kg("gamma"), "2020-11-20", C + "d" * 40),
    ("OrganizationChange", kg("gamma"), "2021-01-10", C + "d" * 40),
    ("MembershipTierChanged", kg("small"), "2021-01-10", C + "d" * 40),
    ("MembershipEnded", kg("big"), "2021-01-10", C + "d" * 40),
    ("ItemDelisted", kg("beta"), "2022-05-01", "last"),
    ("CertificationEnded", kg("acme"), "2022-05-01", "last"),
    ("MembershipStarted", kg("newco"), "2022-05-01", "last"),
}


def test_every_event_typed_dated_sourced_and_about_its_item(
    imported: dict[str, Any], repo: Path
) -> None:
    store = imported["store"]
    last = C + git(repo, "rev-parse", "HEAD")  # no upstream line: the clone's own commit
    found = set()
    for event in {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None)
        if q.object.value in history_graph.EVENT_CLASSES.values()
    }:
        cls = one(store, event, RDF + "type").removeprefix(ECO)
        item = values(store, event, ECO + "product") | values(store, event, ECO + "organization")
        assert len(item) == 1
        source = one(store, event, ECO + "source")
        found.add((cls, next(iter(item)), one(store, event, ECO + "date"), source))
        assert one(store, event, RDFS + "label")
    expected = {(c, i, d, last if s == "last" else s) for c, i, d, s in EXPECTED_EVENTS}
    assert found == expected
    # each commit cited is a source of the data-set kind, with its subject and day
    src = C + "d" * 40
    assert one(store, src, RDF + "type") == ECO + "Source"
    assert one(store, src, _dc("title")) == "Graduate Alpha Prime; Gamma donated"
    assert one(store, src, _dc("issued")) == "2021-01-10"
    assert one(store, src, _dc("publisher")) == "Cloud Native Computing Foundation"
    assert one(store, src, ECO + "sourceKind") == kg("source-dataset")
    assert one(store, src, _dc("isPartOf")) == kg("cncf-landscape-history")


def _dc(local: str) -> str:
    return "http://purl.org/dc/terms/" + local


def _event(store: ox.Store, cls: str, item: str) -> list[str]:
    return sorted(
        e
        for e in of_type(store, cls)
        if item in values(store, e, ECO + "product") | values(store, e, ECO + "organization")
    )


def test_what_each_event_says(imported: dict[str, Any]) -> None:
    store = imported["store"]
    # the one date rule: the file's date of the new level is eco:date, the commit its source
    graduation, incubation = (
        _event(store, "LandscapeMaturityChange", kg("alpha-prime"))[0],
        _event(store, "LandscapeMaturityChange", kg("alpha-prime"))[1],
    )
    if one(store, graduation, ECO + "date") != "2020-12-15":
        graduation, incubation = incubation, graduation
    assert one(store, graduation, ECO + "statedDate") == "2020-12-15"
    assert one(store, graduation, ECO + "maturity") == kg("maturity-graduated")
    assert one(store, graduation, ECO + "maturityBefore") == kg("maturity-incubating")
    assert one(store, incubation, RDFS + "label") == "Alpha becomes a CNCF incubating project"
    # a rename keeps the item and says both names
    (rename,) = _event(store, "ItemRenamed", kg("alpha-prime"))
    assert (one(store, rename, ECO + "formerName"), one(store, rename, ECO + "newName")) == (
        "Alpha",
        "Alpha Prime",
    )
    # moves name the categories; a certified distribution's place is its top category
    (move,) = _event(store, "ItemMoved", kg("distx"))
    assert values(store, move, ECO + "fromCategory") == {kg("cncf-landscape.platform")}
    assert values(store, move, ECO + "toCategory") == {
        kg("cncf-landscape.platform.non-certified-kubernetes")
    }
    # organisation changes: observations, linked to the curated deal that explains them
    (bought,) = _event(store, "OrganizationChange", kg("beta"))
    assert one(store, bought, ECO + "organizationBefore") == kg("beta-co")
    assert one(store, bought, ECO + "organizationAfter") == kg("acme")
    assert one(store, bought, ECO + "corroboratedBy") == kg("acme-acquires-beta-co")
    (donated,) = _event(store, "OrganizationChange", kg("gamma"))
    assert one(store, donated, ECO + "organizationAfter") == kg("cncf")
    assert one(store, donated, ECO + "corroboratedBy") == kg("gamma-inc-donates-gamma")
    assert not of_type(store, "Acquisition")  # never asserted as a deal by itself
    assert sorted(lag for _e, _d, lag in imported["report"].corroborated) == [40, 78]
    # memberships: tiers are concepts, `joined` a stated date beside the commit's day
    (joined,) = _event(store, "MembershipStarted", kg("small"))
    assert one(store, joined, ECO + "tier") == kg("cncf-tier-silver")
    assert one(store, joined, ECO + "statedDate") == "2020-01-15"
    (tier,) = _event(store, "MembershipTierChanged", kg("small"))
    assert one(store, tier, ECO + "tierBefore") == kg("cncf-tier-silver")
    (ended,) = _event(store, "CertificationEnded", kg("acme"))
    assert one(store, ended, ECO + "programme") == kg("programme-kcsp")


def _periods(store: ox.Store, cls: str) -> set[tuple[str, ...]]:
    out = set()
    for p in of_type(store, cls):
        subject = values(store, p, ECO + "item") | values(store, p, ECO + "member")
        value = (
            values(store, p, ECO + "category")
            | values(store, p, ECO + "maturity")
            | values(store, p, ECO + "tier")
            | values(store, p, ECO + "programme")
        )
        out.add(
            (
                next(iter(subject)),
                " ".join(sorted(value)),
                next(iter(values(store, p, ECO + "listedUnder")), ""),
                next(iter(values(store, p, ECO + "startDate")), ""),
                next(iter(values(store, p, ECO + "startedBy")), ""),
                next(iter(values(store, p, ECO + "endDate")), ""),
            )
        )
    return out


CR = kg("cncf-landscape.runtime.container-runtime")
CNS = kg("cncf-landscape.runtime.cloud-native-storage")


def test_periods_are_what_the_events_imply(imported: dict[str, Any]) -> None:
    store = imported["store"]
    assert _periods(store, "Listing") == {
        (kg("alpha-prime"), CR, kg("alpha-inc"), "", "2019-03-01", ""),
        (kg("beta"), CR, kg("beta-co"), "", "2019-03-01", "2020-02-01"),
        (kg("beta"), CR, kg("acme"), "2020-02-01", "", "2022-05-01"),
        (kg("delta"), CNS, "", "", "2019-03-01", "2020-02-01"),
        (kg("distx"), kg("cncf-landscape.platform"), "", "", "2019-03-01", "2020-02-01"),
        (kg("distx"), kg("cncf-landscape.platform.non-certified-kubernetes"), "", "2020-02-01",
         "", ""),
        (kg("gamma"), CR, kg("gamma-inc"), "2019-07-12", "", "2020-02-01"),
        (kg("gamma"), CNS, kg("gamma-inc"), "2020-02-01", "", "2021-01-10"),
        (kg("gamma"), CNS, kg("cncf"), "2021-01-10", "", ""),
        (kg("epsilon"), CR, "", "2021-01-10", "", ""),
    }  # fmt: skip
    assert _periods(store, "MaturityPeriod") == {
        (kg("alpha-prime"), kg("maturity-sandbox"), "", "2018-12-01", "", "2019-07-01"),
        (kg("alpha-prime"), kg("maturity-incubating"), "", "2019-07-01", "", "2020-12-15"),
        (kg("alpha-prime"), kg("maturity-graduated"), "", "2020-12-15", "", ""),
        (kg("gamma"), kg("maturity-sandbox"), "", "2020-11-20", "", ""),
    }
    assert _periods(store, "Membership") == {
        (kg("big"), kg("cncf-tier-gold"), "", "", "2019-07-12", "2021-01-10"),
        (kg("small"), kg("cncf-tier-silver"), "", "2020-02-01", "", "2021-01-10"),
        (kg("small"), kg("cncf-tier-gold"), "", "2021-01-10", "", ""),
        (kg("newco"), kg("cncf-tier-platinum"), "", "2022-05-01", "", ""),
    }
    assert _periods(store, "Certification") == {
        (kg("acme"), kg("programme-kcsp"), "", "", "2019-03-01", "2022-05-01"),
        (kg("distx"), kg("programme-certified-kubernetes-distribution"), "", "", "2019-03-01",
         "2020-02-01"),
    }  # fmt: skip
    for m in of_type(store, "Membership"):
        assert one(store, m, ECO + "foundation") == kg("cncf")


def test_the_landscape_at_the_end_as_plain_facts(imported: dict[str, Any]) -> None:
    store = imported["store"]
    # a project the CNCF hosts: hosted, not developed, by it; its own developer kept
    assert values(store, kg("alpha-prime"), ECO + "developer") == {kg("alpha-inc")}
    assert values(store, kg("alpha-prime"), ECO + "hostedBy") == {kg("cncf")}
    assert values(store, kg("alpha-prime"), ECO + "maturity") == {kg("maturity-graduated")}
    assert values(store, kg("gamma"), ECO + "hostedBy") == {kg("cncf")}
    assert values(store, kg("gamma"), ECO + "developer") == set()
    assert values(store, kg("gamma"), ECO + "category") == {CNS}
    # delisted items keep their name and no place
    assert values(store, kg("beta"), RDFS + "label") == {"Beta"}
    assert values(store, kg("beta"), ECO + "category") == set()
    assert not any(
        store.quads_for_pattern(None, ox.NamedNode(ECO + "developer"), ox.NamedNode(kg("cncf")))
    )
    # curated entities are linked, not described again
    assert values(store, kg("gamma"), RDFS + "label") == set()


def test_the_graph_conforms_and_the_shapes_catch_a_broken_event(
    imported: dict[str, Any], tmp_path: Path
) -> None:
    files = [
        *ontology_files(),
        SourceFile(REPO / "data" / "essay-2015.trig", None),
        SourceFile(CURATED, None),
        SourceFile(imported["report"].output, None),
    ]
    assert validate_graph(union_graph(read_sources(files).triples()), load_shapes()) == []
    text = imported["report"].output.read_text(encoding="utf-8")
    broken = tmp_path / "broken.trig"
    # an event without its item, and a period that ends before it starts
    broken.write_text(
        text.replace("\t\teco:product kg:beta ;\n", "", 1).replace(
            'eco:endDate "2021-01-10"^^xsd:date', 'eco:endDate "2010-01-01"^^xsd:date', 1
        ),
        encoding="utf-8",
    )
    files[-1] = SourceFile(broken, None)
    messages = {
        v.message for v in validate_graph(union_graph(read_sources(files).triples()), load_shapes())
    }
    assert "a landscape event needs the item it concerns: eco:product or eco:organization" in (
        messages
    )
    assert "a period cannot end (eco:endDate) before it starts (eco:startDate)" in messages


def test_the_same_history_gives_the_same_bytes(
    imported: dict[str, Any], repo: Path, tmp_path: Path
) -> None:
    again = import_landscape_history(repo, out_dir=tmp_path, curated=curated_store())
    assert again.output.read_bytes() == imported["report"].output.read_bytes()
    same = import_landscape_history(repo, out_dir=tmp_path, curated=curated_store())
    assert same.changed is False and same.incremental is True and same.read == 0


def test_an_update_reads_only_the_new_commits_and_gives_the_bytes_of_a_full_import(
    imported: dict[str, Any], tmp_path: Path
) -> None:
    clone = tmp_path / "growing"
    make_repo(clone, HISTORY[:3])
    out = tmp_path / "imports"
    first = import_landscape_history(clone, out_dir=out, curated=curated_store())
    assert (first.read, first.incremental) == (3, False)
    for text, date, subject, upstream in HISTORY[3:]:
        commit(clone, text, date, subject, upstream)
    calls: list[tuple[int, int]] = []
    update = import_landscape_history(
        clone, out_dir=out, curated=curated_store(), progress=lambda d, t, r: calls.append((d, t))
    )
    assert update.incremental and update.read == 2 and calls[-1] == (2, 2)
    assert update.revisions == 5 and update.events == 19
    fresh = import_landscape_history(
        clone, out_dir=tmp_path / "fresh", curated=curated_store(), fresh=True
    )
    assert update.output.read_bytes() == fresh.output.read_bytes()
    # other options than the saved state's: read afresh, and say so
    said: list[str] = []
    other = import_landscape_history(
        clone, out_dir=out, curated=curated_store(), every="month", note=said.append
    )
    assert not other.incremental and any("other options" in s for s in said)


def test_an_interrupted_import_leaves_nothing_half_written(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.importers.landscape.history import importer

    def stop(*_args: object, **_kw: object) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "imports"
    monkeypatch.setattr(importer, "history_triples", stop)
    with pytest.raises(KeyboardInterrupt):
        import_landscape_history(repo, out_dir=out, curated=curated_store())
    assert not out.exists() or sorted(p.name for p in out.iterdir()) == []
    monkeypatch.undo()
    # stopped after the graph, before the state: the next run puts the state right
    monkeypatch.setattr(importer, "_save", stop)
    with pytest.raises(KeyboardInterrupt):
        import_landscape_history(repo, out_dir=out, curated=curated_store())
    assert sorted(p.name for p in out.iterdir()) == [GRAPH_FILE]
    monkeypatch.undo()
    done = import_landscape_history(repo, out_dir=out, curated=curated_store())
    assert not done.changed and not done.incremental
    assert sorted(p.name for p in out.iterdir()) == sorted([STATE_DIR, GRAPH_FILE])
    assert sorted(p.name for p in (out / STATE_DIR).iterdir()) == [
        "events.jsonl",
        "meta.json",
        "state.json",
    ]


def test_items_keep_the_iris_the_snapshot_importer_gives(
    imported: dict[str, Any], tmp_path: Path
) -> None:
    last = tmp_path / "landscape-2022-05-01.yml"
    last.write_text(HISTORY[-1][0], encoding="utf-8")
    snapshot = import_landscape(last, out_dir=tmp_path, curated=curated_store())
    snap = ox.Store()
    snap.bulk_load(path=str(snapshot.output), format=ox.RdfFormat.TRIG)
    history = imported["store"]
    for prop in ("category", "developer", "hostedBy", "maturity"):
        a = {
            (q.subject.value, q.object.value)
            for q in snap.quads_for_pattern(None, ox.NamedNode(ECO + prop), None)
            if "." not in q.subject.value.removeprefix(KG)  # items: not events
        }
        b = {
            (q.subject.value, q.object.value)
            for q in history.quads_for_pattern(None, ox.NamedNode(ECO + prop), None)
            if "." not in q.subject.value.removeprefix(KG)  # items: not periods or events
        }
        assert a == b, prop


def test_the_engine_keeps_the_last_entry_of_every_item(repo: Path) -> None:
    result = import_history(repo)
    assert set(result.seen) == set(result.initial) | {e.item for e in result.events}
    assert result.seen["Delta"].paths == (("Runtime", "Cloud-Native Storage"),)  # removed
    assert result.seen["Alpha"].name == "Alpha Prime"  # the identity, under its last name
    added = next(e for e in result.events if e.kind == "added" and e.name == "Gamma")
    assert added.after == "Runtime / Container Runtime"
    assert added.crunchbase == "https://www.crunchbase.com/organization/gamma-inc"


# --- the command and bad input ----------------------------------------------------------------


def test_cli_imports_and_reports(runner: Any, repo: Path, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    result = runner.invoke(cli, ["import", "landscape-history", str(repo), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["events"] == 19 and data["revisions"] == 5 and data["first"] == "2019-03-01"
    assert (tmp_path / "imports" / GRAPH_FILE).is_file()
    again = runner.invoke(cli, ["import", "landscape-history", str(repo)])
    assert again.exit_code == 0
    assert "unchanged: 5 revisions" in again.stdout and "since the last import" in again.stdout
    helped = runner.invoke(cli, ["import", "landscape-history", "--help"])
    assert "Example:" in helped.output and "kg import landscape-history" in helped.output


def _one_line_error(result: Any, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    first = result.stderr.splitlines()[0]
    assert first.startswith("Error: ") and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in first, (needle, first)


def test_cli_bad_input(runner: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    plain = tmp_path / "plain"
    plain.mkdir()
    _one_line_error(
        runner.invoke(cli, ["import", "landscape-history", str(plain)]), "not a git repository"
    )
    _one_line_error(
        runner.invoke(cli, ["import", "landscape-history", str(tmp_path / "nowhere")]),
        "no such directory",
    )
    empty = tmp_path / "no-landscape"
    make_repo(empty, [])
    commit(empty, "hello\n", "2020-01-01T00:00:00+00:00", "readme", file="README.md")
    _one_line_error(
        runner.invoke(cli, ["import", "landscape-history", str(empty)]), "landscape.yml"
    )
    _one_line_error(
        runner.invoke(cli, ["import", "landscape-history", str(plain), "--since", "soon"]),
    )
    assert not (tmp_path / "imports").exists()


@pytest.mark.slow
def test_cli_names_the_revisions_it_skips_and_a_cut_history(
    runner: Any, repo: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    bad = tmp_path / "bad"
    make_repo(bad, HISTORY[:2])
    broken = commit(bad, HISTORY[2][0].replace("name: Gamma", "name: 'Gamma"),
                    "2020-01-01T00:00:00+00:00", "Broken edit")  # fmt: skip
    shape = commit(bad, "categories: []\n", "2020-01-02T00:00:00+00:00", "Another shape")
    commit(bad, HISTORY[2][0], "2020-02-01T10:00:00+00:00", "Fixed", "c" * 40)
    result = runner.invoke(cli, ["import", "landscape-history", str(bad)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert any(broken[:12] in ln and "2020-01-01" in ln and "yaml" in ln for ln in lines)
    assert any(shape[:12] in ln and "shape" in ln for ln in lines)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo}", str(shallow))
    cut = runner.invoke(cli, ["import", "landscape-history", str(shallow), "--fresh"])
    assert cut.exit_code == 0, cut.output
    assert any("shallow clone" in ln and "history is cut" in ln for ln in cut.stderr.splitlines())


# --- the real bundle ----------------------------------------------------------------------

needs_bundle = pytest.mark.skipif(
    not BUNDLE.exists(), reason=f"the landscape history bundle is not at {BUNDLE}"
)


@pytest.fixture(scope="module")
def bundle_import(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("bundle-graph")
    clone = base / "landscape"
    git(base, "clone", "-q", str(BUNDLE.resolve()), str(clone))
    report = import_landscape_history(clone, out_dir=base / "imports")
    store = ox.Store()
    store.bulk_load(path=str(report.output), format=ox.RdfFormat.TRIG)
    return {"clone": clone, "report": report, "store": store, "base": base}


@pytest.mark.slow
@needs_bundle
def test_bundle_events_per_class_equal_the_engine(bundle_import: dict[str, Any]) -> None:
    report = bundle_import["report"]
    store = bundle_import["store"]
    by_class = Counter(
        q.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None)
        if q.object.value in history_graph.EVENT_CLASSES.values()
    )
    expected = {history_graph.EVENT_CLASSES[k]: n for k, n in report.events_by_kind.items()}
    assert dict(by_class) == expected and sum(by_class.values()) == report.events > 8000


def _graduated_in(path: Path) -> set[str]:
    data = yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {
        i["name"]
        for c in data["landscape"]
        for s in c.get("subcategories") or []
        for i in s.get("items") or []
        if i.get("project") == "graduated"
    }


@pytest.mark.slow
@needs_bundle
def test_bundle_graduated_projects_on_the_last_day_equal_that_revisions_yaml(
    bundle_import: dict[str, Any],
) -> None:
    # Counted independently: the YAML of the last revision, by name; the graph's projects
    # that hold graduated on 2026-08-07, by their labels and former names there.
    clone = bundle_import["clone"]
    names = _graduated_in(clone / "landscape.yml")
    store = bundle_import["store"]
    day = bundle_import["report"].last
    assert day == "2026-08-07"
    holding = set()
    for p in of_type(store, "MaturityPeriod"):
        if one(store, p, ECO + "maturity") != kg("maturity-graduated"):
            continue
        start = values(store, p, ECO + "startDate") | values(store, p, ECO + "startedBy")
        end = values(store, p, ECO + "endDate")
        if min(start) <= day and (not end or min(end) > day):
            holding.add(one(store, p, ECO + "item"))
    assert len(holding) >= 30
    # the distinct projects the YAML lists as graduated (names that differ only by a
    # qualifier, such as a project listed again under Wasm, are one project)
    from kg.importers.landscape.linking import name_key

    assert len({name_key(n) for n in names}) == len(holding)


def test_every_term_the_graph_uses_is_in_the_ontology(imported: dict[str, Any]) -> None:
    ontology = read_sources(ontology_files())
    declared = {
        str(r[0])
        for r in ontology.query(
            "SELECT ?t WHERE { ?t a ?k VALUES ?k { owl:Class owl:ObjectProperty "
            "owl:DatatypeProperty skos:Concept skos:ConceptScheme } }"
        ).rows
    }
    store = imported["store"]
    used = {q.predicate.value for q in store} | {
        q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None)
    }
    used |= {
        q.object.value
        for q in store
        if isinstance(q.object, ox.NamedNode)
        and q.object.value.startswith((KG + "cncf-tier-", KG + "programme-", KG + "maturity-"))
    }
    ours = {t for t in used if t.startswith((ECO, KG + "cncf-tier", KG + "programme-"))}
    assert ours and ours <= declared, sorted(ours - declared)
