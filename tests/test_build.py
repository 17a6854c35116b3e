"""kg/build.py: reading sources, named graphs, atomic writes to dist/, reloading."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import build as kgbuild
from kg.errors import DataError, SourceSyntaxError, ValidationFailed
from kg.graph import KnowledgeGraph
from kg.history import add_derived
from kg.namespaces import ESSAY_SOURCE, ONTOLOGY_GRAPH
from kg.sources import read_sources, source_files
from kg.store import OxigraphStore, current_build, open_dist

SHAPES = Path(__file__).parent / "fixtures" / "shapes"


def _data_dir(tmp_path: Path, *fixtures: str) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for name in fixtures:
        shutil.copy(SHAPES / f"{name}.trig", data / f"{name}.trig")
    return data


def test_build_writes_every_format_with_the_same_content(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = kgbuild.build(out=out, imports=tmp_path / "none", formats=["trig", "nt", "ttl"])
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "current",
        "generations",
        "kg.nq",
        "kg.nt",
        "kg.oxigraph",
        "kg.trig",
        "kg.ttl",
        "manifest.json",
    ]
    merged = len(result.store)
    quads = sum(1 for _ in result.store.quads())
    assert merged > 1000
    # N-Triples holds the merged graph, each triple once.
    assert len((out / "kg.nt").read_text().splitlines()) == merged
    # TriG keeps one named graph per source, and nothing outside them.
    trig = list(ox.parse(path=str(out / "kg.trig"), format=ox.RdfFormat.TRIG))
    assert len(trig) == quads
    graphs = {q.graph_name.value for q in trig}
    assert ONTOLOGY_GRAPH in graphs and ESSAY_SOURCE in graphs
    assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in trig)
    # The reload file is the dataset plus its merge.
    assert len(list(ox.parse(path=str(out / "kg.nq"), format=ox.RdfFormat.N_QUADS))) == (
        quads + merged
    )
    assert "validate" in result.seconds and result.violations == []


def test_turtle_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    data = _data_dir(tmp_path, "syntax-error")
    out = tmp_path / "dist"
    with pytest.raises(SourceSyntaxError) as err:
        kgbuild.build(out=out, data=data, imports=tmp_path / "none")
    assert err.value.path == str(data / "syntax-error.trig")
    assert err.value.line == 6
    assert str(err.value).startswith(f"{data / 'syntax-error.trig'}:6:19: ")
    assert not out.exists()


def test_triple_outside_a_named_graph_is_refused(tmp_path: Path) -> None:
    data = _data_dir(tmp_path, "outside-graph")
    with pytest.raises(DataError, match="outside a named graph"):
        kgbuild.build(out=tmp_path / "dist", data=data, imports=tmp_path / "none")


def test_violations_write_nothing_and_keep_the_old_build(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    kgbuild.build(out=out, imports=tmp_path / "none", validate=False)
    before = (out / "kg.nq").read_bytes()
    data = _data_dir(tmp_path, "acquisition-without-acquirer")
    with pytest.raises(ValidationFailed) as err:
        kgbuild.build(out=out, data=data, imports=tmp_path / "none")
    assert any("eco:acquirer" in v.message for v in err.value.violations)
    assert (out / "kg.nq").read_bytes() == before


def test_a_failed_write_leaves_no_half_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    kgbuild.build(out=out, imports=tmp_path / "none", validate=False)
    before = (out / "kg.trig").read_bytes()

    def broken(store, fh, fmt):  # type: ignore[no-untyped-def]
        fh.write(b"@prefix half: <")
        raise OSError("disk full")

    monkeypatch.setattr(OxigraphStore, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        kgbuild.build(out=out, imports=tmp_path / "none", validate=False)
    assert (out / "kg.trig").read_bytes() == before
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [kgbuild.LOCK_FILE]
    assert len(list((out / "generations").iterdir())) == 1


def test_load_reloads_dist_and_agrees_with_the_sources(workspace: Path) -> None:
    notes: list[str] = []
    reloaded = KnowledgeGraph.open(workspace / "dist", note=notes.append).store
    fresh = read_sources(source_files(imports=workspace / "imports"))
    add_derived(fresh)  # the build adds the derived graphs (ownership) after parsing
    assert len(reloaded) == len(fresh)
    assert sum(1 for _ in reloaded.quads()) == sum(1 for _ in fresh.quads())
    # Blank nodes get new names on each parse; every other triple is the same.
    assert _ground(reloaded.triples()) == _ground(fresh.triples())
    assert notes == []


def _ground(triples):  # type: ignore[no-untyped-def]
    return {
        t
        for t in triples
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    }


def test_load_without_a_build_says_so_in_one_line(tmp_path: Path) -> None:
    notes: list[str] = []
    store = KnowledgeGraph.open(tmp_path / "nothing", note=notes.append).store
    assert len(store) > 1000
    assert len(notes) == 1 and "no build" in notes[0] and "kg build" in notes[0]


def test_default_graph_is_a_set_even_when_two_sources_say_the_same(tmp_path: Path) -> None:
    store = read_sources(source_files(imports=tmp_path))
    answer = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { kg:docker-acquires-orchard a eco:Acquisition }"
    )
    assert int(answer.rows[0][0]) == 1  # type: ignore[arg-type]
    per_graph = store.query(
        "SELECT (COUNT(?g) AS ?n) WHERE { GRAPH ?g { kg:docker-acquires-orchard a ?t } }"
    )
    assert int(per_graph.rows[0][0]) >= 1  # type: ignore[arg-type]


def test_stale_build_is_noticed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "dist"
    kgbuild.build(out=out, imports=tmp_path / "none", validate=False)
    assert not kgbuild.is_stale(out)
    manifest = out / kgbuild.MANIFEST
    manifest.write_text(manifest.read_text().replace('"built_epoch": ', '"built_epoch": -1 + '))
    assert kgbuild.is_stale(out)


def test_load_opens_the_cache_and_a_change_never_reaches_it(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    kgbuild.build(out=out, imports=tmp_path / "none", validate=False)
    store = open_dist(out)
    assert store.copy_on_write and store.spec == "memory" and not store.persistent
    size = len(store)
    store.update('INSERT DATA { GRAPH kg:mine { kg:x rdfs:label "x" } }')
    assert not store.copy_on_write and store.path is None
    assert store.query("ASK { GRAPH kg:mine { kg:x ?p ?o } }").boolean
    again = open_dist(out)
    assert len(again) == size
    assert not again.query("ASK { GRAPH kg:mine { kg:x ?p ?o } }").boolean


def test_a_damaged_cache_falls_back_to_parsing(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    kgbuild.build(out=out, imports=tmp_path / "none", validate=False)
    size = len(open_dist(out))
    copy = current_build(out) / kgbuild.COPY_DIR
    shutil.rmtree(copy)
    copy.mkdir()
    (copy / "CURRENT").write_text("not a database")
    store = open_dist(out)
    assert not store.copy_on_write and len(store) == size
