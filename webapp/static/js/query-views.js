/* Two result views for the Yasr result panel of /query: a map for rows with coordinates (Leaflet) and a bar
   chart for label + number rows (Chart.js). Both are registered by query.js before the editor starts.
   Everything is built with DOM calls and textContent: no result value is ever parsed as HTML. */
(function () {
  "use strict";

  const ID_BASE = "https://w3id.org/ascn/id/";
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|nonPositiveInteger|negativeInteger|unsignedLong|unsignedInt|unsignedShort|unsignedByte)$/;
  const LAT = /^(lat|latitude)$/i;
  const LON = /^(long|lon|lng|longitude)$/i;
  const POINT = /^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*$/i;
  const MAX_CHART_ROWS = 500;

  /* The app path of an entity IRI (so links stay in this app), the IRI itself if it is http(s), else null: an
     IRI such as javascript:… from the results never becomes a link. */
  function href(iri) {
    if (iri.indexOf(ID_BASE) === 0) return "/id/" + iri.slice(ID_BASE.length);
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  /* Leaflet parses a string tooltip as HTML: a label from the results goes in as a text node instead. */
  function asText(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function labelVariable(vars, rows) {
    const named = vars.find((v) => /label$/i.test(v)) || vars.find((v) => /name$/i.test(v));
    if (named) return named;
    return vars.find((v) => rows.some((r) => r[v] && r[v].type === "literal" && !NUMERIC.test(r[v].datatype || "")));
  }

  /* Rows with a position: lat/long variables, or a WKT POINT literal in any variable. */
  function points(results) {
    if (!results || !results.getVariables || !results.getBindings) return [];
    const vars = results.getVariables() || [];
    const rows = results.getBindings() || [];
    const latVar = vars.find((v) => LAT.test(v));
    const lonVar = vars.find((v) => LON.test(v));
    const labelVar = labelVariable(vars, rows);
    const linkVar = vars.find((v) => rows.some((r) => r[v] && r[v].type === "uri"));
    const out = [];
    rows.forEach((row, i) => {
      let lat = NaN;
      let lon = NaN;
      if (latVar && lonVar && row[latVar] && row[lonVar]) {
        lat = parseFloat(row[latVar].value);
        lon = parseFloat(row[lonVar].value);
      } else {
        for (const v of vars) {
          const m = row[v] && POINT.exec(row[v].value);
          if (m) {
            lon = parseFloat(m[1]);
            lat = parseFloat(m[2]);
            break;
          }
        }
      }
      if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return;
      const label = labelVar && row[labelVar] ? row[labelVar].value : "row " + (i + 1);
      const link = linkVar && row[linkVar] ? row[linkVar].value : null;
      out.push({ lat: lat, lon: lon, label: label, link: link, row: row, vars: vars });
    });
    return out;
  }

  function popup(point) {
    const box = document.createElement("div");
    const link = point.link && href(point.link);
    const title = document.createElement(link ? "a" : "strong");
    title.textContent = point.label;
    if (link) title.href = link;
    box.appendChild(title);
    const list = document.createElement("dl");
    list.className = "ascn-popup";
    point.vars.forEach((v) => {
      if (!point.row[v]) return;
      const dt = document.createElement("dt");
      dt.textContent = v;
      const dd = document.createElement("dd");
      dd.textContent = point.row[v].value;
      list.appendChild(dt);
      list.appendChild(dd);
    });
    box.appendChild(list);
    return box;
  }

  class MapView {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 4;
      this.label = "Map";
      this.map = null;
    }

    canHandleResults() {
      return points(this.yasr.results).length > 0;
    }

    getIcon() {
      const icon = document.createElement("span");
      icon.className = "ascn-view-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "◉";
      return icon;
    }

    draw() {
      const pts = points(this.yasr.results);
      const element = document.createElement("div");
      element.className = "ascn-map";
      element.setAttribute("role", "region");
      element.setAttribute("aria-label", "Map of " + pts.length + " result rows with coordinates");
      this.yasr.resultsEl.appendChild(element);
      const caption = document.createElement("p");
      caption.className = "note ascn-map-caption";
      caption.textContent = pts.length + " of " + this.yasr.results.getBindings().length +
        " rows have coordinates. Click a marker for its row.";
      this.yasr.resultsEl.appendChild(caption);
      if (this.map) this.map.remove();
      const tiles = (document.getElementById("yasgui") || {}).dataset || {};
      // one finger scrolls the page past the map on a touch screen, two zoom it (as on the city maps, city-map.js)
      const map = L.map(element, { attributionControl: Boolean(tiles.tileUrl),
                                   dragging: !window.matchMedia("(pointer: coarse)").matches });
      this.map = map;
      if (tiles.tileUrl) L.tileLayer(tiles.tileUrl, { maxZoom: 18 }).addTo(map);
      const markers = pts.map((p) => {
        const marker = L.circleMarker([p.lat, p.lon], { radius: 7, className: "ascn-marker", weight: 2, fillOpacity: 0.8 });
        marker.bindTooltip(asText(p.label), { permanent: pts.length <= 60, direction: "right", className: "map-label" });
        marker.bindPopup(popup(p));
        return marker;
      });
      const group = L.featureGroup(markers).addTo(map);
      map.fitBounds(group.getBounds().pad(0.15), { maxZoom: 10 });
    }
  }

  /* Label + number rows: one label column and at least one column whose every bound value is a number.
     choice = {category, group, value} picks the columns: bars per category value; with a group column, one
     stacked series per group value (of the value column), so "per country, per focus area" reads as one bar per
     country in parts, not as the same country repeated. Without a choice, a category whose values repeat is
     grouped by the next text column. */
  function chartData(results, choice) {
    if (!results || !results.getVariables || !results.getBindings) return null;
    const vars = results.getVariables() || [];
    const rows = results.getBindings() || [];
    if (rows.length === 0 || rows.length > MAX_CHART_ROWS) return null;
    const numeric = vars.filter((v) => {
      const bound = rows.filter((r) => r[v]);
      return bound.length > 0 && bound.every((r) => r[v].type !== "uri" && NUMERIC.test(r[v].datatype || ""));
    });
    const textual = vars.filter((v) => numeric.indexOf(v) < 0 && rows.some((r) => r[v]));
    choice = choice || {};
    const label = textual.indexOf(choice.category) >= 0 ? choice.category : labelVariable(textual, rows);
    if (!numeric.length || !label) return null;
    const text = (r, v) => (r[v] ? r[v].value : "");
    const categories = unique(rows.map((r) => text(r, label)));
    let group = choice.group;
    if (group === undefined) {
      const others = textual.filter((v) => v !== label && !/^https?:/.test(text(rows[0], v)));
      group = categories.length < rows.length && others.length ? others[0] : "";
    }
    if (group && (group === label || textual.indexOf(group) < 0)) group = "";
    const base = { label: label, group: group, textual: textual, numeric: numeric, labels: categories };
    if (!group) {
      return Object.assign(base, {
        value: "",
        labels: rows.map((r) => text(r, label)),
        series: numeric.map((v) => ({ name: v, values: rows.map((r) => (r[v] ? Number(r[v].value) : null)) })),
      });
    }
    const value = numeric.indexOf(choice.value) >= 0 ? choice.value : numeric[0];
    const series = unique(rows.map((r) => text(r, group))).map((name) => {
      const values = categories.map(() => null);
      rows.forEach((r) => {
        if (text(r, group) === name && r[value]) {
          const at = categories.indexOf(text(r, label));
          values[at] = (values[at] || 0) + Number(r[value].value);
        }
      });
      return { name: name || "(none)", values: values };
    });
    return Object.assign(base, { value: value, series: series });
  }

  function unique(values) {
    return values.filter((v, i) => values.indexOf(v) === i);
  }

  const COLOURS = ["#0b5d7a", "#d35400", "#2e8b57", "#7b3fa0", "#b8860b", "#c2185b", "#34495e", "#6d4c41", "#1f4e9c",
                   "#8e6e00", "#a4262c", "#0e7c86"];

  function picker(labelText, options, selected, onChange) {
    const field = document.createElement("label");
    field.className = "ascn-chart-pick";
    field.appendChild(document.createTextNode(labelText + " "));
    const select = document.createElement("select");
    options.forEach(([value, name]) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = name;
      option.selected = value === selected;
      select.appendChild(option);
    });
    select.addEventListener("change", () => onChange(select.value));
    field.appendChild(select);
    return field;
  }

  class ChartView {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 3;
      this.label = "Chart";
      this.chart = null;
      this.choice = null;
    }

    canHandleResults() {
      return chartData(this.yasr.results) !== null;
    }

    getIcon() {
      const icon = document.createElement("span");
      icon.className = "ascn-view-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "▥";
      return icon;
    }

    draw() {
      const data = chartData(this.yasr.results, this.choice);
      const redraw = (change) => {
        this.choice = Object.assign({ category: data.label, group: data.group, value: data.value }, change);
        this.yasr.resultsEl.innerHTML = "";
        this.draw();
      };
      const controls = document.createElement("div");
      controls.className = "ascn-chart-controls";
      controls.appendChild(picker("Bars by", data.textual.map((v) => [v, v]), data.label,
                                  (v) => redraw({ category: v, group: v === data.group ? "" : data.group })));
      controls.appendChild(picker("Grouped by", [["", "nothing"]].concat(
        data.textual.filter((v) => v !== data.label).map((v) => [v, v])), data.group, (v) => redraw({ group: v })));
      if (data.group && data.numeric.length > 1) {
        controls.appendChild(picker("Value", data.numeric.map((v) => [v, v]), data.value, (v) => redraw({ value: v })));
      }
      this.yasr.resultsEl.appendChild(controls);
      const wrap = document.createElement("div");
      wrap.className = "ascn-chart";
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", data.group
        ? "Stacked bar chart of " + data.value + " by " + data.label + ", grouped by " + data.group
        : "Bar chart of " + data.series.map((s) => s.name).join(", ") + " by " + data.label);
      wrap.appendChild(canvas);
      this.yasr.resultsEl.appendChild(wrap);
      if (this.chart) this.chart.destroy();
      const horizontal = data.labels.length > 12;
      wrap.classList.toggle("tall", horizontal);
      this.chart = new Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: data.series.map((s, i) => ({ label: s.name, data: s.values, backgroundColor: COLOURS[i % COLOURS.length] })),
        },
        options: {
          indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
          scales: data.group ? { x: { stacked: true }, y: { stacked: true } } : {},
        },
      });
    }
  }

  window.AscnQueryViews = { MapView: MapView, ChartView: ChartView, points: points, chartData: chartData };
})();
