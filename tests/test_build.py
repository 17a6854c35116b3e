"""kg/build.py: reading sources, named graphs, atomic writes to dist/, reloading."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg import build as kgbuild
from kg.errors import DataError, NotBuilt, SourceSyntaxError, ValidationFailed
from kg.graph import KnowledgeGraph
from kg.history import add_derived
from kg.io import exclusive_lock
from kg.namespaces import ESSAY_SOURCE, ONTOLOGY_GRAPH
from kg.sources import read_sources, source_files
from kg.store import OxigraphStore, current_build, open_dist
from kg.workspace import is_stale
from tests.conftest import FIXTURES

SHAPES = FIXTURES / "shapes"


def _data_dir(tmp_path: Path, *fixtures: str) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for name in fixtures:
        shutil.copy(SHAPES / f"{name}.trig", data / f"{name}.trig")
    return data


@pytest.mark.slow
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


@pytest.mark.slow
def test_violations_write_nothing_and_keep_the_old_build(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    kgbuild.build(out=out, imports=tmp_path / "none", validate=False)
    before = (out / "kg.nq").read_bytes()
    data = _data_dir(tmp_path, "acquisition-without-acquirer")
    with pytest.raises(ValidationFailed) as err:
        kgbuild.build(out=out, data=data, imports=tmp_path / "none")
    assert any("eco:acquirer" in v.message for v in err.value.violations)
    assert (out / "kg.nq").read_bytes() == before


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_stale_build_is_noticed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "dist"
    kgbuild.build(out=out, imports=tmp_path / "none", validate=False)
    assert not is_stale(out)
    manifest = out / kgbuild.MANIFEST
    manifest.write_text(manifest.read_text().replace('"built_epoch": ', '"built_epoch": -1 + '))
    assert is_stale(out)


@pytest.mark.slow
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


@pytest.mark.slow
def test_in_memory_parses_the_build_instead_of_opening_its_copy(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    kgbuild.build(out=out, imports=tmp_path / "none", validate=False)
    on_disk = open_dist(out)
    parsed = open_dist(out, in_memory=True)
    # parsed: an in-memory engine, no file behind it, the same graph as the copy
    assert on_disk.path is not None and parsed.path is None and not parsed.copy_on_write
    assert parsed.spec == "memory" and not parsed.persistent
    assert parsed.quad_count() == on_disk.quad_count() and len(parsed) == len(on_disk) > 0

    def named(store: OxigraphStore) -> set[object]:  # blank nodes are relabelled by a parse
        return {q for q in store.all_quads() if "BlankNode" not in repr(q)}

    assert named(parsed) == named(on_disk)
    # the Python API parses (a session asks many questions); the kg commands open the copy
    assert KnowledgeGraph.open(out).store.path is None  # type: ignore[attr-defined]
    assert KnowledgeGraph.open(out, in_memory=False).store.path == on_disk.path  # type: ignore[attr-defined]


@pytest.mark.slow
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


# --- publication (issue 16): a reader sees one whole build, whatever stops the writer --------

DATA_A = FIXTURES / "shapes" / "conforms.trig"
DATA_B = FIXTURES / "serve" / "tiny.trig"
USUAL = ("kg.trig", "kg.nt", "kg.nq", "kg.oxigraph", "manifest.json")


def _one_file_data(tmp_path: Path, fixture: Path) -> Path:
    folder = tmp_path / fixture.stem
    folder.mkdir(exist_ok=True)
    shutil.copy(fixture, folder / fixture.name)
    return folder


def _build(out: Path, data: Path, **kwargs: Any) -> kgbuild.BuildResult:
    return kgbuild.build(out=out, data=data, imports=out.parent / "none", validate=False, **kwargs)


def reader_view(dist: Path) -> int | None:
    """What a reader sees in ``dist``: the quads of the build ``open_dist`` opens (None: no
    build), after checking that the manifest and every usual path belong to that same build."""
    try:
        store = open_dist(dist)
    except NotBuilt:
        return None
    quads = store.quad_count()
    folder = current_build(dist)
    assert json.loads((folder / kgbuild.MANIFEST).read_text())["quads"] == quads
    homes = {os.path.realpath(dist / name).rsplit("/", 1)[0] for name in USUAL}
    assert homes == {os.path.realpath(folder)}, homes
    trig = ox.parse(path=str(dist / "kg.trig"), format=ox.RdfFormat.TRIG)
    assert sum(1 for _ in trig) == quads
    return quads


def leftovers(dist: Path) -> list[str]:
    """What a finished build should not leave: temporary files and partial generations."""
    names = [
        p.name for p in dist.iterdir() if p.name.startswith(".") and p.name != kgbuild.LOCK_FILE
    ]
    names += [p.name for p in (dist / "generations").iterdir() if p.name.startswith(".")]
    return names


def test_readers_see_the_old_or_the_new_build_at_every_write_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    old = reader_view_after(_build(out, _one_file_data(tmp_path, DATA_A)), out)
    seen: list[int | None] = []
    checking = False

    def look(name: str, real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            nonlocal checking
            if not checking:
                checking = True
                try:
                    seen.append(reader_view(out))
                finally:
                    checking = False
            return real(*args, **kwargs)

        return wrapper

    for module, name in [
        (os, "replace"), (os, "rename"), (os, "symlink"), (os, "unlink"), (os, "fsync"),
        (shutil, "rmtree"), (tempfile, "mkstemp"), (tempfile, "mkdtemp"),
    ]:  # fmt: skip
        monkeypatch.setattr(module, name, look(name, getattr(module, name)))
    monkeypatch.setattr(OxigraphStore, "save_copy", look("save", OxigraphStore.save_copy))
    new = reader_view_after(_build(out, _one_file_data(tmp_path, DATA_B)), out)
    monkeypatch.undo()
    assert old != new
    assert len(seen) > 15  # every file, the copy, the renames, the links, the clean-up
    assert set(seen) == {old, new}
    switch = seen.index(new)
    assert all(s == old for s in seen[:switch]) and all(s == new for s in seen[switch:])
    assert leftovers(out) == []


def reader_view_after(result: kgbuild.BuildResult, out: Path) -> int:
    quads = reader_view(out)
    assert quads == result.store.quad_count()
    return quads


KILLABLE_BUILD = """
import os, shutil, signal, sys, tempfile
from pathlib import Path
from kg.store import OxigraphStore
stop, out, data = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
count = 0
def step(half=None):
    global count
    count += 1
    if count == stop:
        if half is not None:  # killed in the middle of writing a file
            half.write(b"@prefix half: <")
            half.flush()
        os.kill(os.getpid(), signal.SIGKILL)
inside = False
def wrap(real):
    def wrapper(*args, **kwargs):
        global inside
        if inside:  # a step inside a step (rmtree's unlinks) is part of it
            return real(*args, **kwargs)
        step()
        inside = True
        try:
            return real(*args, **kwargs)
        finally:
            inside = False
    return wrapper
for module, name in [(os, "replace"), (os, "rename"), (os, "symlink"), (os, "unlink"),
                     (os, "fsync"), (os, "chmod"), (shutil, "rmtree"), (tempfile, "mkstemp"),
                     (tempfile, "mkdtemp")]:
    setattr(module, name, wrap(getattr(module, name)))
real_write, real_copy = OxigraphStore.write, OxigraphStore.save_copy
def write(self, fh, fmt):
    step()
    step(half=fh)
    real_write(self, fh, fmt)
def save_copy(self, folder):
    step()
    real_copy(self, folder)
    step()
OxigraphStore.write, OxigraphStore.save_copy = write, save_copy
from kg.build import build
build(out=out, data=data, imports=out.parent / "none", validate=False)
print(count)
"""


@pytest.mark.slow
def test_a_build_killed_at_any_write_step_leaves_the_old_or_the_new(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    datasets = [_one_file_data(tmp_path, DATA_A), _one_file_data(tmp_path, DATA_B)]
    sizes = [reader_view_after(_build(out, d), out) for d in datasets]  # B is current
    script = tmp_path / "killable.py"
    script.write_text(KILLABLE_BUILD)
    stop, completed, kills = 1, False, 0
    while not completed:
        before = reader_view(out)
        target = datasets[0] if before == sizes[1] else datasets[1]
        run = subprocess.run(
            [sys.executable, str(script), str(stop), str(out), str(target)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        completed = run.returncode == 0
        assert completed or run.returncode == -signal.SIGKILL, run.stderr
        kills += not completed
        after = reader_view(out)
        assert after in (before, sizes[datasets.index(target)]), (stop, before, after)
        stop += 1
    assert kills > 15 and int(run.stdout) < stop - 1  # the last run passed every step
    # What the killed builds left, the next build (the one that completed) removed.
    assert leftovers(out) == []
    assert len(list((out / "generations").iterdir())) == 2


def test_builds_into_one_folder_take_turns_and_say_so(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    data = _one_file_data(tmp_path, DATA_A)
    notes: list[str] = []
    with exclusive_lock(out / kgbuild.LOCK_FILE):
        worker = threading.Thread(target=lambda: _build(out, data, note=notes.append))
        worker.start()
        deadline = time.monotonic() + 30
        while not notes and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not (out / "current").exists()  # it waits: nothing is published yet
    worker.join(timeout=60)
    assert notes == [
        f"waiting for another kg build (process {os.getpid()}) to finish writing {out} ..."
    ]
    assert reader_view(out)


@pytest.mark.slow
def test_concurrent_builds_all_publish(tmp_path: Path) -> None:
    # The probe: two builds swapping the store copy failed 4 times in 600 calls.
    out = tmp_path / "dist"
    store = read_sources(source_files(data=_one_file_data(tmp_path, DATA_A), imports=tmp_path))
    errors: list[BaseException] = []

    def publish() -> None:
        for _ in range(5):
            try:
                kgbuild.write_dist(store, out, formats=["nt"], sources=[], note=lambda _: None)
            except BaseException as exc:
                errors.append(exc)

    workers = [threading.Thread(target=publish) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert errors == []
    assert reader_view_nt(out) == store.quad_count()
    assert leftovers(out) == [] and len(list((out / "generations").iterdir())) == 2


def reader_view_nt(out: Path) -> int:
    return open_dist(out).quad_count()


def test_a_build_of_before_generations_is_read_and_then_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    _build(out, _one_file_data(tmp_path, DATA_A), formats=("trig", "ttl"))
    # Make it the flat layout of before: plain files, plus the leftovers of a killed build.
    folder = current_build(out)
    for name in ("kg.trig", "kg.ttl", "kg.nq", "kg.oxigraph", "manifest.json"):
        (out / name).unlink()
        os.rename(folder / name, out / name)
    (out / "current").unlink()
    shutil.rmtree(out / "generations")
    (out / ".kg.nq.abc123.tmp").write_text("half")
    (out / ".kg.oxigraph.xyz").mkdir()
    (out / ".someone-elses.tmp").write_text("not ours")
    old = open_dist(out).quad_count()
    assert old > 0 and current_build(out) == out
    result = _build(out, _one_file_data(tmp_path, DATA_B))
    assert reader_view(out) == result.store.quad_count() != old
    assert all((out / name).is_symlink() for name in USUAL)
    assert not (out / "kg.ttl").exists()  # of the old build: it would mix two builds
    assert leftovers(out) == [".someone-elses.tmp"]  # what the build did not make, it keeps


def test_only_the_current_and_the_previous_build_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    data = _one_file_data(tmp_path, DATA_A)
    _build(out, data)
    first = current_build(out)
    _build(out, data)
    second = current_build(out)
    assert first.is_dir() and second != first  # a reader of the first one can finish
    _build(out, data)
    assert not first.exists() and second.is_dir()
    assert sorted(p.name for p in (out / "generations").iterdir()) == sorted(
        [second.name, current_build(out).name]
    )


def test_a_literal_over_the_engines_16_mib_is_one_line_not_a_traceback(
    runner: Any, tmp_path: Path
) -> None:
    from kg.cli import cli

    path = tmp_path / "big.trig"
    big = "x" * (16 * 2**20 + 1)
    path.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<https://example.org/s> {{ <https://example.org/a> rdfs:label "{big}" . }}\n'
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines()[0] == (
        f"Error: {path}: a value (a literal or an IRI) is longer than the 16 MiB the engine reads"
    )


def test_a_copy_of_dist_made_with_its_links_followed_reads_and_builds(tmp_path: Path) -> None:
    built = tmp_path / "dist"
    _build(built, _one_file_data(tmp_path, DATA_A))
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)  # follows links: current/ and kg.trig become plain
    assert (copy / "current").is_dir() and not (copy / "current").is_symlink()
    assert open_dist(copy).quad_count() == open_dist(built).quad_count()
    result = _build(copy, _one_file_data(tmp_path, DATA_B))
    assert reader_view(copy) == result.store.quad_count()
    assert (copy / "current").is_symlink() and leftovers(copy) == []


@pytest.mark.slow
def test_a_build_of_unchanged_sources_takes_the_last_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that conformed records what it validated; the next build of the same files
    does not validate again (pySHACL is not called), and one whose file changed does, and
    fails on the new violation. A build without validation records nothing."""
    # The curated data, and an imported file that changes.
    imports, out = tmp_path / "imports", tmp_path / "dist"
    imports.mkdir()
    changing = imports / "fixture.trig"
    shutil.copy(SHAPES / "conforms.trig", changing)
    first = kgbuild.build(out=out, imports=imports)
    assert not first.validation_cached
    key = json.loads((current_build(out) / "manifest.json").read_text())["validated"]
    calls: list[int] = []
    real = kgbuild.validate_store
    monkeypatch.setattr(kgbuild, "validate_store", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = kgbuild.build(out=out, imports=imports)
    assert again.validation_cached and calls == []
    assert json.loads((current_build(out) / "manifest.json").read_text())["validated"] == key
    # One changed file: validated again, and its violation found.
    shutil.copy(SHAPES / "acquisition-without-acquirer.trig", changing)
    with pytest.raises(ValidationFailed):
        kgbuild.build(out=out, imports=imports)
    assert calls == [1]
    # Back to the conforming file, built without validation: no key, so validated next time.
    shutil.copy(SHAPES / "conforms.trig", changing)
    kgbuild.build(out=out, imports=imports, validate=False)
    assert "validated" not in json.loads((current_build(out) / "manifest.json").read_text())
    assert not kgbuild.build(out=out, imports=imports).validation_cached
    assert calls == [1, 1]
