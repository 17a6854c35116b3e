"""Build and validation lines of ``make bench`` (issue 17): ``kg build`` with SHACL validation
of each synthetic size as a whole process (time and peak memory), a rebuild of unchanged
sources (whose validation stands), and the ownership derivation's growth.

Called by :func:`benchmarks.run.bench_size` with the data set of each size::

    from benchmarks import validation as validation_bench
    validation_bench.bench_build(report, data)
    validation_bench.bench_derivation(report, data)

The synthetic data is built the way a user builds imported graphs: its named graphs (the
ontology's own left out: the build reads the ontology) as ``imports/synthetic.trig`` of a
fresh workspace, beside the curated data. The generator predates the source policy
(``eco:sourceKind``, ``dcterms:publisher``), so its sources violate two shapes: the build
validates everything, reports the violations and stops before writing, which is what is
timed (the note gives the count); the rebuild line needs a conforming build and is left out
then.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.analysis import run_measured
from benchmarks.run import Data, Line, Report

#: ``kg build`` with validation at 1M synthetic triples (issue 17: 126 s and 4.7 GB before).
BUILD_SECONDS = 40.0
BUILD_BYTES = 2 * 2**30

#: A build in a child process, printing its stage times (and the violations when it fails).
_BUILD_SCRIPT = """\
import json, sys
from pathlib import Path
from kg.build import build
from kg.errors import ValidationFailed
home = Path(sys.argv[1])
try:
    result = build(out=home / "dist", imports=home / "imports", formats=("nt",))
    found = {"seconds": result.seconds, "violations": 0, "cached": result.validation_cached}
except ValidationFailed as exc:
    found = {"seconds": {}, "violations": len(exc.violations), "cached": False}
(home / "build.json").write_text(json.dumps(found))
"""


def _workspace(data: Data, folder: Path) -> Path:
    import pyoxigraph as ox

    from kg.namespaces import ONTOLOGY_GRAPH

    imports = folder / "imports"
    imports.mkdir(parents=True)
    store = ox.Store()
    store.bulk_load(path=str(data.nquads), format=ox.RdfFormat.N_QUADS)
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    with (imports / "synthetic.trig").open("wb") as fh:
        ox.serialize((q for q in store if q.graph_name != ontology), fh, ox.RdfFormat.TRIG)
    return folder


def _build(home: Path, script: Path) -> tuple[float, float, dict[str, object]]:
    env = {**os.environ, "KG_HOME": str(home)}
    seconds, peak = run_measured([sys.executable, str(script), str(home)], env)
    return seconds, peak, json.loads((home / "build.json").read_text())


def bench_build(report: Report, data: Data) -> None:
    """``kg build`` with validation of the data set (one whole process: the machine affords
    one at 1M), then a rebuild of the same sources."""
    if data.name == "real":
        return  # the real data's build is timed by run.real_data and run.bench_history
    with tempfile.TemporaryDirectory(prefix="kg-bench-build-") as tmp:
        home = _workspace(data, Path(tmp) / "home")
        script = Path(tmp) / "build.py"
        script.write_text(_BUILD_SCRIPT)
        seconds, peak, result = _build(home, script)
        steps = result["seconds"]
        assert isinstance(steps, dict)
        violations = result["violations"]
        line = Line(
            "kg build with validation",
            data.name,
            seconds,
            target=f"<= {BUILD_SECONDS:g} s, <= {BUILD_BYTES / 2**30:g} GiB"
            if data.name == "1M"
            else "report",
            note=f"peak {peak / 2**20:,.0f} MiB; "
            + (
                ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
                if steps
                else f"{violations:,} violations (the generator predates the source "
                "policy): parse, derive and validate timed, nothing written"
            ),
        )
        if data.name == "1M" and not report.quick:
            line.passed = seconds <= BUILD_SECONDS and peak <= BUILD_BYTES
        report.add(line)
        if violations:
            report.note(
                f"{data.name}: the rebuild line needs a conforming build; the synthetic data "
                f"has {violations:,} violations"
            )
            return
        seconds, peak, result = _build(home, script)
        report.add(
            Line(
                "kg build again, unchanged sources",
                data.name,
                seconds,
                target="validation stands",
                passed=bool(result["cached"]),
                note=f"peak {peak / 2**20:,.0f} MiB",
            )
        )


def bench_derivation(report: Report, data: Data) -> None:
    """The ownership derivation: its time and how many quads it adds for the data's size (the
    indirect ownerships follow the depth of the acquisition chains, not the data's size)."""
    import time
    from collections import Counter

    from benchmarks.run import parse_ours
    from kg.history import ownership

    if data.name == "real":
        return
    store = parse_ours(data.dist)  # the named graphs and their merge, as a build has them
    t0 = time.perf_counter()
    periods = ownership.ownership_periods(store)
    quads = ownership.derive(store)
    seconds = time.perf_counter() - t0
    depth = Counter(len(p.chain) - 1 for p in periods)
    report.add(
        Line(
            "ownership derivation",
            data.name,
            seconds,
            target="report",
            note=f"{len(quads):,} derived quads for {data.triples:,} triples "
            f"({len(quads) / max(data.triples, 1):.2f} per triple); periods by chain length "
            + ", ".join(f"{k}: {v:,}" for k, v in sorted(depth.items())),
        )
    )
