// "Sources": a result view (a YASR plugin, one click among the results' view buttons, or
// "#defaultView:Sources" in the query) that shows, for each row of a SELECT result, which
// sources state the facts the row is made of.
//
// A row's facts are the statements that join two of its values: for an IRI value s and any
// other value v of the same row, every statement "s p v" (or "v p s"). Each statement lies in
// the named graph of the source it was taken from (one graph per source), and the graph says
// which source that is (prov:wasDerivedFrom). One query to this server's own endpoint finds
// them all (the VALUES pattern documented on this page), for the first ROWS rows. A value the
// query computed (a count, a concatenation) joins no statement, so it has no source, and the
// view says so. Nothing is asked of another host.
(function () {
  "use strict";
  if (typeof window.Yasgui === "undefined") return;
  var configElement = document.getElementById("lisgraph-editor");
  if (!configElement) return;
  var config = JSON.parse(configElement.textContent);
  var Yasr = window.Yasgui.Yasr;
  var ROWS = 200;
  var PAIRS = 2000;

  function element(tag, attributes, content) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (content !== undefined) node.textContent = content;
    return node;
  }
  function short(value) {
    var cut = Math.max(value.lastIndexOf("#"), value.lastIndexOf("/"));
    return cut >= 0 && cut < value.length - 1 ? value.slice(cut + 1) : value;
  }
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
      var text = JSON.stringify(term.value);
      if (term["xml:lang"]) return text + "@" + term["xml:lang"];
      if (term.datatype) return text + "^^<" + term.datatype + ">";
      return text;
    }
    return null;
  }
  function bindings(yasr) {
    return yasr.results && yasr.results.getBindings ? yasr.results.getBindings() || [] : [];
  }
  function variables(yasr) {
    return yasr.results && yasr.results.getVariables ? yasr.results.getVariables() || [] : [];
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

  function Sources(yasr) { this.yasr = yasr; this.priority = 1; this.label = "Sources"; }
  Sources.prototype.canHandleResults = function () {
    var rows = bindings(this.yasr);
    var names = variables(this.yasr);
    return rows.length > 0 && names.length > 1 && rows.some(function (r) {
      return names.some(function (n) { return r[n] && r[n].type === "uri"; });
    });
  };
  Sources.prototype.getIcon = function () {
    return element("span", { "aria-hidden": "true", "class": "view-icon" }, "§");
  };
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
    var query = sourcesQuery(values);
    var body = new URLSearchParams();
    body.set("query", query);
    fetch(config.endpoint, {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded" },
      body: body
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (t) { throw new Error(response.status + ": " + t); });
      }
      return response.json();
    }).then(function (answer) {
      var found = answer.results.bindings;
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
      again.appendChild(element("summary", {}, "The query that found them"));
      again.appendChild(element("pre", {}, query));
      box.appendChild(again);
    }).catch(function (error) {
      status.textContent = "The sources could not be looked up: " + error.message;
    });
  };

  Yasr.registerPlugin("Sources", Sources);
})();
