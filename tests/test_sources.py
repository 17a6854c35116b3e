"""kg/sources.py: the files a build reads, and how a bad one is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import resources
from kg.errors import DataError, SourceSyntaxError
from kg.namespaces import ONTOLOGY_GRAPH
from kg.sources import SourceFile, curated_files, parse_file, read_sources, source_files
from kg.store import BlankNode, OxigraphStore, Quad


def test_files_in_a_stable_order_ontology_first(tmp_path: Path) -> None:
    (tmp_path / "b.trig").write_text("")
    (tmp_path / "a.trig").write_text("")
    files = source_files(imports=tmp_path)
    names = [f.path.name for f in files]
    assert names[-2:] == ["a.trig", "b.trig"]
    ontology = [f for f in files if f.default_graph == ONTOLOGY_GRAPH]
    assert ontology == files[: len(ontology)]
    assert "shapes.ttl" not in names
    assert all(f.path.suffix == ".trig" for f in files[len(ontology) :])
    assert not any(f.path.parent == tmp_path for f in curated_files())
    assert {f.path for f in curated_files()} <= {f.path for f in files}


def test_a_triple_outside_a_graph_is_refused_with_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text('<https://example.org/a> <https://example.org/p> "x" .\n')
    with pytest.raises(DataError, match=r"bad.trig: the triple .* is outside a named graph"):
        list(parse_file(SourceFile(bad, None)))


def test_a_syntax_error_names_the_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "broken.trig"
    bad.write_text('<https://example.org/g> {\n  <https://example.org/a> <p "x" .\n}\n')
    with pytest.raises(SourceSyntaxError) as err:
        list(parse_file(SourceFile(bad, None)))
    assert err.value.path == str(bad) and err.value.line == 2
    assert str(err.value).startswith(f"{bad}:2")


def test_the_curated_data_reads_into_named_graphs_only() -> None:
    store = read_sources(curated_files())
    graphs = set(store.graphs())
    assert ONTOLOGY_GRAPH in graphs and len(graphs) > 50
    data_files = sorted(resources.data_dir().rglob("*.trig"))
    assert data_files and all(f.stat().st_size > 0 for f in data_files)
    assert store.count() > 1000 and store.quad_count() >= store.count()


def _by_quad(sources: list[SourceFile]) -> OxigraphStore:
    """The sources read quad by quad (each through :func:`parse_file`), merged as they come:
    what :func:`read_sources` did before the engine read whole files."""
    store = OxigraphStore()
    for source in sources:
        store.add(parse_file(source))
    return store


def test_reading_whole_files_gives_the_quads_reading_quad_by_quad_gives(tmp_path: Path) -> None:
    blank = tmp_path / "blank.trig"
    blank.write_text(
        "<https://example.org/g> { <https://example.org/a> <https://example.org/p> "
        '[ <https://example.org/q> "x" ] . }\n'
        '<https://example.org/h> { <https://example.org/a> <https://example.org/p> "y" . }\n'
        '<https://example.org/g> { <https://example.org/a> <https://example.org/p> "y" . }\n'
    )
    sources = [*curated_files(), SourceFile(blank, None)]
    fast, slow = read_sources(sources), _by_quad(sources)

    def named(store: OxigraphStore) -> set[Quad]:
        return {q for q in store.all_quads() if not _blank(q)}

    assert named(fast) == named(slow) and len(named(fast)) > 2000
    assert fast.count() == slow.count() and fast.quad_count() == slow.quad_count()
    blanks = [sum(1 for q in store.all_quads() if _blank(q)) for store in (fast, slow)]
    assert blanks[0] == blanks[1] >= 4  # this file's: two named, two merged


def _blank(quad: Quad) -> bool:
    return isinstance(quad.subject, BlankNode) or isinstance(quad.object, BlankNode)


def test_a_whole_file_read_refuses_as_parse_file_does(tmp_path: Path) -> None:
    good = SourceFile(resources.ontology_dir() / "ontology.ttl", ONTOLOGY_GRAPH)
    outside = tmp_path / "bad.trig"
    outside.write_text(
        '<https://example.org/g> { <https://example.org/a> <https://example.org/p> "x" . }\n'
        '<https://example.org/a> <https://example.org/p> "x" .\n'
    )
    with pytest.raises(DataError, match=r"bad.trig: the triple .* is outside a named graph"):
        read_sources([good, SourceFile(outside, None)])
    broken = tmp_path / "broken.trig"
    broken.write_text('<https://example.org/g> {\n  <https://example.org/a> <p "x" .\n}\n')
    with pytest.raises(SourceSyntaxError) as err:
        read_sources([good, SourceFile(broken, None)])
    assert err.value.path == str(broken) and err.value.line == 2
    with pytest.raises(DataError, match="cannot read"):
        read_sources([SourceFile(tmp_path / "missing.trig", None)])
