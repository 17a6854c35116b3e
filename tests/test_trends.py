"""kg trends: the landscape on the time axis, exact counts on the history the tests build."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from kg.cli import cli
from kg.errors import NotBuilt, UsageError
from kg.graph import KnowledgeGraph
from kg.trends import points, trend
from tests.test_landscape_history_queries import graph, workspace  # noqa: F401 (fixtures)

DAYS = ["2019-12-31", "2020-12-31", "2021-12-31", "2022-05-01"]


def test_points_are_period_ends_and_the_last_day() -> None:
    assert points("2019-03-01", "2022-05-01") == DAYS
    assert points("2019-11-05", "2020-01-10", "month") == [
        "2019-11-30",
        "2019-12-31",
        "2020-01-10",
    ]
    assert points("2020-02-03", "2020-02-29", "month") == ["2020-02-29"]
    with pytest.raises(UsageError):
        points("2019-01-01", "2020-01-01", "week")


@pytest.mark.slow
def test_items_per_category(graph: KnowledgeGraph) -> None:  # noqa: F811
    t = trend(graph.store, "category")
    assert t.headers == ["date", "Platform", "Runtime"]
    # Runtime: Alpha, Beta, Delta, Gamma; Delta leaves (2020); Epsilon comes (2021); Beta
    # leaves on 2022-05-01 itself (a period's end is the first day it no longer holds).
    assert t.rows == [[d, 1, n] for d, n in zip(DAYS, [4, 3, 4, 3], strict=True)]


def test_projects_per_maturity_and_members_per_tier(graph: KnowledgeGraph) -> None:  # noqa: F811
    t = trend(graph.store, "maturity")
    assert t.headers == ["date", "graduated", "incubating", "sandbox"]
    assert t.rows == [
        ["2019-12-31", 0, 1, 0],
        ["2020-12-31", 1, 0, 1],
        ["2021-12-31", 1, 0, 1],
        ["2022-05-01", 1, 0, 1],
    ]
    t = trend(graph.store, "tier")
    assert t.headers == ["date", "Gold", "Platinum", "Silver"]
    assert t.rows == [
        ["2019-12-31", 1, 0, 0],
        ["2020-12-31", 1, 0, 1],
        ["2021-12-31", 1, 0, 0],
        ["2022-05-01", 1, 1, 0],
    ]


def test_concentration_and_pipeline(graph: KnowledgeGraph) -> None:  # noqa: F811
    # Gamma listed under the CNCF from 2021 is hosted, not held: it leaves the count.
    t = trend(graph.store, "concentration", top=1)
    assert t.headers == ["date", "items", "organisations", "top1_share"]
    assert t.rows == [
        ["2019-12-31", 3, 3, 0.3333],
        ["2020-12-31", 3, 3, 0.3333],
        ["2021-12-31", 2, 2, 0.5],
        ["2022-05-01", 1, 1, 1.0],
    ]
    t = trend(graph.store, "pipeline")
    assert t.rows == [[2018, 1, 1, 212, 1, 533], [2020, 1, 0, None, 0, None]]


def test_no_history_is_a_clear_error(essay_graph: KnowledgeGraph) -> None:
    with pytest.raises(NotBuilt, match="no landscape history"):
        trend(essay_graph.store, "category")
    with pytest.raises(UsageError):
        trend(essay_graph.store, "colour")


def test_cli(runner: Any, workspace: Path, monkeypatch: Any) -> None:  # noqa: F811
    monkeypatch.setenv("KG_HOME", str(workspace))
    monkeypatch.delenv("KG_STORE", raising=False)
    result = runner.invoke(cli, ["trends", "--by", "maturity", "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["date", "graduated", "incubating", "sandbox"]
    assert table[-1] == ["2022-05-01", "1", "0", "1"]
    helped = runner.invoke(cli, ["trends", "--help"])
    assert "Example:" in helped.output and "kg trends --by maturity" in helped.output


def test_cli_without_a_history(runner: Any, essay_home: Path) -> None:
    result = runner.invoke(cli, ["trends"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: the graph holds no landscape history")
