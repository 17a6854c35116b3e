"""Screenshots of the real pages, as a reader first sees them: `python docs/views/screenshots.py`.

Each page is written by `kg viz` (through KnowledgeGraph.to_html) from the built graph (run
`kg build` first), opened in headless Debian Chromium through Playwright (the dev extra; the
browser the tests use, tests/helpers/browser.py) at the tests' viewport, 1400 x 900, and
photographed once drawn: PNGs beside this script. With the shared data beside the checkout (or
--landscape), the 2026 CNCF landscape is imported and built in a temporary workspace too, and
its page photographed closed and with one group open. It prints the first-drawing time of each
page.

    python docs/views/screenshots.py
    python docs/views/screenshots.py \\
        --landscape ../shared/data/cncf-landscape/landscape-2026-08-07.yml \\
        --guide ../shared/data/cncf-landscape/guide-2026-07-02.yml
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from kg import KnowledgeGraph  # noqa: E402
from tests.helpers import browser as helpers  # noqa: E402

SHARED = REPO.parent / "shared" / "data" / "cncf-landscape"
VIEWPORT = {"width": 1400, "height": 900}


def shoot(browser: Any, page_path: Path, png: Path, actions: str | None = None) -> float:
    """Open the page, wait for its drawing (and its settling), run ``actions`` (JavaScript),
    photograph it; the seconds to the first drawing."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(page_path.resolve().as_uri())
        drawn = helpers.wait_for_flag(page, "kgDrawn")
        helpers.wait_for_flag(page, "kgSettled")
        if actions:
            page.evaluate(f"() => {{ {actions} }}")
        page.wait_for_timeout(400)
        page.screenshot(path=str(png))
        return drawn
    finally:
        context.close()


def landscape_workspace(landscape: Path, guide: Path | None, home: Path) -> KnowledgeGraph:
    """The curated graph with the landscape imported, built in ``home``."""
    from kg.build import build
    from kg.importers.landscape import import_landscape

    import_landscape(landscape, guide=guide, out_dir=home / "imports")
    result = build(out=home / "dist", imports=home / "imports", validate=False)
    return KnowledgeGraph(result.store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landscape", type=Path, default=SHARED / "landscape-2026-08-07.yml")
    parser.add_argument("--guide", type=Path, default=SHARED / "guide-2026-07-02.yml")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    graph = KnowledgeGraph.open(note=print)
    shots: list[tuple[str, KnowledgeGraph, str, str | None]] = [
        ("organizations", graph, "organizations", None),
        ("ecosystem", graph, "ecosystem", None),
        ("deals", graph, "deals", None),
        # the slider moved back to the end of 2015: the graph of the essay's year
        ("organizations-2015", graph, "organizations", "kg.setYear(2015);"),
        ("events", graph, "events", None),
        ("full", graph, "full", None),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if args.landscape.is_file():
            guide = args.guide if args.guide and args.guide.is_file() else None
            land = landscape_workspace(args.landscape, guide, folder / "landscape")
            shots.append(("landscape", land, "ecosystem", None))
            top = "Orchestration & Management"
            shots.append((
                "landscape-open", land, "ecosystem",
                f"kg.open(kg.groupIndex('{top}'));"
                f"kg.open(kg.groupIndex('Scheduling & Orchestration', '{top}'));",
            ))  # fmt: skip
        else:
            print(f"no landscape at {args.landscape}: its pages are left out")
        pages: dict[tuple[int, str], Path] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=helpers.chromium_path(), args=list(helpers.CHROMIUM_ARGS)
            )
            try:
                for name, source, view, actions in shots:
                    key = (id(source), view)
                    if key not in pages:
                        pages[key] = folder / f"{name}.html"
                        source.to_html(pages[key], view=view)
                    png = args.out / f"{name}.png"
                    seconds = shoot(browser, pages[key], png, actions)
                    print(f"wrote {png} (first drawing {seconds:.2f} s)")
            finally:
                browser.close()


if __name__ == "__main__":
    main()
