"""The `kg` command as a whole: help, exit codes, build, stats, start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kg.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
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


def test_build_in_a_workspace(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KG_HOME", str(tmp_path))
    monkeypatch.delenv("KG_STORE", raising=False)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output
    assert (tmp_path / "dist" / "kg.trig").is_file()
    assert (tmp_path / "dist" / "kg.nt").is_file()


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
