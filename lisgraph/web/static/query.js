// The query editor on /sparql: YASGUI (bundled with the package; nothing from a CDN), set up
// for this dataset. Without JavaScript, or without the bundled editor, the page's plain form
// and server-rendered results table work on their own.
(function () {
  "use strict";
  var configElement = document.getElementById("lisgraph-editor");
  var root = document.getElementById("yasgui");
  if (!configElement || !root || typeof window.Yasgui === "undefined") return;
  var config = JSON.parse(configElement.textContent);
  var Yasgui = window.Yasgui;
  var Yasqe = Yasgui.Yasqe;

  // Complete the dataset's own prefixes, classes and properties. The stock class and property
  // completers ask a web service (LOV) on another host, so they are not used.
  var prefixLines = Object.keys(config.prefixes).sort().map(function (p) {
    return p + ": <" + config.prefixes[p] + ">";
  });
  Yasqe.forkAutocompleter("prefixes", {
    name: "lisgraph-prefixes",
    persistenceId: null,
    get: function () { return Promise.resolve(prefixLines); }
  });
  // Classes and properties complete from the data itself (/editor/terms.json, fetched once):
  // every class with instances and every property used, whatever its vocabulary, and the
  // ontology's terms, most used first, each shown with its label and how often the data uses it.
  var termsPromise = null;
  var termInfo = {};
  var termCount = {};
  function shortForm(iri) {
    var names = Object.keys(config.prefixes);
    for (var i = 0; i < names.length; i++) {
      var ns = config.prefixes[names[i]];
      if (iri.indexOf(ns) === 0) return names[i] + ":" + iri.slice(ns.length);
    }
    return null;
  }
  // With a token (before the bulk list is stored, YASQE asks get() itself): the IRIs that start
  // with what the token stands for ("lis:Loc" -> the lis: namespace's IRI and "Loc").
  function terms(kind, token) {
    if (!termsPromise) {
      termsPromise = fetch(config.terms, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { terms: [] }; })
        .then(function (answer) {
          answer.terms.forEach(function (term) {
            var info = term.label + " · " + (term.count ? term.count + " in the data" : "not used in the data");
            termInfo["<" + term.iri + ">"] = termInfo[term.iri] = info;
            termCount[term.iri] = term.count;
            termInfo[term.iri + "#comment"] = term.comment;
            var short = shortForm(term.iri);
            if (short) termInfo[short] = info;
          });
          return answer.terms;
        })
        .catch(function () {
          // the ontology's terms, unlabelled, when the list cannot be fetched
          return config.classes.map(function (iri) { return { iri: iri, kind: "class" }; })
            .concat(config.properties.map(function (iri) { return { iri: iri, kind: "property" }; }));
        });
    }
    return termsPromise.then(function (all) {
      var start = token ? token.autocompletionString || token.string || "" : "";
      return all.filter(function (t) { return t.kind === kind && t.iri.indexOf(start) === 0; })
        .map(function (t) { return t.iri; });
    });
  }
  function labelHints(yasqe, hints) {
    // the most used first (the stored list comes back in alphabetical order)
    function count(hint) {
      var iri = hint.text.replace(/^<|>$/g, "");
      var prefix = iri.indexOf(":") > 0 && config.prefixes[iri.slice(0, iri.indexOf(":"))];
      return termCount[prefix ? prefix + iri.slice(iri.indexOf(":") + 1) : iri] || 0;
    }
    hints.sort(function (a, b) { return count(b) - count(a); });
    return hints.map(function (hint) {
      var info = termInfo[hint.text] || termInfo[hint.text.replace(/^<|>$/g, "")];
      if (info) hint.displayText = hint.text + "  — " + info;
      return hint;
    });
  }
  Yasqe.forkAutocompleter("class", {
    name: "lisgraph-classes",
    bulk: true,
    persistenceId: null,
    autoShow: true,  // as the user types: the list is this server's own, fetched once
    get: function (yasqe, token) { return terms("class", token); },
    postprocessHints: labelHints
  });
  Yasqe.forkAutocompleter("property", {
    name: "lisgraph-properties",
    bulk: true,
    persistenceId: null,
    autoShow: true,  // as the user types: the list is this server's own, fetched once
    get: function (yasqe, token) { return terms("property", token); },
    postprocessHints: labelHints
  });
  // Named things (LEPs, strategies, districts...) complete from this server's search index
  // (/editor/names.json): a bare word ("Cumbr") by name, code or IRI segment, and a prefixed
  // name whose prefix the query declares ("lep:E3700") by its local part under that namespace.
  // Each hint shows the thing's label and class; it is inserted as a prefixed name when a prefix
  // the query declares covers the IRI, else as <IRI>.
  var KEYWORDS = /^(select|construct|describe|ask|where|prefix|base|from|named|optional|union|filter|graph|minus|bind|values|service|limit|offset|order|group|having|distinct|reduced|as|by|asc|desc|not|exists|in|a|true|false|undef)$/i;
  var BARE = /^[A-Za-z][\w\u00C0-\u024F-]{2,}$/;
  var PREFIXED = /^([A-Za-z][\w-]*)?:([\w\u00C0-\u024F.-]{2,})$/;
  var LOCAL = /^[\w][\w-]*$/;  // a local part written as is in a prefixed name
  var found = {};
  function typed(yasqe) {
    var token = yasqe.getCompleteToken();
    var text = token && token.string ? token.string : "";
    var prefixed = PREFIXED.exec(text);
    if (prefixed) {
      var declared = yasqe.getPrefixesFromQuery();
      var ns = declared[prefixed[1] || ""];
      return ns ? { q: prefixed[2], ns: ns } : null;
    }
    return BARE.test(text) && !KEYWORDS.test(text) ? { q: text, ns: "" } : null;
  }
  function written(yasqe, iri) {
    var declared = yasqe.getPrefixesFromQuery();
    var best = null;
    Object.keys(declared).forEach(function (prefix) {
      var ns = declared[prefix];
      if (iri.indexOf(ns) === 0 && LOCAL.test(iri.slice(ns.length)) &&
          (!best || ns.length > declared[best].length)) best = prefix;
    });
    return best !== null ? best + ":" + iri.slice(declared[best].length) : "<" + iri + ">";
  }
  Yasqe.registerAutocompleter({
    name: "lisgraph-resources",
    bulk: false,
    autoShow: true,
    persistenceId: null,
    isValidCompletionPosition: function (yasqe) { return typed(yasqe) !== null; },
    get: function (yasqe) {
      var asked = typed(yasqe);
      if (!asked) return Promise.resolve([]);
      var url = config.names + "?limit=15&q=" + encodeURIComponent(asked.q) +
        (asked.ns ? "&ns=" + encodeURIComponent(asked.ns) : "");
      return fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { names: [] }; })
        .then(function (answer) {
          return answer.names.map(function (thing) {
            var completion = written(yasqe, thing.iri);
            found[completion] = thing.label + " (" + thing.classLabel + ")";
            return completion;
          });
        })
        .catch(function () { return []; });
    },
    postprocessHints: function (yasqe, hints) {
      return hints.map(function (hint) {
        hint.displayText = (found[hint.text] ? found[hint.text] + "  " : "") + hint.text;
        return hint;
      });
    }
  }, false);
  Yasqe.defaults.autocompleters = [
    "lisgraph-prefixes", "lisgraph-classes", "lisgraph-properties", "lisgraph-resources",
    "variables"
  ];

  var firstQuery = config.query || config.examples[0] || "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  Yasqe.defaults.value = firstQuery;
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; },
      keys: []
    },
    yasr: { prefixes: config.prefixes }
  });
  document.body.classList.add("editor-on");

  // IRIs under the dataset's base open this server's own page for them.
  function localise(scope) {
    var links = scope.querySelectorAll('a[href^="' + config.base + '"]');
    for (var i = 0; i < links.length; i++) {
      links[i].setAttribute("href", config.root + links[i].getAttribute("href").slice(config.base.length));
      links[i].removeAttribute("target");
    }
  }
  new MutationObserver(function () { localise(root); })
    .observe(root, { childList: true, subtree: true });

  // Plain links to download the current results, and to share the query.
  var downloads = document.getElementById("result-downloads");
  function resultLink(format) {
    var query = yasgui.getTab().getQuery();
    return config.endpoint + "?query=" + encodeURIComponent(query) + "&format=" + format;
  }
  // "#defaultView:BarChart" (or Timeline, Graph, Sources, Table) in a query chooses how its
  // results show.
  var VIEWS = { barchart: "BarChart", timeline: "Timeline", graph: "Graph", table: "table",
    sources: "Sources", map: "Map" };
  yasgui.on("queryResponse", function (instance, tab) {
    var chosen = /#\s*defaultView:\s*(\w+)/i.exec(tab.getQuery());
    var plugin = chosen && VIEWS[chosen[1].toLowerCase()];
    if (plugin && tab.getYasr().plugins[plugin]) tab.getYasr().selectPlugin(plugin);
  });
  yasgui.on("queryResponse", function () {
    document.getElementById("download-csv").href = resultLink("csv");
    document.getElementById("download-json").href = resultLink("json");
    document.getElementById("share-link").href =
      config.endpoint + "?query=" + encodeURIComponent(yasgui.getTab().getQuery());
    downloads.hidden = false;
  });

  // The example questions load into the editor and run there.
  var examples = document.querySelectorAll("a[data-example]");
  for (var i = 0; i < examples.length; i++) {
    examples[i].addEventListener("click", function (event) {
      event.preventDefault();
      var tab = yasgui.getTab();
      tab.setQuery(config.examples[Number(this.getAttribute("data-example"))]);
      tab.query();
      root.scrollIntoView({ behavior: "smooth" });
    });
  }
})();
