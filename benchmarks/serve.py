"""``kg serve`` under load: 50 clients at once over the query library, on loopback.

The server runs as ``kg serve --port 0`` in a subprocess (as a user starts it: its default
workers, each holding the build in memory); the clients are one asyncio loop of
``httpx.AsyncClient`` connections, each sending every library query once (its example values
bound as a ``VALUES`` block, the way a SPARQL client binds them), starting at a different
query so that heavy and light ones overlap. Throughput is answers per second of wall time;
latency is each request's own time, queueing included (p50 and p99).
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.run import Data, Report

CLIENTS = 50
#: Seconds the server may take to open the store and bind its port.
START_TIMEOUT = 120.0


def library_requests(data: Data) -> list[tuple[str, str]]:
    """(name, query text) for every library query, its example values bound."""
    from benchmarks.run import bindings_for
    from kg.sparql.library import library
    from kg.store import open_dist
    from kg.store.remote import bind_values

    store = open_dist(data.dist)
    out = []
    for name, entry in library().items():
        bindings = bindings_for(store, entry)
        out.append((name, bind_values(entry.text, bindings) if bindings else entry.text))
    return out


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank: p99 of 1,750 requests is the
    1,733rd fastest."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 1))))
    return ordered[rank - 1]


async def _load(
    url: str, requests: list[tuple[str, str]], clients: int
) -> tuple[list[float], dict[int, int], float]:
    import httpx

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient, offset: int) -> None:
        for i in range(len(requests)):
            _name, text = requests[(offset + i) % len(requests)]
            t0 = time.perf_counter()
            reply = await http.post(
                url,
                content=text.encode(),  # the server knows the project's prefixes
                headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
            )
            latencies.append(time.perf_counter() - t0)
            statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1

    async with httpx.AsyncClient(limits=limits, timeout=120.0) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(http, i) for i in range(clients)))
        wall = time.perf_counter() - t0
    return latencies, statuses, wall


def bench_serve(report: Report, data: Data) -> None:
    """Throughput and p99 latency of ``kg serve`` for :data:`CLIENTS` concurrent clients."""
    from benchmarks.run import Line

    if data.workspace is None:
        return
    requests = library_requests(data)
    env = {**os.environ, "KG_HOME": str(data.workspace)}
    env.pop("KG_STORE", None)
    log = data.workspace / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not (m := re.search(r"at http://127\.0\.0\.1:(\d+)/", log.read_text())):
            if proc.poll() is not None or time.monotonic() > deadline:
                report.note(f"kg serve did not start: not measured ({log.read_text()[-300:]})")
                return
            time.sleep(0.1)
        url = f"http://127.0.0.1:{m.group(1)}/sparql"
        latencies, statuses, wall = asyncio.run(_load(url, requests, CLIENTS))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    total = len(latencies)
    ok = statuses.get(200, 0)
    shown = ", ".join(f"{n} x {code}" for code, n in sorted(statuses.items()))
    what = f"{CLIENTS} clients x {len(requests)} library queries; answers: {shown}"
    report.add(
        Line(
            f"kg serve: {CLIENTS} concurrent clients, throughput (answers/s)",
            data.name,
            ok / wall,
            unit="answers/s",
            target="report; every answer 200",
            passed=ok == total,
            note=f"{what}; {total} requests in {wall:.1f} s",
        )
    )
    report.add(
        Line(
            f"kg serve: {CLIENTS} concurrent clients, p99 latency",
            data.name,
            percentile(latencies, 0.99),
            target="report",
            note=f"p50 {statistics.median(latencies) * 1e3:.0f} ms, max "
            f"{max(latencies) * 1e3:.0f} ms, queueing behind the server's workers included",
            given_spread=(min(latencies), max(latencies)),
        )
    )


if __name__ == "__main__":  # python -m benchmarks.serve WORKSPACE: the two lines alone
    from benchmarks.run import Data, Report, render

    home = Path(sys.argv[1])
    rep = Report(quick=True)
    bench_serve(rep, Data("real", home / "named.nq", home / "dist", 0, 0, workspace=home))
    sys.stdout.write(render(rep))
