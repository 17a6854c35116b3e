/* container-kg page: draws the graph with vis-network and builds the panel.
 *
 * Everything that comes from the data is set as text (textContent, DOM nodes), never parsed as
 * HTML; links are made only for http(s) URLs. The data arrives as JSON in a non-executable
 * script element (type application/json), escaped on the Python side.
 * Exposed for tests and benchmarks: window.kgNetwork, window.kgNodes, window.kgEdges (vis
 * DataSets holding every node and edge), window.kgShown (the nodes the filters let through),
 * window.kgDrawn and window.kgSettled (performance.now() of the first drawing and of the end
 * of the layout).
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var MAX_MATCHES = 15;
  var MAX_SOURCES = 6;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(value) {
    if (typeof value !== "string") return null;
    try {
      var url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(text, href) {
    var url = safeUrl(href);
    if (!url) return el("span", null, text);
    var a = el("a", null, text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer nofollow";
    return a;
  }

  function facts(rows) {
    var dl = el("dl", "kg-facts");
    rows.forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") return;
      dl.appendChild(el("dt", null, row[0]));
      var dd = el("dd");
      if (row[1] instanceof Node) dd.appendChild(row[1]);
      else dd.textContent = String(row[1]);
      dl.appendChild(dd);
    });
    return dl;
  }

  function sourceList(sources) {
    if (!sources || !sources.length) return null;
    var span = el("span");
    sources.slice(0, MAX_SOURCES).forEach(function (source, i) {
      if (i) span.appendChild(document.createTextNode(", "));
      span.appendChild(link(source[0], source[1]));
    });
    if (sources.length > MAX_SOURCES) {
      span.appendChild(document.createTextNode(" and " + (sources.length - MAX_SOURCES) + " more"));
    }
    return span;
  }

  function nodeFacts(n) {
    var rows = [
      ["type", (n.types && n.types.length ? n.types : [n.type]).join(", ")],
      ["categories", (n.categories || []).join(", ")]
    ];
    (n.dates || []).forEach(function (d) { rows.push([d[0], d[1]]); });
    if (n.homepage) rows.push(["homepage", link(n.homepage[0], n.homepage[1])]);
    if (data.sizes.metric) rows.push([data.sizes.metric, n.v]);
    rows.push(["sources", sourceList(n.sources)]);
    return rows;
  }

  // --- the DataSets ----------------------------------------------------------------------
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var large = data.large;

  function nodeTitle(n) {
    var lines = [n.label, (n.types && n.types.length ? n.types : [n.type]).join(", ")];
    if (n.categories && n.categories.length) lines.push("categories: " + n.categories.join(", "));
    (n.dates || []).forEach(function (d) { lines.push(d[0] + ": " + d[1]); });
    if (n.homepage) lines.push("homepage: " + n.homepage[0]);
    if (n.sources && n.sources.length) {
      lines.push("sources: " + n.sources.slice(0, MAX_SOURCES).map(function (s) { return s[0]; }).join(", ") +
                 (n.sources.length > MAX_SOURCES ? " and " + (n.sources.length - MAX_SOURCES) + " more" : ""));
    }
    lines.push("click for details and links");
    return lines.join("\n");
  }
  function edgeTitle(e, relation) {
    var from = byId[e.from], to = byId[e.to];
    var lines = [(from ? from.label : e.from) + " " + relation.key + " " + (to ? to.label : e.to)];
    if (e.date) lines.push("date: " + e.date);
    if (e.w) lines.push("weight: " + e.w);
    if (e.price) lines.push("price: " + e.price);
    if (e.amount) lines.push("amount: " + e.amount);
    if (e.event) lines.push("event: " + e.event);
    if (e.sources && e.sources.length) lines.push("sources: " + e.sources.map(function (s) { return s[0]; }).join(", "));
    return lines.join("\n");
  }
  var visNodes = data.nodes.map(function (n) {
    var item = { id: n.id, label: n.label, size: n.s, group: "g" + n.g, title: nodeTitle(n) };
    if (typeof n.x === "number") { item.x = n.x; item.y = n.y; }
    return item;
  });
  var edgeColors = data.relations.map(function (relation) {
    return { color: relation.color, highlight: relation.color, hover: relation.color, opacity: 0.75 };
  });
  var arrow = { to: { enabled: true, scaleFactor: 0.6 } };
  var visEdges = data.edges.map(function (e, i) {
    var relation = data.relations[e.r];
    return {
      id: i,
      from: e.from,
      to: e.to,
      label: large ? undefined : relation.key,
      arrows: e.arrow ? arrow : undefined,
      color: edgeColors[e.r],
      width: e.w ? 1.2 + 1.5 * Math.log2(e.w) : undefined,
      title: edgeTitle(e, relation)
    };
  });
  var groups = {};
  data.groups.forEach(function (group, i) {
    groups["g" + i] = {
      color: {
        background: group.color, border: group.border,
        highlight: { background: group.color, border: "#111" },
        hover: { background: group.color, border: "#111" }
      }
    };
  });

  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var filter = { type: "", category: "" };
  var shownNodes = new vis.DataView(nodes, {
    filter: function (item) {
      var n = byId[item.id];
      if (filter.type && (n.types && n.types.length ? n.types : [n.type]).indexOf(filter.type) < 0) return false;
      if (filter.category && (n.categories || []).indexOf(filter.category) < 0) return false;
      return true;
    }
  });

  var options = {
    autoResize: true,
    groups: groups,
    layout: { improvedLayout: false, randomSeed: 42 },
    nodes: {
      shape: "dot",
      borderWidth: 1,
      font: { size: large ? 12 : 14, color: "#222", strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { label: { drawThreshold: large ? 9 : 5 } }
    },
    edges: {
      width: 1.2,
      selectionWidth: 2,
      font: { size: 10, color: "#555", strokeWidth: 3, strokeColor: "#ffffff", align: "horizontal" },
      smooth: large ? false : { enabled: true, type: "continuous", roundness: 0.3 }
    },
    interaction: {
      hover: !large,
      tooltipDelay: 150,
      hideEdgesOnDrag: large,
      hideEdgesOnZoom: large,
      navigationButtons: false,
      keyboard: { enabled: true, bindToWindow: false }
    },
    physics: data.physics ? {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -70, centralGravity: 0.008, springLength: 110,
                          springConstant: 0.06, avoidOverlap: 0.4 },
      stabilization: { enabled: true, iterations: 400, updateInterval: 50, fit: true },
      minVelocity: 1
    } : { enabled: false }
  };

  var container = document.getElementById("kg-graph");
  var network = new vis.Network(container, { nodes: shownNodes, edges: edges }, options);
  window.kgNetwork = network;
  window.kgNodes = nodes;
  window.kgEdges = edges;
  window.kgShown = shownNodes;

  var status = document.getElementById("kg-status");
  network.once("afterDrawing", function () {
    window.kgDrawn = performance.now();
    if (!data.physics) {
      window.kgSettled = window.kgDrawn;
      status.textContent = "drawn in " + (window.kgDrawn / 1000).toFixed(2) + " s (layout computed beforehand)";
    }
  });
  if (data.physics) {
    status.textContent = "settling…";
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      window.kgSettled = performance.now();
      status.textContent = "settled in " + (window.kgSettled / 1000).toFixed(2) + " s; drag nodes to rearrange";
    });
  }

  // --- the legend ------------------------------------------------------------------------
  var legend = document.getElementById("kg-legend");
  function legendRow(swatch, text, count) {
    var row = el("div", "kg-legend-row");
    row.appendChild(swatch);
    row.appendChild(el("span", null, text));
    if (count !== undefined) row.appendChild(el("span", "kg-count", count.toLocaleString("en")));
    return row;
  }
  legend.appendChild(el("h2", null, "Colour: " + data.colorBy));
  data.groups.forEach(function (group) {
    var swatch = el("span", "kg-swatch");
    swatch.style.background = group.color;
    legend.appendChild(legendRow(swatch, group.key, group.count));
  });
  if (data.relations.length) {
    legend.appendChild(el("h2", null, "Edges: relation"));
    data.relations.forEach(function (relation) {
      var line = el("span", "kg-line");
      line.style.borderColor = relation.color;
      legend.appendChild(legendRow(line, relation.key + (relation.directed ? " →" : ""), relation.count));
    });
  }
  legend.appendChild(el("h2", null, "Size: " + (data.sizes.metric || "uniform")));
  if (data.sizes.metric) {
    var sizes = el("div", "kg-sizes");
    [[data.sizes.minSize, data.sizes.min], [data.sizes.maxSize, data.sizes.max]].forEach(function (pair, i) {
      var dot = el("span", "kg-swatch");
      var px = Math.max(6, Math.min(34, pair[0]));
      dot.style.width = px + "px";
      dot.style.height = px + "px";
      if (i) sizes.appendChild(el("span", null, "→"));
      sizes.appendChild(dot);
      sizes.appendChild(el("span", null, String(pair[1])));
    });
    legend.appendChild(sizes);
    legend.appendChild(el("p", "kg-muted", data.sizes.metric === "degree" ?
      "Area grows with the number of neighbours." : "Area grows with " + data.sizes.metric + "."));
  }

  // --- details of the selected node --------------------------------------------------------
  var details = document.getElementById("kg-details");
  function showDetails(id) {
    var n = byId[id];
    details.textContent = "";
    if (!n) { details.hidden = true; return; }
    details.hidden = false;
    details.appendChild(el("h2", null, n.label));
    details.appendChild(facts(nodeFacts(n)));
    var neighbours = network.getConnectedNodes(id);
    if (neighbours.length) {
      details.appendChild(el("div", "kg-muted", neighbours.length + " neighbour" + (neighbours.length === 1 ? "" : "s")));
      var list = el("ul", "kg-list");
      neighbours.slice(0, 30).forEach(function (other) { list.appendChild(nodeButton(other)); });
      details.appendChild(list);
    }
  }
  function nodeButton(id) {
    var li = el("li");
    var button = el("button", null, byId[id] ? byId[id].label : id);
    button.type = "button";
    button.addEventListener("click", function () { focusNode(id); });
    li.appendChild(button);
    return li;
  }
  function focusNode(id) {
    if (!shownNodes.get(id)) { resetFilters(); }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 400 } });
    showDetails(id);
  }
  network.on("selectNode", function (params) { showDetails(params.nodes[0]); });
  network.on("deselectNode", function () { details.hidden = true; });

  // --- search ------------------------------------------------------------------------------
  var search = document.getElementById("kg-search");
  var matches = document.getElementById("kg-matches");
  var lowered = data.nodes.map(function (n) { return [n.label.toLowerCase(), n.id]; });
  var pending = null;
  function findMatches(text) {
    var q = text.trim().toLowerCase();
    if (!q) return [];
    var starts = [], contains = [];
    for (var i = 0; i < lowered.length; i++) {
      var at = lowered[i][0].indexOf(q);
      if (at === 0) starts.push(lowered[i][1]);
      else if (at > 0) contains.push(lowered[i][1]);
    }
    return starts.concat(contains);
  }
  function showMatches() {
    var found = findMatches(search.value);
    matches.textContent = "";
    found.slice(0, MAX_MATCHES).forEach(function (id) { matches.appendChild(nodeButton(id)); });
    if (search.value.trim() && !found.length) matches.appendChild(el("li", "kg-muted", "no node matches"));
    if (found.length > MAX_MATCHES) matches.appendChild(el("li", "kg-muted", (found.length - MAX_MATCHES) + " more: type more letters"));
    return found;
  }
  search.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(showMatches, 120);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = showMatches();
      if (found.length) focusNode(found[0]);
    }
  });

  // --- filters -----------------------------------------------------------------------------
  var typeSelect = document.getElementById("kg-filter-type");
  var categorySelect = document.getElementById("kg-filter-category");
  function fillSelect(select, entries) {
    entries.forEach(function (entry) {
      var option = el("option", null, entry[0] + " (" + entry[1].toLocaleString("en") + ")");
      option.value = entry[0];
      select.appendChild(option);
    });
    if (!entries.length) select.disabled = true;
  }
  fillSelect(typeSelect, data.types);
  fillSelect(categorySelect, data.categories);
  function applyFilters() {
    filter.type = typeSelect.value;
    filter.category = categorySelect.value;
    shownNodes.refresh();
    network.fit({ animation: false });
  }
  function resetFilters() {
    typeSelect.value = "";
    categorySelect.value = "";
    applyFilters();
  }
  typeSelect.addEventListener("change", applyFilters);
  categorySelect.addEventListener("change", applyFilters);
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.fit({ animation: { duration: 400 } });
  });
})();
