"""The landscape page in a browser: its first drawing and a step of its time slider.

Headless Debian Chromium driven by Playwright (tests/helpers/browser.py: never a browser that
Playwright downloads). The page is the ecosystem view of the real data (curated graph + 2026
landscape), written by ``KnowledgeGraph.to_html`` as ``kg viz`` writes it. First drawing: from
navigation until the page says it has drawn (``window.kgDrawn``), a fresh browser context each
time. Slider step: the year slider moved until the graph of that year is drawn, as the page
times it itself (``kg.timings.slider``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.run import Data, Report

FIRST_DRAW = 1.5  # seconds
SLIDER_STEP = 0.3  # seconds
VIEW = "ecosystem"
#: The pages whose slider is stepped, the first that shows one (a page of more than
#: kg.viz.layout.LARGE nodes is drawn grouped, without a slider).
SLIDER_VIEWS = ("ecosystem", "organizations", "events", "deals")


def _unavailable() -> str | None:
    """Why the browser lines cannot be measured here, or None."""
    import importlib.util

    from tests.helpers.browser import chromium_path

    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (a dev dependency)"
    try:
        chromium_path()
    except FileNotFoundError as exc:
        return str(exc)
    return None


def bench_page(report: Report, data: Data) -> None:
    """First drawing (median of three) and slider steps of the page of ``data``."""
    from benchmarks.run import Line, Seconds

    if data.workspace is None:
        return
    why = _unavailable()
    if why is not None:
        for what in ("first drawing", "time-slider step"):
            report.note(f"page {what} in Chromium: not measured: {why}")
        return
    from playwright.sync_api import sync_playwright

    from kg import KnowledgeGraph
    from tests.helpers.browser import CHROMIUM_ARGS, chromium_path, measure_draw_time, wait_for_flag

    graph = KnowledgeGraph.open(data.dist)
    with tempfile.TemporaryDirectory(prefix="kg-bench-page-") as tmp:
        path = Path(tmp) / f"{VIEW}.html"
        graph.to_html(path, view=VIEW)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
            try:
                draws = [
                    measure_draw_time(path, browser=browser)
                    for _ in range(max(3, report.plan(data.name).repeats))
                ]
                # the landscape's page has no dated edges (no slider): then the next view's
                steps, slider_view = [], VIEW
                for slider_view in SLIDER_VIEWS:
                    page = Path(tmp) / f"{slider_view}.html"
                    if not page.exists():
                        graph.to_html(page, view=slider_view)
                    steps = _slider_steps(browser, page, wait_for_flag)
                    if steps:
                        break
            finally:
                browser.close()
    first = Seconds(draws)
    report.add(
        Line(
            f"page first drawing in Chromium ({VIEW} view)",
            data.name,
            first,
            target=f"<{FIRST_DRAW} s",
            passed=first < FIRST_DRAW,
            note=f"{graph.to_networkx(VIEW).number_of_nodes():,} nodes; a fresh browser "
            "context each time; until window.kgDrawn",
        )
    )
    if not steps:
        shown = " and ".join(SLIDER_VIEWS)
        report.note(f"page time-slider step: not measured: the {shown} pages show no slider")
        return
    step = Seconds(steps)
    report.add(
        Line(
            f"page time-slider step in Chromium ({slider_view} view)",
            data.name,
            step,
            target=f"<{SLIDER_STEP} s (slowest step)",
            passed=max(steps) < SLIDER_STEP,
            note=f"{len(steps)} steps, the slowest {max(steps) * 1e3:.0f} ms; timed by the page "
            f"(kg.timings.slider); the first of the {', '.join(SLIDER_VIEWS)} pages that has a "
            "slider (a larger page is drawn grouped, without one)",
        )
    )


def _slider_steps(browser: Any, path: Path, wait_for_flag: Any) -> list[float]:
    """Seconds of each slider step the page timed: a few years across its range, then back
    to all dates. Empty when the page has no time slider."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(path.resolve().as_uri())
        wait_for_flag(page, "kgSettled", timeout=120)
        if page.evaluate("() => document.getElementById('kg-time').hidden"):
            return []
        slider = page.locator("#kg-slider")
        low, high = (int(slider.get_attribute(a) or 0) for a in ("min", "max"))
        years = [*sorted({low + (high - low) * k // 4 for k in range(1, 4)}), high]
        for year in years:
            slider.fill(str(year))
            page.wait_for_timeout(100)
        times = page.evaluate("() => kg.timings.slider")
        return [float(t) / 1000 for t in times]
    finally:
        context.close()


if __name__ == "__main__":  # python -m benchmarks.page WORKSPACE: the two lines alone
    import sys

    from benchmarks.run import Data, Report, render

    home = Path(sys.argv[1])
    rep = Report(quick=True)
    bench_page(rep, Data("real", home / "named.nq", home / "dist", 0, 0, workspace=home))
    sys.stdout.write(render(rep))
    for text in rep.notes:
        print(f"note: {text}")
