"""Browser helpers for the tests and benchmarks: Debian's Chromium driven by Playwright.

Never a browser that Playwright downloads: ``/usr/bin/chromium`` (or ``$KG_CHROMIUM``), started
with the flags this machine needs (no sandbox as root, no background networking).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

#: Debian's Chromium and the flags the browser tests and benchmarks use.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


def measure_draw_time(
    path: str | os.PathLike[str],
    *,
    settled: bool = False,
    timeout: float = 120.0,
    browser: Any = None,
) -> float:
    """Seconds from navigation until the page has drawn (``settled``: until physics stopped),
    in headless Debian Chromium driven by Playwright (imported here: a dev dependency).

    Give ``browser`` (a Playwright ``Browser``) to reuse one; else one is started and closed.
    A fresh browser context per call, so no cache is shared between measurements.
    """
    if browser is not None:
        return _draw_time(browser, path, settled=settled, timeout=timeout)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
        try:
            return _draw_time(launched, path, settled=settled, timeout=timeout)
        finally:
            launched.close()


def _draw_time(
    browser: Any, path: str | os.PathLike[str], *, settled: bool, timeout: float
) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(Path(path).resolve().as_uri())
        return wait_for_flag(page, "kgSettled" if settled else "kgDrawn", timeout=timeout)
    finally:
        context.close()


def wait_for_flag(page: Any, flag: str, *, timeout: float = 120.0) -> float:
    """Poll a Playwright page until ``window[flag]`` is set; its value in seconds.

    Polled from Python because the page's Content-Security-Policy forbids the ``eval`` that
    ``page.wait_for_function`` would need.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(f"() => window[{json.dumps(flag)}]")
        if value is not None:
            return float(value) / 1000.0
        if time.monotonic() > deadline:
            raise TimeoutError(f"window.{flag} was not set within {timeout:.0f} s")
        page.wait_for_timeout(25)


def chromium_path() -> str:
    """Debian's Chromium, or ``$KG_CHROMIUM``; never a browser that Playwright downloads."""
    path = os.environ.get("KG_CHROMIUM", CHROMIUM)
    if not Path(path).is_file():
        raise FileNotFoundError(
            f"no Chromium at {path}: install Debian's (apt-get install -y chromium) "
            "or set $KG_CHROMIUM"
        )
    return path
