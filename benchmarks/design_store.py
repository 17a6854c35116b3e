"""The measurements behind benchmarks/DESIGN-store.md: every library query on the build parsed
into memory and on its on-disk copy (ours, ``kg.query.run``), against the bare in-memory engine.

    python -m benchmarks.design_store 1M        # a size of benchmarks/generate.py (cached)
    python -m benchmarks.design_store PATH      # or a folder holding a build in dist/
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> None:
    import pyoxigraph as ox

    from benchmarks.generate import SIZES, dataset
    from benchmarks.run import _amount, bare_engine, bindings_for, measure
    from kg.namespaces import PREFIXES
    from kg.query import run
    from kg.sparql.library import library
    from kg.store import open_dist
    from kg.store.terms import to_ox

    dist = dataset(argv[0]).dist if argv[0] in SIZES else Path(argv[0]) / "dist"
    t0 = time.perf_counter()
    memory = open_dist(dist, in_memory=True)
    parsed = time.perf_counter() - t0
    engine = bare_engine(dist)
    t0 = time.perf_counter()
    copy = open_dist(dist)
    opened = time.perf_counter() - t0
    print(f"parse into memory {parsed:.2f} s; open the copy {opened * 1e3:.1f} ms", flush=True)
    for name, entry in library().items():
        bindings = bindings_for(memory, entry)
        subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()} or None

        def floor(text: str = entry.text, s: Any = subs) -> int:
            solutions: Any = engine.query(text, prefixes=PREFIXES, substitutions=s)
            return sum(1 for _ in solutions)

        t_floor, rows = measure(floor, repeats=3, budget=30)
        t_mem, _ = measure(
            partial(run, memory, entry.text, bindings=bindings), repeats=3, budget=30
        )
        t_disk, _ = measure(partial(run, copy, entry.text, bindings=bindings), repeats=3, budget=30)
        print(
            f"{name:38s} rows {rows:6d} floor {_amount(t_floor, 's'):>9s} "
            f"in memory {_amount(t_mem, 's'):>9s} ({t_mem / t_floor:4.2f}x) "
            f"copy {_amount(t_disk, 's'):>9s} ({t_disk / t_floor:5.2f}x)",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:] or ["1M"])
