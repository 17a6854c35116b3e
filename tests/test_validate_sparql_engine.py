"""kg/validate/sparql_engine.py: the shapes compiled to SPARQL give pySHACL's violations, and a
construct it does not compile stops validation instead of being ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from kg.cli import cli
from kg.errors import UnsupportedShape
from kg.history.ownership import add_derived
from kg.sources import SourceFile, curated_files, read_sources, source_files
from kg.validate import load_shapes, validate_store
from kg.validate.sparql_engine import compile_shapes
from tests.conftest import FIXTURES

SHAPE_FIXTURES = sorted((FIXTURES / "shapes").glob("*.trig"))
EVERY_CONSTRUCT = FIXTURES / "validate" / "every-construct.trig"
#: Fixtures that do not parse: both validators stop at the same error before validating.
UNREADABLE = {"syntax-error", "outside-graph"}


def both(store) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    """The violations of one store by each validator (the same store: blank nodes keep
    their names)."""
    return validate_store(store, engine="sparql"), validate_store(store, engine="pyshacl")


@pytest.mark.slow  # pySHACL on each fixture in the context of the curated data: about 40 s
@pytest.mark.parametrize("path", SHAPE_FIXTURES, ids=lambda p: p.stem)
def test_both_validators_agree_on_every_shape_fixture(path: Path) -> None:
    if path.stem in UNREADABLE:
        with pytest.raises(Exception) as error:
            read_sources([*curated_files(), SourceFile(path, None)])
        assert "Traceback" not in str(error.value)
        return
    store = read_sources([*curated_files(), SourceFile(path, None)])
    ours, reference = both(store)
    assert ours == reference
    assert bool(ours) == (path.stem != "conforms")


@pytest.mark.slow
def test_both_validators_agree_on_a_violation_of_every_construct() -> None:
    """Every construct of the shapes (sh:or, sh:not, sh:node, sh:hasValue, alternative paths,
    sh:lessThanOrEquals over mixed datatypes, counts, patterns...) violated at least once,
    with blank-node focus nodes, entities with two labels and an ill-typed date."""
    store = read_sources([*curated_files(), SourceFile(EVERY_CONSTRUCT, None)])
    ours, reference = both(store)
    assert ours == reference
    assert len(ours) >= 50
    text = "\n".join(f"{v} | {v.value}" for v in ours)
    for expected in (
        "kg:t-period eco:startDate: a period cannot end",  # lessThanOrEquals, same datatype
        "kg:t-period-2 eco:startDate: a period cannot end",  # gYear against a date
        "kg:t-period: a landscape period needs exactly one of",  # alternativePath, maxCount
        'kg:t-listed ("T listed"): a landscape event needs the item',  # alternativePath
        "kg:t-period-2 eco:maturity: a maturity period holds one level",  # sh:node, hasValue
        "<https://example.org/blog>: a web source needs a dcterms:publisher",  # sh:not
        '<https://example.org/two-kinds> ("Two kinds"): a source needs exactly one',
        'kg:t-company ("T Company Incorporated")',  # the label rule: the longest
        "'2016-02-30' is not a valid xsd:date",
    ):
        assert expected in text
    assert not any("kg:t-period-3" in line for line in text.splitlines())  # equal dates
    blank = [v for v in ours if not v.focus.startswith(("http", "urn"))]
    assert len(blank) == 3 and all(v.label is None for v in blank)


@pytest.mark.slow
def test_both_validators_agree_on_the_curated_data() -> None:
    store = read_sources(source_files(imports=Path("/nonexistent")))
    add_derived(store)  # as the build validates it
    ours, reference = both(store)
    assert ours == reference == []


# --- what is compiled, and what is refused ----------------------------------------------------


def test_the_project_shapes_compile() -> None:
    shapes = compile_shapes(load_shapes())
    names = {str(s.node).rsplit("#", 1)[-1] for s in shapes}
    assert {"Labelled", "Dated", "LandscapePeriod"} <= names
    # shapes without targets are compiled where they are used (sh:node), not on their own
    assert "InSourceKinds" not in names
    assert len(shapes) == 24


SHAPES_HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix eco: <https://w3id.org/container-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix s: <https://example.org/shapes#> .
"""

UNKNOWN = {
    "sh:in": "s:A a sh:NodeShape ; sh:targetClass eco:Company ; sh:message 'm' ;"
    " sh:property [ sh:path eco:tier ; sh:in ( eco:a eco:b ) ; sh:message 'm' ] .",
    "sh:closed": "s:A a sh:NodeShape ; sh:targetClass eco:Company ; sh:closed true ;"
    " sh:message 'm' .",
    "sh:and": "s:A a sh:NodeShape ; sh:targetClass eco:Company ; sh:message 'm' ;"
    " sh:and ( [ sh:class eco:Company ] ) .",
    "sh:flags": "s:A a sh:NodeShape ; sh:targetClass eco:Company ; sh:message 'm' ;"
    " sh:property [ sh:path eco:homepage ; sh:pattern '^http' ; sh:flags 'i' ; sh:message 'm' ] .",
    "sh:targetNode": "s:A a sh:NodeShape ; sh:targetNode eco:x ; sh:class eco:Company ;"
    " sh:message 'm' .",
    "a path other than": "s:A a sh:NodeShape ; sh:targetClass eco:Company ; sh:message 'm' ;"
    " sh:property [ sh:path ( eco:a eco:b ) ; sh:minCount 1 ; sh:message 'm' ] .",
    "an implicit class target": "s:A a sh:NodeShape, rdfs:Class ; sh:class eco:Company ;"
    " sh:targetClass eco:Company ; sh:message 'm' .",
    "no sh:message": "s:A a sh:NodeShape ; sh:targetClass eco:Company ;"
    " sh:property [ sh:path eco:quote ; sh:datatype xsd:string ] .",
    "sh:minCount 5 inside another shape": "s:A a sh:NodeShape ; sh:targetClass eco:Company ;"
    " sh:or ( [ sh:path eco:quote ; sh:minCount 5 ] [ sh:class eco:Product ] ) ; sh:message 'm' .",
    "sh:minCount without a sh:path": "s:A a sh:NodeShape ; sh:targetClass eco:Company ;"
    " sh:minCount 1 ; sh:message 'm' .",
    "sh:deactivated": "s:A a sh:NodeShape ; sh:targetClass eco:Company ; sh:deactivated true ;"
    " sh:class eco:Product ; sh:message 'm' .",
    "where no shape was read": "s:A sh:declare [ sh:prefix 'eco' ] .",
}


@pytest.mark.parametrize("construct", sorted(UNKNOWN))
def test_a_construct_it_does_not_compile_fails_loudly(construct: str) -> None:
    shapes = Graph().parse(data=SHAPES_HEAD + UNKNOWN[construct], format="turtle")
    with pytest.raises(UnsupportedShape) as error:
        compile_shapes(shapes)
    assert construct in error.value.message
    assert "--validator pyshacl" in (error.value.hint or "")


@pytest.mark.slow
def test_an_unknown_construct_stops_validation_that_pyshacl_still_runs(tmp_path: Path) -> None:
    path = tmp_path / "shapes.ttl"
    path.write_text(
        SHAPES_HEAD + "s:A a sh:NodeShape ; sh:targetClass eco:Company ; sh:message 'no Docker' ;"
        " sh:property [ sh:path rdfs:label ; sh:in ( 'Docker' ) ; sh:message 'not Docker' ] ."
    )
    store = read_sources(source_files(imports=Path("/nonexistent")))
    with pytest.raises(UnsupportedShape, match="sh:in"):
        validate_store(store, shapes=path)
    found = validate_store(store, shapes=path, engine="pyshacl")
    assert found and all(v.message == "not Docker" for v in found)


def test_the_cli_refuses_an_unknown_validator(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["validate", "--validator", "rudof"])
    assert result.exit_code == 2
    assert "--validator" in result.output


@pytest.mark.slow
def test_the_cli_prints_the_same_lines_with_either_validator(runner) -> None:  # type: ignore[no-untyped-def]
    outputs = []
    for validator in ("sparql", "pyshacl"):
        result = runner.invoke(cli, ["validate", "--validator", validator, str(EVERY_CONSTRUCT)])
        assert result.exit_code == 1
        # a blank node's name is the parser's, new at each reading of the file
        outputs.append(re.sub(r"(?m)^[0-9a-f]{16,32} ", "_:b ", result.stdout))
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) >= 40
