"""kg.viz: the page is self-contained, offline, escaped, and its data is what the graph holds.

The browser itself is driven in test_viz_browser.py; these tests read the HTML and the data.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from kg import viz
from kg.cli import cli
from kg.errors import OutputError, UsageError
from kg.viz import data as viz_data
from kg.viz.data import PALETTE
from kg.viz.layout import CHAR
from kg.viz.page import csp_hash

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "viz" / "hostile.json"


def fixture_graph(path: Path = HOSTILE) -> tuple[nx.MultiDiGraph, str]:
    """The hand-made graph of a fixture file, and its title."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    graph = nx.MultiDiGraph()
    for node in raw["nodes"]:
        attrs = {k: v for k, v in node.items() if k != "id"}
        graph.add_node(node["id"], types=[node["type"]], **attrs)
    for edge in raw["edges"]:
        attrs = {k: v for k, v in edge.items() if k not in ("from", "to", "key")}
        graph.add_edge(edge["from"], edge["to"], key=edge.get("key"), **attrs)
    return graph, raw["title"]


def embedded_data(page: str) -> dict[str, Any]:
    """The JSON the page draws, read back the way the page reads it."""
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert match, "no data element"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def hostile() -> tuple[nx.MultiDiGraph, str, str]:
    graph, title = fixture_graph()
    return graph, title, viz.render_html(graph, title=title)


# --- self-contained and offline ---------------------------------------------------------------


def test_page_is_one_file_that_fetches_nothing(hostile: tuple[nx.MultiDiGraph, str, str]) -> None:
    page = hostile[2]
    # the markup around the scripts' contents: three script elements, nothing that loads
    markup = re.sub(r"(<script[^>]*>).*?(</script>)", r"\1\2", page, flags=re.S)
    tags = re.findall(r"<(script|link|img|iframe|object|embed|base)\b[^>]*>", markup, re.I)
    assert [t.lower() for t in tags] == ["script", "script", "script"]
    assert not re.search(r"<script[^>]*\bsrc=", markup, re.I)
    assert not re.search(r"\b(src|href)=", markup, re.I)
    assert "cdn" not in page.lower().replace("cdn_", "")  # no CDN host anywhere
    # vis-network itself is inside, and the policy forbids fetching anything at all
    assert "vis-network" in page and "new vis.Network" in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1)
    assert "unsafe-inline" not in csp.group(1).split("script-src", 1)[1].split(";")[0]


def test_script_hashes_in_the_policy_match_the_scripts(
    hostile: tuple[nx.MultiDiGraph, str, str],
) -> None:
    page = hostile[2]
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    for script in scripts:
        assert csp_hash(script) in page


def test_title_is_printed_once_and_escaped(hostile: tuple[nx.MultiDiGraph, str, str]) -> None:
    _graph, title, page = hostile
    assert page.count("<h1") == 1
    assert f'<h1 id="kg-title">{html.escape(title)}</h1>' in page
    assert f"<title>{html.escape(title)}</title>" in page
    assert "<script>window.__pwned" not in page


# --- escaping ---------------------------------------------------------------------------------


def test_hostile_text_never_appears_as_markup(hostile: tuple[nx.MultiDiGraph, str, str]) -> None:
    page = hostile[2]
    head, _, rest = page.partition('<script type="application/json" id="kg-data">')
    data_text, _, tail = rest.partition("</script>")
    for text in ("<img", "<svg", "</script><script>", "<b onmouseover", "<!-- comment"):
        assert text not in data_text
    assert "\u2028" not in data_text and "\u2029" not in data_text
    assert "<" not in data_text and ">" not in data_text and "&" not in data_text
    markup = head + tail.split("<script>", 1)[0]  # everything outside the scripts
    for text in ("<img", "<svg", "<script>window", "<b "):
        assert text not in markup


def test_hostile_text_survives_as_text(hostile: tuple[nx.MultiDiGraph, str, str]) -> None:
    graph, title, page = hostile
    data = embedded_data(page)
    assert data["title"] == title
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels == {node: attrs["label"] for node, attrs in graph.nodes(data=True)}
    relations = {r["key"] for r in data["relations"]}
    assert "<img src=x onerror=window.__pwned='relation'>" in relations
    categories = {name for name, _count in data["categories"]}
    assert "</select><img src=x onerror=window.__pwned='option'>" in categories


def test_only_web_urls_become_links(hostile: tuple[nx.MultiDiGraph, str, str]) -> None:
    data = embedded_data(hostile[2])
    by_id = {n["id"].rsplit("/", 1)[1]: n for n in data["nodes"]}
    # javascript: and data: are shown as text, with no link
    assert by_id["img"]["homepage"] == ["javascript:window.__pwned='homepage'", None]
    assert by_id["svg"]["homepage"] == ["data:text/html,<script>alert(1)</script>", None]
    web = "https://example.org/script?a=1&b=<2>"
    assert by_id["script"]["homepage"] == [web, web]
    assert by_id["docker"]["homepage"] == ["https://www.docker.com/", "https://www.docker.com/"]
    # a javascript: source is shown as text with no link; our own IRIs are names, not web
    # pages; each source is listed once for the page, with its title
    sources = data["sources"]
    img = [sources[i] for i in by_id["img"]["src"]]
    assert [
        "javascript:window.__pwned='source'", None,
        "<img src=x onerror=window.__pwned='source-title'>",
    ] in img  # fmt: skip
    assert ["kg:essay-2015", None, "Essay"] in img
    assert [sources[i] for i in by_id["script"]["src"]] == [
        ["https://example.org/news/1", "https://example.org/news/1",
         "</script><script>window.__pwned='title2'</script>"]
    ]  # fmt: skip
    edge = next(e for e in data["edges"] if "eventLabel" in e)
    assert [sources[i][:2] for i in edge["src"]] == [
        ["https://example.org/news/1", "https://example.org/news/1"],
        ["javascript:window.__pwned='edge-source'", None],
    ]


def test_script_json_escapes_what_closes_a_script() -> None:
    text = viz.script_json({"a": "</script><!-- & \u2028\u2029"})
    assert re.fullmatch(r"[^<>&\u2028\u2029]*", text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029"}


# --- what the page draws ----------------------------------------------------------------------


def test_nodes_edges_and_legends_match_the_graph(
    hostile: tuple[nx.MultiDiGraph, str, str],
) -> None:
    graph, _title, page = hostile
    data = embedded_data(page)
    assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
    # the co-member edge stated both ways is drawn once, without an arrow
    drawn = {
        (e["from"], e["to"], data["relations"][e["r"]]["key"], e["arrow"]) for e in data["edges"]
    }
    svg, docker = "https://w3id.org/container-kg/id/svg", "https://w3id.org/container-kg/id/docker"
    assert (docker, svg, "co-member", False) in drawn
    assert not any(edge[:3] == (svg, docker, "co-member") for edge in drawn)
    assert len(data["edges"]) == graph.number_of_edges() - 1
    acquired = [e for e in data["edges"] if data["relations"][e["r"]]["key"] == "acquired"]
    assert len(acquired) == 1 and acquired[0]["arrow"] is True and acquired[0]["date"] == "2018"
    # legend counts add up to what is drawn
    assert sum(g["count"] for g in data["groups"]) == graph.number_of_nodes()
    assert sum(r["count"] for r in data["relations"]) == len(data["edges"])
    # degree: distinct neighbours, whatever the direction or the number of edges between them
    neighbours = dict(nx.Graph(graph.to_undirected()).degree())
    assert data["sizes"]["metric"] == "degree"
    assert data["sizes"]["max"] == max(neighbours.values()) == 2
    assert data["sizes"]["min"] == min(neighbours.values()) == 1
    values = {n["id"]: n["v"] for n in data["nodes"]}
    assert values == neighbours
    sizes = {n["id"]: n["s"] for n in data["nodes"]}
    assert sizes[docker] == max(sizes.values())  # the best-connected node is the biggest


def test_colour_legend_caps_at_the_palette() -> None:
    graph = nx.Graph()
    for i in range(30):
        graph.add_node(f"n{i}", label=f"N{i}", type=f"Kind{i:02d}")
    data = viz.page_data(graph, size_by="none")
    assert len(data["groups"]) == len(PALETTE)
    assert data["groups"][-1] == {
        "key": f"{30 - len(PALETTE) + 1} others",
        "color": viz_data.OTHER,
        "count": 30 - len(PALETTE) + 1,
        "border": viz_data.darker(viz_data.OTHER),
    }
    assert {n["s"] for n in data["nodes"]} == {8.0}  # uniform when sized by nothing


def test_colour_by_category_and_community() -> None:
    graph = nx.Graph()
    graph.add_nodes_from(["a", "b", "c"], type="Company", categories=["Zeta", "Alpha"])
    graph.add_nodes_from(["x", "y", "z"], type="Company")
    graph.add_edges_from([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x")])
    data = viz.page_data(graph, color_by="category")
    assert {g["key"]: g["count"] for g in data["groups"]} == {"Alpha": 3, "no category": 3}
    data = viz.page_data(graph, color_by="community")
    groups = [data["groups"][n["g"]]["key"] for n in data["nodes"]]
    assert len(set(groups)) == 2 and groups[0] == groups[1] == groups[2] != groups[3]


def test_unknown_choices_are_usage_errors() -> None:
    graph = nx.path_graph(3)
    with pytest.raises(UsageError, match="cannot colour by 'shape'"):
        viz.render_html(graph, color_by="shape")
    with pytest.raises(UsageError, match="cannot size by 'age'"):
        viz.render_html(graph, size_by="age")


def test_small_graphs_settle_large_ones_are_laid_out(monkeypatch: pytest.MonkeyPatch) -> None:
    small = viz.page_data(nx.path_graph(5))
    assert small["physics"] is True and small["large"] is False
    monkeypatch.setattr(viz_data, "LARGE", 4)
    large = viz.page_data(nx.path_graph(5))
    assert large["physics"] is False and large["large"] is True
    assert large["layout"] == "grouped"  # positions come from the groups, in the page
    fixed = viz.page_data(nx.path_graph(5), layout_name="fixed")
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in fixed["nodes"])
    assert viz.page_data(nx.path_graph(5), physics=True)["physics"] is True
    with pytest.raises(UsageError, match="unknown layout 'spiral'"):
        viz.page_data(nx.path_graph(5), layout_name="spiral")


def test_layout_packs_components_instead_of_scattering_them() -> None:
    graph = nx.barabasi_albert_graph(300, 2, seed=3)
    graph.add_nodes_from(range(1000, 1040))  # 40 isolated nodes
    positions = viz.layout(graph)
    assert set(positions) == set(graph.nodes)
    assert len({(round(x), round(y)) for x, y in positions.values()}) == len(positions)
    main = [positions[n] for n in range(300)]
    width = max(x for x, _ in main) - min(x for x, _ in main)
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    # the strays sit beside the main component, not ten times farther out
    assert max(max(xs) - min(xs), max(ys) - min(ys)) < 2.5 * width


def test_write_html_is_utf8_and_atomic(tmp_path: Path) -> None:
    graph, title = fixture_graph()
    target = tmp_path / "deep" / "page.html"
    page = viz.write_html(target, graph, title=title)
    raw = target.read_bytes()
    assert raw.decode("utf-8") == page.html
    assert "東京".encode() in raw and "é".encode() in raw
    assert page.nodes == 4 and page.edges == 3 and len(page) == len(raw)
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]  # no temp file left


def test_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match=r"cannot make the folder .*file: a file"):
        viz.write_html(blocker / "page.html", nx.path_graph(2))


def test_page_shows_inline_in_a_notebook() -> None:
    page = viz.page(nx.path_graph(2), title='Say "hi" & <go>')
    frame = page._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts' in frame
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', frame)
    assert srcdoc and html.unescape(srcdoc.group(1)) == page.html


# --- the library facade and the command -------------------------------------------------------


def test_to_html_draws_the_projected_view(kg_graph: Any, tmp_path: Path) -> None:
    from kg.views import project

    expected = project(kg_graph.store, "ecosystem")
    page = kg_graph.to_html(tmp_path / "eco.html", view="ecosystem")
    assert page.path == tmp_path / "eco.html" and page.path.is_file()
    data = embedded_data(page.path.read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} == set(expected.nodes)
    assert data["title"] == "container-kg: ecosystem"
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert (
        labels["https://w3id.org/container-kg/id/docker"]
        == expected.nodes["https://w3id.org/container-kg/id/docker"]["label"]
    )


def test_viz_command_writes_the_page(home: Path, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out" / "orgs.html"
    result = runner.invoke(
        cli, ["viz", "--view", "organizations", "--color-by", "community", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: ")
    data = embedded_data(out.read_text(encoding="utf-8"))
    assert data["colorBy"] == "community" and data["nodes"]
    assert re.search(rf"{len(data['nodes'])} nodes, {len(data['edges'])} edges", result.output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--view", "nope"], "Error: unknown view 'nope'"),
        (["--color-by", "shape"], "Invalid value for '--color-by'"),
        (["--as-of", "yesterday"], "Error: 'yesterday' is not a date"),
    ],
)
def test_viz_command_refuses_bad_input(
    home: Path, runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(cli, ["viz", *args, "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()


def test_viz_help_has_an_example(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["viz", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_many_isolated_nodes_are_left_out_unless_asked() -> None:
    import networkx as nx

    from kg import viz

    graph = nx.MultiDiGraph()
    graph.add_edge("https://x/a", "https://x/b", relation="acquired")
    graph.add_nodes_from(f"https://x/lonely-{i}" for i in range(viz.MAX_ISOLATES + 1))
    auto = viz.page(graph)
    assert (auto.nodes, auto.hidden) == (2, viz.MAX_ISOLATES + 1)
    assert f"{viz.MAX_ISOLATES + 1:,} nodes without edges not drawn" in auto.html
    shown = viz.page(graph, isolates=True)
    assert (shown.nodes, shown.hidden) == (viz.MAX_ISOLATES + 3, 0)
    few = nx.MultiDiGraph()
    few.add_edge("https://x/a", "https://x/b")
    few.add_node("https://x/lonely")
    assert (viz.page(few).nodes, viz.page(few, isolates=False).nodes) == (3, 2)


# --- what the pages tell: events, sources, time, groups ---------------------------------------

TINY = Path(__file__).resolve().parent / "fixtures" / "analysis" / "tiny.trig"


@pytest.fixture(scope="module")
def tiny_store() -> Any:
    from kg.sources import SourceFile, ontology_files, read_sources

    return read_sources([*ontology_files(), SourceFile(TINY, None)])


def test_an_edge_carries_its_event_and_sources(tiny_store: Any) -> None:
    from kg.views import project

    data = viz.page_data(project(tiny_store, "organizations"))
    by_event = {e.get("event"): e for e in data["edges"]}
    deal = by_event["t-alpha-acquires-beta"]
    assert data["relations"][deal["r"]]["key"] == "acquired"
    assert (deal["eventType"], deal["eventLabel"]) == ("Acquisition", "Alpha acquires Beta")
    assert (deal["date"], deal["when"], deal["price"]) == ("2015-03-04", "2015-03-04", "$1M")
    assert [data["sources"][i] for i in deal["src"]] == [
        ["https://example.org/news", "https://example.org/news", "Tiny news"]
    ]
    pact = by_event["t-pact"]
    assert (pact["when"], pact["t0"]) == ("June 2015", "2015-06-01")
    funding = by_event["t-round-a"]
    assert (funding["amount"], funding["when"]) == ("$5M", "during 2014")
    assert len(data["sources"]) == 1  # one source, listed once for the whole page


def test_money_is_written_as_people_write_it() -> None:
    assert [viz.money(v) for v in (550e6, 34e9, 1.25e9, 2.5e6, 999, "n/a")] == [
        "$550M", "$34B", "$1.25B", "$2.5M", "$999", "n/a",
    ]  # fmt: skip


def test_the_slider_runs_from_the_first_dated_edge(tiny_store: Any) -> None:
    """Alpha was founded in 2010, but the first edge (the funding) is of 2014: the slider
    starts the year before it, not at the first founding of a century ago."""
    from kg.views import project

    data = viz.page_data(project(tiny_store, "organizations"))
    assert data["time"]["min"] == 2013 and data["time"]["max"] == 2018
    nodes = {n["id"].rsplit("/", 1)[1]: n for n in data["nodes"]}
    assert nodes["t-alpha"]["t0"] == "2010-01-01" and "t0" not in nodes["t-beta"]
    assert nodes["t-pact-2"]["t0"] == "2017-01-01"  # the coalition exists from its date
    graph, _title = fixture_graph()
    hostile = viz.page_data(graph)
    renamed = next(n for n in hostile["nodes"] if "rn" in n)
    assert renamed["rn"] == [["2016-01-01", "<b onclick=\"window.__pwned='former'\">Former</b>"]]
    assert viz.page_data(nx.path_graph(3))["time"] is None  # nothing dated: no slider


def test_nodes_without_edges_are_flagged_and_counted() -> None:
    graph = nx.MultiDiGraph()
    graph.add_edge("https://x/a", "https://x/b", relation="acquired")
    graph.add_nodes_from(["https://x/c", "https://x/d"])
    page = viz.page(graph)
    data = embedded_data(page.html)
    assert [n["id"] for n in data["nodes"] if n.get("iso")] == ["https://x/c", "https://x/d"]
    assert data["isolates"] == 2 and "not connected: 2" in page.html


def test_company_and_organization_share_a_colour() -> None:
    graph = nx.Graph()
    graph.add_node("a", type="Company")
    graph.add_node("b", type="Organization")
    graph.add_node("c", type="Product")
    graph.add_edges_from([("a", "c"), ("b", "c")])
    data = viz.page_data(graph)
    assert {g["key"]: g["count"] for g in data["groups"]} == {"Organization": 2, "Product": 1}
    assert dict(data["types"]) == {"Company": 1, "Organization": 1, "Product": 1}  # filters


def test_deals_are_laid_out_on_a_time_axis(kg_graph: Any) -> None:
    from kg.views import project

    graph = project(kg_graph.store, "deals")
    data = viz.page_data(graph)
    assert data["layout"] == "time" and data["physics"] is False
    x = {n["id"]: n["x"] for n in data["nodes"]}
    y = {n["id"]: n["y"] for n in data["nodes"]}
    years = dict(data["axis"]["years"])
    first_bought: dict[str, int] = {}
    for _u, v, d in graph.edges(data=True):
        if d["date"]:
            first_bought[v] = min(first_bought.get(v, 9999), int(d["date"][:4]))
    assert len(first_bought) >= 20
    earlier = data["axis"]["earlier"]
    assert earlier is not None and earlier[1] == f"before {min(years)}"  # EMC-VMware, 2003
    for v, year in first_bought.items():
        # x is the date of its first purchase (VMware: EMC's, not Broadcom's, 2022); the lone
        # deals before the axis's first busy year share one column
        if year < min(years):
            assert x[v] == earlier[0], (v, year)
        else:
            assert years[year] <= x[v] <= years[year + 1], (v, year)
    first_deal: dict[str, int] = {}
    for u, _v, d in graph.edges(data=True):
        if d["date"] and not any(True for _ in graph.in_edges(u)):
            first_deal[u] = min(first_deal.get(u, 9999), int(d["date"][:4]))
    for u, year in first_deal.items():
        if year >= min(years):
            assert x[u] < years[year + 1], (u, year)  # a buyer sits by (left of) its first deal
    # no two labels of a row overlap
    width = {n["id"]: len(n["label"]) * CHAR + 24 for n in data["nodes"]}
    rows: dict[float, list[str]] = {}
    for node, row in y.items():
        rows.setdefault(row, []).append(node)
    for row in rows.values():
        row.sort(key=x.__getitem__)
        for a, b in itertools.pairwise(row):
            assert x[a] + width[a] / 2 <= x[b] - width[b] / 2 + 1, (a, b)


def _category_graph() -> nx.MultiDiGraph:
    """Two top-level categories, Ops (with Observability and Tracing) and AI (with an
    Observability of its own); products in them; an organisation developing two Ops
    products; one unconnected node; two categories with no member."""
    g = nx.MultiDiGraph()
    cats = {"ops": "Ops", "ops-obs": "Observability", "ops-tr": "Tracing", "ai": "AI",
            "ai-obs": "Observability", "empty1": "Empty one", "empty2": "Empty two"}  # fmt: skip
    for node, label in cats.items():
        g.add_node(node, label=label, type="Category")
    for child, parent in (("ops-obs", "ops"), ("ops-tr", "ops"), ("ai-obs", "ai")):
        g.add_edge(child, parent, relation="broader")
    for i in range(4):
        g.add_node(f"p{i}", label=f"P{i}", type="Product", categories=["Observability"])
        g.add_edge(f"p{i}", "ops-obs", relation="category")
    g.add_node("p9", label="P9", type="Product", categories=["Observability"])
    g.add_edge("p9", "ai-obs", relation="category")
    g.add_node("t1", label="T1", type="Product", categories=["Tracing"])
    g.add_edge("t1", "ops-tr", relation="category")
    g.add_node("org", label="Org", type="Organization")
    g.add_edge("p0", "org", relation="developer")
    g.add_edge("p1", "org", relation="developer")
    g.add_node("alone", label="Alone", type="Organization")
    return g


def test_groups_follow_the_categories() -> None:
    g = _category_graph()
    clusters, membership = viz.groups(g)
    label = {i: c["label"] for i, c in enumerate(clusters)}

    def where(node: str) -> tuple[str, str | None]:
        top, sub = membership[node]
        return label[top], (label[sub] if sub >= 0 else None)

    assert where("p0") == ("Ops", "Observability")
    assert where("ops-obs") == ("Ops", "Observability")  # a category heads its own group
    # P9 is in AI's Observability, which shares its name with the larger one of Ops: the
    # edge decides, not the name
    assert where("p9") == ("AI", "Observability")
    assert membership["p9"][1] == membership["ai-obs"][1] != membership["p0"][1]
    assert where("t1") == ("Ops", "Tracing")
    # a sub-group of one member folds into its top-level group
    lone = _category_graph()
    lone.remove_node("t1")
    _c, places = viz.groups(lone)
    assert places["ops-tr"][1] == -1
    assert where("org") == ("Ops", None)  # with its products
    assert where("alone") == ("not connected", None)
    # the two empty top-level categories share one group
    assert where("empty1") == where("empty2") == ("categories with no member here", None)
    tops = [c for c in clusters if c["parent"] < 0]
    assert [c["label"] for c in tops][-2:] == ["categories with no member here", "not connected"]
    assert sum(c["count"] for c in tops) == g.number_of_nodes()
    ops = next(c for c in clusters if c["label"] == "Ops")
    assert ops["head"] == "ops"


def test_large_pages_start_from_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(viz_data, "LARGE", 5)
    data = viz.page_data(_category_graph())
    assert data["layout"] == "grouped" and data["clusters"]
    assert all("grp" in n for n in data["nodes"]) and data["time"] is None


def test_the_default_title_names_the_snapshot() -> None:
    graph = nx.MultiDiGraph()
    assert viz.default_title(graph, "ecosystem") == "container-kg: ecosystem"
    graph.graph["snapshots"] = "CNCF Cloud Native Landscape (2026-08-07)"
    assert viz.default_title(graph, "ecosystem", "2020") == (
        "container-kg: ecosystem as of 2020 · CNCF Cloud Native Landscape (2026-08-07)"
    )


def test_viz_command_draws_the_deals_view(home: Path, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "deals.html"
    result = runner.invoke(cli, ["viz", "--view", "deals", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = embedded_data(out.read_text(encoding="utf-8"))
    assert data["layout"] == "time" and data["axis"]["years"]
    assert {data["relations"][e["r"]]["key"] for e in data["edges"]} == {"acquired"}
