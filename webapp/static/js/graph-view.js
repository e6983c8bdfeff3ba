/* Node-link pictures of RDF with Cytoscape.js (vendored): the "Graph" view of CONSTRUCT and DESCRIBE answers in
   /query (a Yasr plugin), and an entity's neighbourhood on its page (#entity-graph, from /api/neighbourhood).
   - nodes are resources (IRIs, blank nodes), named by their rdfs:label / skos:prefLabel / dcterms:title when
     the triples give one, coloured by type; literals are not nodes but shown in the node's details;
   - a click on a node shows its details (types, values, links) with a link to its page when it is an entity
     of this graph; the resources are also a list under the picture, each with its page, for the keyboard; the layout (CoSE, or concentric around the entity) stays readable at 100 nodes and more
     than MAX_NODES are cut with a note.
   The page links css/graph-view.css under Cytoscape's stylesheet id, so Cytoscape adds no <style> (CSP). */
(function () {
  "use strict";

  const MAX_NODES = 250;
  const FIT_ZOOM = 1.25;  // the largest zoom a drawn graph opens at (a user may zoom in further)
  const QUIET_ZOOM = 0.75;  // below this zoom (a large graph on a phone) labels would be too small to read: only
                            // the entity's and the chosen node's show, the others when zoomed in
  const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
  const LABELS = [
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
  ];
  // On a touch screen one finger scrolls the page: a finger landing on the picture while
  // scrolling would pan it and stop the page (a phone's neighbourhood picture is 24rem of an 844 px screen).
  // Two fingers still zoom it, which also moves it.
  const TOUCH = window.matchMedia("(pointer: coarse)").matches;
  const COLOURS = ["#0b5d7a", "#d35400", "#2e8b57", "#7b3fa0", "#b8860b", "#c2185b", "#455a64", "#00838f"];

  function local(iri) {
    const m = /[#/]([^#/]+)\/?$/.exec(iri);
    return m ? decodeURIComponent(m[1]) : iri;
  }

  function colour(type) {
    if (!type) return "#8a9aa6";
    let h = 0;
    for (let i = 0; i < type.length; i++) h = (h * 31 + type.charCodeAt(i)) >>> 0;
    return COLOURS[h % COLOURS.length];
  }

  /* Triples as {s, p, o} with terms {type: "uri"|"bnode"|"literal", value, lang, datatype}. */
  function fromQuads(quads) {
    const term = (t) => ({
      type: t.termType === "NamedNode" ? "uri" : t.termType === "BlankNode" ? "bnode" : "literal",
      value: t.value,
      lang: t.language || "",
    });
    return quads.map((q) => ({ s: term(q.subject), p: term(q.predicate), o: term(q.object) }));
  }

  /* Nodes, edges and each node's details from triples; `centre` (an IRI) is drawn apart. */
  function model(triples, centre) {
    const nodes = new Map();
    const edges = [];
    function node(t) {
      const id = (t.type === "bnode" ? "_:" : "") + t.value;
      if (!nodes.has(id)) nodes.set(id, { id: id, iri: t.type === "uri" ? t.value : null, label: null, types: [], values: [] });
      return nodes.get(id);
    }
    for (const t of triples) {
      if (t.s.type === "literal") continue;
      const s = node(t.s);
      if (t.p.value === RDF_TYPE && t.o.type === "uri") { s.types.push(t.o.value); continue; }
      if (t.o.type === "literal") {
        if (LABELS.indexOf(t.p.value) >= 0 && (!s.label || t.o.lang === "en")) s.label = t.o.value;
        s.values.push({ p: local(t.p.value), v: t.o.value + (t.o.lang ? " @" + t.o.lang : "") });
        continue;
      }
      edges.push({ source: s.id, target: node(t.o).id, label: local(t.p.value) });
    }
    const linked = new Set([centre]);
    edges.forEach((e) => { linked.add(e.source); linked.add(e.target); });
    let list = Array.from(nodes.values()).filter((n) => linked.has(n.id) || edges.length === 0);
    const cut = list.length > MAX_NODES;
    if (cut) {
      const degree = new Map();
      edges.forEach((e) => { degree.set(e.source, (degree.get(e.source) || 0) + 1); degree.set(e.target, (degree.get(e.target) || 0) + 1); });
      list = list.sort((a, b) => (b.id === centre) - (a.id === centre) || (degree.get(b.id) || 0) - (degree.get(a.id) || 0)).slice(0, MAX_NODES);
    }
    const kept = new Set(list.map((n) => n.id));
    return {
      nodes: list,
      edges: edges.filter((e) => kept.has(e.source) && kept.has(e.target)),
      total: linked.size,
      cut: cut,
    };
  }

  function pagePath(iri, base) {
    return iri && base && iri.indexOf(base + "id/") === 0 ? "/" + iri.slice(base.length) : null;
  }

  function details(box, n, base, root) {
    box.textContent = "";
    const title = document.createElement("h3");
    title.textContent = n.data("label");
    box.appendChild(title);
    const iri = n.data("iri");
    if (iri) {
      const code = document.createElement("p");
      code.className = "note";
      code.textContent = iri;
      box.appendChild(code);
    }
    const types = n.data("types");
    if (types.length) {
      const p = document.createElement("p");
      p.textContent = "Type: " + types.map(local).join(", ");
      box.appendChild(p);
    }
    const values = n.data("values");
    if (values.length) {
      const dl = document.createElement("dl");
      values.slice(0, 12).forEach((v) => {
        const dt = document.createElement("dt");
        dt.textContent = v.p;
        const dd = document.createElement("dd");
        dd.textContent = v.v.length > 200 ? v.v.slice(0, 200) + "…" : v.v;
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
      box.appendChild(dl);
    }
    const path = pagePath(iri, base);
    if (path) {
      const a = document.createElement("a");
      a.href = root + path;
      a.className = "graph-open";
      a.textContent = "Open the page of " + n.data("label");
      box.appendChild(a);
    }
    box.hidden = false;
  }

  /* The picture's resources as a list, folded under the picture: its text alternative (the picture's label points
     to it), and the way to each resource's page without a pointer, since a node is reached only by a click. */
  function resourceList(m, centre, base, root) {
    const list = document.createElement("details");
    list.className = "graph-list";
    const summary = document.createElement("summary");
    summary.textContent = "The " + m.nodes.length + " resources as a list";
    list.appendChild(summary);
    const items = document.createElement("ul");
    const name = (n) => n.label || (n.iri ? local(n.iri) : "(blank node)");
    const sorted = m.nodes.slice().sort((a, b) => (b.id === centre) - (a.id === centre) || name(a).localeCompare(name(b)));
    sorted.forEach((n) => {  // the entity first, then by name
      const item = document.createElement("li");
      const path = pagePath(n.iri, base);
      const link = document.createElement(path ? "a" : "span");
      if (path) link.href = root + path;
      link.textContent = name(n);
      item.appendChild(link);
      if (n.types.length) item.appendChild(document.createTextNode(" (" + n.types.map(local).join(", ") + ")"));
      items.appendChild(item);
    });
    list.appendChild(items);
    return list;
  }

  /* Draw `triples` into `container` (emptied first); returns the Cytoscape instance. */
  function draw(container, triples, options) {
    const opts = options || {};
    const base = opts.base || document.body.dataset.publicBase || "https://w3id.org/ascn/";
    const root = document.body.dataset.root || "";
    const m = model(triples, opts.centre);
    container.textContent = "";
    const canvas = document.createElement("div");
    canvas.className = "graph-canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "Node-link picture of " + m.nodes.length + " resources and " + m.edges.length +
      " links; the same resources are listed below it.");
    container.appendChild(canvas);
    const note = document.createElement("p");
    note.className = "note graph-note";
    note.textContent = m.nodes.length + " resources, " + m.edges.length + " links" +
      (m.cut ? " (the " + MAX_NODES + " most linked of " + m.total + ")" : "") + ". Click a node for its details.";
    container.appendChild(note);
    container.appendChild(resourceList(m, opts.centre, base, root));
    const box = document.createElement("aside");
    box.className = "graph-details";
    box.setAttribute("aria-live", "polite");
    box.hidden = true;
    container.appendChild(box);

    const cy = window.cytoscape({
      container: canvas,
      userPanningEnabled: !TOUCH,
      elements: {
        nodes: m.nodes.map((n) => ({
          data: { id: n.id, iri: n.iri, label: n.label || (n.iri ? local(n.iri) : "(blank node)"), types: n.types,
                  values: n.values, colour: colour(n.types[0]), centre: n.id === opts.centre ? 1 : 0 },
        })),
        edges: m.edges.map((e, i) => ({ data: { id: "e" + i, source: e.source, target: e.target, label: e.label } })),
      },
      style: [
        { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 11,
          "text-wrap": "ellipsis", "text-max-width": 140, "text-valign": "bottom", "text-margin-y": 3,
          color: "#1d2b36", width: 16, height: 16 } },
        { selector: "node[centre = 1]", style: { width: 30, height: 30, "font-weight": "bold", "border-width": 3,
          "border-color": "#1d2b36" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#f4b400" } },
        { selector: "edge", style: { width: 1.2, "line-color": "#b7c3cc", "target-arrow-color": "#b7c3cc",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.8,
          label: m.edges.length <= 60 ? "data(label)" : "", "font-size": 8, color: "#5b6b78",
          "text-rotation": "autorotate" } },
        { selector: ".quiet", style: { label: "" } },
        { selector: "node.quiet[centre = 1], node.quiet:selected", style: { label: "data(label)" } },
      ],
      layout: opts.centre
        ? { name: "concentric", concentric: (n) => (n.data("centre") ? 2 : 1), levelWidth: () => 1,
            minNodeSpacing: m.nodes.length <= 12 ? 100 : 40,  // a small ring wide enough for its labels side by side
            animate: false }
        : { name: "cose", animate: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70, randomize: false },
    });
    cy.ready(() => {
      // a small neighbourhood fitted to the canvas would be magnified, its labels with it, until they run into
      // one another: it is shown at most a little above its natural size, in the middle
      if (cy.zoom() > FIT_ZOOM) {
        cy.zoom(FIT_ZOOM);
        cy.center();
      }
      quieten();
    });
    function quieten() {
      const quiet = cy.zoom() < QUIET_ZOOM;
      cy.batch(() => cy.elements().forEach((ele) => ele.toggleClass("quiet", quiet)));
    }
    cy.on("zoom", quieten);
    cy.on("tap", "node", (event) => details(box, event.target, base, root));
    container.ascnGraph = cy;
    container.dataset.nodes = String(m.nodes.length);
    container.dataset.ready = "true";
    return cy;
  }

  /* The Yasr plugin: offered for graph answers (CONSTRUCT, DESCRIBE). */
  class GraphView {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = "Graph";
      this.cy = null;
    }

    canHandleResults() {
      const r = this.yasr.results;
      return Boolean(r && r.getType && r.getType() === "ttl" && r.getStatements && r.getStatements().length);
    }

    getIcon() {
      const icon = document.createElement("span");
      icon.className = "ascn-view-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "⬡";
      return icon;
    }

    draw() {
      const wrap = document.createElement("div");
      wrap.className = "graph-view";
      this.yasr.resultsEl.appendChild(wrap);
      if (this.cy) this.cy.destroy();
      this.cy = draw(wrap, fromQuads(this.yasr.results.getStatements()));
    }
  }

  function entityGraph() {
    const container = document.getElementById("entity-graph");
    if (!container || !window.cytoscape) return;
    fetch(container.dataset.src, { headers: { Accept: "application/json" } })
      .then((r) => {
        if (!r.ok) throw new Error("the neighbourhood could not be read (" + r.status + ")");
        return r.json();
      })
      .then((data) => {
        window.ascnEntityGraph = draw(container, data.triples, { centre: data.centre, base: data.base });
      })
      .catch((error) => {
        container.textContent = error.message;
        container.className = "notice error";
      });
  }

  window.AscnGraphView = { GraphView: GraphView, draw: draw, model: model };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", entityGraph);
  else entityGraph();
})();
