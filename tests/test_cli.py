"""The `kg` command as a whole: help, exit codes, build, stats, start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from kg.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command, as ``kg --help`` finds them (the group loads its commands lazily)."""
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


COMMANDS = _commands(cli)


def test_the_core_commands_exist() -> None:
    assert {("build",), ("validate",), ("stats",), ("query",)} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(runner, path: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`kg {' '.join(path)} --help` shows no example"
    short = runner.invoke(cli, [*path, "-h"])
    assert short.output == result.output


def test_top_level_help_lists_exit_codes(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for line in ("0  success", "1  the graph does not conform", "2  bad input", "3  a store"):
        assert line in result.output


def test_version(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("kg, version ")


@pytest.mark.slow
def test_build_in_a_workspace(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    monkeypatch.delenv("KG_STORE", raising=False)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output
    assert (tmp_path / "dist" / "kg.trig").is_file()
    assert (tmp_path / "dist" / "kg.nt").is_file()


@pytest.mark.slow
def test_stats_counts_agree_with_sparql(runner, home: Path, kg_graph) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    numbers = json.loads(result.stdout)
    companies = kg_graph.query("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a eco:Company }")
    expected = int(companies.rows[0][0])
    assert dict(numbers["classes"])["https://w3id.org/container-kg/ontology#Company"] == expected
    assert numbers["triples"] == len(kg_graph)
    sources = {g for g, _title, _n in numbers["sources"]}
    assert "https://w3id.org/container-kg/id/essay-2015" in sources
    table = runner.invoke(cli, ["stats"])
    assert table.exit_code == 0
    rows = [line.split() for line in table.stdout.splitlines()]
    assert ["eco:Company", str(expected)] in rows


def test_stats_before_any_build_says_so(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0
    assert result.stderr.count("\n") == 1 and "no build" in result.stderr


def test_user_error_is_one_line_without_traceback(runner, home: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["query", "no-such-question"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no query named 'no-such-question' in the library")
    assert "Traceback" not in result.output


def test_python_dash_m_kg() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "container-kg" in result.stdout


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys; from kg.cli import cli\n"
        "heavy = [m for m in ('rdflib', 'pyshacl', 'networkx', 'pyvis', 'pandas', 'yaml',"
        " 'starlette', 'uvicorn', 'oxrdflib', 'matplotlib') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "md"])
def test_kg_query_loads_only_what_a_query_needs(home: Path, fmt: str) -> None:
    """A one-shot `kg query` (a whole process: its start-up is most of its time) loads neither
    rdflib nor the facade, the other commands, the importers, views, drawing or analysis."""
    code = (
        "import sys\n"
        "from kg.commands.base import main\n"
        "sys.argv = ['kg', 'query', 'acquisitions-by', '-p', 'acquirer', 'kg:docker',"
        f" '-f', '{fmt}']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('rdflib', 'networkx', 'pyshacl',"
        " 'yaml', 'httpx') or m in ('kg.cli', 'kg.graph', 'kg.build') or m.startswith("
        "('kg.importers', 'kg.views', 'kg.viz', 'kg.analysis', 'kg.serve'))]\n"
        "print('LOADED', ','.join(sorted(loaded)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "Kitematic" in result.stdout  # the query ran
    assert result.stdout.strip().splitlines()[-1] == "LOADED"


def test_a_command_opens_the_builds_on_disk_copy(home: Path) -> None:
    """A kg command is one process: it opens dist/'s copy (milliseconds) rather than parse the
    build into memory as a Python session does (benchmarks/DESIGN-store.md)."""
    from kg.cli import open_graph
    from kg.store import OxigraphStore, current_build

    store = open_graph(None).store
    assert isinstance(store, OxigraphStore)
    assert store.path == current_build(home / "dist") / "kg.oxigraph"


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"kg {' '.join(path)}" in readme


def test_the_cli_knows_every_view_and_metric() -> None:
    from kg.analysis import METRICS
    from kg.cli import METRIC_NAMES, VIEW_NAMES
    from kg.views import VIEWS

    assert tuple(VIEWS) == VIEW_NAMES
    assert set(METRIC_NAMES) == set(METRICS)


def test_stats_counts_events_per_type_and_year_and_sources_per_kind(kg_graph, home, runner) -> None:  # type: ignore[no-untyped-def]
    numbers = kg_graph.stats()
    per_type = {t: n for t, n, _dated in numbers.events}
    dated = {t: d for t, _n, d in numbers.events}
    by_year: dict[str, int] = {}
    for t, _year, n in numbers.events_by_year:
        by_year[t] = by_year.get(t, 0) + n
    assert by_year == {t: d for t, d in dated.items() if d}
    table = dict(numbers.year_table())
    assert {t: sum(c) for t, c in table.items()} == by_year
    kinds = dict(numbers.sources_by_kind)
    assert kinds.get("derived") == 1  # the ownership graph
    every = kg_graph.store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a eco:Source }")
    assert sum(kinds.values()) == int(str(every.rows[0][0]))
    assert per_type  # events exist
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0
    assert "dated events per type and year" in result.stdout and "sources per kind" in result.stdout
    assert "Acquisition" in result.stdout


# --- the environment (issue 16): one line with the path, exit 2, never a traceback ----------


def _one_line_exit_2(result: Result, *phrases: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # a KgError or OSError, turned into a line
    assert "Traceback" not in result.output
    first = result.output.splitlines()[0]
    assert first.startswith("Error: ")
    for phrase in phrases:
        assert phrase in first, first


@pytest.mark.slow
def test_a_file_where_a_folder_must_be(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KG_HOME", str(blocker))
    landscape = Path(__file__).parent / "fixtures" / "landscape" / "landscape-2024-01-01.yml"
    _one_line_exit_2(runner.invoke(cli, ["build", "--no-validate"]), str(blocker / "dist"))
    _one_line_exit_2(
        runner.invoke(cli, ["import", "landscape", str(landscape)]), str(blocker / "imports")
    )
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    _one_line_exit_2(
        runner.invoke(cli, ["build", "--no-validate", "--out", str(blocker)]), str(blocker)
    )


@pytest.mark.slow
@pytest.mark.parametrize("refuse", ["search", "create"])
def test_an_unwritable_folder(
    refuse: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tests run as root, whom no permission stops: the refusal is simulated where the
    # system call would fail for another user: looking into dist/ or imports/ (a folder
    # without x permission: `Path.is_file` and `is_dir` raise), or making a file there.
    import tempfile

    monkeypatch.setenv("KG_HOME", str(tmp_path))
    (tmp_path / "dist").mkdir()
    (tmp_path / "imports").mkdir()

    def denied(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied")

    if refuse == "search":
        for name in ("is_file", "is_dir"):
            real = getattr(Path, name)

            def look(self: Path, real=real) -> bool:  # type: ignore[no-untyped-def]
                if self.parent.name in ("dist", "imports") and self.parent.parent == tmp_path:
                    raise PermissionError(13, "Permission denied", str(self))
                return bool(real(self))

            monkeypatch.setattr(Path, name, look)
    else:
        monkeypatch.setattr(tempfile, "mkstemp", denied)
        monkeypatch.setattr(tempfile, "mkdtemp", denied)
    landscape = Path(__file__).parent / "fixtures" / "landscape" / "landscape-2024-01-01.yml"
    _one_line_exit_2(
        runner.invoke(cli, ["import", "landscape", str(landscape)]),
        str(tmp_path / "imports"),
        "Permission denied",
    )
    _one_line_exit_2(
        runner.invoke(cli, ["build", "--no-validate"]), str(tmp_path / "dist"), "Permission denied"
    )


def test_a_damaged_build_is_one_line(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from kg.store import current_build

    monkeypatch.setenv("KG_HOME", str(tmp_path))
    monkeypatch.delenv("KG_STORE", raising=False)
    assert runner.invoke(cli, ["build", "--no-validate"]).exit_code == 0
    folder = current_build(tmp_path / "dist")
    shutil.rmtree(folder / "kg.oxigraph")
    (folder / "kg.nq").write_text("<https://a.example/> garbage\n")
    result = runner.invoke(cli, ["stats"])
    _one_line_exit_2(result, "kg.nq:1:")
    assert "run `kg build` again" in result.output


def test_any_other_os_error_is_one_line_too(
    runner, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:  # type: ignore[no-untyped-def]
    from kg import graph

    def unreadable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", "/somewhere/kg.nq")

    monkeypatch.setattr(graph.KnowledgeGraph, "open", unreadable)
    _one_line_exit_2(runner.invoke(cli, ["stats"]), "/somewhere/kg.nq: Permission denied")
