"""kg/sources.py: the files a build reads, and how a bad one is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import resources
from kg.errors import DataError, SourceSyntaxError
from kg.namespaces import ONTOLOGY_GRAPH
from kg.sources import SourceFile, curated_files, parse_file, read_sources, source_files


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
