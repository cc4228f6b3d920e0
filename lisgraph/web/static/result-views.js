// Result views beside YASR's table: a bar chart (one label and one number column), a timeline
// (a label and a date column), and a network (CONSTRUCT and DESCRIBE results). Each is a YASR
// plugin, chosen in the results' view buttons or by a comment in the query ("#defaultView:BarChart",
// "#defaultView:Timeline", "#defaultView:Graph", as Wikidata's query service reads them), and
// each shows a text version of what it draws. Chart.js and Cytoscape are bundled with the
// package; nothing is loaded from another host.
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
  BarChart.prototype.getIcon = function () { return icon("▮"); };
  BarChart.prototype.draw = function () {
    var value = column(this.yasr, isNumber);
    var label = column(this.yasr, function (t) { return !isNumber(t); }, value);
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
  Timeline.prototype.getIcon = function () { return icon("⟶"); };
  Timeline.prototype.draw = function () {
    var when = column(this.yasr, isDate);
    var label = column(this.yasr, function (t) { return !isDate(t); }, when);
    var rows = bindings(this.yasr).filter(function (r) { return r[when]; }).slice()
      .sort(function (a, b) { return yearOf(a[when].value) - yearOf(b[when].value); });
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
      data: { datasets: [{ label: when, backgroundColor: "#00703c", pointRadius: 5,
        data: rows.map(function (r) {
          return { x: yearOf(r[when].value), y: names.indexOf(label ? text(r[label]) : when),
            date: r[when].value };
        }) }] },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: {
          x: { min: first, max: last, ticks: { stepSize: 1, callback: String } },
          y: { reverse: true, min: -0.5, max: names.length - 0.5,
            afterBuildTicks: function (axis) {
              axis.ticks = names.map(function (name, i) { return { value: i }; });
            },
            ticks: { autoSkip: false, callback: function (v) { return names[v]; } } }
        },
        plugins: { tooltip: { callbacks: { label: function (c) {
          return names[c.raw.y] + ": " + c.raw.date;
        } } }, legend: { display: false } }
      }
    });
    view.box.appendChild(textVersion([label || "", when],
      rows.map(function (r) { return [label ? text(r[label]) : "", r[when].value]; }),
      "Text version (in date order)"));
  };
  Timeline.prototype.destroy = function () { if (this.chart) this.chart.destroy(); };

  function Network(yasr) { this.yasr = yasr; this.priority = 2; this.label = "Network"; }
  Network.prototype.canHandleResults = function () {
    var names = variables(this.yasr);
    return bindings(this.yasr).length > 0 && names.length === 3 &&
      names[0] === "subject" && names[1] === "predicate" && names[2] === "object";
  };
  Network.prototype.getIcon = function () { return icon("⋈"); };
  Network.prototype.draw = function () {
    var rows = bindings(this.yasr).slice(0, 500);
    var nodes = {};
    var edges = [];
    rows.forEach(function (r, i) {
      [r.subject, r.object].forEach(function (t) {
        var id = t.type + ":" + t.value;
        if (!nodes[id]) nodes[id] = { data: { id: id, label: text(t).slice(0, 40) },
          classes: t.type === "uri" ? "iri" : "literal" };
      });
      edges.push({ data: { id: "e" + i, source: r.subject.type + ":" + r.subject.value,
        target: r.object.type + ":" + r.object.value, label: short(r.predicate.value) } });
    });
    var box = element("div", { "class": "result-view network", role: "img",
      "aria-label": "Network of " + rows.length + " statements" });
    this.yasr.resultsEl.appendChild(box);
    this.cy = window.cytoscape({
      container: box,
      elements: Object.keys(nodes).map(function (k) { return nodes[k]; }).concat(edges),
      layout: { name: "cose", animate: false },
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 9,
          "background-color": "#005ea5", width: 12, height: 12 } },
        { selector: "node.literal", style: { "background-color": "#b1b4b6", shape: "round-rectangle" } },
        { selector: "edge", style: { label: "data(label)", "font-size": 7, width: 1,
          "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#888",
          "target-arrow-color": "#888" } }
      ]
    });
    box.parentNode.appendChild(textVersion(["subject", "predicate", "object"],
      rows.map(function (r) { return [text(r.subject), short(r.predicate.value), text(r.object)]; }),
      "Text version"));
  };
  Network.prototype.destroy = function () { if (this.cy) this.cy.destroy(); };

  if (window.Chart) {
    Yasr.registerPlugin("BarChart", BarChart);
    Yasr.registerPlugin("Timeline", Timeline);
  }
  if (window.cytoscape) Yasr.registerPlugin("Graph", Network);
})();
