"""Shared fixtures: the curated graph built once per session into a temporary workspace."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
#: The shared data beside the checkout; $KG_SHARED names it for a checkout elsewhere (a
#: git worktree).
SHARED = Path(os.environ.get("KG_SHARED") or REPO.parent / "shared")
LANDSCAPE_DIR = Path(os.environ.get("KG_LANDSCAPE_DATA") or SHARED / "data" / "cncf-landscape")
ESSAY = SHARED / "essay-2015.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def bench_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Benchmark data sets go to a temporary folder: tests write nothing into the source tree."""
    import os

    folder = tmp_path_factory.mktemp("bench-cache")
    before = os.environ.get("KG_BENCH_CACHE")
    os.environ["KG_BENCH_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("KG_BENCH_CACHE", None)
    else:
        os.environ["KG_BENCH_CACHE"] = before


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


# --- query: the 2015 essay alone (final data, so exact answers stay true) ---------------------

ESSAY_DATA = REPO / "data" / "essay-2015.trig"


@pytest.fixture(scope="session")
def essay_graph():  # type: ignore[no-untyped-def]
    """A KnowledgeGraph of the ontology and data/essay-2015.trig only (not data/history)."""
    from kg.graph import KnowledgeGraph
    from kg.sources import SourceFile, ontology_files, read_sources

    return KnowledgeGraph(read_sources([*ontology_files(), SourceFile(ESSAY_DATA, None)]))


@pytest.fixture(scope="session")
def essay_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose dist/ holds the ontology and the essay only (for exact CLI output)."""
    import shutil

    from kg.build import build

    home = tmp_path_factory.mktemp("kg-essay")
    (home / "data").mkdir()
    shutil.copy(ESSAY_DATA, home / "data" / ESSAY_DATA.name)
    build(out=home / "dist", data=home / "data", imports=home / "imports", validate=False)
    return home


@pytest.fixture
def essay_home(essay_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run commands on the essay-only workspace (``$KG_HOME``), memory store."""
    monkeypatch.setenv("KG_HOME", str(essay_workspace))
    monkeypatch.delenv("KG_STORE", raising=False)
    yield essay_workspace


# --- servers (stores and serve) ------------------------------------------------------------


def free_port() -> int:
    """A loopback port that is free now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """A real SPARQL 1.1 server: `oxigraph serve` (the `oxigraph` package of the dev extra) on
    a free loopback port, stopped on exit. Yields its base URL (``/query``, ``/update``)."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request

    binary = Path(sys.executable).parent / "oxigraph"
    found = str(binary) if binary.is_file() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server is not installed: pip install -e '.[dev]'")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = location.with_suffix(".log")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [found, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oxigraph serve did not start: {log.read_text()[-500:]}")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
