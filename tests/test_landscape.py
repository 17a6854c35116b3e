"""The CNCF landscape importer: reading every era, mapping, linking, errors, diff, CLI.

Fast tests use the hand-made fixtures in tests/fixtures/landscape/ and a small curated graph
(curated.trig) that has one entity per linking rule. The real files from ../shared are
@pytest.mark.slow: their expected numbers are computed from the YAML here, independently of the
importer.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml

from kg import resources
from kg.build import build
from kg.cli import cli
from kg.errors import LandscapeFormatError, SourceSyntaxError, UsageError
from kg.importers.landscape import import_landscape, read_landscape, snapshot_date
from kg.importers.landscape.diff import diff_landscapes, emit_changes
from kg.importers.landscape.linking import (
    CuratedIndex,
    Overrides,
    crunchbase_slug,
    index_curated,
    name_key,
    org_key,
    slugify,
)
from kg.importers.landscape.read import source_iri
from kg.namespaces import DCTERMS, ECO, KG, RDF, RDFS, SCHEMA, SKOS
from kg.sources import SourceFile, ontology_files, parse_file, read_sources
from kg.validate import union_graph, validate_graph
from tests.conftest import FIXTURES, landscape_path

HERE = FIXTURES / "landscape"
ERA_2018 = HERE / "landscape-2018-12-01.yml"
ERA_2024 = HERE / "landscape-2024-01-01.yml"
ERA_2026 = HERE / "landscape-2026-01-01.yml"
GUIDE = HERE / "guide-2026-01-02.yml"


def kg(local: str) -> str:
    return KG + local


@pytest.fixture(scope="module")
def curated() -> CuratedIndex:
    """The ontology and the hand-made curated fixture, indexed for linking."""
    return index_curated(read_sources([*ontology_files(), SourceFile(HERE / "curated.trig", None)]))


def violations_with(imports: list[Path]) -> list[object]:
    """SHACL violations of the ontology, the essay (the category scheme cites it), the curated
    fixture and the given imports, together."""
    from kg.validate import load_shapes

    files = [
        *ontology_files(),
        SourceFile(resources.data_dir() / "essay-2015.trig", None),
        SourceFile(HERE / "curated.trig", None),
    ]
    files += [SourceFile(p, None) for p in imports]
    return list(validate_graph(union_graph(read_sources(files).triples()), load_shapes()))


def load(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    return store


def objects(store: ox.Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)}


def subjects(store: ox.Store, p: str, o: ox.Term) -> set[str]:
    return {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(p), o)}


@functools.cache
def read_yaml(path: Path) -> Any:
    """The file as plain data, read here without the importer (libyaml's safe loader)."""
    return yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def count_yaml(path: Path) -> dict[str, int]:
    """The numbers a person would count in the file, computed here without the importer."""
    data = read_yaml(path)
    cats = data["landscape"]
    items = [i for c in cats for s in c["subcategories"] or [] for i in s.get("items") or []]
    slugs = {
        i["crunchbase"].split("/organization/")[1].split("?")[0].strip("/").lower()
        for i in items
        if i.get("crunchbase")
    }
    return {
        "categories": len(cats),
        "subcategories": sum(len(c["subcategories"] or []) for c in cats),
        "items": len(items),
        "organisations": len(slugs),
    }


# --- reading every era ------------------------------------------------------------------


@pytest.mark.parametrize("path", [ERA_2018, ERA_2024, ERA_2026], ids=["2018", "2024", "2026"])
def test_every_era_reads_with_the_counts_of_the_yaml(path: Path) -> None:
    landscape = read_landscape(path)
    expected = count_yaml(path)
    assert len(landscape.categories) == expected["categories"]
    assert landscape.subcategory_count == expected["subcategories"]
    assert len(landscape.items) == expected["items"]
    assert len({i.slug for i in landscape.items if i.slug}) == expected["organisations"]


def test_era_2026_details_are_read() -> None:
    items = {(i.name, i.subcategory): i for i in read_landscape(ERA_2026).items}
    widget = items[("Widget", "Scheduling & Orchestration")]
    # unquoted YAML dates come back as dates; they are kept as the same ISO text
    assert widget.dates == (
        ("accepted", "2017-03-29"),
        ("incubating", "2017-03-29"),
        ("graduated", "2019-02-28"),
    )
    assert widget.second_paths == (
        ("Runtime", "Container Runtime"),
        ("Runtime", "No Such Subcategory"),
    )
    lens = items[("Widget Lens", "Scheduling & Orchestration")]  # no `item:` marker
    assert lens.parent_project == "Widget" and ("archived", "2025-01") in lens.dates
    # the tracking parameters of a Crunchbase URL do not make another organisation
    sprocket = items[("Sprocket Next", "Scheduling & Orchestration")]
    assert sprocket.crunchbase == "https://www.crunchbase.com/organization/globex-holdings"
    mesh = next(i for i in items.values() if "Mesh" in i.name)
    assert mesh.homepage is None and mesh.repos == ("https://github.com/evil/mesh",)


def test_warnings_name_the_item_and_what_happened() -> None:
    warnings = read_landscape(ERA_2026).warnings
    assert any("Runtime / Container Runtime / Gizmo" in w and "ftp://" in w for w in warnings)
    assert any("javascript:" in w and "left out" in w for w in warnings)
    assert any("No Such Subcategory" in w for w in warnings)
    assert any(
        "Service Mesh / Widget" in w and "imported as one item in both" in w for w in warnings
    )


# --- bad input --------------------------------------------------------------------------

ERRORS = {
    "not-a-landscape": (LandscapeFormatError, ["not a CNCF landscape file", "`landscape:`"]),
    "missing-keys": (
        LandscapeFormatError,
        [
            "Runtime / Container Runtime / No Homepage: `homepage_url` is missing",
            "Runtime / No Items Key: `items` is missing",
            "category #2: `name` is missing",
        ],
    ),
    "wrong-types": (
        LandscapeFormatError,
        [
            "Runtime / Container Runtime / item #1: `name` must be text, not a number",
            "Listy: `homepage_url` must be text, not a list",
            "Listy: `extra` must be a mapping",
            "item #3: must be a mapping",
            "Platform: `subcategories` must be a list",
        ],
    ),
    "duplicate-names": (
        LandscapeFormatError,
        [
            "Runtime / Container Runtime / Twice: this name appears twice in one subcategory",
            "Runtime: this category name appears twice",
        ],
    ),
    "unknown-maturity": (
        LandscapeFormatError,
        ["Runtime / Container Runtime / Overripe: unknown maturity `project: mature`", "sandbox"],
    ),
    "bad-date": (
        LandscapeFormatError,
        [
            "Timeless: `extra.graduated` '2020-13-45' is not a real date",
            "`extra.accepted` must be a date",
        ],
    ),
    "broken-yaml": (SourceSyntaxError, ["broken-yaml.yml:5", "not valid YAML"]),
    "python-object": (SourceSyntaxError, ["python-object.yml:2", "refused"]),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_input_is_refused_with_the_place_and_nothing_is_written(
    name: str, tmp_path: Path
) -> None:
    kind, phrases = ERRORS[name]
    path = HERE / "errors" / f"{name}.yml"
    with pytest.raises(kind) as info:
        import_landscape(path, as_of="2026-01-01", out_dir=tmp_path, curated=CuratedIndex())
    text = str(info.value)
    for phrase in phrases:
        assert phrase in text
    assert info.value.hint
    assert list(tmp_path.iterdir()) == []


def test_a_guide_given_as_a_landscape_says_so() -> None:
    with pytest.raises(LandscapeFormatError) as info:
        read_landscape(GUIDE)
    assert "--guide" in (info.value.hint or "")


def test_snapshot_date_from_name_option_or_an_error() -> None:
    assert snapshot_date(ERA_2018) == "2018-12-01"
    assert snapshot_date(ERA_2018, "2019-02-03") == "2019-02-03"
    with pytest.raises(UsageError, match="--as-of"):
        snapshot_date(HERE / "errors" / "duplicate-names.yml")
    with pytest.raises(UsageError):
        snapshot_date(ERA_2018, "last tuesday")


# --- the import -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, curated: CuratedIndex) -> dict[str, object]:
    out = tmp_path_factory.mktemp("imports")
    reports = {
        era: import_landscape(
            path, out_dir=out, curated=curated, guide=GUIDE if era == "2026" else None
        )
        for era, path in (("2018", ERA_2018), ("2024", ERA_2024), ("2026", ERA_2026))
    }
    return {"out": out, "reports": reports}


def test_one_file_one_graph_named_after_its_source(imported: dict[str, object]) -> None:
    out = imported["out"]
    assert isinstance(out, Path)
    assert sorted(p.name for p in out.iterdir()) == [
        "cncf-landscape-2018-12-01.trig",
        "cncf-landscape-2024-01-01.trig",
        "cncf-landscape-2026-01-01.trig",
    ]
    path = out / "cncf-landscape-2026-01-01.trig"
    graphs = {q.graph_name for q in parse_file(SourceFile(path, None))}
    source = source_iri("2026-01-01")
    assert graphs == {ox.NamedNode(source)}
    store = load(path)
    assert objects(store, source, RDF + "type") == {ECO + "Source"}
    assert objects(store, source, SCHEMA + "sha256") == {
        hashlib.sha256(ERA_2026.read_bytes()).hexdigest()
    }
    assert objects(store, source, SCHEMA + "name") == {ERA_2026.name}
    assert objects(store, source, DCTERMS + "issued") == {"2026-01-01"}
    assert "https://creativecommons.org/licenses/by/4.0/" in objects(
        store, source, DCTERMS + "license"
    )
    assert objects(store, source, DCTERMS + "title")


def test_same_file_same_bytes_and_a_copy_elsewhere_too(
    imported: dict[str, object], curated: CuratedIndex, tmp_path: Path
) -> None:
    out = imported["out"]
    assert isinstance(out, Path)
    target = out / "cncf-landscape-2026-01-01.trig"
    before = target.read_bytes()
    again = import_landscape(ERA_2026, out_dir=out, curated=curated, guide=GUIDE)
    assert again.changed is False and target.read_bytes() == before
    copy = tmp_path / "elsewhere" / ERA_2026.name
    copy.parent.mkdir()
    shutil.copy(ERA_2026, copy)
    import_landscape(copy, out_dir=tmp_path, curated=curated, guide=GUIDE)
    assert (tmp_path / target.name).read_bytes() == before
    assert b"/tmp" not in before  # no paths of the machine, no timestamps


def test_the_imports_conform_to_the_shapes(imported: dict[str, object]) -> None:
    out = imported["out"]
    assert isinstance(out, Path)
    assert violations_with(sorted(out.glob("*.trig"))) == []


def test_mapping_of_items_members_events_and_categories(imported: dict[str, object]) -> None:
    out = imported["out"]
    assert isinstance(out, Path)
    store = load(out / "cncf-landscape-2026-01-01.trig")
    # categories: a scheme of their own, subcategory broader than category, guide definition
    sub = kg("cncf-landscape.orchestration-management.scheduling-orchestration")
    assert objects(store, sub, SKOS + "broader") == {kg("cncf-landscape.orchestration-management")}
    assert objects(store, sub, SKOS + "inScheme") == {kg("cncf-landscape")}
    assert objects(store, sub, SKOS + "definition") == {
        "Schedulers place <b>workloads</b> on machines."
    }
    assert kg("cncf-landscape-guide.2026-01-02") in objects(store, sub, ECO + "source")
    # a product: every category (duplicate entry and second_path), developer, maturity, parent
    widget = kg("widget-engine")  # linked by repository to the curated product
    assert objects(store, widget, ECO + "category") == {
        sub,
        kg("cncf-landscape.orchestration-management.service-mesh"),
        kg("cncf-landscape.runtime.container-runtime"),
    }
    # the file names the CNCF as its organisation: the CNCF hosts it, it does not develop it
    assert objects(store, widget, ECO + "developer") == set()
    assert objects(store, widget, ECO + "hostedBy") == {kg("cncf")}
    assert objects(store, widget, ECO + "maturity") == {kg("maturity-graduated")}
    assert objects(store, kg("widget-lens"), ECO + "parentProject") == {widget}
    # dated maturity events, each as precise as the file
    events = subjects(store, ECO + "product", ox.NamedNode(widget))
    dates = {
        (
            next(iter(objects(store, e, ECO + "maturity"))),
            next(iter(objects(store, e, ECO + "date"))),
        )
        for e in events
    }
    assert dates == {
        (kg("maturity-accepted"), "2017-03-29"),
        (kg("maturity-incubating"), "2017-03-29"),
        (kg("maturity-graduated"), "2019-02-28"),
    }
    archived = kg("widget-lens.cncf-archived.2025-01")
    assert next(
        store.quads_for_pattern(ox.NamedNode(archived), ox.NamedNode(ECO + "date"), None)
    ).object.datatype.value.endswith("gYearMonth")
    # members are organisations; one without a Crunchbase URL is named after its entry
    heron = kg("non-public-organization-heron")
    assert objects(store, heron, RDF + "type") == {ECO + "Organization"}
    assert objects(store, heron, RDFS + "label") == {"Non-Public Organization Heron"}
    # an organisation with no member entry: named after its slug, and marked so
    assert objects(store, kg("acme-corp"), RDFS + "label") == {"Acme Corp"}
    assert objects(store, kg("acme-corp"), ECO + "nameDerived") == {"true"}
    # `organization: {name: ...}` names an organisation that is not derived
    assert objects(store, kg("gizmo-collective"), RDFS + "label") == {"Gizmo Collective"}
    assert not objects(store, kg("gizmo-collective"), ECO + "nameDerived")
    # an item named after its own organisation is that organisation, not a product
    assert kg("initech") in subjects(
        store, ECO + "category", ox.NamedNode(kg("cncf-landscape.runtime.container-runtime"))
    )
    assert ECO + "Product" not in objects(store, kg("initech"), RDF + "type")


def test_members_and_programmes_are_memberships_and_certifications(
    imported: dict[str, object],
) -> None:
    out = imported["out"]
    assert isinstance(out, Path)
    store = load(out / "cncf-landscape-2026-01-01.trig")
    source = kg("cncf-landscape.2026-01-01")
    scheme = subjects(store, SKOS + "inScheme", ox.NamedNode(kg("cncf-landscape")))
    # neither the members' tiers nor the programmes are categories any more
    assert not {c for c in scheme if "cncf-members" in c or "special" in c or "certified" in c}
    # a member: a membership of its organisation at its tier, held by the snapshot's day
    memberships = subjects(store, RDF + "type", ox.NamedNode(ECO + "Membership"))
    tiers = {
        (next(iter(objects(store, m, ECO + "member"))), next(iter(objects(store, m, ECO + "tier"))))
        for m in memberships
    }
    assert tiers == {
        (kg("umbrella-corporation"), kg("cncf-tier-silver")),  # linked to the curated graph
        (kg("hooli"), kg("cncf-tier-silver")),  # Nucleus, by its homepage
        (kg("non-public-organization-heron"), kg("cncf-tier-silver")),
        (kg("massive-dynamic"), kg("cncf-tier-end-user-supporter")),  # a renamed tier's id
    }
    for m in memberships:
        assert objects(store, m, ECO + "foundation") == {kg("cncf")}
        assert objects(store, m, ECO + "startedBy") == {"2026-01-01"}
        assert objects(store, m, ECO + "source") == {source}
    assert not objects(store, kg("massive-dynamic"), ECO + "category")
    # programmes: certifications of the product, or of the organisation a KCSP entry names
    certs = subjects(store, RDF + "type", ox.NamedNode(ECO + "Certification"))
    held = {
        (
            next(iter(objects(store, c, ECO + "item"))),
            next(iter(objects(store, c, ECO + "programme"))),
        )
        for c in certs
    }
    assert held == {
        (kg("widget-distro"), kg("programme-certified-kubernetes-distribution")),
        (kg("widget-distro"), kg("programme-certified-kubernetes-ai-platform")),
        (kg("initech"), kg("programme-kcsp")),
    }
    # a certified distribution is still a platform; the KCSP entry adds no category
    assert objects(store, kg("widget-distro"), ECO + "category") == {kg("cncf-landscape.platform")}
    assert objects(store, kg("widget-distro"), ECO + "developer") == {kg("acme-corp")}
    assert objects(store, kg("initech"), ECO + "category") == {
        kg("cncf-landscape.runtime.container-runtime")
    }
    # a programme the ontology does not know yet is a concept of the import
    ai = kg("programme-certified-kubernetes-ai-platform")
    assert objects(store, ai, SKOS + "inScheme") == {kg("cncf-programmes")}
    assert objects(store, ai, RDFS + "label") == {"Certified Kubernetes - AI Platform"}


def test_hostile_strings_stay_plain_literals(imported: dict[str, object]) -> None:
    out = imported["out"]
    assert isinstance(out, Path)
    store = load(out / "cncf-landscape-2026-01-01.trig")
    label = '<script>alert("x")</script> Mesh'
    (mesh,) = subjects(store, RDFS + "label", ox.Literal(label))
    assert mesh == kg("script-alert-x-script-mesh")
    assert objects(store, mesh, ECO + "description") == {
        '<img src=x onerror=alert(1)> "quoted" & {braces} @prefix kg: <http://evil/> .'
    }
    assert not objects(store, mesh, ECO + "homepage")  # javascript: was left out
    assert not any("evil" in g.value for g in store.named_graphs())


# --- linking ----------------------------------------------------------------------------


def test_keys() -> None:
    assert name_key("Red Hat (member)") == "redhat" == org_key("red-hat")
    assert org_key("Puppet Labs") == org_key("puppet-labs") == "puppet"
    assert org_key("Docker, Inc.") == "docker"
    assert name_key("Weave Net") != name_key("Weave")
    assert crunchbase_slug("https://www.crunchbase.com/organization/D2iQ?utm=x") == "d2iq"
    assert crunchbase_slug("https://example.com/organization/x") is None
    assert slugify("C++") != slugify("C") and slugify("开放原子") == ""


@pytest.mark.parametrize(
    ("kind", "name", "iri", "rule"),
    [
        ("organization", "Globex Holdings", "globex", "crunchbase"),
        ("organization", "Initech Inc", "initech", "crunchbase slug"),
        ("organization", "Umbrella", "umbrella-corporation", "name"),
        ("organization", "Nucleus", "hooli", "homepage host"),
        ("organization", "Cloud Native Computing Foundation", "cncf", "name"),
        ("product", "Widget", "widget-engine", "homepage or repository"),
        ("product", "Gizmo", "gizmo", "name"),
    ],
)
def test_each_linking_rule(
    imported: dict[str, object], kind: str, name: str, iri: str, rule: str
) -> None:
    reports = imported["reports"]
    assert isinstance(reports, dict)
    matched = {(lk.kind, lk.name): lk for r in reports.values() for lk in r.matched}
    link = matched[(kind, name)]
    assert (link.iri, link.rule) == (kg(iri), rule)


def test_ambiguous_ones_are_listed_and_not_merged(imported: dict[str, object]) -> None:
    reports = imported["reports"]
    assert isinstance(reports, dict)
    report = reports["2026"]
    ambiguous = {lk.name: lk for lk in report.ambiguous}
    assert ambiguous["Twin"].candidates == (kg("twin-a"), kg("twin-b"))
    assert ambiguous["Umbrella"].rule == "name of another kind"  # a product named like a company
    store = load(report.output)
    assert objects(store, kg("twin-engine"), ECO + "developer") == {kg("twin")}
    assert not objects(store, kg("twin-a"), ECO + "crunchbase")
    assert objects(store, kg("umbrella"), RDF + "type") == {ECO + "Product"}
    # a new entity never takes an IRI the curated graph uses for something else
    assert objects(store, kg("sprocket-next-2"), RDFS + "label") == {"Sprocket Next"}
    assert not objects(store, kg("sprocket-next"), RDF + "type")


def test_overrides_decide(curated: CuratedIndex, tmp_path: Path) -> None:
    overrides = Overrides(
        organizations={"twin": kg("twin-b")},
        items={name_key("Sprocket Next"): kg("gizmo"), name_key("Gizmo"): "new"},
    )
    report = import_landscape(ERA_2026, out_dir=tmp_path, curated=curated, overrides=overrides)
    matched = {lk.name: lk for lk in report.matched}
    assert matched["Twin"].iri == kg("twin-b") and matched["Twin"].rule == "override"
    assert matched["Sprocket Next"].iri == kg("gizmo")
    assert "Gizmo" not in matched
    assert "Twin" not in {lk.name for lk in report.ambiguous}
    store = load(report.output)
    assert objects(store, kg("gizmo-2"), RDFS + "label") == {"Gizmo"}


# --- diff -------------------------------------------------------------------------------


def test_diff_finds_every_kind_of_change() -> None:
    changes = {(c.kind, c.name): c for c in diff_landscapes(ERA_2018, ERA_2026)}
    assert changes[("renamed", "Sprocket Next")].before == "Sprocket"
    assert changes[("organisation", "Sprocket Next")].after == "globex-holdings"
    assert (
        changes[("organisation", "Widget")].before,
        changes[("organisation", "Widget")].after,
    ) == (
        "acme-corp",
        "cloud-native-computing-foundation",
    )
    assert (changes[("maturity", "Widget")].before, changes[("maturity", "Widget")].after) == (
        "incubating",
        "graduated",
    )
    assert changes[("moved", "Initech")].before == "Cloud / Public"
    assert changes[("moved", "Initech")].after == "Runtime / Container Runtime"
    assert ("removed", "Old Timer") in changes and ("removed", "Globex Cloud") in changes
    assert ("added", "Widget Lens") in changes and ("added", "Nucleus (member)") in changes
    assert ("removed", "Sprocket") not in changes and ("added", "Sprocket Next") not in changes
    assert diff_landscapes(ERA_2026, ERA_2026) == []


def test_emit_writes_derived_events_that_conform(
    imported: dict[str, object], curated: CuratedIndex
) -> None:
    out = imported["out"]
    assert isinstance(out, Path)
    target, changed, n = emit_changes(ERA_2018, ERA_2026, out_dir=out, curated=curated)
    assert target.name == "cncf-landscape-diff-2018-12-01-2026-01-01.trig" and changed
    store = load(target)
    events = subjects(store, RDF + "type", ox.NamedNode(ECO + "LandscapeChange"))
    assert len(events) == n == len(diff_landscapes(ERA_2018, ERA_2026))
    for event in events:
        assert objects(store, event, "http://www.w3.org/ns/prov#wasDerivedFrom") == {
            source_iri("2018-12-01"),
            source_iri("2026-01-01"),
        }
    org_change = kg("cncf-landscape-diff.2018-12-01.2026-01-01.organisation.widget")
    assert objects(store, org_change, DCTERMS + "subject") == {kg("widget-engine")}
    assert emit_changes(ERA_2018, ERA_2026, out_dir=out, curated=curated)[1] is False
    assert violations_with(sorted(out.glob("*.trig"))) == []
    target.unlink()


# --- the commands -----------------------------------------------------------------------


def test_cli_import_report_and_json(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    result = runner.invoke(cli, ["import", "landscape", str(ERA_2024)])
    assert result.exit_code == 0, result.output
    assert "imported: landscape-2024-01-01.yml as kg:cncf-landscape.2024-01-01" in result.output
    assert (tmp_path / "imports" / "cncf-landscape-2024-01-01.trig").is_file()
    again = runner.invoke(cli, ["import", "landscape", str(ERA_2024), "--format", "json"])
    data = json.loads(again.output)
    assert data["changed"] is False and data["items"] == 8 and data["snapshot"] == "2024-01-01"


def test_cli_bad_input_is_one_line_and_exit_2(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    result = runner.invoke(
        cli,
        [
            "import",
            "landscape",
            str(HERE / "errors" / "unknown-maturity.yml"),
            "--as-of",
            "2026-01-01",
        ],
    )
    assert result.exit_code == 2
    assert "Overripe: unknown maturity" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "imports").exists()
    no_date = runner.invoke(
        cli, ["import", "landscape", str(HERE / "errors" / "unknown-maturity.yml")]
    )
    assert no_date.exit_code == 2 and "--as-of" in no_date.output


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_cli_diff_formats(runner, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        cli,
        [
            "diff",
            "landscape",
            str(ERA_2018),
            str(ERA_2026),
            "--format",
            fmt,
            "--kind",
            "organisation",
        ],
    )
    assert result.exit_code == 0, result.output
    if fmt == "json":
        rows = json.loads(result.stdout)
        assert {r["item"] for r in rows} == {"Widget", "Sprocket Next"}
    elif fmt == "csv":
        assert result.stdout.splitlines()[0] == "change,item,before,after,where"
        assert "organisation,Widget,acme-corp,cloud-native-computing-foundation," in result.stdout
    else:
        assert "Sprocket Next" in result.stdout


# --- the real landscape files (slow) ------------------------------------------------------

REAL = ["landscape-2018-12-28.yml", "landscape-2024-01-17.yml", "landscape-2026-08-07.yml"]


@pytest.fixture(scope="module")
def real_imports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from kg.importers.landscape.linking import curated_index_default

    index = curated_index_default()
    out = tmp_path_factory.mktemp("real") / "imports"
    reports = {}
    for name in REAL:
        path = landscape_path(name)
        guide = landscape_path("guide-2026-07-02.yml") if "2026" in name else None
        reports[name] = import_landscape(path, out_dir=out, curated=index, guide=guide)
    return {"out": out, "reports": reports, "index": index}


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL)
def test_real_file_counts_equal_the_yaml(real_imports: dict[str, object], name: str) -> None:
    reports = real_imports["reports"]
    assert isinstance(reports, dict)
    report = reports[name]
    expected = count_yaml(landscape_path(name))
    assert (report.categories, report.subcategories, report.items) == (
        expected["categories"],
        expected["subcategories"],
        expected["items"],
    )
    store = load(report.output)
    graph = ox.NamedNode(report.source)
    crunchbase = {
        q.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode(ECO + "crunchbase"), None, graph)
    }
    assert len(crunchbase) == expected["organisations"]
    data = read_yaml(landscape_path(name))
    # Members and programmes are not categories; a certification's subcategory is not one either
    # (its items keep the top category): the scheme holds the rest, counted here from the YAML.
    kept = [c for c in data["landscape"] if c["name"] not in ("CNCF Members", "Special")]
    kept_subs = [
        s
        for c in kept
        for s in c["subcategories"] or []
        if not s["name"].startswith("Certified Kubernetes")
    ]
    cats = subjects(store, SKOS + "inScheme", ox.NamedNode(kg("cncf-landscape")))
    assert len(cats) == len(kept) + len(kept_subs)
    # every entry of the file is in the graph: a subject with its name in its subcategory
    names: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, None, None, graph):
        if q.predicate.value in (RDFS + "label", SKOS + "altLabel"):
            names[q.subject.value].add(name_key(q.object.value))
    index = real_imports["index"]
    assert isinstance(index, CuratedIndex)
    for iri in index.kinds:
        names[iri] |= index.label_keys(iri)
    from kg.importers.landscape.mapping import category_iri

    member_of = {
        next(iter(objects(store, m, ECO + "member")))
        for m in subjects(store, RDF + "type", ox.NamedNode(ECO + "Membership"))
    }
    certified = {
        next(iter(objects(store, c, ECO + "item")))
        for c in subjects(store, RDF + "type", ox.NamedNode(ECO + "Certification"))
    }
    for c in data["landscape"]:
        for s in c["subcategories"] or []:
            if c["name"] == "CNCF Members":
                holders = member_of
            elif c["name"] == "Special":
                holders = certified
            elif s["name"].startswith("Certified Kubernetes"):
                holders = certified & subjects(
                    store, ECO + "category", ox.NamedNode(category_iri(c["name"]))
                )
            else:
                holders = subjects(
                    store, ECO + "category", ox.NamedNode(category_iri(c["name"], s["name"]))
                )
            for item in s.get("items") or []:
                key = name_key(item["name"])
                assert any(key in names[m] for m in holders), (c["name"], s["name"], item["name"])


#: Curated entities the real files must link to (data/essay-2015.trig, data/history/*.trig).
CURATED = [
    "docker",
    "kubernetes",
    "red-hat",
    "vmware",
    "portworx",
    "sysdig",
    "rancher-labs",
    "chef",
    "puppet",
    "weave",
    "weaveworks",
    "suse",
    "cncf",
    "containerd",
    "flux",
]


@pytest.mark.slow
def test_real_curated_entities_link_and_none_is_duplicated(real_imports: dict[str, object]) -> None:
    out = real_imports["out"]
    index = real_imports["index"]
    assert isinstance(out, Path) and isinstance(index, CuratedIndex)
    store = ox.Store()
    for path in sorted(out.glob("cncf-landscape-2*.trig")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    source = ox.NamedNode(ECO + "source")
    for local in CURATED:
        iri = ox.NamedNode(kg(local))
        assert kg(local) in index.kinds, f"kg:{local} is not in the curated graph"
        assert any(store.quads_for_pattern(iri, source, None)), (
            f"kg:{local} got nothing from the landscape"
        )
        # no new entity carries the curated entity's name
        keys = index.label_keys(kg(local))
        new = {
            q.subject.value
            for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "label"), None)
            if name_key(q.object.value) in keys and q.subject.value != kg(local)
        }
        assert not (new - set(index.kinds)), (local, new)
    # each organisation of the curated list is known by its Crunchbase URL
    for local, slug in [
        ("docker", "docker"),
        ("red-hat", "red-hat"),
        ("rancher-labs", "rancher-labs"),
        ("suse", "suse"),
    ]:
        assert f"https://www.crunchbase.com/organization/{slug}" in {
            q.object.value
            for q in store.quads_for_pattern(
                ox.NamedNode(kg(local)), ox.NamedNode(ECO + "crunchbase"), None
            )
        }
    # the Weave Net entry is the essay's Weave, developed by Weaveworks
    assert any(
        store.quads_for_pattern(
            ox.NamedNode(kg("weave")),
            ox.NamedNode(ECO + "developer"),
            ox.NamedNode(kg("weaveworks")),
        )
    )


@pytest.mark.slow
def test_real_diff_finds_the_ownership_changes_in_the_files() -> None:
    old, new = landscape_path(REAL[0]), landscape_path(REAL[2])

    def owners(path: Path) -> dict[str, str]:
        data = read_yaml(path)
        return {
            i["name"]: i["crunchbase"].rsplit("/", 1)[1].split("?")[0].lower()
            for c in data["landscape"]
            for s in c["subcategories"] or []
            for i in s.get("items") or []
            if i.get("crunchbase")
        }

    a, b = owners(old), owners(new)
    expected = {(n, a[n], b[n]) for n in a.keys() & b.keys() if a[n] != b[n]}
    assert expected, "the files should hold ownership changes"
    found = {
        (c.name, c.before, c.after) for c in diff_landscapes(old, new) if c.kind == "organisation"
    }
    assert expected <= found
    assert all(name in b for name, _, _ in found)
    # rancher-labs -> suse is in the files under a new name: the diff pairs it through the rename
    renamed = {c.before: c.after for c in diff_landscapes(old, new) if c.kind == "renamed"}
    if "Rancher" in a and a["Rancher"] == "rancher-labs" and renamed.get("Rancher") in b:
        assert (renamed["Rancher"], "rancher-labs", b[renamed["Rancher"]]) in found


@pytest.mark.slow
def test_real_2026_builds_conforms_and_answers_the_essay_question(
    real_imports: dict[str, object], tmp_path: Path
) -> None:
    out = real_imports["out"]
    assert isinstance(out, Path)
    only_2026 = tmp_path / "imports"
    only_2026.mkdir()
    shutil.copy(out / "cncf-landscape-2026-08-07.trig", only_2026)
    result = build(out=tmp_path / "dist", imports=only_2026, formats=("nt",))
    assert result.violations == []
    from kg.query import run
    from kg.sparql.library import resolve

    # The CNCF hosts what the file lists under it, and develops none of it. Counted here from
    # the YAML: the distinct names (members and programmes aside) with a maturity level or the
    # CNCF as their Crunchbase organisation.
    data = read_yaml(landscape_path("landscape-2026-08-07.yml"))
    hosted_names = {
        i["name"]
        for c in data["landscape"]
        if c["name"] not in ("CNCF Members", "Special")
        for s in c["subcategories"] or []
        for i in s.get("items") or []
        if i.get("project")
        or "organization/cloud-native-computing-foundation" in str(i.get("crunchbase"))
    }
    hosted = run(
        result.store,
        """SELECT ?p ?name WHERE { ?p eco:hostedBy kg:cncf ; rdfs:label|skos:altLabel ?name }""",
    )
    keys: dict[str, set[str]] = defaultdict(set)
    for p, n in hosted.rows:
        keys[str(p)].add(name_key(str(n)))
    wanted = {name_key(n) for n in hosted_names}
    # Names that differ only by a qualifier (Envoy, Envoy (Wasm)) are one product: compare keys.
    assert len(wanted) > 200 and wanted == set().union(*keys.values()) & wanted
    assert all(k & wanted for k in keys.values())
    developed = run(result.store, "SELECT ?p WHERE { ?p eco:developer kg:cncf }")
    assert developed.rows == []
    text, _ = resolve("graduated-projects-of-essay-companies")
    answer = run(result.store, text)
    rows = {(str(r[0]), str(r[1])) for r in answer.rows}
    assert (kg("kubernetes"), kg("google")) in rows  # the essay: Google's Kubernetes


# --- hostile input (issue 16): each attack of the probe, then the defence that stops the kind --

ONE_ITEM = """landscape:
  - name: Runtime
    subcategories:
      - name: Container Runtime
        items:
          - name: Boom
            homepage_url: https://boom.example/
{extra}"""


def write(tmp_path: Path, text: str | bytes, name: str = "landscape-2026-01-01.yml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def refused(path: Path, tmp_path: Path) -> Exception:
    """The import's error (it must fail), after checking that nothing was written."""
    out = tmp_path / "imports"
    with pytest.raises((LandscapeFormatError, SourceSyntaxError)) as info:
        import_landscape(path, out_dir=out, curated=CuratedIndex())
    assert not out.exists()
    return info.value


def peak_bytes(action: Any) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        action()
    except Exception:  # the error is checked by the caller
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_an_alias_bomb_is_refused_in_one_short_line(tmp_path: Path) -> None:
    # The probe's file: a few hundred bytes whose date field is 9^8 copies of "lol" deep.
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        levels.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    text = "\n".join(levels) + "\n" + ONE_ITEM.format(extra="            extra: {accepted: *h}")
    path = write(tmp_path, text)
    assert len(text) < 1000
    error = refused(path, tmp_path)
    assert "alias" in str(error) and ":1:" in str(error)
    assert len(str(error)) < 300
    assert peak_bytes(lambda: read_landscape(path)) < 5_000_000


@pytest.mark.slow
def test_many_aliases_of_a_large_string_are_refused_without_expanding(tmp_path: Path) -> None:
    big = "x" * 1_000_000
    items = "\n".join(
        f"          - name: Item {i}\n            homepage_url: https://i{i}.example/\n"
        f"            description: *big"
        for i in range(2000)
    )
    text = f"big: &big {big}\n" + ONE_ITEM.format(extra="").rstrip("\n") + "\n" + items + "\n"
    path = write(tmp_path, text)
    error = refused(path, tmp_path)
    assert "alias" in str(error) and len(str(error)) < 300
    assert peak_bytes(lambda: read_landscape(path)) < 30_000_000  # the file is 1.2 MB


def test_a_huge_value_is_shown_as_an_excerpt(tmp_path: Path) -> None:
    path = write(
        tmp_path, ONE_ITEM.format(extra=f"            extra: {{accepted: {'9' * 100_000}x}}")
    )
    error = refused(path, tmp_path)
    assert "`extra.accepted` must be a date" in str(error)
    assert "(100,001 characters)" in str(error) and len(str(error)) < 800


def test_every_message_line_is_bounded_whatever_the_names(tmp_path: Path) -> None:
    name = "N" * 400  # under the name limit: a legal name, so it is the place of the problem
    items = "\n".join(
        f"          - name: {name}{i}\n            homepage_url: 12" for i in range(40)
    )
    text = ONE_ITEM.format(extra="").rstrip("\n") + "\n" + items + "\n"
    error = refused(write(tmp_path, text), tmp_path)
    lines = str(error).splitlines()
    assert "40 problems" in lines[0] and "... and 15 more" in str(error)
    assert max(len(line) for line in lines) < 600


@pytest.mark.parametrize("value", ["2021-02-30", "'2021-02-30'", "2021-13-01", '"2021-13-01"'])
def test_an_impossible_date_quoted_or_not_is_one_problem(value: str, tmp_path: Path) -> None:
    path = write(
        tmp_path, ONE_ITEM.format(extra=f"            extra:\n              accepted: {value}")
    )
    error = refused(path, tmp_path)
    plain = value.strip("'\"")
    assert f"Runtime / Container Runtime / Boom: `extra.accepted` '{plain}' is not a real date" in (
        str(error)
    )


def test_an_impossible_date_in_the_cli_import_and_diff_is_one_line_exit_2(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    path = write(
        tmp_path, ONE_ITEM.format(extra="            extra:\n              accepted: 2021-02-30")
    )
    for args in (
        ["import", "landscape", str(path)],
        ["diff", "landscape", str(ERA_2026), str(path)],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output and result.exception is not None
        assert isinstance(result.exception, SystemExit)
        assert "'2021-02-30' is not a real date" in result.output


def test_a_date_with_a_time_of_day_keeps_its_day(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ONE_ITEM.format(extra="            extra:\n              accepted: 2021-02-03T10:00:00Z"),
    )
    (item,) = read_landscape(path).items
    assert item.dates == (("accepted", "2021-02-03"),)


def test_duplicate_keys_are_refused_with_their_lines(tmp_path: Path) -> None:
    text = ONE_ITEM.format(extra="            homepage_url: https://other.example/\n")
    error = refused(write(tmp_path, text), tmp_path)
    assert isinstance(error, SourceSyntaxError) and error.line == 8
    assert "the key `homepage_url` appears twice in one mapping (also at line 7)" in str(error)


def test_a_name_twice_in_one_subcategory_is_refused_even_when_listed_before_elsewhere(
    tmp_path: Path,
) -> None:
    text = """landscape:
  - name: A
    subcategories:
      - name: First
        items:
          - {name: Thrice, homepage_url: 'https://one.example/'}
      - name: Second
        items:
          - {name: Thrice, homepage_url: 'https://two.example/'}
          - {name: Thrice, homepage_url: 'https://three.example/'}
"""
    error = refused(write(tmp_path, text), tmp_path)
    assert "A / Second / Thrice: this name appears twice in one subcategory" in str(error)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ('"a\\0b"', "control character U+0000"),
        ('"a\\x1bb"', "control character U+001B"),
        ('"\\ud800"', "not valid YAML"),  # a lone surrogate: never reaches the graph
        ("x" * 70_000, "70,000 characters long"),
    ],
)
def test_text_the_build_cannot_take_is_refused_at_import(
    text: str, phrase: str, tmp_path: Path
) -> None:
    path = write(tmp_path, ONE_ITEM.format(extra=f"            description: {text}"))
    error = refused(path, tmp_path)
    assert phrase in str(error)


def test_a_literal_over_the_engines_16_mib_is_refused_at_import(tmp_path: Path) -> None:
    path = write(
        tmp_path, ONE_ITEM.format(extra=f"            description: {'x' * (16 * 2**20 + 1)}")
    )
    error = refused(path, tmp_path)
    assert "16,777,217 characters long" in str(error) and len(str(error)) < 500


def test_what_imports_builds_line_breaks_of_every_kind_and_upper_case_schemes(
    tmp_path: Path,
) -> None:
    description = "one\u2028two\u2029three\x85four\rfive\tsix"
    text = ONE_ITEM.replace("https://boom.example/", "HTTPS://Boom.example/").format(
        extra=f"            description: {json.dumps(description)}\n"
        "            repo_url: HTTP://github.com/boom/boom"
    )
    out = tmp_path / "imports"
    report = import_landscape(write(tmp_path, text), out_dir=out, curated=CuratedIndex())
    store = load(report.output)
    (boom,) = subjects(store, RDFS + "label", ox.Literal("Boom"))
    assert objects(store, boom, ECO + "description") == {description}
    assert objects(store, boom, ECO + "homepage") == {"https://Boom.example/"}
    assert objects(store, boom, ECO + "repository") == {"http://github.com/boom/boom"}
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(resources.data_dir() / "essay-2015.trig", data)
    result = build(out=tmp_path / "dist", data=data, imports=out, formats=("trig",))
    assert result.violations == []


def test_a_file_name_with_a_line_break_stays_in_its_comment(tmp_path: Path) -> None:
    path = write(tmp_path, ONE_ITEM.format(extra=""), name="land\nscape\u2028-2026-01-01.yml")
    report = import_landscape(path, out_dir=tmp_path / "imports", curated=CuratedIndex())
    assert len(list(parse_file(SourceFile(report.output, None)))) > 10


def test_a_truncated_file_is_imported_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "imports"
    full = import_landscape(ERA_2026, out_dir=out, curated=CuratedIndex(), as_of="2026-01-01")
    assert not any("fewer than" in w for w in full.warnings)
    # Cut after the first category: still valid YAML, a third of the items.
    text = ERA_2026.read_text()
    cut = text[: text.index("  - category:\n    name: Runtime")]
    short = write(tmp_path, cut, name="landscape-2026-01-01-cut.yml")
    again = import_landscape(short, out_dir=out, curated=CuratedIndex(), as_of="2026-01-01")
    (warning,) = [w for w in again.warnings if "fewer than" in w]
    assert f"{again.items} items" in warning and f"the {full.items} of" in warning
    assert "cncf-landscape-2026-01-01.trig" in warning and "cut short" in warning
    # A later snapshot compares with the latest earlier one.
    import_landscape(ERA_2026, out_dir=out, curated=CuratedIndex(), as_of="2026-01-01")
    later = import_landscape(short, out_dir=out, curated=CuratedIndex(), as_of="2026-02-01")
    assert any("fewer than" in w for w in later.warnings)
    # A snapshot older than every import has nothing to compare with.
    older = import_landscape(short, out_dir=out, curated=CuratedIndex(), as_of="2020-01-01")
    assert not any("fewer than" in w for w in older.warnings)


def test_the_importer_never_writes_what_the_build_cannot_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.errors import DataError
    from kg.importers.landscape import snapshot

    # A serialiser bug of the kind issue 16 found (lines split inside a literal) is caught.
    real = snapshot.serialize_trig
    monkeypatch.setattr(
        snapshot,
        "serialize_trig",
        lambda quads, header: real(quads, header).replace(b'rdfs:label "', b'rdfs:label "\n', 1),
    )
    with pytest.raises(DataError, match="cannot read"):
        import_landscape(ERA_2024, out_dir=tmp_path / "imports", curated=CuratedIndex())
    assert not (tmp_path / "imports").exists()


def test_a_guide_and_the_overrides_are_read_as_plain_data_too(tmp_path: Path) -> None:
    from kg.importers.landscape import read_guide
    from kg.importers.landscape.linking import load_overrides

    guide = write(
        tmp_path,
        'categories:\n  - category: Runtime\n    content: "What\\0 it is"\n',
        name="guide-2026-01-02.yml",
    )
    with pytest.raises(LandscapeFormatError, match="Runtime: `content` holds the control"):
        read_guide(guide)
    aliased = write(tmp_path, "x: &x Runtime\ncategories:\n  - category: *x\n", name="guide.yml")
    with pytest.raises(SourceSyntaxError, match="alias"):
        read_guide(aliased)
    overrides = write(tmp_path, "items:\n  Widget: kg:a\n  Widget: kg:b\n", name="overrides.yaml")
    with pytest.raises(SourceSyntaxError, match="the key `Widget` appears twice"):
        load_overrides(overrides)


def test_a_member_named_like_a_product_is_the_member(tmp_path: Path) -> None:
    """A product and a member entry of the same name: the membership is the organisation's,
    never the product's (found by the fuzzer: the build then failed its shapes)."""
    path = tmp_path / "landscape.yml"
    entry = {"item": None, "name": "Widget", "homepage_url": "https://widget.example/"}
    doc = {
        "landscape": [
            {
                "category": None,
                "name": name,
                "subcategories": [
                    {"subcategory": None, "name": "Scheduling", "items": [dict(entry)]}
                ],
            }
            for name in ("Runtime", "CNCF Members")
        ]
    }
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    result = import_landscape(path, as_of="2026-01-01", out_dir=tmp_path, curated=CuratedIndex())
    store = load(Path(result.output))
    (membership,) = subjects(store, RDF + "type", ox.NamedNode(ECO + "Membership"))
    (member,) = objects(store, membership, ECO + "member")
    assert subjects(store, RDF + "type", ox.NamedNode(ECO + "Organization")) >= {member}
    assert member not in subjects(store, RDF + "type", ox.NamedNode(ECO + "Product"))
