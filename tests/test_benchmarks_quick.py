"""``python -m benchmarks --quick`` as ``make test`` runs it: the whole benchmark at 10k and on
the real data, so that it never rots. No timing is asserted. Its own file, so that parallel
test workers run it beside the other benchmark tests (it is the longest test)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")


@pytest.mark.slow
def test_quick_run_prints_the_table_with_ratios() -> None:
    results = REPO / "benchmarks" / "RESULTS.md"
    before = results.stat().st_mtime if results.exists() else None
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    header = lines[0].split()
    assert header[:5] == ["operation", "size", "ours", "spread", "baseline"]
    rows = [line for line in lines[2:] if line and not line.startswith(("note:", "wrote"))]
    ratio = re.compile(r"\s\d+(\.\d+)?x\s")
    operations = {row.split("  ")[0] for row in rows}
    for wanted in (
        "load (parse into a fresh store)",
        "memory loaded (bytes per triple)",
        "query library: median over the queries",
        "build with validation",
        "reopen the dist/kg.oxigraph copy + first ASK (kg query's store)",
    ):
        assert wanted in operations, wanted
    for row in rows:
        if row.startswith(("load", "query", "memory", "projection organizations ", "cold kg")):
            assert ratio.search(row), f"no ratio in: {row}"
        if "same rows" in row:
            assert row.rstrip().endswith("pass"), f"answers differ: {row}"
    sizes = {re.split(r"\s{2,}", row)[1] for row in rows}
    assert {"10k", "real"} <= sizes
    assert "1M" not in sizes
    # a quick run checks that the benchmark works; it never overwrites the measured figures
    assert (results.stat().st_mtime if results.exists() else None) == before
