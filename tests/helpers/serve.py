"""`kg serve` in a subprocess on a free loopback port, for the tests that need a live server."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]

    @property
    def endpoint(self) -> str:
        return f"{self.url}/sparql"


@contextlib.contextmanager
def kg_serve(args: list[str], home: Path, log: Path) -> Iterator[Server]:
    """`kg serve --port 0 ARGS` in a subprocess, until the block ends."""
    env = {**os.environ, "KG_HOME": str(home)}
    env.pop("KG_STORE", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", "0", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + 60
        while not (m := re.search(r"at http://127\.0\.0\.1:(\d+)/", log.read_text())):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"kg serve did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield Server(f"http://127.0.0.1:{m.group(1)}", proc)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
