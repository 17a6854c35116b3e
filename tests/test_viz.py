"""kg.viz: the page is self-contained, offline, escaped, and its data is what the graph holds.

The browser itself is driven in test_viz_browser.py; these tests read the HTML and the data.
"""

from __future__ import annotations

import html
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
    # a javascript: source is shown as text with no link; our own IRIs are names, not pages
    assert ["javascript:window.__pwned='source'", None] in by_id["img"]["sources"]
    assert ["kg:essay-2015", None] in by_id["img"]["sources"]
    assert by_id["script"]["sources"] == [
        ["https://example.org/news/1", "https://example.org/news/1"]
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
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in large["nodes"])
    assert viz.page_data(nx.path_graph(5), physics=True)["physics"] is True


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
