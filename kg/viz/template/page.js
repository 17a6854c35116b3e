/* container-kg page: draws the graph with vis-network and builds the panel.
 *
 * Everything that comes from the data is set as text (textContent, DOM nodes), never parsed as
 * HTML; links are made only for http(s) URLs. The data arrives as JSON in a non-executable
 * script element (type application/json), escaped on the Python side.
 *
 * Layouts (data.layout): "force" settles with physics and stops, nodes without edges set in
 * one labelled block; "fixed" and "time" draw positions computed in Python (time: x is the
 * date, with a year axis); "grouped" starts with one node per group (a category) and opens a
 * group in place on click, its members in a grid.
 *
 * Time (data.time): a year slider shows the graph as it stood at the end of that year, the
 * answer of `kg viz --as-of YEAR`: nodes from their founding (t0), edges from their event's
 * date (t0) until an ownership ended (t1), names as they were (rn).
 *
 * Exposed for tests and benchmarks: window.kgNetwork, window.kgNodes and window.kgEdges (vis
 * DataSets holding every node and edge of the graph), window.kg (setYear, open, close,
 * visibleNodes, visibleEdges, matched, drawnLabels, timings), window.kgDrawn and
 * window.kgSettled (performance.now() of the first drawing and of the end of the layout).
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var MAX_MATCHES = 15;
  var MAX_SOURCES = 8;
  var MAX_NEIGHBOURS = 40;
  var DIM = { background: "#ececea", border: "#d6d6d2" };
  var layoutMode = data.layout;
  var grouped = layoutMode === "grouped";
  var large = data.large;

  // --- small DOM helpers ---------------------------------------------------------------
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
  // Sources by their index in data.sources: [text, link or null, title or null]. The title
  // is what a reader recognises; the address is the link (only http(s)).
  function sourceList(indices, asList) {
    if (!indices || !indices.length) return null;
    var box = el(asList ? "ul" : "span", asList ? "kg-sources" : null);
    indices.slice(0, MAX_SOURCES).forEach(function (i, k) {
      var source = data.sources[i];
      var item = link(source[2] || source[0], source[1]);
      if (source[2]) item.title = source[0];
      if (asList) {
        var li = el("li");
        li.appendChild(item);
        box.appendChild(li);
      } else {
        if (k) box.appendChild(document.createTextNode(", "));
        box.appendChild(item);
      }
    });
    if (indices.length > MAX_SOURCES) {
      var more = (indices.length - MAX_SOURCES) + " more";
      box.appendChild(asList ? el("li", "kg-muted", more) : document.createTextNode(" and " + more));
    }
    return box;
  }
  function sourceNames(indices) {
    return indices.slice(0, MAX_SOURCES).map(function (i) {
      return data.sources[i][2] || data.sources[i][0];
    }).join("; ") + (indices.length > MAX_SOURCES ? " and " + (indices.length - MAX_SOURCES) + " more" : "");
  }

  // --- the data, indexed --------------------------------------------------------------
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var incident = {};
  data.nodes.forEach(function (n) { incident[n.id] = []; });
  data.edges.forEach(function (e, i) {
    e.i = i;
    incident[e.from].push(i);
    if (e.to !== e.from) incident[e.to].push(i);
  });
  function kinds(n) { return n.types && n.types.length ? n.types : [n.type]; }
  function nodeLabel(id) { return byId[id] ? currentLabel(byId[id]) : id; }

  // --- the state: year, hidden relations, filters, open groups ----------------------------
  var state = {
    year: null,           // null: every date
    off: {},              // relation index -> true when hidden from the legend
    filter: { type: "", category: "", maturity: "" },
    open: {}              // group index -> true when open
  };
  function day() { return state.year === null ? null : state.year + "-12-31"; }
  function currentLabel(n) {
    var d = day();
    if (d && n.rn) {
      for (var i = 0; i < n.rn.length; i++) if (n.rn[i][0] > d) return n.rn[i][1];
    }
    return n.label;
  }
  function existsNow(n) {
    var d = day();
    return !(d && n.t0 && n.t0 > d);
  }
  function edgeNow(e) {
    var d = day();
    if (d && ((e.t0 && e.t0 > d) || (e.t1 && e.t1 < d))) return false;
    return existsNow(byId[e.from]) && existsNow(byId[e.to]);
  }

  // --- tooltips ------------------------------------------------------------------------
  function nodeTitle(n) {
    var lines = [currentLabel(n), kinds(n).join(", ")];
    if (currentLabel(n) !== n.label) lines.push("later: " + n.label);
    if (n.categories && n.categories.length) lines.push("categories: " + n.categories.join(", "));
    if (n.maturity) lines.push("maturity: " + n.maturity);
    (n.dates || []).forEach(function (d) { lines.push(d[0] + ": " + d[1]); });
    if (n.homepage) lines.push("homepage: " + n.homepage[0]);
    if (n.src && n.src.length) lines.push("sources: " + sourceNames(n.src));
    lines.push("click for details and links");
    return lines.join("\n");
  }
  function edgeHeadline(e) {
    return nodeLabel(e.from) + " " + data.relations[e.r].key + " " + nodeLabel(e.to);
  }
  function edgeTitle(e) {
    var lines = [edgeHeadline(e)];
    if (e.eventLabel) lines.push(e.eventLabel);
    if (e.when) lines.push("date: " + e.when);
    if (e.price) lines.push("price: " + e.price);
    if (e.amount) lines.push("amount: " + e.amount);
    if (e.w) lines.push("weight: " + e.w);
    if (e.src && e.src.length) lines.push("sources: " + sourceNames(e.src));
    lines.push("click for the event and its sources");
    return lines.join("\n");
  }

  // --- vis items -----------------------------------------------------------------------
  var colours = data.groups.map(function (group) {
    return {
      background: group.color, border: group.border,
      highlight: { background: group.color, border: "#111" },
      hover: { background: group.color, border: "#111" }
    };
  });
  var dimColour = { background: DIM.background, border: DIM.border,
                    highlight: { background: DIM.background, border: "#555" },
                    hover: { background: DIM.background, border: "#555" } };
  var FONT = { size: layoutMode === "time" ? 20 : (grouped ? 13 : 14), color: "#222" };
  var DIM_FONT = { color: "#b4b4b0" };
  var labelSize = null;  // set by legibleLabels() once a physics layout has settled
  function visNode(n) {
    var item = {
      id: n.id, label: currentLabel(n), size: n.s, title: nodeTitle(n),
      color: colours[n.g], font: { color: FONT.color }
    };
    if (typeof n.x === "number") { item.x = n.x; item.y = n.y; }
    if (grouped) item.widthConstraint = { maximum: 170 };
    if (layoutMode === "force" && n.iso) item.physics = false;
    return item;
  }
  var edgeColours = data.relations.map(function (relation) {
    return { color: relation.color, highlight: relation.color, hover: relation.color, opacity: 0.8 };
  });
  var fadedEdge = { color: "#d8d8d4", highlight: "#999", hover: "#999", opacity: 0.5 };
  var arrow = { to: { enabled: true, scaleFactor: 0.6 } };
  function edgeLabel(e) {
    if (layoutMode === "time") {
      return [e.date ? e.date.slice(0, 4) : "undated", e.price].filter(Boolean).join(" · ");
    }
    return large ? undefined : data.relations[e.r].key;
  }
  function visEdge(e) {
    return {
      id: e.i, from: e.from, to: e.to, label: edgeLabel(e),
      arrows: e.arrow ? arrow : undefined, color: edgeColours[e.r],
      width: e.w ? 1.2 + 1.5 * Math.log2(e.w) : undefined, title: edgeTitle(e)
    };
  }
  var kgNodes = new vis.DataSet(data.nodes.map(visNode));
  var kgEdges = new vis.DataSet(data.edges.map(visEdge));

  // In grouped mode the network draws its own DataSets: the groups and the open groups'
  // members (added and removed as groups open and close); else it draws kgNodes and kgEdges.
  var netNodes = grouped ? new vis.DataSet() : kgNodes;
  var netEdges = grouped ? new vis.DataSet() : kgEdges;

  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 42 },
    nodes: {
      shape: "dot",
      borderWidth: 1,
      font: { size: FONT.size, color: FONT.color, strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { label: { drawThreshold: 5 } }
    },
    edges: {
      width: 1.2,
      selectionWidth: 2,
      font: { size: layoutMode === "time" ? 12 : 10, color: "#555", strokeWidth: 3,
              strokeColor: "#ffffff", align: "horizontal" },
      smooth: large || layoutMode === "time" ? false : { enabled: true, type: "continuous", roundness: 0.3 }
    },
    interaction: {
      hover: !large || grouped,
      tooltipDelay: 150,
      hideEdgesOnDrag: large,
      hideEdgesOnZoom: large && !grouped,
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
  var network = new vis.Network(container, { nodes: netNodes, edges: netEdges }, options);
  window.kgNetwork = network;
  window.kgNodes = kgNodes;
  window.kgEdges = kgEdges;
  // Each measure runs from the user's gesture (the pointer pressed, the slider moved) to the
  // end of the first drawing after the page's work is done: the drawing that shows it.
  var timings = { open: [], slider: [], filter: [] };
  var pendingTiming = null;
  var gestureAt = null;
  function gesture(event) { gestureAt = event.timeStamp; }
  container.addEventListener("pointerdown", gesture, true);
  function startTiming() {
    var now = performance.now();
    var start = gestureAt !== null && now - gestureAt < 2000 ? gestureAt : now;
    gestureAt = null;
    return start;
  }
  function timeNextDraw(kind, start) {
    pendingTiming = { kind: kind, start: start };
    network.redraw();
  }
  network.on("afterDrawing", function () {
    if (pendingTiming) {
      timings[pendingTiming.kind].push(performance.now() - pendingTiming.start);
      pendingTiming = null;
    }
  });

  // --- groups (grouped layout) -----------------------------------------------------------
  var clusters = data.clusters || [];
  var CELL_W = 190, CELL_H = 62, GROUP_W = 250, GROUP_H = 118, PAD = 28, HEADER = 44;
  var members = clusters.map(function () { return []; });   // direct node members
  var children = clusters.map(function () { return []; });  // sub-groups
  clusters.forEach(function (c, i) { if (c.parent >= 0) children[c.parent].push(i); });
  data.nodes.forEach(function (n) {
    if (!n.grp) return;
    members[n.grp[1] >= 0 ? n.grp[1] : n.grp[0]].push(n.id);
  });
  members.forEach(function (list, i) {
    var head = clusters[i].head;
    list.sort(function (a, b) {
      if (a === head) return -1;
      if (b === head) return 1;
      var la = byId[a].label.toLowerCase(), lb = byId[b].label.toLowerCase();
      return la < lb ? -1 : la > lb ? 1 : 0;
    });
  });
  var maxCount = clusters.reduce(function (m, c) { return Math.max(m, c.count); }, 1);
  function groupId(i) { return "group:" + i; }
  function groupLabel(i) {
    var c = clusters[i];
    return (c.label === "not connected" ? "not connected: " : c.label + "\n") + c.count.toLocaleString("en");
  }
  function groupNode(i) {
    var c = clusters[i];
    return {
      id: groupId(i), label: groupLabel(i), shape: "dot",
      size: 12 + 20 * Math.sqrt(c.count / maxCount),
      color: { background: "#dfe7f2", border: "#6b86ad",
               highlight: { background: "#c8d7ec", border: "#2f4f7f" },
               hover: { background: "#c8d7ec", border: "#2f4f7f" } },
      font: { size: 15, color: "#1d2b40", multi: false }, borderWidth: 2,
      widthConstraint: { maximum: 230 },
      title: c.label + ": " + c.count.toLocaleString("en") + " node" + (c.count === 1 ? "" : "s") + "\nclick to open"
    };
  }
  // Where each open group's frame is drawn (world coordinates).
  var frames = [];
  function gridSize(count) {
    var cols = Math.max(1, Math.round(Math.sqrt(count * CELL_H / CELL_W * 1.7)));
    return [cols, Math.ceil(count / cols)];
  }
  function shelf(boxes, target) {
    var x = 0, y = 0, rowH = 0, width = 0;
    boxes.forEach(function (b) {
      if (x > 0 && x + b.w > target) { x = 0; y += rowH; rowH = 0; }
      b.x = x; b.y = y;
      x += b.w; rowH = Math.max(rowH, b.h); width = Math.max(width, x);
    });
    return [width, y + rowH];
  }
  // A group's box: closed, one node; open, a frame around its members' grid and its
  // sub-groups' boxes. place(x, y) writes the positions.
  function groupBox(i) {
    if (!state.open[i]) {
      return { w: GROUP_W, h: GROUP_H, place: function (x, y, out) {
        out.groups.push(i);
        out.pos[groupId(i)] = [x + GROUP_W / 2, y + GROUP_H / 2 - 14];
      } };
    }
    var own = members[i], parts = [];
    if (own.length) {
      var g = gridSize(own.length);
      parts.push({ w: g[0] * CELL_W, h: g[1] * CELL_H, place: function (x, y, out) {
        own.forEach(function (id, k) {
          out.pos[id] = [x + (k % g[0] + 0.5) * CELL_W, y + (Math.floor(k / g[0]) + 0.4) * CELL_H];
          out.nodes.push(id);
        });
      } });
    }
    children[i].forEach(function (j) { parts.push(groupBox(j)); });
    var area = parts.reduce(function (a, p) { return a + p.w * p.h; }, 0);
    var widest = parts.reduce(function (a, p) { return Math.max(a, p.w); }, GROUP_W);
    var size = shelf(parts, Math.max(widest, Math.sqrt(area) * 1.5));
    var w = size[0] + 2 * PAD, h = size[1] + 2 * PAD + HEADER;
    return { w: w, h: h, place: function (x, y, out) {
      out.frames.push({ i: i, x: x + 8, y: y + 8, w: w - 16, h: h - 16 });
      parts.forEach(function (p) { p.place(x + PAD + p.x, y + PAD + HEADER + p.y, out); });
    } };
  }
  function arrangeGroups() {
    var tops = [];
    clusters.forEach(function (c, i) { if (c.parent < 0) tops.push(i); });
    var boxes = tops.map(groupBox);
    var anyOpen = tops.some(function (i) { return state.open[i]; });
    var rect = container.getBoundingClientRect();
    var aspect = rect.width > 0 && rect.height > 0 ? rect.width / rect.height : 1.3;
    var target;
    if (!anyOpen) {
      // all closed: the number of columns that shows the groups largest on screen
      var best = 1, bestScale = 0;
      for (var cols = 1; cols <= boxes.length; cols++) {
        var rows = Math.ceil(boxes.length / cols);
        var scale = Math.min(aspect / (cols * GROUP_W), 1 / (rows * GROUP_H));
        if (scale > bestScale) { bestScale = scale; best = cols; }
      }
      target = best * GROUP_W + 1;
    } else {
      var area = boxes.reduce(function (a, b) { return a + b.w * b.h; }, 0);
      var widest = boxes.reduce(function (a, b) { return Math.max(a, b.w); }, 0);
      target = Math.max(widest, Math.sqrt(area * aspect));
    }
    shelf(boxes, target);
    var out = { pos: {}, nodes: [], groups: [], frames: [] };
    boxes.forEach(function (b) { b.place(b.x, b.y, out); });
    frames = out.frames;
    return out;
  }
  // The visible thing standing for a node: itself when its groups are open, else the
  // outermost closed group that holds it.
  function standIn(id) {
    var n = byId[id];
    if (!n.grp) return id;
    if (!state.open[n.grp[0]]) return groupId(n.grp[0]);
    if (n.grp[1] >= 0 && !state.open[n.grp[1]]) return groupId(n.grp[1]);
    return id;
  }
  // A member's edge to the category that heads its own open group: the frame draws it.
  function ownHead(e) {
    var n = byId[e.from];
    if (!n.grp) return false;
    return clusters[n.grp[0]].head === e.to || (n.grp[1] >= 0 && clusters[n.grp[1]].head === e.to);
  }
  function syncGroups() {
    var out = arrangeGroups();
    var wantNodes = {};
    out.nodes.forEach(function (id) { if (existsNow(byId[id])) wantNodes[id] = true; });
    out.groups.forEach(function (i) { wantNodes[groupId(i)] = true; });
    var have = netNodes.getIds();
    netNodes.remove(have.filter(function (id) { return !wantNodes[id]; }));
    var items = [];
    Object.keys(wantNodes).forEach(function (id) {
      var p = out.pos[id];
      var item = id.indexOf("group:") === 0 ? groupNode(+id.slice(6)) : visNode(byId[id]);
      item.x = p[0]; item.y = p[1];
      items.push(item);
    });
    netNodes.update(items);
    // edges: between two shown nodes as they are; a node's edges into a closed group as one
    // edge per group (never between two closed groups: the groups alone stay readable)
    var wantEdges = [], rolled = {};
    data.edges.forEach(function (e) {
      if (state.off[e.r] || !edgeNow(e)) return;
      var a = standIn(e.from), b = standIn(e.to);
      if (a === b || !wantNodes[a] || !wantNodes[b]) return;
      if (ownHead(e)) return;
      var aGroup = a.indexOf("group:") === 0, bGroup = b.indexOf("group:") === 0;
      if (!aGroup && !bGroup) { wantEdges.push(visEdge(e)); return; }
      if (aGroup && bGroup) return;
      var key = a + "\u0000" + b;
      var r = rolled[key];
      if (!r) r = rolled[key] = { id: "r:" + key, from: a, to: b, n: 0, color: fadedEdge, dashes: true };
      r.n += 1;
    });
    Object.keys(rolled).forEach(function (key) {
      var r = rolled[key];
      r.title = r.n + " edge" + (r.n === 1 ? "" : "s") + " into a closed group";
      r.width = 1 + Math.log2(r.n);
      delete r.n;
      wantEdges.push(r);
    });
    netEdges.clear();
    netEdges.add(wantEdges);
    document.getElementById("kg-collapse").hidden = !Object.keys(state.open).length;
    applyDimming();
  }
  function openGroup(i, fit) {
    state.open[i] = true;
    if (clusters[i].parent >= 0) state.open[clusters[i].parent] = true;
    var start = startTiming();
    syncGroups();
    if (fit !== false) fitGroup(i);
    timeNextDraw("open", start);
  }
  function closeGroup(i) {
    delete state.open[i];
    children[i].forEach(function (j) { delete state.open[j]; });
    syncGroups();
    network.fit({ animation: false });
  }
  function fitGroup(i) {
    var frame = frames.filter(function (f) { return f.i === i; })[0];
    if (!frame) return;
    var rect = container.getBoundingClientRect();
    var scale = Math.min(rect.width / (frame.w + 40), rect.height / (frame.h + 40));
    if (scale >= 0.55) {
      network.moveTo({ position: { x: frame.x + frame.w / 2, y: frame.y + frame.h / 2 }, scale: scale });
    } else {
      // a large group: its top rows, readable, rather than all of it as specks
      scale = 0.75;
      network.moveTo({ position: { x: frame.x + rect.width / (2 * scale) - 20,
                                   y: frame.y + rect.height / (2 * scale) - 20 }, scale: scale });
    }
  }

  // --- labels that can be read at the first sight of a settled graph ----------------------------
  // Fitted to the screen, a settled graph of 200 nodes is drawn at a third of its size and its
  // labels at 5 px. The labels are made 11 px on screen instead, for the 40 largest nodes (the
  // hubs, far enough apart to stay legible); the others appear on zooming in a little.
  var LEGIBLE = 11, LABELLED = 40;
  function fontOf(colour) {
    return labelSize === null ? { color: colour } : { color: colour, size: labelSize };
  }
  function legibleLabels() {
    var scale = network.getScale();
    if (layoutMode !== "force" || scale * FONT.size >= LEGIBLE) return;
    labelSize = Math.min(48, LEGIBLE / scale);
    var ranked = data.nodes.filter(function (n) { return !n.iso; })
      .sort(function (a, b) { return b.s - a.s || (a.label < b.label ? -1 : 1); });
    var first = {};
    ranked.slice(0, LABELLED).forEach(function (n) { first[n.id] = true; });
    var later = 1.35 * LEGIBLE + 1;  // drawn from 1.35 times the fitted zoom
    kgNodes.update(data.nodes.map(function (n) {
      return { id: n.id, font: fontOf(dimmed[n.id] ? DIM_FONT.color : FONT.color),
               scaling: { label: { drawThreshold: first[n.id] ? 5 : later } } };
    }));
  }

  // --- isolated nodes (force layout): one labelled block, not strewn around ------------------
  var isolated = data.nodes.filter(function (n) { return n.iso; });
  var isolateFrame = null;
  function placeIsolates() {
    if (layoutMode !== "force" || !isolated.length) return;
    var positions = network.getPositions();
    var xs = [], ys = [];
    data.nodes.forEach(function (n) {
      if (n.iso || !positions[n.id]) return;
      xs.push(positions[n.id].x); ys.push(positions[n.id].y);
    });
    var left = xs.length ? Math.min.apply(null, xs) : 0;
    var right = xs.length ? Math.max.apply(null, xs) : 600;
    var bottom = ys.length ? Math.max.apply(null, ys) : 0;
    var cellW = 175, cellH = 58;
    var cols = Math.max(1, Math.min(isolated.length, Math.floor(Math.max(right - left, cellW * 4) / cellW)));
    var top = bottom + 110;
    isolated.forEach(function (n, k) {
      network.moveNode(n.id, left + (k % cols + 0.5) * cellW, top + (Math.floor(k / cols) + 0.5) * cellH);
    });
    isolateFrame = { x: left - 10, y: top - 40, w: cols * cellW + 20,
                     h: Math.ceil(isolated.length / cols) * cellH + 50 };
  }

  // --- drawing behind the graph: frames, the isolates' block, the time axis -----------------
  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    ctx.lineWidth = 1.5;
    ctx.font = "600 17px system-ui, sans-serif";
    ctx.textBaseline = "top";
    frames.forEach(function (f) {
      ctx.strokeStyle = "#9aaccb";
      ctx.fillStyle = "rgba(223, 231, 242, 0.28)";
      ctx.beginPath();
      ctx.rect(f.x, f.y, f.w, f.h);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = "#2f4f7f";
      ctx.fillText(clusters[f.i].label + " (" + clusters[f.i].count.toLocaleString("en") + ") ✕", f.x + 12, f.y + 10);
    });
    if (isolateFrame && isolated.some(function (n) { return existsNow(n); })) {
      var f = isolateFrame;
      var px = Math.max(17, 12 / network.getScale());  // at least 12 px on screen
      ctx.font = "600 " + px.toFixed(1) + "px system-ui, sans-serif";
      ctx.strokeStyle = "#bbbbb5";
      ctx.setLineDash([6, 5]);
      ctx.strokeRect(f.x, f.y, f.w, f.h);
      ctx.setLineDash([]);
      ctx.fillStyle = "#666";
      var shown = isolated.filter(function (n) { return existsNow(n); }).length;
      ctx.fillText("not connected: " + shown, f.x + 10, f.y - px - 4);
    }
    if (data.axis) {
      var axis = data.axis;
      ctx.font = "600 18px system-ui, sans-serif";
      ctx.textAlign = "center";
      axis.years.forEach(function (pair) {
        ctx.strokeStyle = "#e2e2dc";
        ctx.beginPath();
        ctx.moveTo(pair[1], axis.top);
        ctx.lineTo(pair[1], axis.bottom);
        ctx.stroke();
        ctx.fillStyle = "#777";
        if (pair !== axis.years[axis.years.length - 1]) {
          ctx.fillText(String(pair[0]), pair[1] + 52, axis.top);
        }
      });
      if (axis.undated !== null && axis.undated !== undefined) {
        ctx.fillText("undated", axis.undated, axis.top);
      }
      if (axis.earlier) {
        ctx.fillText(axis.earlier[1], axis.earlier[0], axis.top);
      }
    }
    ctx.restore();
  });

  // --- first drawing, settling ---------------------------------------------------------------
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
      placeIsolates();
      network.fit({ animation: false });
      legibleLabels();
      window.kgSettled = performance.now();
      status.textContent = "settled in " + (window.kgSettled / 1000).toFixed(2) + " s; drag nodes to rearrange";
    });
  } else if (layoutMode === "force") {
    placeIsolates();
  }

  // --- the legend: colours, edge types (click to hide or show), sizes --------------------------
  var legend = document.getElementById("kg-legend");
  function legendRow(swatch, text, count, tag) {
    var row = el(tag || "div", "kg-legend-row");
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
    legend.appendChild(el("h2", null, "Edges: relation (click to hide or show)"));
    data.relations.forEach(function (relation, r) {
      var line = el("span", "kg-line");
      line.style.borderColor = relation.color;
      var row = legendRow(line, relation.key + (relation.directed ? " →" : ""), relation.count, "button");
      row.type = "button";
      row.classList.add("kg-toggle");
      row.setAttribute("aria-pressed", "true");
      row.dataset.relation = String(r);
      row.addEventListener("click", function () {
        if (state.off[r]) delete state.off[r]; else state.off[r] = true;
        row.setAttribute("aria-pressed", state.off[r] ? "false" : "true");
        refresh();
      });
      legend.appendChild(row);
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
  if (grouped) {
    legend.appendChild(el("p", "kg-muted", "Grey-blue nodes are groups (a category and what it holds): click one to open it, click its frame's title to close it. A member's edge to its own group's category is the frame around it; edges into a closed group are dashed."));
  }

  // --- details: a node, its relations and neighbours; an edge, its event and sources ---------
  var details = document.getElementById("kg-details");
  function nodeFacts(n) {
    var rows = [
      ["type", kinds(n).join(", ")],
      ["categories", (n.categories || []).join(", ")],
      ["maturity", n.maturity]
    ];
    if (currentLabel(n) !== n.label) rows.push(["later name", n.label]);
    (n.dates || []).forEach(function (d) { rows.push([d[0], d[1]]); });
    if (n.homepage) rows.push(["homepage", link(n.homepage[0], n.homepage[1])]);
    if (data.sizes.metric) rows.push([data.sizes.metric, n.v]);
    rows.push(["sources", sourceList(n.src, false)]);
    return rows;
  }
  function showNode(id) {
    var n = byId[id];
    details.textContent = "";
    if (!n) { details.hidden = true; return; }
    details.hidden = false;
    details.appendChild(el("h2", null, currentLabel(n)));
    details.appendChild(facts(nodeFacts(n)));
    var rows = incident[id].filter(function (i) {
      var e = data.edges[i];
      return !state.off[e.r] && edgeNow(e);
    });
    if (rows.length) {
      details.appendChild(el("div", "kg-muted", rows.length + " relation" + (rows.length === 1 ? "" : "s")));
      var list = el("ul", "kg-list kg-relations");
      rows.slice(0, MAX_NEIGHBOURS).forEach(function (i) {
        var e = data.edges[i], out = e.from === id, other = out ? e.to : e.from;
        var li = el("li");
        var button = el("button");
        button.type = "button";
        button.appendChild(el("span", "kg-rel", (out ? "→ " : "← ") + data.relations[e.r].key));
        button.appendChild(document.createTextNode(" " + nodeLabel(other)));
        if (e.when) button.appendChild(el("span", "kg-muted", " · " + e.when));
        button.title = out ? currentLabel(n) + " " + data.relations[e.r].key + " " + nodeLabel(other)
                           : nodeLabel(other) + " " + data.relations[e.r].key + " " + currentLabel(n);
        button.addEventListener("click", function () { focusNode(other); });
        li.appendChild(button);
        list.appendChild(li);
      });
      if (rows.length > MAX_NEIGHBOURS) list.appendChild(el("li", "kg-muted", (rows.length - MAX_NEIGHBOURS) + " more"));
      details.appendChild(list);
    }
  }
  function showEdge(i) {
    var e = data.edges[i];
    details.textContent = "";
    if (!e) { details.hidden = true; return; }
    details.hidden = false;
    details.appendChild(el("h2", null, edgeHeadline(e)));
    var rows = [
      ["event", e.eventLabel],
      ["type", e.eventType || data.relations[e.r].key],
      ["date", e.when || (e.eventType ? "undated" : null)],
      ["price", e.price],
      ["amount", e.amount],
      ["product", e.product ? nodeLabel(e.product) : null]
    ];
    if (e.t1) rows.push(["until", e.t1]);
    rows.push(["sources", sourceList(e.src, true)]);
    details.appendChild(facts(rows));
  }
  function nodeButton(id) {
    var li = el("li");
    var button = el("button", null, nodeLabel(id));
    button.type = "button";
    button.addEventListener("click", function () { focusNode(id); });
    li.appendChild(button);
    return li;
  }
  function focusNode(id) {
    var n = byId[id];
    if (!n) return;
    if (day() && !existsNow(n)) setYear(null);
    if (grouped && n.grp) {
      var need = [n.grp[0]].concat(n.grp[1] >= 0 ? [n.grp[1]] : []);
      if (need.some(function (i) { return !state.open[i]; })) {
        need.forEach(function (i) { state.open[i] = true; });
        syncGroups();
      }
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
    showNode(id);
  }
  network.on("click", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      if (typeof id === "string" && id.indexOf("group:") === 0) {
        openGroup(+id.slice(6));
        return;
      }
      showNode(id);
      return;
    }
    if (params.edges.length) {
      var edge = params.edges[0];
      if (typeof edge === "number") { showEdge(edge); return; }
    }
    if (grouped) {
      var p = params.pointer.canvas;
      var hit = frames.filter(function (f) {
        return p.x >= f.x && p.x <= f.x + f.w && p.y >= f.y && p.y <= f.y + 40;
      });
      if (hit.length) { closeGroup(hit[hit.length - 1].i); return; }
    }
    details.hidden = true;
  });

  // --- search: exact names first, then names that start so, then words, then anywhere -------
  var search = document.getElementById("kg-search");
  var matches = document.getElementById("kg-matches");
  var lowered = data.nodes.map(function (n) { return [n.label.toLowerCase(), n.id]; });
  var pending = null;
  function findMatches(text) {
    var q = text.trim().toLowerCase();
    if (!q) return [];
    var found = [];
    for (var i = 0; i < lowered.length; i++) {
      var name = lowered[i][0], at = name.indexOf(q), rank;
      if (at < 0) continue;
      if (name === q) rank = 0;
      else if (at === 0) rank = 1;
      else if (/[^a-z0-9]/.test(name.charAt(at - 1))) rank = 2;
      else rank = 3;
      found.push([rank, name.length, name, lowered[i][1]]);
    }
    found.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
    });
    return found.map(function (f) { return f[3]; });
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

  // --- filters: the nodes that match stay, the rest is dimmed (never removed) ---------------
  var typeSelect = document.getElementById("kg-filter-type");
  var categorySelect = document.getElementById("kg-filter-category");
  var maturitySelect = document.getElementById("kg-filter-maturity");
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
  fillSelect(maturitySelect, data.maturities || []);
  document.getElementById("kg-maturity-label").hidden = !(data.maturities && data.maturities.length);
  function matches_(n) {
    var f = state.filter;
    if (f.type && kinds(n).indexOf(f.type) < 0) return false;
    if (f.category && (n.categories || []).indexOf(f.category) < 0 &&
        !(n.label === f.category && kinds(n).indexOf("Category") >= 0)) return false;
    if (f.maturity && n.maturity !== f.maturity) return false;
    return true;
  }
  var filtering = false;
  var dimmed = {};
  function applyDimming() {
    filtering = !!(state.filter.type || state.filter.category || state.filter.maturity);
    var nodeUpdates = [];
    var shown = netNodes.getIds();
    var next = {};
    shown.forEach(function (id) {
      var dim;
      if (id.indexOf("group:") === 0) {
        var i = +id.slice(6);
        dim = filtering && !data.nodes.some(function (n) {
          return n.grp && (n.grp[0] === i || n.grp[1] === i) && matches_(n);
        });
        if (dim) next[id] = true;
        if (!!dimmed[id] !== dim) {
          var g = groupNode(i);
          nodeUpdates.push({ id: id, color: dim ? dimColour : g.color, font: dim ? { color: DIM_FONT.color } : g.font });
        }
        return;
      }
      dim = filtering && !matches_(byId[id]);
      if (dim) next[id] = true;
      if (!!dimmed[id] !== dim) {
        nodeUpdates.push({ id: id, color: dim ? dimColour : colours[byId[id].g],
                           font: fontOf(dim ? DIM_FONT.color : FONT.color) });
      }
    });
    dimmed = next;
    if (nodeUpdates.length) netNodes.update(nodeUpdates);
    var edgeUpdates = [];
    netEdges.forEach(function (item) {
      if (typeof item.id !== "number") return;
      var e = data.edges[item.id];
      var faded = filtering && (dimmed[e.from] || dimmed[e.to]);
      var want = faded ? fadedEdge : edgeColours[e.r];
      if (item.color !== want) edgeUpdates.push({ id: item.id, color: want });
    });
    if (edgeUpdates.length) netEdges.update(edgeUpdates);
  }
  function applyFilters() {
    state.filter.type = typeSelect.value;
    state.filter.category = categorySelect.value;
    state.filter.maturity = maturitySelect.value;
    var start = startTiming();
    applyDimming();
    timeNextDraw("filter", start);
  }
  typeSelect.addEventListener("change", applyFilters);
  categorySelect.addEventListener("change", applyFilters);
  maturitySelect.addEventListener("change", applyFilters);
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.fit({ animation: { duration: 400 } });
  });
  document.getElementById("kg-collapse").addEventListener("click", function () {
    state.open = {};
    syncGroups();
    network.fit({ animation: false });
  });

  // --- what is shown: time, hidden relations ----------------------------------------------
  var shownLabels = {};
  data.nodes.forEach(function (n) { shownLabels[n.id] = n.label; });
  function refresh() {
    if (grouped) { syncGroups(); return; }
    var nodeUpdates = [];
    data.nodes.forEach(function (n) {
      var hide = !existsNow(n);
      var item = kgNodes.get(n.id);
      var label = currentLabel(n);
      if (!!item.hidden !== hide || shownLabels[n.id] !== label) {
        nodeUpdates.push({ id: n.id, hidden: hide, label: label, title: nodeTitle(n) });
        shownLabels[n.id] = label;
      }
    });
    if (nodeUpdates.length) kgNodes.update(nodeUpdates);
    var edgeUpdates = [];
    data.edges.forEach(function (e) {
      var hide = !!state.off[e.r] || !edgeNow(e);
      if (!!kgEdges.get(e.i).hidden !== hide) edgeUpdates.push({ id: e.i, hidden: hide });
    });
    if (edgeUpdates.length) kgEdges.update(edgeUpdates);
    if (!details.hidden) {
      var selected = network.getSelectedNodes();
      if (selected.length && byId[selected[0]]) showNode(selected[0]);
    }
  }

  // --- the year slider ---------------------------------------------------------------------
  var timeBox = document.getElementById("kg-time");
  var slider = document.getElementById("kg-slider");
  var yearOut = document.getElementById("kg-year");
  var play = document.getElementById("kg-play");
  var playing = null;
  function setYear(year) {
    state.year = year;
    yearOut.textContent = year === null ? "all dates" : "the end of " + year;
    slider.value = String(year === null ? data.time.max + 1 : year);
    var start = startTiming();
    refresh();
    timeNextDraw("slider", start);
  }
  if (data.time) {
    timeBox.hidden = false;
    slider.min = String(data.time.min);
    slider.max = String(data.time.max + 1);
    slider.value = slider.max;
    document.getElementById("kg-time-note").textContent =
      "Move the slider to see the graph as it stood at the end of a year (what `kg viz --as-of YEAR` draws); the last position shows every date.";
    slider.addEventListener("input", function (event) {
      gestureAt = event.timeStamp;
      var value = +slider.value;
      setYear(value > data.time.max ? null : value);
    });
    play.addEventListener("click", function () {
      if (playing) {
        clearInterval(playing);
        playing = null;
        play.textContent = "▶";
        return;
      }
      var year = state.year === null ? data.time.min : state.year;
      setYear(year);
      play.textContent = "❚❚";
      playing = setInterval(function () {
        year += 1;
        setYear(year > data.time.max ? null : year);
        if (year > data.time.max) {
          clearInterval(playing);
          playing = null;
          play.textContent = "▶";
        }
      }, 900);
    });
  }

  // --- for tests and benchmarks ---------------------------------------------------------------
  function drawnLabels() {
    var rect = container.getBoundingClientRect();
    var scale = network.getScale();
    var out = [];
    netNodes.getIds().forEach(function (id) {
      var node = network.body.nodes[id];
      if (!node || node.options.hidden) return;
      var label = node.labelModule;
      if (!label || !label.elementOptions.label) return;
      var size = label.size;
      var topLeft = network.canvasToDOM({ x: size.left, y: size.top });
      out.push({
        id: id, text: label.elementOptions.label, drawn: label.visible(),
        x: topLeft.x, y: topLeft.y, w: size.width * scale, h: size.height * scale,
        inside: topLeft.x >= 0 && topLeft.y >= 0 && topLeft.x + size.width * scale <= rect.width &&
                topLeft.y + size.height * scale <= rect.height
      });
    });
    return out;
  }
  window.kg = {
    setYear: function (year) { setYear(year); },
    open: function (i) { openGroup(i); },
    close: function (i) { closeGroup(i); },
    groupIndex: function (label, parentLabel) {
      for (var i = 0; i < clusters.length; i++) {
        var c = clusters[i];
        if (c.label !== label) continue;
        if (parentLabel === undefined || (c.parent >= 0 && clusters[c.parent].label === parentLabel)) return i;
      }
      return -1;
    },
    visibleNodes: function () {
      return (grouped ? netNodes.getIds() : kgNodes.getIds().filter(function (id) { return !kgNodes.get(id).hidden; }))
        .filter(function (id) { return byId[id] !== undefined; });
    },
    visibleEdges: function () {
      var items = grouped ? netEdges.get() : kgEdges.get().filter(function (e) { return !e.hidden; });
      return items.filter(function (e) { return typeof e.id === "number"; }).map(function (e) {
        var edge = data.edges[e.id];
        var from = grouped ? e.from : e.from;
        return [from, e.to, data.relations[edge.r].key];
      });
    },
    labels: function () {
      var out = {};
      netNodes.getIds().forEach(function (id) { out[id] = netNodes.get(id).label; });
      return out;
    },
    shown: function () { return netNodes.getIds(); },
    matched: function () {
      return netNodes.getIds().filter(function (id) { return byId[id] && !dimmed[id]; });
    },
    dimmed: function () { return Object.keys(dimmed); },
    drawnLabels: drawnLabels,
    timings: timings
  };

  if (grouped) {
    syncGroups();
    network.fit({ animation: false });
  }
  if (data.axis) {
    // room above the first row for the years
    network.fit({ animation: false });
    var scale = network.getScale() * 0.97, at = network.getViewPosition();
    network.moveTo({ position: { x: at.x, y: at.y - 22 / scale }, scale: scale });
  }
})();
