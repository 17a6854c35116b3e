"""Each SHACL shape with a conforming and a violating fixture, through the library and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import cli
from kg.validate import validate_files

SHAPES = Path(__file__).parent / "fixtures" / "shapes"

# fixture -> (focus node, path or None, the message a person reads)
VIOLATIONS = {
    "acquisition-without-acquirer": (
        "kg:acme-buys-widget",
        "eco:acquirer",
        "an acquisition needs exactly one eco:acquirer (the organisation that buys)",
    ),
    "acquisition-two-acquirers": (
        "kg:acme-buys-widget",
        "eco:acquirer",
        "an acquisition needs exactly one eco:acquirer (the organisation that buys)",
    ),
    "acquisition-two-dates": (
        "kg:acme-buys-widget",
        "eco:date",
        "eco:date must be one xsd:date, xsd:gYearMonth or xsd:gYear, as precise as the source",
    ),
    "acquired-unknown": (
        "kg:acme-buys-widget",
        "eco:acquired",
        "the eco:acquired must be an organisation or a product, typed in some source's graph",
    ),
    "price-not-decimal": (
        "kg:acme-buys-widget",
        "eco:price",
        "eco:price is one amount in US dollars, an xsd:decimal, and only when a source states it",
    ),
    "date-wrong-type": (
        "kg:acme-buys-widget",
        "eco:date",
        "eco:date must be one xsd:date, xsd:gYearMonth or xsd:gYear, as precise as the source",
    ),
    "event-without-quote": (
        "kg:acme-buys-widget",
        None,
        "an event needs an eco:quote: the words of its source that state it",
    ),
    "entity-without-label": (
        "kg:nameless",
        "rdfs:label",
        "has no rdfs:label: give it the name the source uses",
    ),
    "entity-without-source": (
        "kg:unsourced",
        "eco:source",
        "has no eco:source: every fact needs the source that states it",
    ),
    "source-not-described": (
        "kg:badly-sourced",
        "eco:source",
        "eco:source must be an eco:Source described in its own graph (a eco:Source; dcterms:title)",
    ),
    "unknown-category": (
        "kg:gizmo",
        "eco:category",
        "eco:category must name a category of a scheme (an eco:Category): "
        "check the spelling against ontology/categories.ttl",
    ),
    "homepage-not-http": (
        "kg:gizmo",
        "eco:homepage",
        "eco:homepage must be an http(s) address typed xsd:anyURI",
    ),
    "developer-not-organization": (
        "kg:gizmo",
        "eco:developer",
        "eco:developer must be an organisation",
    ),
    "pivot-without-categories": (
        "kg:acme-pivot",
        None,
        "a pivot needs an eco:fromCategory or an eco:toCategory",
    ),
    "pivot-without-organization": (
        "kg:acme-pivot",
        "eco:organization",
        "a pivot needs exactly one eco:organization: the organisation that pivots",
    ),
    "coalition-member-not-organization": (
        "kg:alliance",
        "eco:member",
        "every eco:member of a coalition must be an organisation",
    ),
    "coalition-formed-not-consortium": (
        "kg:alliance",
        "eco:formed",
        "eco:formed names the one eco:Consortium the coalition formed",
    ),
    "category-without-scheme": (
        "kg:floating",
        "skos:inScheme",
        "a category must be in a scheme "
        "(skos:inScheme kg:categories, or an imported landscape's scheme)",
    ),
    "donation-without-recipient": (
        "kg:acme-donates-gizmo",
        "eco:recipient",
        "a donation needs one eco:recipient: the foundation that receives it",
    ),
    "funding-amount-not-decimal": (
        "kg:acme-series-a",
        "eco:amount",
        "eco:amount is one amount in US dollars, an xsd:decimal",
    ),
    "founder-not-person": ("kg:acme", "eco:founder", "eco:founder must be a person (eco:Person)"),
}


@pytest.mark.slow
def test_conforming_fixture_has_no_violation() -> None:
    assert validate_files([SHAPES / "conforms.trig"]) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_each_shape_reports_its_violation(name: str) -> None:
    from kg.namespaces import shorten

    focus, path, message = VIOLATIONS[name]
    violations = validate_files([SHAPES / f"{name}.trig"])
    assert [(shorten(v.focus), v.path and shorten(v.path), v.message) for v in violations] == [
        (focus, path, message)
    ]
    assert violations[0].severity == "Violation"


def test_every_violating_fixture_is_covered() -> None:
    files = {p.stem for p in SHAPES.glob("*.trig")}
    assert files - {"conforms", "syntax-error", "outside-graph"} == set(VIOLATIONS)


@pytest.mark.slow
def test_cli_prints_one_line_per_violation_and_exits_1(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["validate", str(SHAPES / "acquisition-without-acquirer.trig")])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'kg:acme-buys-widget ("Acme buys Widget") eco:acquirer: an acquisition needs exactly '
        "one eco:acquirer (the organisation that buys)"
    ]
    assert "1 violation" in result.stderr


@pytest.mark.slow
def test_cli_conforms_exit_0(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["validate", str(SHAPES / "conforms.trig")])
    assert result.exit_code == 0, result.output
    assert result.stdout == "conforms\n"


def test_cli_syntax_error_names_file_and_line(runner) -> None:  # type: ignore[no-untyped-def]
    path = SHAPES / "syntax-error.trig"
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"Error: {path}:6:19: Unexpected end of file"
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_curated_data_conforms() -> None:
    from kg.sources import read_sources, source_files
    from kg.validate import validate_store

    store = read_sources(source_files(imports=Path("/nonexistent")))
    assert [str(v) for v in validate_store(store)] == []


# --- ill-typed literals (issue 16): a violation of their own, and no library log -------------

ILL_TYPED = """@prefix eco: <https://w3id.org/container-kg/ontology#> .
@prefix kg: <https://w3id.org/container-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://example.org/news> {
    <https://example.org/news> a eco:Source ; dcterms:title "Example news" ;
        eco:sourceKind kg:source-press ; dcterms:publisher "Example News" ;
        dcterms:issued "2021-13"^^xsd:gYearMonth .
    kg:acme a eco:Company ; rdfs:label "Acme" ; eco:source <https://example.org/news> ;
        eco:foundingDate "2016-02-30"^^xsd:date ; eco:employees "many"^^xsd:integer ;
        eco:public "yes"^^xsd:boolean .
}
"""


@pytest.mark.slow
def test_an_impossible_date_is_its_own_violation_and_nothing_is_logged(tmp_path: Path) -> None:
    # In a real process: pytest captures logging and warnings, which would hide the noise.
    import subprocess
    import sys

    path = tmp_path / "ill-typed.trig"
    path.write_text(ILL_TYPED)
    kg = [sys.executable, "-c", "from kg.cli import main; main()"]
    result = subprocess.run(
        [*kg, "validate", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert sorted(result.stdout.splitlines()) == [
        "<https://example.org/news> dcterms:issued: '2021-13' is not a valid xsd:gYearMonth: "
        "fix the value",
        "kg:acme (\"Acme\") eco:employees: 'many' is not a valid xsd:integer: fix the value",
        "kg:acme (\"Acme\") eco:foundingDate: '2016-02-30' is not a valid xsd:date: fix the value",
        "kg:acme (\"Acme\") eco:public: 'yes' is not a valid xsd:boolean: fix the value",
    ]
    assert result.stderr == "4 violations\n"  # no logged traceback, no warning


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
def test_an_impossible_month_outside_the_shapes_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "ill-typed.trig"
    path.write_text(ILL_TYPED)
    from kg.sources import SourceFile, ontology_files, read_sources
    from kg.validate import validate_store

    found = validate_store(read_sources([*ontology_files(), SourceFile(path, None)]))
    assert "'2021-13' is not a valid xsd:gYearMonth: fix the value" in {v.message for v in found}


def test_a_syntax_error_quotes_at_most_an_excerpt_of_the_bad_token(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Found by the fuzzer: the engine's message quotes the whole token (here 100,000 bytes).
    path = tmp_path / "long-token.trig"
    path.write_text(
        "@prefix kg: <https://w3id.org/container-kg/id/> .\n"
        f'<https://example.org/news> {{\n    kg:acme "{"x" * 100_000}" kg:b kg:c .\n}}\n'
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {path}:3:") and first.endswith("is not a valid predicate")
    # bounded whatever the token: the message beyond the file's path (whose length is the
    # test runner's) quotes an excerpt
    assert len(first) - len(str(path)) < 340


@pytest.mark.slow
@pytest.mark.parametrize("name", ["conforms", *sorted(VIOLATIONS)])
def test_leaving_out_predicates_no_shape_reads_changes_nothing(name: str) -> None:
    """pySHACL is given only the triples whose predicate the shapes name (read_predicates):
    on each fixture, in the context of the curated data with its derived ownership periods,
    the violations are those of the whole graph, and the filter does leave triples out."""
    from kg.history.ownership import add_derived
    from kg.sources import SourceFile, curated_files, read_sources
    from kg.validate import (
        ill_typed,
        load_shapes,
        read_by_shapes,
        read_predicates,
        union_graph,
        validate_graph,
    )

    store = read_sources([*curated_files(), SourceFile(SHAPES / f"{name}.trig", None)])
    add_derived(store)
    triples = list(store.triples())
    shapes = load_shapes()
    kept = read_by_shapes(triples, read_predicates(shapes))
    assert 0 < len(kept) < len(triples)
    literals = ill_typed(triples)
    whole = validate_graph(union_graph(triples), shapes, literals=literals)
    assert validate_graph(union_graph(kept), shapes, literals=literals) == whole
    assert bool(whole) == (name != "conforms")


def test_shapes_that_may_read_any_predicate_leave_nothing_out() -> None:
    """A closed shape reads every predicate of its focus nodes: nothing may be left out."""
    from rdflib import Graph

    from kg.validate import load_shapes, read_predicates

    closed = Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . "
        "<urn:s> a sh:NodeShape ; sh:closed true .",
        format="turtle",
    )
    assert read_predicates(closed) is None
    assert "https://w3id.org/container-kg/ontology#acquirer" in (
        read_predicates(load_shapes()) or ()
    )
