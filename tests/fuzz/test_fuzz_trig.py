"""Fuzzing the TriG data files: `kg validate PATH` and `kg build` give a clear error or success,
never a traceback.

Documents are made of the statements the data files hold (entities, events, dates, prices,
homepages, sources, graphs) with hostile literals (control characters raw and escaped, line and
paragraph separators, lone surrogate escapes, impossible dates, ill-typed numbers, long
values), triples outside a graph, undeclared prefixes, and then, now and then, cut short or
with a character changed. Reading a file (fast) runs a few hundred documents; validating and
building (each a second or so) a tenth of that.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import event, given, settings
from hypothesis import strategies as st

from kg import resources
from kg.build import build
from kg.cli import cli
from kg.errors import KgError
from kg.sources import SourceFile, parse_file

#: A long run (make fuzz) takes longer than the suite's 300 s per test.
pytestmark = pytest.mark.timeout(0 if os.environ.get("KG_FUZZ_PROFILE") == "long" else 300)

PREFIXES = """@prefix eco: <https://w3id.org/container-kg/ontology#> .
@prefix kg: <https://w3id.org/container-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
SOURCE = "<https://example.org/news>"
#: The longest first line of an error: the file, the line, what is wrong.
MESSAGE_LIMIT = 2_000

HOSTILE = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029\ufeff\ufffe\U0010ffff\t\"'\\<>{}@#."


def quote(text: str, raw: bool) -> str:
    """A Turtle string literal of ``text``: control characters raw (where Turtle allows them)
    or as ``\\u`` escapes."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 and not raw:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


texts = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(HOSTILE)), max_size=25)
subjects = st.sampled_from(
    ["kg:acme", "kg:widget", "kg:gizmo", "kg:deal", "kg:pivot", "_:b1", SOURCE]
)
classes = st.sampled_from(
    ["eco:Company", "eco:Product", "eco:Acquisition", "eco:Pivot", "eco:Source", "eco:Category",
     "eco:Organization", "eco:Person", "skos:ConceptScheme", "eco:Nothing", "undeclared:Thing"]
)  # fmt: skip
dates = st.sampled_from(
    ['"2019-07-09"^^xsd:date', '"2019-07"^^xsd:gYearMonth', '"2019"^^xsd:gYear',
     '"2016-02-30"^^xsd:date', '"2021-13"^^xsd:gYearMonth', '"20x1"^^xsd:gYear',
     '"July 2019"', '"2019-07-09"^^xsd:gYear', '"2019-07-09Z"^^xsd:date', "2019"]
)  # fmt: skip
numbers = st.sampled_from(
    ['"34000000000"^^xsd:decimal', '"-1"^^xsd:decimal', '"many"^^xsd:decimal', "1.5", "-0",
     '"1e400"^^xsd:double', '"yes"^^xsd:boolean', '"NaN"^^xsd:double', '"99999999999999999999"']
)  # fmt: skip
iris = st.sampled_from(
    ['"https://gizmo.example"^^xsd:anyURI', '"ftp://x"^^xsd:anyURI', "<https://gizmo.example>",
     "<relative/iri>", "<https://exa mple.org/>", "<https://example.org/\\u0000>", "kg:storage",
     "kg:paas", "kg:acme", SOURCE]
)  # fmt: skip


@st.composite
def literals(draw: st.DrawFn) -> str:
    text = draw(st.one_of(texts, st.builds(lambda c, n: c * n, st.sampled_from("x\u2028"),
                                           st.sampled_from([1_000, 100_000]))))  # fmt: skip
    literal = quote(text, raw=draw(st.booleans()))
    suffix = draw(st.sampled_from(["", "", "@en", "@not-a-tag!", "^^xsd:string", "^^xsd:integer"]))
    if draw(st.integers(0, 9)) == 0:  # an escape no string can hold
        literal = literal[:-1] + draw(st.sampled_from(["\\uD800", "\\U00110000", "\\q"])) + '"'
    return literal + suffix


@st.composite
def statements(draw: st.DrawFn) -> str:
    subject = draw(subjects)
    predicate, value = draw(
        st.one_of(
            st.tuples(st.just("a"), classes),
            st.tuples(st.sampled_from(["rdfs:label", "eco:quote", "dcterms:title",
                                       "eco:description"]), literals()),
            st.tuples(st.sampled_from(["eco:date", "eco:foundingDate", "dcterms:issued"]), dates),
            st.tuples(st.sampled_from(["eco:price", "eco:amount"]), numbers),
            st.tuples(st.sampled_from(["eco:homepage", "eco:source", "eco:acquirer",
                                       "eco:acquired", "eco:category", "eco:developer",
                                       "eco:organization", "skos:inScheme"]), iris),
        )
    )  # fmt: skip
    return f"    {subject} {predicate} {value} ."


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    body = draw(st.lists(statements(), min_size=1, max_size=12))
    if draw(st.integers(0, 49)) == 0:  # a value longer than the engine reads (16 MiB)
        body.append(f'    kg:acme rdfs:comment "{"x" * (16 * 2**20 + 1)}" .')
    source = (
        [f'    {SOURCE} a eco:Source ; dcterms:title "Example news" .']
        if draw(st.booleans())
        else []
    )
    graph = draw(st.sampled_from([SOURCE, SOURCE, SOURCE, "GRAPH kg:other", "", "_:g"]))
    text = PREFIXES if draw(st.integers(0, 9)) else PREFIXES.replace("@prefix xsd", "@prefix xs")
    if graph:
        text += f"{graph} {{\n" + "\n".join(source + body) + "\n}\n"
    else:
        text += "\n".join(source + body) + "\n"  # outside every graph: refused
    mutation = draw(st.integers(0, 9))
    if mutation == 0:  # cut short
        text = text[: draw(st.integers(0, len(text)))]
    elif mutation == 1:  # one character changed
        at = draw(st.integers(0, len(text) - 1))
        swap = draw(st.sampled_from([*HOSTILE, "\ud800", "{", "}", "<"]))
        text = text[:at] + swap + text[at + 1 :]
    return text.encode("utf-8", "surrogatepass")


# --- the properties ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-trig-") as folder:
        yield Path(folder)


def write(workdir: Path, doc: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(dir=workdir))
    path = folder / "data" / "fuzzed.trig"
    path.parent.mkdir()
    path.write_bytes(doc)
    return path


def clean_error(exc: KgError, path: Path) -> None:
    first = exc.message.splitlines()[0] if exc.message else ""
    assert exc.exit_code in (1, 2), exc.exit_code
    assert len(first) <= MESSAGE_LIMIT and len(str(exc)) <= 20 * MESSAGE_LIMIT
    if exc.exit_code == 2:
        assert str(path) in first, first  # which file


@pytest.mark.slow
@given(doc=documents())
def test_a_data_file_reads_or_names_the_place_of_its_error(doc: bytes, workdir: Path) -> None:
    path = write(workdir, doc)
    try:
        quads = list(parse_file(SourceFile(path, None)))
        event("read" if quads else "read: empty")
    except KgError as exc:
        event(f"refused: {type(exc).__name__}")
        clean_error(exc, path)
    finally:
        shutil.rmtree(path.parent.parent)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
@settings(max_examples=max(10, settings.default.max_examples // 10))
@given(doc=documents())
def test_kg_validate_path_answers_in_lines_never_a_traceback(doc: bytes, workdir: Path) -> None:
    path = write(workdir, doc)
    try:
        result = CliRunner().invoke(cli, ["validate", str(path)])
        event(f"exit {result.exit_code}")
        assert result.exit_code in (0, 1, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert "Traceback" not in result.output
        if result.exit_code == 2:
            first = result.stderr.splitlines()[0]
            assert first.startswith("Error: ") and str(path) in first
            assert len(first) <= MESSAGE_LIMIT
    finally:
        shutil.rmtree(path.parent.parent)


@pytest.fixture(scope="module")
def essay(workdir: Path) -> Path:
    return resources.data_dir() / "essay-2015.trig"


@pytest.mark.slow
@settings(max_examples=max(10, settings.default.max_examples // 10))
@given(doc=documents())
def test_kg_build_succeeds_or_fails_clearly_and_publishes_nothing_half(
    doc: bytes, workdir: Path, essay: Path
) -> None:
    path = write(workdir, doc)
    shutil.copy(essay, path.parent)  # the ontology's categories cite it
    out = path.parent.parent / "dist"
    try:
        result = build(out=out, data=path.parent, imports=out.parent / "none", formats=("trig",))
        event("built")
        assert (out / "kg.trig").is_file() and result.violations == []
    except KgError as exc:
        event(f"refused: {type(exc).__name__}")
        clean_error(exc, path)
        assert not out.exists()  # nothing published
    finally:
        shutil.rmtree(path.parent.parent)
