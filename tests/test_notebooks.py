"""The notebooks (notebooks/*.ipynb): committed without outputs, and each runs top to bottom
against the curated graph (their own assert cells check the claims their prose makes)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tests.conftest import LANDSCAPE_DIR, REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
#: Notebooks about the landscape over time run on the curated graph with the whole history
#: of the CNCF landscape imported (the bundle in shared/).
HISTORY_NOTEBOOKS = {"04-landscape-over-time.ipynb"}


@pytest.fixture(scope="session")
def history_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the curated graph and the bundle's whole history, built."""
    import subprocess

    from kg.build import build
    from kg.importers.landscape.history import import_landscape_history

    bundle = LANDSCAPE_DIR / "landscape-history.bundle"
    if not bundle.is_file():
        pytest.skip(f"the landscape history bundle is not at {bundle}")
    home = tmp_path_factory.mktemp("kg-history-home")
    clone = home / "landscape"
    subprocess.run(["git", "clone", "-q", str(bundle.resolve()), str(clone)], check=True)
    import_landscape_history(clone, out_dir=home / "imports")
    build(out=home / "dist", imports=home / "imports", formats=("nt",))
    return home


def test_the_analysis_notebooks_exist() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert {"01-centrality.ipynb", "02-categories.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs: clear them"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(
    path: Path, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Execute in a fresh kernel of this interpreter, with the built curated graph (and the
    landscape's history, for the notebooks about it) as the workspace and a scratch folder as
    the working directory."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    fixture = "history_workspace" if path.name in HISTORY_NOTEBOOKS else "workspace"
    workspace = request.getfixturevalue(fixture)
    monkeypatch.setenv("KG_HOME", str(workspace))
    monkeypatch.delenv("KG_STORE", raising=False)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel draws inline
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{exc}", pytrace=False)
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors == []
    images = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "image/png" in out.get("data", {})
    ]
    assert images, f"{path.name} drew no chart"
    # it says which graph it read: the build of the workspace, never the raw data
    printed = "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "stream"
    )
    assert f"graph: {workspace / 'dist'}, built " in printed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_read_the_build_beside_them(path: Path) -> None:
    """From notebooks/, the build is ../dist ($KG_HOME/dist when set); without one a notebook
    stops and says what to run, instead of reading the raw data in silence."""
    nb = nbformat.read(path, as_version=4)
    first = next(c.source for c in nb.cells if c.cell_type == "code")
    assert 'os.environ.get("KG_HOME") or ".."' in first
    assert "raise FileNotFoundError" in first and "run `kg build`" in first
    assert 'print(f"graph: {DIST}, built {built}' in first
    assert "KnowledgeGraph.load()" not in "".join(c.source for c in nb.cells)


@pytest.mark.slow
@pytest.mark.notebook
def test_a_notebook_without_a_build_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv("KG_HOME", str(tmp_path))
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code"][:1]
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with pytest.raises(CellExecutionError, match=r"no built graph in .*: run `kg build`"):
        client.execute()
