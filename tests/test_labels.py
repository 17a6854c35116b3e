"""kg/labels.py: one label rule everywhere, and names that find their entity."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import UnknownEntity
from kg.graph import KnowledgeGraph
from kg.labels import better, fallback, labels, pick, resolve
from kg.namespaces import KG, RDFS, SKOS
from kg.store import Literal, NamedNode, OxigraphStore, Quad
from kg.views import project

SOURCE = NamedNode("https://example.org/source")


def store_with(*facts: tuple[str, str, str]) -> OxigraphStore:
    store = OxigraphStore()
    store.add(Quad(NamedNode(s), NamedNode(p), Literal(o), SOURCE) for s, p, o in facts)
    return store


def test_the_rule_prefers_the_fullest_name_then_the_first_alphabetically() -> None:
    assert pick(["Open Container", "Open Container Initiative"]) == "Open Container Initiative"
    assert pick(["Beta", "Alfa"]) == "Alfa"
    assert pick([]) is None
    assert better("Docker, Inc.", "Docker") and not better("Docker", "Docker, Inc.")
    assert fallback("https://w3id.org/container-kg/ontology#Company") == "Company"
    assert fallback(KG + "docker") == "docker"


def test_labels_fall_back_from_rdfs_label_to_pref_label_to_title() -> None:
    a, b, c = KG + "a", KG + "b", KG + "c"
    store = store_with(
        (a, RDFS + "label", "A short"),
        (a, RDFS + "label", "A much longer name"),
        (a, SKOS + "prefLabel", "never this, rdfs:label wins"),
        (b, SKOS + "prefLabel", "B"),
        (c, "http://purl.org/dc/terms/title", "C title"),
    )
    found = labels(store, [a, b, c, KG + "nothing"], complete=True)
    assert found == {a: "A much longer name", b: "B", c: "C title", KG + "nothing": "nothing"}


def test_one_label_per_iri_in_every_command(
    kg_graph: KnowledgeGraph, home: Path, runner: CliRunner
) -> None:
    """The drift the issue found: `kg query` said "Open Container Initiative" where
    `kg timeline` said "Open Container". Now the views, the facade, the timeline and the
    query tables all give each IRI the label of the one rule."""
    store = kg_graph.store
    view = project(store, "organizations")
    nodes = list(view)
    rule = labels(store, nodes, complete=True)
    assert {n: view.nodes[n]["label"] for n in nodes} == rule
    for event in kg_graph.timeline(undated=True):
        for iri, name in event.involved:
            assert name == labels(store, [iri], complete=True)[iri], iri
    oci = KG + "oci"
    assert oci in rule
    table = runner.invoke(
        cli, ["query", "SELECT ?o WHERE { VALUES ?o { kg:oci kg:docker } }"]
    ).stdout
    assert rule[oci] in table and rule[KG + "docker"] in table
    line = runner.invoke(cli, ["timeline", "kg:oci"]).stdout
    assert rule[oci] in line


def test_names_resolve_case_insensitively(kg_graph: KnowledgeGraph) -> None:
    store = kg_graph.store
    assert resolve(store, "kg:docker") == KG + "docker"
    assert resolve(store, f"<{KG}docker>") == KG + "docker"
    assert resolve(store, "coreos") == KG + "coreos"
    docker_names = {str(r[0]) for r in store.query(
        "SELECT ?l WHERE { kg:docker rdfs:label|skos:altLabel ?l }").rows}  # fmt: skip
    for name in docker_names:
        assert resolve(store, name.upper()) == KG + "docker", name


def test_unknown_and_ambiguous_names_say_what_to_do(kg_graph: KnowledgeGraph) -> None:
    with pytest.raises(UnknownEntity, match="is not in the graph"):
        resolve(kg_graph.store, "kg:no-such-company")
    with pytest.raises(UnknownEntity) as err:
        resolve(kg_graph.store, "Dockr")
    assert "no entity is named 'Dockr'" in err.value.message
    assert err.value.hint and "Did you mean" in err.value.hint
    assert isinstance(err.value, LookupError)
    store = store_with((KG + "x", RDFS + "label", "Twin"), (KG + "y", RDFS + "label", "Twin"))
    with pytest.raises(UnknownEntity) as twin:
        resolve(store, "twin")
    assert twin.value.candidates == [KG + "x", KG + "y"]


def test_find_ranks_exact_then_prefix_then_contains(kg_graph: KnowledgeGraph) -> None:
    from kg.labels import find

    found = find(kg_graph.store, "docker")
    assert [m.how for m in found] == sorted(
        (m.how for m in found), key=["exact", "prefix", "contains", "similar"].index
    )
    assert found[0].iri == KG + "docker" and found[0].type == "Company"
    assert {m.type for m in found} <= {"Company", "Product", "Organization", "Consortium"}
    assert find(kg_graph.store, "Kubernets")[0].iri == KG + "kubernetes"  # a typo: similar
    assert find(kg_graph.store, "   ") == []


def test_kg_find_prints_matches_or_says_none(home: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["find", "red hat", "--format", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "label,type,iri,matched,how"
    assert lines[1].startswith("Red Hat,Company,kg:red-hat,Red Hat,exact")
    missing = runner.invoke(cli, ["find", "zzzzqqq"])
    assert missing.exit_code == 1 and "no entity is named like 'zzzzqqq'" in missing.output
