"""Shared fixtures: the curated graph built once per session into a temporary workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
LANDSCAPE_DIR = SHARED / "data" / "cncf-landscape"
ESSAY = SHARED / "essay-2015.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the curated graph built into ``dist/`` (no imports)."""
    from kg.build import build

    home = tmp_path_factory.mktemp("kg-home")
    build(out=home / "dist", imports=home / "imports")
    return home


@pytest.fixture(scope="session")
def kg_graph(workspace: Path):  # type: ignore[no-untyped-def]
    """The curated graph, loaded the way every command loads it."""
    from kg import KnowledgeGraph

    return KnowledgeGraph.load(dist=workspace / "dist")


@pytest.fixture
def home(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run commands in the built workspace (``$KG_HOME``), with no store from the caller."""
    monkeypatch.setenv("KG_HOME", str(workspace))
    monkeypatch.delenv("KG_STORE", raising=False)
    yield workspace


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def landscape_path(name: str) -> Path:
    """A real landscape file from shared/, or skip with the reason when shared/ is absent."""
    path = LANDSCAPE_DIR / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (the shared/ folder beside the checkout is not here)")
    return path
