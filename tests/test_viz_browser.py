"""The pages in a real browser: Debian's Chromium, headless, driven by Playwright.

Each page is opened from a file:// URL with every request recorded: it must draw (non-blank
canvas), hold exactly the expected nodes and edges, show its legend and tooltips, and ask the
network for nothing. Hostile labels must show as text and run nothing, with the page's
Content-Security-Policy and without it (so the escaping is tested on its own).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg import viz
from tests.helpers import browser as browser_helpers
from tests.helpers.synthetic import synthetic_graph

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "viz" / "hostile.json"


@dataclass
class Opened:
    page: Any
    path: Path | None = None
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=browser_helpers.chromium_path(),
            args=list(browser_helpers.CHROMIUM_ARGS),
        )
        yield launched
        launched.close()


def open_page(browser: Any, path: Path, *, bypass_csp: bool = False) -> Opened:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp)
    page = context.new_page()
    opened = Opened(page, path)
    page.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    page.goto(path.resolve().as_uri())
    return opened


def embedded_data(opened: Opened) -> dict[str, Any]:
    """The page's data, read in Python (moving it out of the page through Playwright is slow)."""
    text = opened.page.content() if opened.path is None else opened.path.read_text("utf-8")
    start = text.index('<script type="application/json" id="kg-data">')
    body = text[text.index(">", start) + 1 : text.index("</script>", start)]
    return json.loads(body)  # type: ignore[no-any-return]


def js(opened: Opened, expression: str) -> Any:
    return opened.page.evaluate(f"() => {expression}")


def expected_edges(graph: nx.MultiDiGraph) -> Counter[tuple[str, str]]:
    """(from, to) of each edge the page should draw: a relation stated both ways with the same
    key is drawn once, from the smaller IRI."""
    stated = {(u, v, k) for u, v, k in graph.edges(keys=True)}
    drawn: Counter[tuple[str, str]] = Counter()
    for u, v, k in graph.edges(keys=True):
        if (v, u, k) in stated and u != v and u > v:
            continue
        drawn[(u, v)] += 1
    return drawn


def check_page(opened: Opened, graph: nx.MultiDiGraph, shot: Path) -> dict[str, Any]:
    """What every page must do; returns a few facts for the caller's own checks."""
    drawn = browser_helpers.wait_for_flag(opened.page, "kgDrawn", timeout=60)
    settled = browser_helpers.wait_for_flag(opened.page, "kgSettled", timeout=60)
    assert opened.errors == []
    assert opened.dialogs == []
    assert opened.requests and all(url.startswith("file://") for url in opened.requests)
    assert len(opened.requests) == 1  # the page itself, nothing else

    ids = js(opened, "window.kgNodes.getIds()")
    assert sorted(ids) == sorted(graph.nodes)
    edges = js(opened, "window.kgEdges.get().map(e => [e.from, e.to])")
    assert Counter((u, v) for u, v in edges) == expected_edges(graph)

    # the canvas has drawn: a good share of its pixels are painted
    painted = js(
        opened,
        """{ const c = document.querySelector('#kg-graph canvas');
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
             return [n, c.width * c.height]; }""",
    )
    assert painted[0] > 2000, painted

    # the legend: one row per colour and relation, and the size scale
    rows = js(opened, "document.querySelectorAll('#kg-legend .kg-legend-row').length")
    data = embedded_data(opened)
    assert rows == len(data["groups"]) + len(data["relations"]) > 0
    assert js(opened, "document.querySelector('#kg-legend .kg-sizes') !== null")
    assert js(opened, "document.querySelectorAll('h1').length") == 1

    tooltip = hover_node(opened, max(data["nodes"], key=lambda n: n["s"])["id"])
    assert tooltip["label"] and tooltip["text"].startswith(tooltip["label"])

    opened.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    return {"drawn": drawn, "settled": settled, "data": data}


def hover_node(opened: Opened, node: str) -> dict[str, Any]:
    """Centre the view on ``node``, hover it, and read the tooltip that appears."""
    page = opened.page
    page.evaluate(
        """(id) => kgNetwork.moveTo({position: kgNetwork.getPosition(id), scale: 1.5})""", node
    )
    box = page.locator("#kg-graph").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=4)
    hovered = page.evaluate(
        "([x, y]) => kgNetwork.getNodeAt({x: x, y: y})", [box["width"] / 2, box["height"] / 2]
    )
    assert hovered is not None
    for _ in range(80):
        text = js(
            opened,
            """{ const t = document.querySelector('.vis-tooltip');
                 return t && t.style.visibility === 'visible' ? t.innerText : null; }""",
        )
        if text:
            break
        page.wait_for_timeout(25)
    else:
        raise AssertionError("no tooltip appeared")
    label = page.evaluate("(id) => kgNodes.get(id).label", hovered)
    return {"id": hovered, "label": label, "text": text}


# --- the curated graph ------------------------------------------------------------------------


def test_curated_page(browser: Any, kg_graph: Any, tmp_path: Path) -> None:
    from kg.views import project

    graph = project(kg_graph.store, "organizations")
    path = tmp_path / "organizations.html"
    kg_graph.to_html(path, view="organizations")
    opened = open_page(browser, path)
    facts = check_page(opened, graph, tmp_path / "organizations.png")
    assert facts["data"]["physics"] is True
    assert facts["settled"] < 9.0  # target 3 s; generous for a busy machine
    page = opened.page

    # physics is off once settled: nothing moves any more
    before = js(opened, "kgNetwork.getPositions()")
    page.wait_for_timeout(300)
    assert js(opened, "kgNetwork.getPositions()") == before
    assert js(opened, "kgNetwork.physics.physicsEnabled") is False

    # zoom and pan
    js(opened, "kgNetwork.fit({animation: false})")
    scale = js(opened, "kgNetwork.getScale()")
    box = page.locator("#kg-graph").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] - 20)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(100)
    assert js(opened, "kgNetwork.getScale()") > scale
    view = js(opened, "kgNetwork.getViewPosition()")
    page.mouse.down()
    page.mouse.move(box["x"] + 220, box["y"] + box["height"] - 120, steps=5)
    page.mouse.up()
    assert js(opened, "kgNetwork.getViewPosition()") != view

    # search selects the node and shows its details
    docker = "https://w3id.org/container-kg/id/docker"
    label = graph.nodes[docker]["label"]
    page.fill("#kg-search", label[:5])
    page.press("#kg-search", "Enter")
    assert js(opened, "kgNetwork.getSelectedNodes()") == [docker]
    assert js(opened, "document.querySelector('#kg-details h2').textContent") == label
    assert js(opened, "document.getElementById('kg-details').hidden") is False

    # filtering by type keeps exactly the nodes of that type
    investors = sorted(n for n, d in graph.nodes(data=True) if "Investor" in d["types"])
    page.select_option("#kg-filter-type", "Investor")
    assert sorted(js(opened, "kgShown.getIds()")) == investors
    page.select_option("#kg-filter-type", "")
    assert js(opened, "kgShown.length") == graph.number_of_nodes()
    assert opened.errors == []


# --- large graphs -----------------------------------------------------------------------------


def test_large_synthetic_page(browser: Any, tmp_path: Path) -> None:
    graph = synthetic_graph(2500)
    path = tmp_path / "synthetic.html"
    viz.write_html(path, graph, title="2,500 nodes")
    opened = open_page(browser, path)
    facts = check_page(opened, graph, tmp_path / "synthetic.png")
    assert facts["data"]["physics"] is False and facts["data"]["large"] is True
    assert facts["settled"] == facts["drawn"] < 8.0  # drawn at once, no physics to wait for
    assert js(opened, "kgNetwork.physics.physicsEnabled") is False


@pytest.fixture(scope="module")
def landscape_graph(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    """The ecosystem view of the curated graph plus the 2026 landscape (a few thousand nodes)."""
    from conftest import landscape_path

    from kg.build import build
    from kg.importers.landscape import import_landscape
    from kg.views import project

    home = tmp_path_factory.mktemp("landscape")
    import_landscape(landscape_path("landscape-2026-08-07.yml"), out_dir=home / "imports")
    result = build(out=home / "dist", imports=home / "imports", validate=False)
    return project(result.store, "ecosystem")


def test_landscape_page(browser: Any, landscape_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    assert landscape_graph.number_of_nodes() > 2000
    path = tmp_path / "landscape.html"
    viz.write_html(path, landscape_graph, title="landscape")
    opened = open_page(browser, path)
    facts = check_page(opened, landscape_graph, tmp_path / "landscape.png")
    assert facts["data"]["physics"] is False
    assert facts["drawn"] < 6.0  # target 2 s; generous for a busy machine


# --- hostile data -----------------------------------------------------------------------------


def hostile_graph() -> tuple[nx.MultiDiGraph, str]:
    raw = json.loads(HOSTILE.read_text(encoding="utf-8"))
    graph = nx.MultiDiGraph()
    for node in raw["nodes"]:
        attrs = {k: v for k, v in node.items() if k != "id"}
        graph.add_node(node["id"], types=[node["type"]], **attrs)
    for edge in raw["edges"]:
        attrs = {k: v for k, v in edge.items() if k not in ("from", "to", "key")}
        graph.add_edge(edge["from"], edge["to"], key=edge.get("key"), **attrs)
    return graph, raw["title"]


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_labels_run_nothing(browser: Any, tmp_path: Path, bypass_csp: bool) -> None:
    graph, title = hostile_graph()
    path = tmp_path / "hostile.html"
    viz.write_html(path, graph, title=title)
    opened = open_page(browser, path, bypass_csp=bypass_csp)
    page = opened.page
    browser_helpers.wait_for_flag(page, "kgSettled", timeout=60)

    # every place a text goes: tooltips, details, search results, filter menus
    for node in graph.nodes:
        tooltip = hover_node(opened, node)
        assert tooltip["text"].startswith(graph.nodes[tooltip["id"]]["label"])
        page.mouse.click(*center(page))  # selects the node under the pointer: its details
        assert js(opened, "kgNetwork.getSelectedNodes()") == [tooltip["id"]]
        details = js(opened, "document.getElementById('kg-details').textContent")
        assert graph.nodes[tooltip["id"]]["label"] in details
    page.fill("#kg-search", "<")
    page.press("#kg-search", "Enter")
    page.fill("#kg-search", "script")
    page.wait_for_timeout(200)
    assert js(opened, "document.querySelectorAll('#kg-matches button').length") >= 2
    for select in ("#kg-filter-type", "#kg-filter-category"):
        for value in js(
            opened, f"[...document.querySelectorAll('{select} option')].map(o => o.value)"
        ):
            page.select_option(select, value)
    page.wait_for_timeout(300)

    assert js(opened, "window.__pwned") is None
    assert opened.dialogs == []
    assert opened.errors == []
    assert len(opened.requests) == 1
    assert js(opened, "document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    assert js(opened, "document.scripts.length") == 3
    hrefs = js(opened, "[...document.querySelectorAll('a')].map(a => a.href)")
    assert all(h.startswith(("https://", "http://")) for h in hrefs)
    # the texts are shown as they are
    assert js(opened, "document.title") == title
    assert js(opened, "document.querySelector('h1').textContent") == title
    options = js(
        opened, "[...document.querySelectorAll('#kg-filter-category option')].map(o => o.value)"
    )
    assert "</select><img src=x onerror=window.__pwned='option'>" in options
    legend = js(opened, "document.getElementById('kg-legend').textContent")
    assert "<img src=x onerror=window.__pwned='relation'>" in legend


def center(page: Any) -> tuple[float, float]:
    box = page.locator("#kg-graph").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_homepage_link_in_details(browser: Any, tmp_path: Path) -> None:
    graph, title = hostile_graph()
    path = tmp_path / "links.html"
    viz.write_html(path, graph, title=title)
    opened = open_page(browser, path)
    browser_helpers.wait_for_flag(opened.page, "kgSettled", timeout=60)
    opened.page.fill("#kg-search", "Docker")
    opened.page.press("#kg-search", "Enter")
    link = js(
        opened,
        """{ const a = [...document.querySelectorAll('#kg-details a')]
                     .find(a => a.textContent === 'https://www.docker.com/');
             return a && [a.href, a.target, a.rel]; }""",
    )
    assert link == ["https://www.docker.com/", "_blank", "noopener noreferrer nofollow"]
    # the javascript: homepage of another node is shown as text, not as a link
    opened.page.fill("#kg-search", "<img")
    opened.page.press("#kg-search", "Enter")
    details = js(opened, "document.getElementById('kg-details').textContent")
    assert "javascript:window.__pwned='homepage'" in details
    assert js(opened, "document.querySelectorAll('#kg-details a').length") == 0
    assert opened.errors == []


def test_measure_draw_time(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "small.html"
    viz.write_html(path, nx.path_graph(30))
    drawn = browser_helpers.measure_draw_time(path, browser=browser)
    settled = browser_helpers.measure_draw_time(path, settled=True, browser=browser)
    assert 0 < drawn < 30 and 0 < settled < 30


def test_notebook_iframe_draws(browser: Any, tmp_path: Path) -> None:
    """What Jupyter shows for a Page (its _repr_html_): a sandboxed srcdoc iframe that draws."""
    graph, title = hostile_graph()
    page = viz.page(graph, title=title)
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{page._repr_html_()}</body></html>", "utf-8")
    opened = open_page(browser, host)
    frame = opened.page.frame_locator("iframe")
    frame.locator("#kg-graph canvas").wait_for()
    inner = opened.page.frames[1]
    browser_helpers.wait_for_flag(inner, "kgSettled", timeout=60)
    assert inner.evaluate("() => kgNodes.length") == graph.number_of_nodes()
    assert inner.evaluate("() => document.querySelector('h1').textContent") == title
    assert inner.evaluate("() => window.__pwned") is None
    assert opened.errors == [] and opened.dialogs == []
    assert all(url.startswith(("file://", "about:")) for url in opened.requests)
