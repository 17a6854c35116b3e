"""The landscape history import, measured: ``python benchmarks/history.py [REPO]``.

REPO is a clone of github.com/cncf/landscape or of the history bundle; without it the bundle
in ``../shared/data/cncf-landscape/`` is cloned into a temporary folder first (not timed).
Prints one table: the whole history, an update of 20 new commits (from a saved state), the
revisions per second and the peak memory; then the same into the graph (``kg import
landscape-history``: events, periods, the TriG file) and ``kg build`` of the curated data with
the whole history imported, validated (:func:`graph_figures`; ``make bench`` runs it too).
``--compare`` adds the alternatives the design chose between (blob reading with pygit2 and
dulwich; a full parse with PyYAML's C loader and with rapidyaml) on a sample of revisions, and
``--json`` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.importers.landscape.history import (  # noqa: E402
    import_history,
    import_landscape_history,
    save_state,
)
from kg.importers.landscape.history.git import LandscapeRepo, read_history  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "cncf-landscape"
BUNDLE = Path(os.environ.get("KG_LANDSCAPE_DATA", DATA)) / "landscape-history.bundle"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _clone_bundle(target: Path) -> Path:
    git = shutil.which("git")
    if git is None or not BUNDLE.exists():
        raise SystemExit(f"give a repository: no git command, or no bundle at {BUNDLE}")
    repo = target / "landscape"
    subprocess.run([git, "clone", "-q", str(BUNDLE.resolve()), str(repo)], check=True)
    return repo


def measure(repo: Path, state_dir: Path) -> dict[str, Any]:
    with LandscapeRepo(repo) as r:
        revisions = read_history(r).revisions
    t0 = time.perf_counter()
    full = import_history(repo)
    full_s = time.perf_counter() - t0
    full_cpu = full.cpu_seconds
    cut = revisions[-21].commit
    first = import_history(repo, ref=cut)
    assert first.state is not None
    state = state_dir / "state.json"
    save_state(first.state, state)
    t0 = time.perf_counter()
    c0 = time.process_time()
    update = import_history(repo, state=state)
    update_s = time.perf_counter() - t0
    update_cpu = time.process_time() - c0
    return {
        "revisions": len(full.revisions) + len(full.skipped),
        "skipped": len(full.skipped),
        "events": len(full.events),
        "events_by_kind": full.events_by_kind,
        "full_seconds": round(full_s, 2),
        "full_cpu_seconds": round(full_cpu, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "revisions_per_second": round((len(full.revisions) + len(full.skipped)) / full_s),
        "update_revisions": update.stats.revisions,
        "update_seconds": round(update_s, 2),
        "update_cpu_seconds": round(update_cpu, 2),
        "segments_parsed": full.stats.segments_parsed,
        "megabytes_parsed": round(full.stats.bytes_parsed / 1e6, 1),
        "megabytes_cut": round(full.stats.bytes_scanned / 1e6, 1),
        "full_parses": full.stats.full_parses,
        "state_kilobytes": round(state.stat().st_size / 1024),
        "peak_memory_mb": round(_peak_mb()),
    }


def _git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return out.stdout.strip()


def graph_figures(repo: Path, work: Path, update: int = 20) -> dict[str, Any]:
    """``kg import landscape-history`` of the whole history, then of ``update`` new commits
    (the clone set back by that many commits of the file, imported, then set forward again),
    then ``kg build`` of the curated data and the history, validated. ``repo`` is reset to
    where it was."""
    from kg.build import build

    head = _git(repo, "rev-parse", "HEAD")
    with LandscapeRepo(repo) as r:
        cut = read_history(r).revisions[-(update + 1)].commit
    out: dict[str, Any] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    full = import_landscape_history(repo, out_dir=work / "full")
    out["graph_full_seconds"] = round(time.perf_counter() - t0, 2)
    out["graph_full_cpu_seconds"] = round(time.process_time() - c0, 2)
    out["graph_events"] = full.events
    out["graph_triples"] = full.triples
    out["graph_steps"] = {k: round(v, 2) for k, v in full.seconds_by_step.items()}
    try:
        _git(repo, "reset", "-q", "--hard", cut)
        import_landscape_history(repo, out_dir=work / "update")
        _git(repo, "reset", "-q", "--hard", head)
        t0, c0 = time.perf_counter(), time.process_time()
        step = import_landscape_history(repo, out_dir=work / "update")
        out["graph_update_seconds"] = round(time.perf_counter() - t0, 2)
        out["graph_update_cpu_seconds"] = round(time.process_time() - c0, 2)
        out["graph_update_revisions"] = step.read
        out["graph_update_steps"] = {k: round(v, 2) for k, v in step.seconds_by_step.items()}
        same = (work / "update" / full.output.name).read_bytes() == full.output.read_bytes()
        out["graph_update_same_bytes"] = same
    finally:
        _git(repo, "reset", "-q", "--hard", head)
    t0, c0 = time.perf_counter(), time.process_time()
    result = build(out=work / "dist", imports=work / "full", formats=("trig", "nt"))
    out["build_seconds"] = round(time.perf_counter() - t0, 2)
    out["build_cpu_seconds"] = round(time.process_time() - c0, 2)
    out["build_steps"] = {k: round(v, 2) for k, v in result.seconds.items()}
    out["build_triples"] = result.store.count()
    out["build_conforms"] = not result.violations
    out["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    return out


def compare(repo: Path, sample: int = 20) -> dict[str, Any]:
    """The alternatives, on every blob (reading) and on ``sample`` revisions (parsing)."""
    import yaml

    out: dict[str, Any] = {}
    with LandscapeRepo(repo) as r:
        revs = read_history(r).revisions
        t0 = time.perf_counter()
        blobs = [r.blob(rev.blob) for rev in revs]
        out["dulwich_read_all_seconds"] = round(time.perf_counter() - t0, 2)
    try:
        import pygit2

        g = pygit2.Repository(str(repo))
        t0 = time.perf_counter()
        for rev in revs:
            g[rev.blob].read_raw()
        out["pygit2_read_all_seconds"] = round(time.perf_counter() - t0, 2)
    except ImportError:
        out["pygit2_read_all_seconds"] = None
    picks = blobs[:: max(1, len(blobs) // sample)][:sample]
    t0 = time.perf_counter()
    for data in picks:
        yaml.load(data, Loader=yaml.CSafeLoader)
    per = (time.perf_counter() - t0) / len(picks)
    out["pyyaml_c_per_revision_ms"] = round(per * 1000, 1)
    out["pyyaml_c_all_revisions_estimate_s"] = round(per * len(blobs))
    try:
        import ryml

        t0 = time.perf_counter()
        for data in picks:
            ryml.parse_in_arena(data)
        per = (time.perf_counter() - t0) / len(picks)
        out["rapidyaml_tree_per_revision_ms"] = round(per * 1000, 1)
        out["rapidyaml_tree_all_revisions_estimate_s"] = round(per * len(blobs))
    except ImportError:
        out["rapidyaml_tree_per_revision_ms"] = None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", nargs="?", type=Path, help="a clone (default: the bundle)")
    parser.add_argument("--compare", action="store_true", help="measure the alternatives too")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--no-graph", action="store_true", help="the engine only: no graph, no kg build"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.repo or _clone_bundle(Path(tmp))
        figures = measure(repo, Path(tmp))
        if not args.no_graph:
            figures.update(graph_figures(repo, Path(tmp) / "graph"))
        if args.compare:
            figures.update(compare(repo))
    if args.json:
        print(json.dumps(figures, indent=2, sort_keys=True))
        return 0
    rows = [
        ("whole history", f"{figures['revisions']} revisions", f"{figures['full_seconds']} s"),
        ("whole history, CPU", "", f"{figures['full_cpu_seconds']} s"),
        ("revisions per second", "", str(figures["revisions_per_second"])),
        (
            "update after new commits",
            f"{figures['update_revisions']} revisions",
            f"{figures['update_seconds']} s",
        ),
        ("update, CPU", "", f"{figures['update_cpu_seconds']} s"),
        ("peak memory", "", f"{figures['peak_memory_mb']} MB"),
        ("load average (1 min)", "", str(figures["load_average_1min"])),
        ("segments parsed", f"{figures['megabytes_parsed']} MB", str(figures["segments_parsed"])),
        ("full parses (fallbacks)", "", str(figures["full_parses"])),
        ("events", "", str(figures["events"])),
    ]
    if "graph_full_seconds" in figures:
        rows += [
            ("import into the graph, whole history", f"{figures['graph_triples']} triples",
             f"{figures['graph_full_seconds']} s"),
            ("import into the graph, CPU", "", f"{figures['graph_full_cpu_seconds']} s"),
            ("import into the graph, update", f"{figures['graph_update_revisions']} revisions",
             f"{figures['graph_update_seconds']} s"),
            ("import into the graph, update, CPU", "", f"{figures['graph_update_cpu_seconds']} s"),
            ("kg build, curated + history", f"{figures['build_triples']} triples",
             f"{figures['build_seconds']} s"),
            ("kg build, validation", "conforms" if figures["build_conforms"] else "FAILS",
             f"{figures['build_steps'].get('validate', 0)} s"),
        ]  # fmt: skip
    for key in sorted(k for k in figures if k.endswith(("_seconds", "_ms", "_estimate_s"))):
        if key not in (
            "full_seconds",
            "update_seconds",
            "full_cpu_seconds",
            "update_cpu_seconds",
        ) and not key.startswith(("graph_", "build_")):
            rows.append((key.replace("_", " "), "", str(figures[key])))
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure':<{width}} | {'of':<18} | {'value':>10} |")
    print(f"|{'-' * (width + 2)}|{'-' * 20}|{'-' * 12}|")
    for name, of, value in rows:
        print(f"| {name:<{width}} | {of:<18} | {value:>10} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
