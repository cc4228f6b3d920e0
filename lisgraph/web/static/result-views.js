// Result views beside YASR's table: a bar chart (one label and one number column), a timeline
// (a label and a date column), a network (CONSTRUCT and DESCRIBE results), a map (a WKT
// column, "#defaultView:Map"), and the sources of
// each row's facts. Each is a YASR plugin, chosen in the results' view buttons or by a comment in
// the query ("#defaultView:BarChart", "#defaultView:Timeline", "#defaultView:Graph",
// "#defaultView:Sources", as Wikidata's query service reads them), and each shows a text
// version of what it draws. Chart.js and Cytoscape are bundled with the package (the chart and
// network views need them; Sources does not), and loaded from this server, by the content-hashed
// URLs the page's configuration gives, only when such a view is first drawn (review E15: they
// are 280 KB of the query page's weight compressed); nothing is loaded from another host.
(function () {
  "use strict";
  if (typeof window.Yasgui === "undefined") return;
  var Yasr = window.Yasgui.Yasr;
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger",
    "positiveInteger", "short"].map(function (t) { return XSD + t; });
  var DATES = ["date", "dateTime", "gYearMonth", "gYear"].map(function (t) { return XSD + t; });

  function bindings(yasr) {
    return yasr.results && yasr.results.getBindings ? yasr.results.getBindings() || [] : [];
  }
  function variables(yasr) {
    return yasr.results && yasr.results.getVariables ? yasr.results.getVariables() || [] : [];
  }
  // The first variable whose every bound value passes test, or null.
  function column(yasr, test, except) {
    var rows = bindings(yasr);
    var names = variables(yasr);
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      if (name === except) continue;
      var bound = rows.filter(function (r) { return r[name]; });
      if (bound.length && bound.every(function (r) { return test(r[name]); })) return name;
    }
    return null;
  }
  // The column to name a row by (review E10: not an IRI's slug or a code when a name is there):
  // among the columns passing test and not in except, a language-tagged literal first, then a
  // literal whose values read as words (have a space), then any literal, then an IRI.
  function labelColumn(yasr, test, except) {
    var rows = bindings(yasr);
    var best = null, bestScore = -1;
    variables(yasr).forEach(function (name) {
      if ((except || []).indexOf(name) >= 0) return;
      var bound = rows.filter(function (r) { return r[name]; });
      if (!bound.length || !bound.every(function (r) { return test(r[name]); })) return;
      var literal = bound.every(function (r) { return r[name].type !== "uri"; });
      var score = !literal ? 0
        : bound.some(function (r) { return r[name]["xml:lang"]; }) ? 3
        : bound.filter(function (r) { return /\s/.test(r[name].value); }).length * 2 > bound.length ? 2
        : 1;
      if (score > bestScore) { best = name; bestScore = score; }
    });
    return best;
  }
  function isNumber(term) {
    return term.type === "literal" || term.type === "typed-literal"
      ? NUMERIC.indexOf(term.datatype) >= 0 : false;
  }
  function isDate(term) {
    return (term.type === "literal" || term.type === "typed-literal") &&
      DATES.indexOf(term.datatype) >= 0;
  }
  function short(value) {
    var cut = Math.max(value.lastIndexOf("#"), value.lastIndexOf("/"));
    return cut >= 0 && cut < value.length - 1 ? value.slice(cut + 1) : value;
  }
  function text(term) {
    if (!term) return "";
    return term.type === "uri" ? short(term.value) : term.value;
  }
  // "2019-07-19" -> 2019.547; "2019-07" -> 2019.5; "2019" -> 2019.
  function yearOf(value) {
    var parts = value.split("T")[0].split("-").map(Number);
    var year = parts[0];
    var month = parts.length > 1 ? parts[1] - 1 : 0;
    var day = parts.length > 2 ? parts[2] - 1 : 0;
    return year + (month + day / 31) / 12;
  }
  function element(tag, attributes, content) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (content !== undefined) node.textContent = content;
    return node;
  }
  function icon(letter) {
    return element("span", { "aria-hidden": "true", "class": "view-icon" }, letter);
  }
  // A text version: a table of the rows the picture draws.
  function textVersion(headings, rows, summary) {
    var details = element("details", { "class": "text-version" });
    details.appendChild(element("summary", {}, summary));
    var table = element("table");
    var head = table.appendChild(element("thead")).appendChild(element("tr"));
    headings.forEach(function (h) { head.appendChild(element("th", { scope: "col" }, h)); });
    var body = table.appendChild(element("tbody"));
    rows.forEach(function (row) {
      var tr = body.appendChild(element("tr"));
      row.forEach(function (cell) { tr.appendChild(element("td", {}, cell)); });
    });
    details.appendChild(table);
    return details;
  }
  // A view: a box holding the picture (in a frame of ``height`` pixels) and its text version.
  function canvasIn(yasr, label, height) {
    var box = element("div", { "class": "result-view" });
    var frame = element("div", { "class": "picture" });
    frame.style.height = height + "px";
    var canvas = element("canvas", { role: "img", "aria-label": label });
    frame.appendChild(canvas);
    box.appendChild(frame);
    yasr.resultsEl.appendChild(box);
    return { box: box, canvas: canvas };
  }

  function BarChart(yasr) { this.yasr = yasr; this.priority = 4; this.label = "Bar chart"; }
  BarChart.prototype.canHandleResults = function () {
    var value = column(this.yasr, isNumber);
    return bindings(this.yasr).length > 0 && value !== null &&
      column(this.yasr, function (t) { return !isNumber(t); }, value) !== null;
  };
  BarChart.prototype.initialize = function () { return script("chart"); };
  BarChart.prototype.getIcon = function () { return icon("▮"); };
  BarChart.prototype.draw = function () {
    var value = column(this.yasr, isNumber);
    var label = labelColumn(this.yasr, function (t) { return !isNumber(t); }, [value]);
    var rows = bindings(this.yasr).filter(function (r) { return r[value]; });
    var view = canvasIn(this.yasr, "Bar chart of " + value + " by " + label,
      rows.length > 12 ? Math.min(2400, 22 * rows.length + 60) : 360);
    this.chart = new window.Chart(view.canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return text(r[label]); }),
        datasets: [{ label: value, data: rows.map(function (r) { return Number(r[value].value); }),
          backgroundColor: "#005ea5" }]
      },
      options: { animation: false, maintainAspectRatio: false,
        indexAxis: rows.length > 12 ? "y" : "x" }
    });
    view.box.appendChild(textVersion([label, value],
      rows.map(function (r) { return [text(r[label]), r[value].value]; }), "Text version"));
  };
  BarChart.prototype.destroy = function () { if (this.chart) this.chart.destroy(); };

  function Timeline(yasr) { this.yasr = yasr; this.priority = 3; this.label = "Timeline"; }
  Timeline.prototype.canHandleResults = function () {
    return bindings(this.yasr).length > 0 && column(this.yasr, isDate) !== null;
  };
  Timeline.prototype.initialize = function () { return script("chart"); };
  Timeline.prototype.getIcon = function () { return icon("⟶"); };
  Timeline.prototype.draw = function () {
    var when = column(this.yasr, isDate);
    var label = labelColumn(this.yasr, function (t) { return !isDate(t); }, [when]);
    var rows = bindings(this.yasr).filter(function (r) { return r[when]; }).slice()
      .sort(function (a, b) { return yearOf(a[when].value) - yearOf(b[when].value); });
    // marks coloured by a third column of a few values, at most 12 (a kind of event, a stage: text or IRIs,
    // named by their last segment), with a legend
    var kinds = [];
    var kind = null;
    variables(this.yasr).some(function (name) {
      if (name === when || name === label) return false;
      var values = [];
      var ok = rows.every(function (r) {
        if (!r[name] || isDate(r[name]) || isNumber(r[name])) return false;
        if (values.indexOf(text(r[name])) < 0) values.push(text(r[name]));
        return true;
      });
      if (ok && values.length > 1 && values.length <= 12) { kind = name; kinds = values; return true; }
      return false;
    });
    var PALETTE = ["#00703c", "#f47738", "#005ea5", "#912b88", "#b58840", "#28a197", "#505a5f",
      "#d4351c", "#85994b", "#b1b4b6", "#1d70b8", "#6f72af"];
    var names = [];
    rows.forEach(function (r) {
      var n = label ? text(r[label]) : when;
      if (names.indexOf(n) < 0) names.push(n);
    });
    var view = canvasIn(this.yasr, "Timeline of " + when + (label ? " by " + label : ""),
      Math.min(2400, Math.max(160, 28 * names.length + 80)));
    var years = rows.map(function (r) { return yearOf(r[when].value); });
    var first = Math.floor(Math.min.apply(null, years));
    var last = Math.floor(Math.max.apply(null, years)) + 1;
    this.chart = new window.Chart(view.canvas, {
      type: "scatter",
      data: { datasets: (kind ? kinds : [when]).map(function (k, i) {
        return { label: k, backgroundColor: PALETTE[i % PALETTE.length], pointRadius: 5,
          data: rows.filter(function (r) { return !kind || text(r[kind]) === k; })
            .map(function (r) {
              return { x: yearOf(r[when].value), y: names.indexOf(label ? text(r[label]) : when),
                date: r[when].value };
            }) };
      }) },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: {
          // the years above the rows too, so a long timeline reads without scrolling down
          x: { min: first, max: last, ticks: { stepSize: 1, callback: String } },
          x2: { position: "top", min: first, max: last, ticks: { stepSize: 1, callback: String },
            grid: { drawOnChartArea: false } },
          y: { reverse: true, min: -0.5, max: names.length - 0.5,
            afterBuildTicks: function (axis) {
              axis.ticks = names.map(function (name, i) { return { value: i }; });
            },
            ticks: { autoSkip: false, callback: function (v) { return names[v]; } } }
        },
        plugins: { tooltip: { callbacks: { label: function (c) {
          return names[c.raw.y] + ": " + c.raw.date;
        } } }, legend: { display: Boolean(kind) } }
      }
    });
    view.box.appendChild(textVersion([label || "", when].concat(kind ? [kind] : []),
      rows.map(function (r) {
        return [label ? text(r[label]) : "", r[when].value].concat(kind ? [text(r[kind])] : []);
      }),
      "Text version (in date order)"));
  };
  Timeline.prototype.destroy = function () { if (this.chart) this.chart.destroy(); };

  function Network(yasr) { this.yasr = yasr; this.priority = 2; this.label = "Network"; }
  Network.prototype.canHandleResults = function () {
    var names = variables(this.yasr);
    return bindings(this.yasr).length > 0 && names.length === 3 &&
      names[0] === "subject" && names[1] === "predicate" && names[2] === "object";
  };
  Network.prototype.initialize = function () { return script("cytoscape"); };
  Network.prototype.getIcon = function () { return icon("⋈"); };
  // Readable at a glance (review E10: 24 slug-named nodes and their edge labels overlapped into
  // a knot): each IRI is named by its label, from the result's own label statements or else
  // from one VALUES query to this endpoint; edge labels show on hover only; a spaced layout;
  // and at most NODES nodes, with a visible note when the result has more (the text version
  // lists every statement).
  var NODES = 40;
  var TEXT_ROWS = 2000;
  var LABELS = ["http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label", "http://purl.org/dc/terms/title",
    "http://schema.org/name", "http://xmlns.com/foaf/0.1/name"];
  function labelsOf(iris, rows) {
    var labels = {};
    rows.forEach(function (r) {
      if (r.subject.type === "uri" && r.object.type !== "uri" && r.object.type !== "bnode" &&
          LABELS.indexOf(r.predicate.value) >= 0 && !labels[r.subject.value]) {
        labels[r.subject.value] = r.object.value;
      }
    });
    var missing = iris.filter(function (iri) { return !labels[iri]; });
    if (!missing.length || !config) return Promise.resolve(labels);
    var query = "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { VALUES ?s { " +
      missing.map(function (iri) { return "<" + iri + ">"; }).join(" ") + " } " +
      "?s " + LABELS.map(function (p) { return "<" + p + ">"; }).join("|") + " ?l } GROUP BY ?s";
    if (query.length > (config.maxQueryLength || 100000)) return Promise.resolve(labels);
    return lookUp(query).then(function (answer) {
      answer.results.bindings.forEach(function (b) { labels[b.s.value] = b.label.value; });
      return labels;
    }).catch(function () { return labels; });  // unlabelled: named by the IRI's last segment
  }
  Network.prototype.draw = function () {
    var self = this;
    var all = bindings(this.yasr);
    var nodes = {};
    var count = 0;
    var rows = [];
    all.forEach(function (r) {
      var ids = [r.subject, r.object].map(function (t) { return t.type + ":" + t.value; });
      var added = ids.filter(function (id, i) { return !nodes[id] && ids.indexOf(id) === i; });
      if (count + added.length > NODES) return;
      [r.subject, r.object].forEach(function (t, i) {
        if (!nodes[ids[i]]) nodes[ids[i]] = t;
      });
      count += added.length;
      rows.push(r);
    });
    var allNodes = {};
    all.forEach(function (r) {
      allNodes[r.subject.type + ":" + r.subject.value] = 1;
      allNodes[r.object.type + ":" + r.object.value] = 1;
    });
    var total = Object.keys(allNodes).length;
    var box = element("div", { "class": "result-view network", role: "img",
      "aria-label": "Network of " + rows.length + " statements" });
    if (total > count) {
      this.yasr.resultsEl.appendChild(element("p", { "class": "view-note", role: "status" },
        "Showing " + count + " of " + total + " nodes (" + rows.length + " of " + all.length +
        " statements): more would not be readable. The text version lists the statements" +
        (all.length > TEXT_ROWS ? " (the first " + TEXT_ROWS + ")" : "") +
        "; narrow the query (LIMIT, a pattern) to draw the rest."));
    }
    this.yasr.resultsEl.appendChild(box);
    var iris = Object.keys(nodes).filter(function (id) { return nodes[id].type === "uri"; })
      .map(function (id) { return nodes[id].value; });
    return labelsOf(iris, all).then(function (labels) {
      function name(t) {
        var full = t.type === "uri" ? (labels[t.value] || short(t.value)) : t.value;
        return full.length > 48 ? full.slice(0, 47) + "…" : full;
      }
      var elements = Object.keys(nodes).map(function (id) {
        var t = nodes[id];
        return { data: { id: id, label: name(t), iri: t.type === "uri" ? t.value : "" },
          classes: t.type === "uri" ? "iri" : "literal" };
      }).concat(rows.map(function (r, i) {
        return { data: { id: "e" + i, source: r.subject.type + ":" + r.subject.value,
          target: r.object.type + ":" + r.object.value, label: short(r.predicate.value) } };
      }));
      self.cy = window.cytoscape({
        container: box,
        elements: elements,
        layout: { name: "cose", animate: false, nodeRepulsion: function () { return 400000; },
          idealEdgeLength: function () { return 110; }, nodeOverlap: 40, padding: 30,
          randomize: false, componentSpacing: 120 },
        style: [
          { selector: "node", style: { label: "data(label)", "font-size": 11,
            "text-wrap": "wrap", "text-max-width": 140, "text-valign": "bottom",
            "text-margin-y": 3, "text-background-color": "#fff", "text-background-opacity": 0.8,
            "background-color": "#005ea5", width: 12, height: 12 } },
          { selector: "node.literal", style: { "background-color": "#b1b4b6",
            shape: "round-rectangle" } },
          { selector: "edge", style: { width: 1, "curve-style": "bezier",
            "target-arrow-shape": "triangle", "line-color": "#999",
            "target-arrow-color": "#999", label: "", "font-size": 10 } },
          { selector: "edge.shown", style: { label: "data(label)", "line-color": "#005ea5",
            "target-arrow-color": "#005ea5", "text-background-color": "#fff",
            "text-background-opacity": 1 } }
        ]
      });
      self.cy.on("mouseover", "edge", function (event) { event.target.addClass("shown"); });
      self.cy.on("mouseout", "edge", function (event) { event.target.removeClass("shown"); });
      self.cy.on("mouseover", "node", function (event) {
        event.target.connectedEdges().addClass("shown");
      });
      self.cy.on("mouseout", "node", function (event) {
        event.target.connectedEdges().removeClass("shown");
      });
      box.setAttribute("data-labels", Object.keys(labels).length);
      box.parentNode.appendChild(textVersion(["subject", "predicate", "object"],
        all.slice(0, TEXT_ROWS).map(function (r) {
          return [name(r.subject), short(r.predicate.value), name(r.object)];
        }),
        "Text version"));
    });
  };
  Network.prototype.destroy = function () { if (this.cy) this.cy.destroy(); };


  // Sources: for each row of a SELECT result, the statements that join two of its values (for an
  // IRI value s and any other value v of the row, every "s p v" or "v p s"), each with the
  // source whose named graph holds it (prov:wasDerivedFrom), found by VALUES queries to this
  // server's own endpoint for the first ROWS rows: as few as fit under the endpoint's query
  // length limit (config.maxQueryLength, review E3: one query of 138 rows' pairs was 224,651
  // characters, and refused), sent one after another (one running query per client). A value
  // the query computed (a count, a concatenation) joins no statement, so it has no source, and
  // the view says so.
  var configElement = document.getElementById("lisgraph-editor");
  var config = configElement ? JSON.parse(configElement.textContent) : null;

  // A bundled script (config.viewScripts: "chart", "cytoscape"), loaded once, when a view that
  // needs it is first drawn; YASR waits for a plugin's initialize() before drawing it.
  var loading = {};
  function script(key) {
    if (!loading[key]) {
      loading[key] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = config.viewScripts[key];
        tag.onload = function () { resolve(); };
        tag.onerror = function () {
          delete loading[key];
          reject(new Error("could not load " + tag.src));
        };
        document.head.appendChild(tag);
      });
    }
    return loading[key];
  }
  var ROWS = 200;
  var PAIRS = 2000;

  // Where a browser finds an IRI: on this server when it is under the dataset's base.
  function local(iri) {
    return iri.indexOf(config.base) === 0 ? config.root + iri.slice(config.base.length) : iri;
  }
  function link(iri, label) {
    return element("a", { href: local(iri) }, label || short(iri));
  }
  // A result term written as SPARQL (IRIs and literals; blank nodes cannot be named again).
  function sparqlTerm(term) {
    if (term.type === "uri") return /[\s<>"{}|\\^`]/.test(term.value) ? null : "<" + term.value + ">";
    if (term.type === "literal" || term.type === "typed-literal") {
      var quoted = JSON.stringify(term.value);
      if (term["xml:lang"]) return quoted + "@" + term["xml:lang"];
      if (term.datatype) return quoted + "^^<" + term.datatype + ">";
      return quoted;
    }
    return null;
  }
  // The (row, s, v) triples to look up: every IRI value of a row with every other value of it.
  function pairs(rows, names) {
    var out = [];
    var seen = {};
    rows.forEach(function (row, index) {
      names.forEach(function (a) {
        if (!row[a] || row[a].type !== "uri") return;
        var s = sparqlTerm(row[a]);
        if (!s) return;
        names.forEach(function (b) {
          if (a === b || !row[b]) return;
          var v = sparqlTerm(row[b]);
          var key = index + " " + s + " " + v;
          if (!v || seen[key] || out.length >= PAIRS) return;
          seen[key] = true;
          out.push("(" + index + " " + s + " " + v + ")");
        });
      });
    });
    return out;
  }
  function sourcesQuery(values) {
    return "PREFIX prov: <http://www.w3.org/ns/prov#>\n" +
      "PREFIX dcterms: <http://purl.org/dc/terms/>\n" +
      "# The statements joining two values of a row, and the source of each\n" +
      "SELECT ?row ?s ?p ?v ?g ?source (SAMPLE(?titles) AS ?title) WHERE {\n" +
      "  VALUES (?row ?s ?v) {\n    " + values.join("\n    ") + "\n  }\n" +
      "  GRAPH ?g { ?s ?p ?v }\n" +
      "  OPTIONAL { ?g prov:wasDerivedFrom ?source OPTIONAL { ?source dcterms:title ?titles } }\n" +
      "} GROUP BY ?row ?s ?p ?v ?g ?source ORDER BY ?row ?s ?p ?g ?source";
  }

  // The pairs in groups whose query stays under the endpoint's length limit (with room for the
  // form encoding, which can triple a character: the limit is on the decoded query, but the
  // VALUES rows are measured as sent, to be safe).
  function chunks(values) {
    var limit = (config.maxQueryLength || 100000) - sourcesQuery([]).length - 1000;
    var out = [];
    var current = [];
    var size = 0;
    values.forEach(function (v) {
      if (current.length && size + v.length + 5 > limit) { out.push(current); current = []; size = 0; }
      current.push(v);
      size += v.length + 5;
    });
    if (current.length) out.push(current);
    return out;
  }
  function lookUp(query) {
    var body = new URLSearchParams();
    body.set("query", query);
    return fetch(config.endpoint, {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (t) { throw new Error(response.status + ": " + t); });
      }
      return response.json();
    });
  }

  function Sources(yasr) { this.yasr = yasr; this.priority = 1; this.label = "Sources"; }
  Sources.prototype.canHandleResults = function () {
    var rows = bindings(this.yasr);
    var names = variables(this.yasr);
    return rows.length > 0 && names.length > 1 && rows.some(function (r) {
      return names.some(function (n) { return r[n] && r[n].type === "uri"; });
    });
  };
  Sources.prototype.getIcon = function () { return icon("§"); };
  Sources.prototype.draw = function () {
    var yasr = this.yasr;
    var rows = bindings(yasr);
    var names = variables(yasr);
    var box = element("div", { "class": "result-view sources", "aria-live": "polite" });
    yasr.resultsEl.appendChild(box);
    var shown = rows.slice(0, ROWS);
    var values = pairs(shown, names);
    var status = box.appendChild(element("p", { "class": "sources-status" },
      values.length ? "Looking up the sources of " + shown.length + " rows…"
        : "No two values of a row can be joined by a statement, so no row has a source."));
    if (!values.length) return;
    var queries = chunks(values).map(sourcesQuery);
    var found = [];
    // one query after another: the endpoint runs one query per client at a time
    queries.reduce(function (done, query, i) {
      return done.then(function () {
        if (queries.length > 1) {
          status.textContent = "Looking up the sources of " + shown.length + " rows (query " +
            (i + 1) + " of " + queries.length + ")…";
        }
        return lookUp(query).then(function (answer) {
          found = found.concat(answer.results.bindings);
        });
      });
    }, Promise.resolve()).then(function () {
      var byRow = {};
      found.forEach(function (b) { (byRow[b.row.value] = byRow[b.row.value] || []).push(b); });
      var withSource = Object.keys(byRow).length;
      status.textContent = withSource + " of " + shown.length + " rows are joined by statements " +
        "of the dataset; each is listed with the source that states it" +
        (rows.length > shown.length ? " (the first " + ROWS + " rows only)." : ".") +
        " Rows with none hold only values the query computed.";
      var table = element("table", { "class": "results sources-table" });
      var caption = table.appendChild(element("caption", {}, "Each row's statements and their sources"));
      caption.className = "visually-hidden";
      var head = table.appendChild(element("thead")).appendChild(element("tr"));
      ["row", "statement", "stated by"].forEach(function (h) {
        head.appendChild(element("th", { scope: "col" }, h));
      });
      var tbody = table.appendChild(element("tbody"));
      shown.forEach(function (row, index) {
        var facts = byRow[String(index)] || [];
        if (!facts.length) return;
        facts.forEach(function (fact, i) {
          var tr = tbody.appendChild(element("tr"));
          if (i === 0) {
            var th = tr.appendChild(element("th", { scope: "row", rowspan: String(facts.length) },
              String(index + 1)));
            th.className = "row-number";
          }
          var statement = tr.appendChild(element("td", { "class": "statement" }));
          statement.appendChild(link(fact.s.value));
          statement.appendChild(document.createTextNode(" "));
          statement.appendChild(link(fact.p.value));
          statement.appendChild(document.createTextNode(" "));
          if (fact.v.type === "uri") statement.appendChild(link(fact.v.value));
          else statement.appendChild(document.createTextNode(JSON.stringify(fact.v.value)));
          var by = tr.appendChild(element("td", { "class": "stated-by" }));
          if (fact.source) {
            by.appendChild(link(fact.source.value, fact.title ? fact.title.value : null));
            by.appendChild(document.createTextNode(" ("));
            by.appendChild(link(fact.g.value, "graph"));
            by.appendChild(document.createTextNode(")"));
          } else {
            // a graph the build derived, with no source of its own, is named as itself
            by.appendChild(link(fact.g.value));
            by.appendChild(document.createTextNode(" (derived by the build)"));
          }
        });
      });
      box.appendChild(table);
      var again = element("details", { "class": "text-version" });
      again.appendChild(element("summary", {},
        queries.length > 1 ? "The " + queries.length + " queries that found them" : "The query that found them"));
      again.appendChild(element("pre", {}, queries.join("\n\n")));
      box.appendChild(again);
    }).catch(function (error) {
      status.textContent = "The sources could not be looked up: " + error.message;
    });
  };

  // Map: the rows' WKT geometries (a geo:wktLiteral column, or text that is WKT: POLYGON,
  // MULTIPOLYGON, POINT), drawn as SVG here, with no tiles and no other host; longitudes scaled
  // by the cosine of the middle latitude, as the server's map of England is drawn. Each shape is
  // named by the row's first text column and links to the row's first IRI's page.
  var WKT_TYPE = "http://www.opengis.net/ont/geosparql#wktLiteral";
  var WKT_TEXT = /^\s*(<[^>]*>\s*)?(MULTIPOLYGON|POLYGON|POINT)\s*\(/i;
  function isWkt(term) {
    return (term.type === "literal" || term.type === "typed-literal") &&
      (term.datatype === WKT_TYPE || WKT_TEXT.test(term.value));
  }
  // The rings of a WKT geometry, each a list of [x, y]; a point is a ring of one.
  function rings(wkt) {
    var body = wkt.replace(/^\s*<[^>]*>\s*/, "");
    var out = [];
    var found = body.match(/\([^()]+\)/g) || [];
    found.forEach(function (group) {
      var ring = group.slice(1, -1).split(",").map(function (pair) {
        var xy = pair.trim().split(/\s+/).map(Number);
        return [xy[0], xy[1]];
      }).filter(function (xy) { return isFinite(xy[0]) && isFinite(xy[1]); });
      if (ring.length) out.push(ring);
    });
    return out;
  }

  function GeoMap(yasr) { this.yasr = yasr; this.priority = 5; this.label = "Map"; }
  GeoMap.prototype.canHandleResults = function () {
    return bindings(this.yasr).length > 0 && column(this.yasr, isWkt) !== null;
  };
  GeoMap.prototype.getIcon = function () { return icon("◩"); };
  GeoMap.prototype.draw = function () {
    var yasr = this.yasr;
    var where = column(yasr, isWkt);
    var label = column(yasr, function (t) { return t.type !== "uri" && !isWkt(t); }, where);
    var thing = column(yasr, function (t) { return t.type === "uri"; }, where);
    var rows = bindings(yasr).filter(function (r) { return r[where]; });
    var shapes = rows.map(function (r) { return rings(r[where].value); });
    var xs = [], ys = [];
    shapes.forEach(function (s) { s.forEach(function (ring) { ring.forEach(function (xy) {
      xs.push(xy[0]); ys.push(xy[1]); }); }); });
    var box = element("div", { "class": "result-view map-view" });
    yasr.resultsEl.appendChild(box);
    if (!xs.length) { box.appendChild(element("p", {}, "No coordinates to draw.")); return; }
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var scaleX = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
    var width = 640;
    var spanX = Math.max((maxX - minX) * scaleX, 1e-9), spanY = Math.max(maxY - minY, 1e-9);
    var k = width / spanX;
    var height = Math.max(120, Math.min(900, Math.round(spanY * k)));
    k = Math.min(k, height / spanY);
    function project(xy) {
      return ((xy[0] - minX) * scaleX * k).toFixed(1) + " " + ((maxY - xy[1]) * k).toFixed(1);
    }
    var NS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "-4 -4 " + (width + 8) + " " + (height + 8));
    svg.setAttribute("class", "result-map");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Map of " + rows.length + " geometries in " + where);
    rows.forEach(function (r, i) {
      var name = label && r[label] ? r[label].value : (thing && r[thing] ? short(r[thing].value) : "row " + (i + 1));
      var parent = svg;
      if (thing && r[thing]) {
        parent = document.createElementNS(NS, "a");
        parent.setAttribute("href", local(r[thing].value));
        svg.appendChild(parent);
      }
      shapes[i].forEach(function (ring) {
        var shape;
        if (ring.length === 1) {
          shape = document.createElementNS(NS, "circle");
          var at = project(ring[0]).split(" ");
          shape.setAttribute("cx", at[0]); shape.setAttribute("cy", at[1]); shape.setAttribute("r", "4");
        } else {
          shape = document.createElementNS(NS, "path");
          shape.setAttribute("d", "M" + ring.map(project).join(" L") + " Z");
          shape.setAttribute("fill-rule", "evenodd");
        }
        var title = document.createElementNS(NS, "title");
        title.textContent = name;
        shape.appendChild(title);
        parent.appendChild(shape);
      });
    });
    box.appendChild(svg);
    box.appendChild(textVersion([label || thing || "row", "points"],
      rows.map(function (r, i) {
        var name = label && r[label] ? r[label].value : (thing && r[thing] ? r[thing].value : String(i + 1));
        return [name, String(shapes[i].reduce(function (n, ring) { return n + ring.length; }, 0))];
      }), "Text version"));
  };

  if (config) {
    Yasr.registerPlugin("Sources", Sources);
    Yasr.registerPlugin("Map", GeoMap);  // its links use config's base and root
  }
  var scripts = (config && config.viewScripts) || {};
  if (scripts.chart) {
    Yasr.registerPlugin("BarChart", BarChart);
    Yasr.registerPlugin("Timeline", Timeline);
  }
  if (scripts.cytoscape) Yasr.registerPlugin("Graph", Network);
})();
