/* The /query page: Yasgui on this app's /sparql, with nothing that reaches another site.
   - autocompletion as you type from /api/complete (complete.js: classes, a class's properties, the entities that
     keep a pattern non-empty) and /api/prefixes; the stock class/property completers (which ask Linked Open
     Vocabularies) are replaced, never registered;
   - the library's queries (from /api/queries) open in new tabs; a shared link opens its query against /sparql,
     whatever endpoint it names;
   - the map and chart views (query-views.js); CSV/JSON downloads and permalinks are Yasgui's own
     (no URL shortener is configured);
   - a notice when an answer was cut, from the X-ASCN-* headers or the "ascn:completeness" JSON member. */
(function () {
  "use strict";

  const root = document.getElementById("yasgui");
  if (!root || !window.Yasgui) return;
  const Yasgui = window.Yasgui.default || window.Yasgui.Yasgui || window.Yasgui;
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;
  const endpoint = root.dataset.endpoint;

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then((r) => {
      if (!r.ok) throw new Error(url + " answered " + r.status);
      return r.json();
    });
  }

  function prefixBlock(prefixes) {
    const wanted = ["ascn", "rdf", "rdfs", "skos", "dcterms", "geo", "wgs", "schema"];
    return wanted.filter((p) => prefixes[p]).map((p) => "PREFIX " + p + ": <" + prefixes[p] + ">").join("\n");
  }

  function configureEditor(vocabulary) {
    Yasr.registerPlugin("map", window.AscnQueryViews.MapView);
    Yasr.registerPlugin("chart", window.AscnQueryViews.ChartView);
    Yasr.registerPlugin("graph", window.AscnGraphView.GraphView);
    Yasr.defaults.pluginOrder = ["table", "graph", "map", "chart", "response"];
    Yasr.defaults.prefixes = vocabulary.prefixes;

    // Classes, properties and entities from this app's /api/complete as you type (complete.js); the stock
    // class and property completers, which ask Linked Open Vocabularies, are never registered.
    window.AscnComplete.register(Yasqe, root.dataset.complete, vocabulary.prefixes);
    Yasqe.defaults.autocompleters = ["prefixes", "variables", "ascn-terms"];
    Yasqe.defaults.prefixCcApi = root.dataset.prefixes;
    Yasqe.defaults.createShortLink = undefined;
    Yasqe.defaults.value = prefixBlock(vocabulary.prefixes) +
      "\n\nSELECT ?city ?label WHERE {\n  ?city a ascn:City ; rdfs:label ?label .\n}\nORDER BY ?label\nLIMIT 20\n";
    Yasqe.defaults.requestConfig.endpoint = endpoint;
  }

  function startEditor() {
    const yasgui = new Yasgui(root, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
      copyEndpointOnNewTab: true,
      // a shared link (?query=...) opens its query here, but never its endpoint=: the page asks this app only
      populateFromUrl: (tab) => { tab.requestConfig.endpoint = endpoint; return tab; },
      persistenceId: root.dataset.persistence || "ascn-kg-query", // a pinned release keeps its own tabs
      yasqe: { createShortLink: undefined },
      // The page opens with the focus at its top, as every page does (the skip link first): the editor starts
      // after two requests, and took the focus from wherever a keyboard user had got to, where the next Tab
      // indented the query. A tab opened later (an example, a new tab) still takes it: that is where one is going.
      autofocus: false,
    });
    yasgui.config.autofocus = true;
    return yasgui;
  }

  /* The completeness notice: shown only when an answer was cut (or stopped), hidden otherwise. */
  const notice = document.getElementById("completeness");

  function showCompleteness(state) {
    if (!notice || !state) return;
    if (state.complete) {
      notice.hidden = true;
      notice.textContent = "";
      return;
    }
    const why = state.reason === "timeout" ? "the time limit stopped it" : "it reached the row limit";
    notice.textContent = "This answer is incomplete: " + why + ". " + state.rows + " rows were sent; the limit is " +
      state.limit + " rows. Narrow the query or add a LIMIT.";
    notice.hidden = false;
  }

  function fromHeaders(headers) {
    const complete = headers.get("X-ASCN-Complete");
    if (complete === null) return null;
    return {
      complete: complete === "true",
      reason: headers.get("X-ASCN-Reason"),
      rows: Number(headers.get("X-ASCN-Rows")),
      limit: Number(headers.get("X-ASCN-Row-Limit")),
    };
  }

  function fromJson(text) {
    try {
      const doc = JSON.parse(text);
      return doc && doc["ascn:completeness"] ? doc["ascn:completeness"] : null;
    } catch (e) {
      return null;
    }
  }

  function watch(yasgui) {
    const hooked = new WeakSet();
    yasgui.on("query", (ygui, tab) => {
      const yasqe = tab.getYasqe();
      if (!yasqe || hooked.has(yasqe)) return;
      hooked.add(yasqe);
      yasqe.on("queryResponse", function () {
        const response = Array.prototype.find.call(arguments, (a) => a && a.headers && typeof a.headers.get === "function");
        if (response) showCompleteness(fromHeaders(response.headers));
      });
    });
    yasgui.on("queryResponse", (ygui, tab) => {
      const results = tab.getYasr() && tab.getYasr().results;
      if (results && results.getOriginalResponseAsString) showCompleteness(fromJson(results.getOriginalResponseAsString()));
    });
    yasgui.on("tabSelect", () => { if (notice) notice.hidden = true; });
  }

  function wireExamples(yasgui, library) {
    const byName = {};
    library.queries.forEach((q) => { byName[q.name] = q; });
    const loaded = document.getElementById("example-loaded");
    document.querySelectorAll("button.example[data-query]").forEach((button) => {
      button.addEventListener("click", () => {
        const query = byName[button.dataset.query];
        if (!query) return;
        yasgui.addTab(true, { name: query.title, yasqe: { value: query.sparql } });
        yasgui.getTab().query();  // opening an example runs it: its answer is one click away, not two
        if (loaded) {
          loaded.textContent = "Opened and ran “" + query.title + "” in a new tab; change it and run it again " +
            "with the ▶ button or Ctrl+Enter.";
          loaded.hidden = false;
        }
      });
    });
    document.body.dataset.examplesReady = "true";
  }

  Promise.all([getJson(root.dataset.vocabulary), getJson(root.dataset.examples)]).then(([vocabulary, library]) => {
    configureEditor(vocabulary);
    const yasgui = startEditor();
    watch(yasgui);
    wireExamples(yasgui, library);
    window.ascnYasgui = yasgui;
  }).catch((error) => {
    const message = document.createElement("p");
    message.className = "notice error";
    message.textContent = "The editor could not start: " + error.message;
    root.appendChild(message);
  });
})();
